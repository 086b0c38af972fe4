"""Small icons drawn with QPainter, so they look the same on every platform and theme."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QApplication

SIZE = 32


def _canvas() -> tuple[QPixmap, QPainter, QColor]:
    pixmap = QPixmap(SIZE, SIZE)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    colour = QApplication.palette().buttonText().color()
    return pixmap, painter, colour


def dice() -> QIcon:
    pixmap, painter, colour = _canvas()
    painter.setPen(QPen(colour, 2.2))
    painter.drawRoundedRect(QRectF(4, 4, 24, 24), 5, 5)
    painter.setBrush(colour)
    painter.setPen(Qt.PenStyle.NoPen)
    for x, y in ((10, 10), (16, 16), (22, 22), (22, 10), (10, 22)):
        painter.drawEllipse(QPointF(x, y), 2.3, 2.3)
    painter.end()
    return QIcon(pixmap)


def lock(closed: bool = True) -> QIcon:
    pixmap, painter, colour = _canvas()
    painter.setPen(QPen(colour, 2.6))
    shackle = QRectF(9, 3, 14, 16) if closed else QRectF(15, 1, 14, 16)
    painter.drawArc(shackle, 0, 180 * 16)
    painter.drawLine(QPointF(shackle.left(), 11), QPointF(shackle.left(), 15))
    if closed:
        painter.drawLine(QPointF(shackle.right(), 11), QPointF(shackle.right(), 15))
    painter.setBrush(colour)
    painter.drawRoundedRect(QRectF(6, 14, 20, 15), 3, 3)
    painter.end()
    return QIcon(pixmap)


def lock_icon() -> QIcon:
    """Closed when the button is checked, open when not."""
    icon = QIcon()
    icon.addPixmap(lock(True).pixmap(SIZE), QIcon.Mode.Normal, QIcon.State.On)
    icon.addPixmap(lock(False).pixmap(SIZE), QIcon.Mode.Normal, QIcon.State.Off)
    return icon
