"""Everything the case knows about one artifact, with a preview; every value can be selected.

An artifact a record made (a generated image, a kept step, a figure) names that record as its
origin, not the temporary folder it was stored from; notes the software wrote ("generated, seed
42") are shown in the window's language, through the report's patterns (report/recorded.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QFontDatabase, QGuiApplication, QImage, QPixmap, QResizeEvent, QTextOption
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workstation.app.session import kind_of
from workstation.core.case import Artifact, Record
from workstation.gui import labels
from workstation.gui.widgets.artifact_model import utc_time

PREVIEW_SIDE = 320
MADE_BY = ("output", "step", "figure", "document")  # link roles of what a record made


class WrappingValue(QTextEdit):
    """A long value without spaces (a SHA-256) shown whole: wrapped anywhere, as tall as its
    text, selectable, and copied exactly as stored."""

    def __init__(self, text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setPlainText(text)
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAnywhere)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.viewport().setAutoFillBackground(False)
        self.document().setDocumentMargin(0)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._balance()
        self._fit()
        # QTextEdit re-ranges its scroll bar only when the width changes: nothing to scroll.
        spare = int(self.document().size().height()) - self.viewport().height()
        self.verticalScrollBar().setRange(0, max(0, spare))

    def _balance(self) -> None:
        """Lines of equal length (two halves of a hash, not 62 characters and 2)."""
        text = self.toPlainText()
        wide = self.fontMetrics().horizontalAdvance(text)
        space = max(1, self.viewport().width() - 2 * self.fontMetrics().averageCharWidth())
        if wide <= space:
            self.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
            return
        lines = math.ceil(wide / space)
        self.setLineWrapMode(QTextEdit.LineWrapMode.FixedColumnWidth)
        self.setLineWrapColumnOrWidth(math.ceil(len(text) / lines))

    def _fit(self) -> None:
        """As tall as the wrapped text (the editor lays it out at its width on each resize)."""
        self.setFixedHeight(int(self.document().size().height()) + 2)


class DetailsPane(QScrollArea):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWidgetResizable(True)
        body = QWidget()
        layout = QVBoxLayout(body)
        self.preview = QLabel()
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumHeight(160)
        layout.addWidget(self.preview)
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.addLayout(self.form)
        layout.addStretch(1)
        self.setWidget(body)
        self.artifact: Artifact | None = None
        # The case's records, to name the one that made an artifact (set by the Case panel).
        self.records: Callable[[], list[Record]] = list
        self.show_artifact(None)

    def made_by(self, artifact: Artifact) -> Record | None:
        for record in self.records():
            if any(link.artifact_id == artifact.id for link in record.linked(*MADE_BY)):
                return record
        return None

    def show_artifact(self, artifact: Artifact | None) -> None:
        self.artifact = artifact
        while self.form.rowCount():
            self.form.removeRow(0)
        self.preview.clear()
        if artifact is None:
            self.preview.setText(self.tr("Select an artifact to see its details."))
            return
        self.preview.setText(self.tr("Loading preview…"))
        pixels = f"{artifact.width} × {artifact.height}" if artifact.width else "—"
        size = QLocale().formattedDataSize(artifact.size)
        note = labels.note(artifact.note) if artifact.note else "—"
        record = self.made_by(artifact)
        if record is not None:
            origin = (
                self.tr("Origin"),
                self.tr("made by {kind} record #{id}").format(
                    kind=labels.action(kind_of(record)), id=record.id
                ),
            )
        else:
            origin = (self.tr("Imported from"), artifact.original_path)
        rows = [
            (self.tr("Artifact"), f"#{artifact.id}"),
            (self.tr("Name"), artifact.original_name),
            (self.tr("Role"), labels.role(artifact.role)),
            (self.tr("Note"), note),
            (self.tr("Type"), artifact.media_type),
            (self.tr("Pixels"), pixels),
            (
                self.tr("Size"),
                self.tr("{size} ({bytes} bytes)").format(
                    size=size, bytes=QLocale().toString(artifact.size)
                ),
            ),
            (self.tr("Imported"), utc_time(artifact.imported_at)),
            origin,
        ]
        for name, value in rows:
            field = QLabel(value)
            field.setWordWrap(True)
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.form.addRow(name, field)
        self.form.insertRow(7, self.tr("SHA-256"), self._hash_row(artifact.sha256))

    def _hash_row(self, sha256: str) -> QWidget:
        """The full hash, wrapped rather than clipped, with a button that copies it exactly."""
        value = WrappingValue(sha256)
        value.setObjectName("sha256")
        copy = QToolButton()
        copy.setObjectName("copySha256")
        copy.setText(self.tr("Copy"))
        copy.setToolTip(self.tr("Copy the full SHA-256 to the clipboard"))
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(sha256))
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(value, 1)
        layout.addWidget(copy, 0, Qt.AlignmentFlag.AlignTop)
        return row

    def set_preview(self, sha256: str, image: QImage) -> None:
        if self.artifact is not None and self.artifact.sha256 == sha256:
            self.preview.setPixmap(QPixmap.fromImage(image))
