"""Ask which role files get before they are imported (as one all-or-nothing batch)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from workstation.app.evidence import ImportRequest
from workstation.core.case import ROLES
from workstation.gui import labels


class ImportDialog(QDialog):
    def __init__(self, paths: list[Path], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("importDialog")
        self.paths = paths
        self.setWindowTitle(self.tr("Import into the case"))
        intro = QLabel(
            self.tr(
                "%n file(s) will be copied into the case; the originals are not changed. "
                "If any file cannot be imported, none is.",
                "",
                len(paths),
            )
        )
        intro.setWordWrap(True)
        files = QListWidget()
        files.addItems([str(p) for p in paths])
        files.setMaximumHeight(140)
        self.role = QComboBox()
        self.role.setObjectName("importRole")
        for role in ROLES:
            self.role.addItem(labels.role(role), role)
        self.role.setCurrentIndex(ROLES.index(ImportRequest.role))  # as `case import`
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("optional, e.g. where the file came from"))
        self.role.setToolTip(
            self.tr(
                "Reference: the protected work; disputed: the image in question; "
                "generated: made by a model; other: anything else"
            )
        )
        self.note.setToolTip(
            self.tr("Stored with each file; a wrong note is corrected later by an amendment")
        )
        form = QFormLayout()
        form.addRow(self.tr("Role:"), self.role)
        form.addRow(self.tr("Note:"), self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Import"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(files)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(560, 0)

    def set_role(self, role: str) -> None:
        self.role.setCurrentIndex(ROLES.index(role))

    def values(self) -> tuple[list[Path], str, str]:
        return self.paths, self.role.currentData(), self.note.text().strip()
