"""Two pictures in one view: a wipe (B over A up to a movable line) and blink (A, B, A, …)."""

from __future__ import annotations

from PySide6.QtCore import QLineF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsLineItem, QGraphicsRectItem, QWidget

from workstation.gui.widgets.image_view import ImageView


class WipeView(ImageView):
    """A on the left of the line, B on the right; `set_split(0..1)` moves the line."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.split = 0.5
        self._clip: QGraphicsRectItem | None = None
        self._line: QGraphicsLineItem | None = None

    def set_images(self, a: QImage | None, b: QImage | None, size=None) -> None:
        super().set_images(a, b, size=size)
        self._clip = self._line = None
        if len(self.items) < 2:
            return
        # B hangs under an invisible rectangle that clips it: only the right part shows.
        top = self.items[1]
        self._clip = QGraphicsRectItem()
        self._clip.setPen(Qt.PenStyle.NoPen)
        self._clip.setFlag(QGraphicsItem.GraphicsItemFlag.ItemClipsChildrenToShape)
        self.scene().addItem(self._clip)
        top.setParentItem(self._clip)
        pen = QPen(QColor("#ffcc00"), 0)  # cosmetic: 1 screen pixel at any zoom
        self._line = self.scene().addLine(QLineF(), pen)
        self.set_split(self.split)

    def set_split(self, fraction: float) -> None:
        self.split = min(1.0, max(0.0, fraction))
        if self._clip is None or self._line is None:
            return
        rect = self.scene().sceneRect()
        x = rect.left() + rect.width() * self.split
        self._clip.setRect(QRectF(x, rect.top(), rect.right() - x, rect.height()))
        self._line.setLine(QLineF(x, rect.top(), x, rect.bottom()))


class BlinkView(ImageView):
    """Shows A and B in turn at the same place and zoom."""

    showing = Signal(str)  # "A" or "B"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setInterval(600)
        self.timer.timeout.connect(self.toggle)
        self.current = "A"

    def set_images(self, a: QImage | None, b: QImage | None, size=None) -> None:
        super().set_images(a, b, size=size)
        self.show_side("A")

    def show_side(self, side: str) -> None:
        self.current = side
        if len(self.items) == 2:
            self.items[1].setVisible(side == "B")
        self.showing.emit(side)

    def toggle(self) -> None:
        self.show_side("B" if self.current == "A" else "A")

    def set_running(self, running: bool) -> None:
        if running:
            self.timer.start()
        else:
            self.timer.stop()
