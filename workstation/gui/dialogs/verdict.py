"""The first line of a check's result dialog (verify, report check): a pass or fail icon and the
verdict in bold."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStyle, QWidget


def verdict_row(dialog: QWidget, ok: bool, verdict: str) -> QHBoxLayout:
    headline = QLabel(f"<b>{html.escape(verdict)}</b>")
    headline.setObjectName("verdict")
    headline.setWordWrap(True)
    kind = (
        QStyle.StandardPixmap.SP_DialogApplyButton
        if ok
        else QStyle.StandardPixmap.SP_MessageBoxCritical
    )
    icon = QLabel()
    icon.setPixmap(dialog.style().standardIcon(kind).pixmap(32, 32))
    row = QHBoxLayout()
    row.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
    row.addWidget(headline, 1)
    return row
