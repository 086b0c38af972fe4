"""A zoomable, pannable image view, and `ViewSync`, which keeps several views on the same spot.

Views in one sync group show pictures of the same size (B is shown at A's size), so zoom and
scroll positions carry over exactly.

Inspection tools (`set_tool`): besides panning, the loupe (a magnified inset at the cursor), the
measurements (distance, angle, region) and the annotations (arrow, box, callout). The readout
under the cursor (`hovered`) gives the point in image pixels and the values of every picture of
the view and of its `partners` (the other image of the pair) there. Shapes are kept in scene
coordinates (the first picture's pixels) and drawn over the pictures, following the zoom; a
finished one is given out as a geometry in the pixels of the picture it is on (`geometry`), the
form a finding stores (core/records.py check_geometry).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from PySide6.QtCore import QLineF, QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QPolygonF,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import QGraphicsPixmapItem, QGraphicsScene, QGraphicsView, QWidget

from workstation.core.records import GEOMETRY_POINTS, geometry_measures

ZOOM_STEP = 1.25
MIN_ZOOM, MAX_ZOOM = 0.02, 64.0
TOOLS = ("pan", "loupe", "distance", "angle", "region", "arrow", "box", "callout")
MEASURES = ("distance", "angle", "region")
LOUPE_PIXELS = 17  # image pixels across the loupe (odd: the pointed pixel in the middle)
LOUPE_SIDE = 153  # screen pixels across it (9 per image pixel)
MEASURE_COLOUR = QColor("#00e5ff")
ANNOTATION_COLOUR = QColor("#ff4081")
DRAG_SCREEN_PX = 4  # a press and release further apart than this is a drag (two points)


@dataclass
class Shape:
    """A measurement or annotation, in scene coordinates, drawn on picture `layer`."""

    shape: str
    points: list[QPointF]
    text: str = ""
    layer: int = 0
    stored: bool = False  # drawn from a stored finding
    extra: dict = field(default_factory=dict)


class ImageView(QGraphicsView):
    zoom_changed = Signal(float)  # the new scale factor, 1.0 = one image pixel per screen pixel
    hovered = Signal(str)  # the readout under the cursor ("" when it leaves)
    shape_finished = Signal(dict)  # a measurement or annotation drawn: its geometry
    images_set = Signal()  # new pictures are shown (the shapes drawn went with the old ones)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)  # see real pixels
        self.setBackgroundBrush(self.palette().dark())
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.items: list[QGraphicsPixmapItem] = []
        self.fit_on_resize = True
        # Inspection tools.
        self.sources: list[QImage] = []  # the picture of each item, as given
        self.layer_names: list[str] = []  # how the readout names each picture ("A", "B")
        self.partners: list[ImageView] = []  # views whose pictures the readout reads too
        self.tool = "pan"
        self.callout_text = "?"  # the text a new callout gets
        self.shapes: list[Shape] = []
        self.pending: list[QPointF] = []  # the points of the shape being drawn
        self.hover: QPointF | None = None  # the scene point under the cursor
        self._press_at: QPointF | None = None  # viewport point of a press (for drags)
        self.setMouseTracking(True)
        self.viewport().setMouseTracking(True)

    def set_images(self, *images: QImage | None, size: tuple[int, int] | None = None) -> None:
        """Show the images stacked (first at the bottom), each scaled to `size` if given."""
        self.scene().clear()
        self.items = []
        self.sources = []
        self.shapes = []  # shapes belong to the pictures they were drawn on
        self.pending = []
        for image in images:
            if image is None or image.isNull():
                continue
            self.sources.append(image)
            item = QGraphicsPixmapItem(QPixmap.fromImage(image))
            item.setTransformationMode(Qt.TransformationMode.FastTransformation)
            if size is not None and (image.width(), image.height()) != size:
                item.setTransform(
                    QTransform.fromScale(size[0] / image.width(), size[1] / image.height())
                )
            self.scene().addItem(item)
            self.items.append(item)
        rect = self.scene().itemsBoundingRect() if self.items else QRectF()
        self.scene().setSceneRect(rect)
        if self.fit_on_resize:
            self.fit()
        self.images_set.emit()

    def zoom(self) -> float:
        return self.transform().m11()

    def set_zoom(self, factor: float) -> None:
        self.fit_on_resize = False
        factor = max(MIN_ZOOM, min(MAX_ZOOM, factor))
        if abs(factor - self.zoom()) > 1e-9:
            self.setTransform(QTransform.fromScale(factor, factor))
            self.zoom_changed.emit(factor)

    def zoom_by(self, ratio: float) -> None:
        self.set_zoom(self.zoom() * ratio)

    def actual_size(self) -> None:
        self.set_zoom(1.0)

    def fit(self) -> None:
        self.fit_on_resize = True
        if self.items:
            self.fitInView(self.scene().sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)
            self.zoom_changed.emit(self.zoom())

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom_by(ZOOM_STEP**steps)
        event.accept()

    def mouseDoubleClickEvent(self, event) -> None:
        if self.tool in ("pan", "loupe"):
            self.fit()
        else:
            self.mousePressEvent(event)  # a quick second click is a point too

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.fit_on_resize:
            self.fit()

    # Inspection tools

    def set_tool(self, tool: str) -> None:
        """One of TOOLS: "pan" drags the picture; the others point (and wheel still zooms)."""
        if tool not in TOOLS:
            raise ValueError(f"unknown tool {tool!r}")
        self.tool = tool
        self.pending = []
        hand = tool == "pan"
        self.setDragMode(
            QGraphicsView.DragMode.ScrollHandDrag if hand else QGraphicsView.DragMode.NoDrag
        )
        if hand:
            self.viewport().unsetCursor()
        else:
            self.viewport().setCursor(Qt.CursorShape.CrossCursor)
        self.viewport().update()

    def image_size(self, layer: int = 0) -> tuple[int, int] | None:
        """The size, in its own pixels, of picture `layer`."""
        if layer >= len(self.sources):
            return None
        return self.sources[layer].width(), self.sources[layer].height()

    def layer_point(self, scene_point: QPointF, layer: int = 0) -> QPointF:
        """A scene point in the pixels of picture `layer` (B may be shown at A's size)."""
        return self.items[layer].mapFromScene(scene_point)

    def scene_point(self, point: QPointF, layer: int = 0) -> QPointF:
        """A point in the pixels of picture `layer`, in scene coordinates."""
        return self.items[layer].mapToScene(point)

    def pixel(self, scene_point: QPointF, layer: int = 0) -> tuple[int, int, QColor] | None:
        """(x, y, colour) of the pixel of picture `layer` at a scene point; None outside it."""
        if layer >= len(self.items):
            return None
        local = self.layer_point(scene_point, layer)
        x, y = math.floor(local.x()), math.floor(local.y())
        image = self.sources[layer]
        if not (0 <= x < image.width() and 0 <= y < image.height()):
            return None
        return x, y, image.pixelColor(x, y)

    def readout(self, scene_point: QPointF) -> list[tuple[str, tuple[int, int, QColor] | None]]:
        """(name, pixel) of every picture of this view and of its partners at a scene point."""
        found = []
        for view in (self, *self.partners):
            for layer in range(len(view.items)):
                name = view.layer_names[layer] if layer < len(view.layer_names) else ""
                found.append((name, view.pixel(scene_point, layer)))
        return found

    def readout_text(self, scene_point: QPointF | None) -> str:
        """ "x, y · A R G B · B R G B" in image pixels (B's own pixel named if it differs)."""
        if scene_point is None or not self.items:
            return ""
        values = self.readout(scene_point)
        first = next((pixel for _name, pixel in values if pixel is not None), None)
        if first is None or self.pixel(scene_point) is None:
            return self.tr("outside the image")
        x, y = first[0], first[1]
        parts = []
        for name, pixel in values:
            if pixel is None:
                continue
            px, py, colour = pixel
            value = f"{colour.red()} {colour.green()} {colour.blue()}"
            if (px, py) != (x, y):
                value += f" @{px}, {py}"
            parts.append(f"{name} {value}".strip())
        return f"{x}, {y} · " + " · ".join(parts)

    def geometry(self, shape: Shape) -> dict:
        """A shape as a finding stores it: its points in the pixels of the picture it is on."""
        width, height = self.image_size(shape.layer) or (1, 1)
        points = []
        for point in shape.points:
            local = self.layer_point(point, shape.layer)
            x = min(float(width), max(0.0, round(local.x(), 1)))
            y = min(float(height), max(0.0, round(local.y(), 1)))
            points.append([x, y])
        geometry: dict = {
            "shape": shape.shape,
            "points": points,
            "image": {"width": width, "height": height},
        }
        if shape.text:
            geometry["text"] = shape.text
        return geometry

    def add_geometry(self, geometry: dict, layer: int = 0, stored: bool = True) -> Shape | None:
        """Draw a stored geometry (a finding's) on picture `layer`; None without that picture."""
        if layer >= len(self.items):
            return None
        points = [self.scene_point(QPointF(x, y), layer) for x, y in geometry["points"]]
        shape = Shape(geometry["shape"], points, geometry.get("text") or "", layer, stored)
        self.shapes.append(shape)
        self.viewport().update()
        return shape

    def clear_shapes(self, stored: bool | None = None) -> None:
        """Remove the shapes drawn (only the stored or only the drawn ones, if said)."""
        self.shapes = [s for s in self.shapes if stored is not None and s.stored != stored]
        self.pending = []
        self.viewport().update()

    def shape_layer(self) -> int:
        """The picture a new shape is drawn on: the first (A), or B while a blink shows it."""
        return 1 if len(self.items) == 2 and getattr(self, "current", "A") == "B" else 0

    def measure_text(self, shape: Shape) -> str:
        """What the shape measures, in the pixels of its picture ("" for an arrow or a box)."""
        if shape.shape == "callout":
            return shape.text
        if shape.shape not in MEASURES or self.image_size(shape.layer) is None:
            return ""
        values = geometry_measures(self.geometry(shape))
        if shape.shape == "distance":
            return self.tr("{length:.1f} px").format(length=values["length"])
        if shape.shape == "angle":
            return f"{values['degrees']:.1f}°"
        return self.tr("{w:g} × {h:g} px · {area:g} px²").format(
            w=round(values["width"], 1),
            h=round(values["height"], 1),
            area=round(values["area"], 1),
        )

    def _scene_at(self, event: QMouseEvent) -> QPointF:
        """The point clicked, inside the pictures; on whole pixels below 2× zoom, where one
        screen pixel spans an image pixel or more and decimals would be noise."""
        point = self._clamped(self.mapToScene(event.position().toPoint()))
        if self.zoom() < 2:
            point = QPointF(round(point.x()), round(point.y()))
        return point

    def _add_point(self, point: QPointF) -> None:
        self.pending.append(point)
        if len(self.pending) < GEOMETRY_POINTS[self.tool]:
            self.viewport().update()
            return
        text = (self.callout_text.strip() or "?") if self.tool == "callout" else ""
        shape = Shape(self.tool, self.pending, text, self.shape_layer())
        self.pending = []
        self.shapes.append(shape)
        self.viewport().update()
        self.shape_finished.emit(self.geometry(shape))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self.tool in ("pan", "loupe") or not self.items:
            super().mousePressEvent(event)
            return
        if event.button() == Qt.MouseButton.RightButton:
            self.pending = []  # a right click drops the shape being drawn
            self.viewport().update()
            event.accept()
            return
        if event.button() != Qt.MouseButton.LeftButton:
            return
        self._press_at = event.position()
        self._add_point(self._scene_at(event))
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        start, self._press_at = self._press_at, None
        if self.tool in ("pan", "loupe") or start is None:
            super().mouseReleaseEvent(event)
            return
        # A drag draws a two-point shape in one stroke: the release is its second point.
        moved = QLineF(start, event.position()).length() > DRAG_SCREEN_PX
        if moved and len(self.pending) == 1 and GEOMETRY_POINTS[self.tool] >= 2:
            self._add_point(self._scene_at(event))
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        if not self.items:
            return
        self.hover = self.mapToScene(event.position().toPoint())
        self.hovered.emit(self.readout_text(self.hover))
        if self.tool != "pan":
            self.viewport().update()

    def leaveEvent(self, event) -> None:
        super().leaveEvent(event)
        self.hover = None
        self.hovered.emit("")
        self.viewport().update()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.pending:
            self.pending = []
            self.viewport().update()
            event.accept()
            return
        super().keyPressEvent(event)

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        super().drawForeground(painter, rect)
        self.draw_shapes(painter)
        if self.pending and self.hover is not None and self.tool in GEOMETRY_POINTS:
            # The shape being drawn, its next point under the cursor.
            points = [*self.pending, self._clamped(self.hover)]
            if len(points) <= GEOMETRY_POINTS[self.tool]:
                preview = Shape(self.tool, points, "", self.shape_layer())
                done = len(points) == GEOMETRY_POINTS[self.tool]
                text = self.measure_text(preview) if done else ""
                self._draw_shape(painter, self.tool, points, text)

    def draw_shapes(self, painter: QPainter) -> None:
        """The measurements and annotations, with `painter` in scene coordinates (the view's
        foreground, or an exported figure)."""
        for shape in self.shapes:
            self._draw_shape(painter, shape.shape, shape.points, self.measure_text(shape))

    def _clamped(self, point: QPointF) -> QPointF:
        rect = self.scene().sceneRect()
        return QPointF(
            min(rect.right(), max(rect.left(), point.x())),
            min(rect.bottom(), max(rect.top(), point.y())),
        )

    def _draw_shape(self, painter: QPainter, kind: str, points: list[QPointF], text: str) -> None:
        colour = MEASURE_COLOUR if kind in MEASURES else ANNOTATION_COLOUR
        painter.save()
        pen = QPen(colour, 2)
        pen.setCosmetic(True)  # the same width at any zoom; the shape follows the zoom
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        anchor = points[-1]
        if kind in ("box", "region") and len(points) == 2:
            box = QRectF(points[0], points[1]).normalized()
            if kind == "region":
                fill = QColor(colour)
                fill.setAlpha(40)
                painter.setBrush(QBrush(fill))
            painter.drawRect(box)
            anchor = box.bottomRight()
        elif kind == "callout":
            anchor = points[0]
        else:
            for start, end in zip(points, points[1:], strict=False):
                painter.drawLine(QLineF(start, end))
            if kind == "angle" and len(points) == 3:
                anchor = points[1]
        # Arrow heads, dots and labels keep their size on screen: drawn in viewport pixels.
        to_screen = painter.transform()
        painter.resetTransform()
        painter.setBrush(QBrush(colour))
        for point in points if kind != "arrow" else points[:1]:
            painter.drawEllipse(to_screen.map(point), 3, 3)
        if kind == "arrow" and len(points) == 2:
            tail, tip = to_screen.map(points[0]), to_screen.map(points[1])
            angle = math.atan2(tip.y() - tail.y(), tip.x() - tail.x())
            head = QPolygonF(
                [
                    tip,
                    tip - QPointF(math.cos(angle - 0.4) * 14, math.sin(angle - 0.4) * 14),
                    tip - QPointF(math.cos(angle + 0.4) * 14, math.sin(angle + 0.4) * 14),
                ]
            )
            painter.drawPolygon(head)
        if text:
            self._draw_label(painter, to_screen.map(anchor), text, colour)
        painter.restore()

    def _draw_label(self, painter: QPainter, at: QPointF, text: str, colour: QColor) -> None:
        font = QFont(self.font())
        font.setBold(True)
        painter.setFont(font)
        metrics = QFontMetricsF(font)
        box = metrics.boundingRect(text).adjusted(-4, -2, 4, 2)
        box.moveTopLeft(at + QPointF(8, 6))
        path = QPainterPath()
        path.addRoundedRect(box, 3, 3)
        painter.setPen(QPen(colour, 1))
        painter.setBrush(QColor(0, 0, 0, 190))
        painter.drawPath(path)
        painter.setPen(QColor("white"))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self.tool == "loupe" and self.hover is not None and self.items:
            painter = QPainter(self.viewport())
            try:
                self._draw_loupe(painter)
            finally:
                painter.end()

    def loupe_rect(self) -> QRectF:
        """Where the loupe is drawn in the viewport: beside the cursor, inside the view."""
        at = self.mapFromScene(self.hover or QPointF())
        x, y = at.x() + 24, at.y() + 24
        if x + LOUPE_SIDE > self.viewport().width():
            x = at.x() - 24 - LOUPE_SIDE
        if y + LOUPE_SIDE > self.viewport().height():
            y = at.y() - 24 - LOUPE_SIDE
        return QRectF(max(0, x), max(0, y), LOUPE_SIDE, LOUPE_SIDE)

    def _draw_loupe(self, painter: QPainter) -> None:
        """The pictures around the pointed pixel, magnified, with that pixel outlined."""
        assert self.hover is not None
        centre = QPointF(math.floor(self.hover.x()) + 0.5, math.floor(self.hover.y()) + 0.5)
        half = LOUPE_PIXELS / 2
        source = QRectF(centre.x() - half, centre.y() - half, LOUPE_PIXELS, LOUPE_PIXELS)
        target = self.loupe_rect()
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        painter.fillRect(target, self.palette().dark())
        self.scene().render(painter, target, source, Qt.AspectRatioMode.IgnoreAspectRatio)
        cell = LOUPE_SIDE / LOUPE_PIXELS
        middle = QRectF(
            target.left() + cell * (LOUPE_PIXELS // 2),
            target.top() + cell * (LOUPE_PIXELS // 2),
            cell,
            cell,
        )
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(QColor("white"), 1))
        painter.drawRect(middle.adjusted(-1, -1, 1, 1))
        painter.setPen(QPen(QColor("black"), 1))
        painter.drawRect(middle.adjusted(-2, -2, 2, 2))
        painter.setPen(QPen(QColor("#ffcc00"), 2))
        painter.drawRect(target)


class ViewSync(QObject):
    """Keeps zoom and scroll position equal across views (B is always shown at A's size)."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.views: list[ImageView] = []
        self._busy = False

    def add(self, view: ImageView) -> None:
        self.views.append(view)
        view.zoom_changed.connect(lambda _=0.0, v=view: self._follow(v))
        view.horizontalScrollBar().valueChanged.connect(lambda _=0, v=view: self._follow(v))
        view.verticalScrollBar().valueChanged.connect(lambda _=0, v=view: self._follow(v))

    def _follow(self, leader: ImageView) -> None:
        # Only a view on screen leads: hidden ones are resized and fitted by Qt at odd moments.
        if self._busy or not leader.isVisible():
            return
        self._busy = True
        try:
            for view in self.views:
                if view is not leader:
                    self.align(view, leader)
        finally:
            self._busy = False

    @staticmethod
    def align(view: ImageView, leader: ImageView) -> None:
        """Show in `view` what `leader` shows: fitted, or the same zoom and position."""
        view.fit_on_resize = leader.fit_on_resize
        if leader.fit_on_resize:
            view.fit()
            return
        view.setTransform(leader.transform())
        view.horizontalScrollBar().setValue(leader.horizontalScrollBar().value())
        view.verticalScrollBar().setValue(leader.verticalScrollBar().value())
