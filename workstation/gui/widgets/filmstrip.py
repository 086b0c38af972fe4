"""A strip of the denoising steps kept from a generation; clicking one shows it large."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import QListView, QListWidget, QListWidgetItem, QWidget

FRAME = 72


class Filmstrip(QListWidget):
    frame_chosen = Signal(QImage, str)  # the picture and its caption

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("filmstrip")
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(False)
        self.setMovement(QListView.Movement.Static)
        self.setIconSize(QSize(FRAME, FRAME))
        self.setGridSize(QSize(FRAME + 14, FRAME + 26))
        self.setFixedHeight(FRAME + 46)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.currentItemChanged.connect(self._chosen)

    def set_frames(self, frames: list[tuple[str, str, QImage]]) -> None:
        """`frames`: (short label, caption, picture), in step order."""
        self.clear()
        for label, caption, image in frames:
            # Latent previews are an eighth of the size: enlarge them (blocky, as they are).
            frame = image.scaled(
                FRAME,
                FRAME,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.FastTransformation,
            )
            item = QListWidgetItem(QIcon(QPixmap.fromImage(frame)), label)
            item.setData(Qt.ItemDataRole.UserRole, (image, caption))
            item.setToolTip(caption)
            item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter)
            self.addItem(item)

    def _chosen(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            image, caption = item.data(Qt.ItemDataRole.UserRole)
            self.frame_chosen.emit(image, caption)
