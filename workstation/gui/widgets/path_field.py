"""A path typed or chosen: a line edit with a Browse… button that opens the right file dialog."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLineEdit, QPushButton, QWidget

FOLDER, OPEN_FILE, SAVE_FILE = "folder", "open file", "save file"


class PathField(QWidget):
    changed = Signal()

    def __init__(
        self, mode: str = FOLDER, file_filter: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.mode, self.file_filter = mode, file_filter
        self.edit = QLineEdit()
        self.edit.setClearButtonEnabled(True)
        self.edit.textChanged.connect(self.changed)
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self.browse)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(browse)

    def path(self) -> Path | None:
        text = self.edit.text().strip()
        return Path(text) if text else None

    def set_path(self, path: str | Path | None) -> None:
        self.edit.setText(str(path) if path else "")

    def browse(self) -> None:
        start = self.edit.text().strip()
        if self.mode == FOLDER:
            chosen = QFileDialog.getExistingDirectory(self, self.tr("Choose a folder"), start)
        elif self.mode == OPEN_FILE:
            title = self.tr("Choose a file")
            chosen, _ = QFileDialog.getOpenFileName(self, title, start, self.file_filter)
        else:
            title = self.tr("Save as")
            chosen, _ = QFileDialog.getSaveFileName(self, title, start, self.file_filter)
        if chosen:
            self.edit.setText(chosen)
