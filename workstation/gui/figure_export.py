"""Export Figure…: the context menu of the window's figure views (the Compare panel's difference
map and keypoint matches, the Generate panel's steps, a study's plot and images). It writes the
figure as shown, at its own pixel size, with its caption and SHA-256 (app/figures.py); given
`store`, it then keeps the PNG in the open case as an artifact too (the Compare panel's)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import QCoreApplication, QPoint, QRectF, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from workstation.app.figures import ExportedFigure, export_figure
from workstation.core.errors import InputError
from workstation.gui.widgets.image_view import ImageView


class FigureExport:
    """The "Export Figure…" action of one view: `caption()` gives the figure's caption now,
    `colour_bar` adds the difference scale beneath (for a difference map); `store(figure)`, when
    given, keeps the written figure in the case and returns a sentence saying so."""

    def __init__(
        self,
        view: ImageView,
        name: str,
        caption: Callable[[], str],
        colour_bar: bool = False,
        store: Callable[[ExportedFigure], str] | None = None,
    ):
        self.view, self.name, self.caption, self.colour_bar = view, name, caption, colour_bar
        self.store = store
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._menu_requested)

    def menu(self) -> QMenu:
        menu = QMenu(self.view)
        action = menu.addAction(QCoreApplication.translate("FigureExport", "Export Figure…"))
        action.setObjectName("exportFigure")
        action.setEnabled(bool(self.view.items))
        action.triggered.connect(self.ask)
        return menu

    def _menu_requested(self, position: QPoint) -> None:
        self.menu().exec(self.view.viewport().mapToGlobal(position))

    def ask(self) -> ExportedFigure | None:
        """Ask where, then export; a problem is said in a message box."""
        path, _ = QFileDialog.getSaveFileName(
            self.view,
            QCoreApplication.translate("FigureExport", "Export Figure"),
            f"{self.name}.png",
            QCoreApplication.translate("FigureExport", "PNG image (*.png)"),
        )
        if not path:
            return None
        try:
            done = self.export(Path(path), force=True)  # the dialog asked about replacing it
        except InputError as error:
            QMessageBox.warning(
                self.view, QCoreApplication.translate("FigureExport", "Export Figure"), str(error)
            )
            return None
        said = QCoreApplication.translate(
            "FigureExport", "Saved {png} with its caption ({txt}).\nSHA-256 {sha}"
        ).format(png=done.png.name, txt=done.caption.name, sha=done.sha256)
        if self.store is not None:
            said += "\n" + self.store(done)
        QMessageBox.information(
            self.view, QCoreApplication.translate("FigureExport", "Export Figure"), said
        )
        return done

    def export(self, path: Path, force: bool = False) -> ExportedFigure:
        caption = self.caption()
        if self.colour_bar:
            caption += " " + QCoreApplication.translate(
                "FigureExport",
                "Bottom strip: the colour scale, from 0 (left) to 255 (right), the largest "
                "difference of R, G, B in 8-bit levels.",
            )
        return export_figure(
            shown_pixels(self.view), caption, path, colour_bar=self.colour_bar, force=force
        )


def shown_pixels(view: ImageView) -> np.ndarray:
    """The view's pictures as shown (stacked, each at its shown size) with the shapes drawn over
    them, at scene scale: (H, W, 3)."""
    rect = view.scene().sceneRect()  # the pictures' rectangle (marks may reach past it)
    image = QImage(
        max(1, round(rect.width())), max(1, round(rect.height())), QImage.Format.Format_RGB888
    )
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    view.scene().render(painter, QRectF(image.rect()), rect)
    # The examiner's measurements and annotations, as drawn over the view.
    painter.translate(-rect.left(), -rect.top())
    view.draw_shapes(painter)
    painter.end()
    stride = image.bytesPerLine()
    rows = np.frombuffer(image.constBits(), np.uint8, stride * image.height())
    return (
        rows.reshape(image.height(), stride)[:, : image.width() * 3]
        .reshape(image.height(), image.width(), 3)
        .copy()
    )
