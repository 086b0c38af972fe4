"""A zoomable, pannable image view, and `ViewSync`, which keeps several views on the same spot.

Views in one sync group show pictures of the same size (B is shown at A's size), so zoom and
scroll positions carry over exactly.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QRectF, Qt, Signal
from PySide6.QtGui import QImage, QPainter, QPixmap, QTransform, QWheelEvent
from PySide6.QtWidgets import QGraphicsPixmapItem, QGraphicsScene, QGraphicsView, QWidget

ZOOM_STEP = 1.25
MIN_ZOOM, MAX_ZOOM = 0.02, 64.0


class ImageView(QGraphicsView):
    zoom_changed = Signal(float)  # the new scale factor, 1.0 = one image pixel per screen pixel

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

    def set_images(self, *images: QImage | None, size: tuple[int, int] | None = None) -> None:
        """Show the images stacked (first at the bottom), each scaled to `size` if given."""
        self.scene().clear()
        self.items = []
        for image in images:
            if image is None or image.isNull():
                continue
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
        self.fit()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.fit_on_resize:
            self.fit()


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
