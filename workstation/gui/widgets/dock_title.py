"""A panel's dock title bar: no second title and no close button under a tab, only a "?" that
opens the guide at the panel's section; the panel's name shows while the dock stands alone."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDockWidget, QHBoxLayout, QLabel, QToolButton, QWidget


class DockTitle(QWidget):
    help_requested = Signal(str)  # the guide's section

    def __init__(self, dock: QDockWidget, section: str):
        super().__init__(dock)
        self.label = QLabel(dock.windowTitle())  # ignores the mouse: the dock still drags by it
        dock.windowTitleChanged.connect(self.label.setText)
        self.help = QToolButton()
        self.help.setObjectName(f"help_{section}")
        self.help.setText("?")
        self.help.setAutoRaise(True)
        self.help.setToolTip(self.tr("Open the user guide at this panel (F1: the whole guide)"))
        self.help.clicked.connect(lambda: self.help_requested.emit(section))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 2, 0)
        layout.addWidget(self.label)
        layout.addStretch(1)
        layout.addWidget(self.help)

    def set_tabbed(self, tabbed: bool) -> None:
        self.label.setVisible(not tabbed)
