"""Small icons drawn with QPainter, so they look the same on every platform and theme."""

from __future__ import annotations

import functools

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


# A finding's status: the colour says it at a glance, the mark says it without colour vision.
STATUS_COLOURS = {"ok": "#2e8b57", "check": "#c98a00", "warning": "#d03030"}


@functools.cache  # drawn once: table rows ask for it on every repaint
def status(value: str) -> QIcon:
    pixmap, painter, _ = _canvas()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(STATUS_COLOURS[value]))
    painter.drawEllipse(QRectF(2, 2, 28, 28))
    pen = QPen(QColor("white"), 3.4)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    if value == "ok":  # a tick
        painter.drawPolyline([QPointF(9, 16.5), QPointF(14, 21.5), QPointF(23, 11)])
    elif value == "check":  # a question mark
        painter.drawArc(QRectF(11, 7, 10, 9), -90 * 16, 270 * 16)
        painter.drawLine(QPointF(16, 16), QPointF(16, 18.5))
        painter.drawPoint(QPointF(16, 24))
    else:  # an exclamation mark
        painter.drawLine(QPointF(16, 8), QPointF(16, 18))
        painter.drawPoint(QPointF(16, 24))
    painter.end()
    return QIcon(pixmap)
