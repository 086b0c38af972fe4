"""Two pictures in one view: a wipe (B over A up to a movable line) and blink (A, B, A, …);
marks drawn over them (the homography's inlier points), the difference map's colour bar and a
colour legend."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsRectItem,
    QHBoxLayout,
    QLabel,
    QWidget,
)

from workstation.analysis import structure
from workstation.gui.images import to_qimage
from workstation.gui.widgets.image_view import ImageView

MARK_RADIUS = 4  # screen pixels: a mark keeps its size at any zoom


class MarkedView(ImageView):
    """An image view that can draw small circles over its pictures at scene (A pixel) points."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.marks: list[QGraphicsEllipseItem] = []
        self._mark_points: np.ndarray | None = None
        self._mark_colour = QColor("#28dc3c")

    def set_images(self, *images: QImage | None, size: tuple[int, int] | None = None) -> None:
        self.marks = []  # the scene is cleared with its items
        super().set_images(*images, size=size)

    def set_marks(self, points: np.ndarray | None, colour: Sequence[int] | None = None) -> None:
        """Circles at `points` ((N, 2) x, y in scene pixels), or none; kept over new pictures."""
        self._mark_points = None if points is None else np.asarray(points, dtype=float)
        if colour is not None:
            self._mark_colour = QColor(*colour)
        self._draw_marks()

    def _draw_marks(self) -> None:
        for item in self.marks:
            self.scene().removeItem(item)
        self.marks = []
        if self._mark_points is None or not self.items:
            return
        pen = QPen(self._mark_colour, 0)  # cosmetic
        r = MARK_RADIUS
        for x, y in self._mark_points:
            item = QGraphicsEllipseItem(QRectF(-r, -r, 2 * r, 2 * r))
            item.setPen(pen)
            item.setPos(QPointF(float(x) + 0.5, float(y) + 0.5))  # the pixel's centre
            item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
            item.setZValue(10)
            self.scene().addItem(item)
            self.marks.append(item)


class WipeView(MarkedView):
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
        self._draw_marks()

    def set_split(self, fraction: float) -> None:
        self.split = min(1.0, max(0.0, fraction))
        if self._clip is None or self._line is None:
            return
        rect = self.scene().sceneRect()
        x = rect.left() + rect.width() * self.split
        self._clip.setRect(QRectF(x, rect.top(), rect.right() - x, rect.height()))
        self._line.setLine(QLineF(x, rect.top(), x, rect.bottom()))


class BlinkView(MarkedView):
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
        self._draw_marks()
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


class ColourBar(QWidget):
    """The difference map's colour scale, drawn live: `structure.colour_scale`, the colours the
    map and an exported figure's strip use, from 0 (left) to 255 (right), with ticks."""

    TICKS = (0, 32, 64, 128, 192, 255)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setMinimumHeight(34)
        self.setMinimumWidth(200)

    def sizeHint(self) -> QSize:
        return QSize(360, 34)

    def bar_image(self, width: int) -> QImage:
        return to_qimage(structure.colour_scale(max(2, width), 1))

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        metrics = painter.fontMetrics()
        margin = metrics.horizontalAdvance("255") // 2 + 2
        width = max(2, self.width() - 2 * margin)
        bar_height = max(8, self.height() - metrics.height() - 6)
        bar = QRectF(margin, 1, width, bar_height)
        painter.drawImage(bar, self.bar_image(width))
        painter.setPen(self.palette().windowText().color())
        painter.drawRect(bar.adjusted(-0.5, -0.5, 0.5, 0.5))
        for value in self.TICKS:
            x = margin + (width - 1) * value / 255
            painter.drawLine(QLineF(x, bar.bottom(), x, bar.bottom() + 3))
            text = str(value)
            left = x - metrics.horizontalAdvance(text) / 2
            painter.drawText(QPointF(left, bar.bottom() + 3 + metrics.ascent()), text)
        painter.end()


def swatch(colour: Sequence[int], text: str, tip: str = "") -> QWidget:
    """A legend entry: a small square of `colour` (RGB) and its meaning."""
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 8, 0)
    square = QLabel()
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(*colour))
    square.setPixmap(pixmap)
    label = QLabel(text)
    row.addWidget(square)
    row.addWidget(label)
    box.setToolTip(tip or text)
    return box
