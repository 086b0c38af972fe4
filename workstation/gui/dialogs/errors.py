"""Errors as dialogs: a user error says what to fix; a bug says so, without a traceback."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget


def show_error(parent: QWidget | None, message: str, bug: bool = False) -> QMessageBox:
    """Show `message` window-modally (non-blocking); returns the box so tests can read it."""
    box = QMessageBox(parent)
    box.setObjectName("errorBox")
    if bug:
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle(QCoreApplication.translate("Errors", "Unexpected error"))
        box.setText(
            QCoreApplication.translate(
                "Errors", "Something went wrong inside the workstation. Nothing was changed."
            )
        )
        details = QCoreApplication.translate(
            "Errors", "Details: {message}\nThe full report was written to the log."
        )
        box.setInformativeText(details.format(message=message))
    else:
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(QCoreApplication.translate("Errors", "Cannot do that"))
        box.setText(message[:1].upper() + message[1:])
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.open()
    return box
