"""Everything the case knows about one artifact, with a preview; every value can be selected."""

from __future__ import annotations

from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QFormLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from workstation.core.case import Artifact
from workstation.gui import labels
from workstation.gui.widgets.artifact_model import utc_time

PREVIEW_SIDE = 320


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
        self.show_artifact(None)

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
        rows = [
            (self.tr("Artifact"), f"#{artifact.id}"),
            (self.tr("Name"), artifact.original_name),
            (self.tr("Role"), labels.role(artifact.role)),
            (self.tr("Note"), artifact.note or "—"),
            (self.tr("Type"), artifact.media_type),
            (self.tr("Pixels"), pixels),
            (
                self.tr("Size"),
                self.tr("{size} ({bytes} bytes)").format(
                    size=size, bytes=QLocale().toString(artifact.size)
                ),
            ),
            (self.tr("SHA-256"), artifact.sha256),
            (self.tr("Imported"), utc_time(artifact.imported_at)),
            (self.tr("Imported from"), artifact.original_path),
        ]
        for name, value in rows:
            field = QLabel(value)
            field.setWordWrap(True)
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            if name == self.tr("SHA-256"):
                field.setObjectName("sha256")
                field.setStyleSheet("font-family: monospace;")
            self.form.addRow(name, field)

    def set_preview(self, sha256: str, image: QImage) -> None:
        if self.artifact is not None and self.artifact.sha256 == sha256:
            self.preview.setPixmap(QPixmap.fromImage(image))
