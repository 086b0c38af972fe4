"""The inspection tool bar: pan, loupe, the measurements (distance, angle, region) and the
annotations (arrow, box, callout) of the image views it drives, the readout under the cursor,
and "Record as finding…" for the last shape drawn.

`InspectTools` drives any `ImageView`s; `CompareInspection` binds it to the Compare panel: the
readout of A's view gives B's value too (and the reverse), a shape drawn is about A or B, and a
stored finding's shape is drawn again on the artifact it was drawn on (`show_finding`).
A recorded shape goes to the window (`record_requested`), which opens the finding dialog.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workstation.core.records import geometry_measures
from workstation.gui.widgets.image_view import TOOLS, ImageView

SHORTCUTS = {
    "pan": "H",
    "loupe": "L",
    "distance": "D",
    "angle": "G",
    "region": "R",
    "arrow": "W",
    "box": "B",
    "callout": "T",
}
# (view, picture) -> the artifact id it shows, or None (a derived picture: nothing to record)
ArtifactOf = Callable[[ImageView, int], "int | None"]


def tool_titles() -> dict[str, tuple[str, str]]:
    """tool -> (button text, tooltip)."""
    return {
        "pan": (
            QCoreApplication.translate("InspectTools", "Pan"),
            QCoreApplication.translate("InspectTools", "Drag to move the picture; wheel to zoom"),
        ),
        "loupe": (
            QCoreApplication.translate("InspectTools", "Loupe"),
            QCoreApplication.translate(
                "InspectTools",
                "A magnified inset at the cursor, with the pixel's coordinates and values",
            ),
        ),
        "distance": (
            QCoreApplication.translate("InspectTools", "Distance"),
            QCoreApplication.translate(
                "InspectTools", "Click two points: their distance in image pixels"
            ),
        ),
        "angle": (
            QCoreApplication.translate("InspectTools", "Angle"),
            QCoreApplication.translate(
                "InspectTools", "Click three points: the angle at the second one, in degrees"
            ),
        ),
        "region": (
            QCoreApplication.translate("InspectTools", "Region"),
            QCoreApplication.translate(
                "InspectTools",
                "Click two corners (or drag): the region's width, height and area in pixels",
            ),
        ),
        "arrow": (
            QCoreApplication.translate("InspectTools", "Arrow"),
            QCoreApplication.translate(
                "InspectTools", "Click the tail, then the tip (or drag): an arrow"
            ),
        ),
        "box": (
            QCoreApplication.translate("InspectTools", "Box"),
            QCoreApplication.translate(
                "InspectTools", "Click two corners (or drag): a box around what matters"
            ),
        ),
        "callout": (
            QCoreApplication.translate("InspectTools", "Callout"),
            QCoreApplication.translate(
                "InspectTools", "Click a point: a label with the text typed beside"
            ),
        ),
    }


def _n(value: float) -> str:
    return f"{round(value, 1):g}"


def geometry_words(geometry: dict) -> str:
    """A finding's geometry in words, in the window's language: "Box at (120, 80), 64 × 40 px"."""
    values = geometry_measures(geometry)
    points = geometry["points"]
    at = f"({_n(values['x'])}, {_n(values['y'])})"
    shape = geometry["shape"]
    if shape == "arrow":
        return QCoreApplication.translate(
            "InspectTools", "Arrow from {start} to {end}, {length} px"
        ).format(
            start=f"({_n(points[0][0])}, {_n(points[0][1])})",
            end=f"({_n(points[1][0])}, {_n(points[1][1])})",
            length=_n(values["length"]),
        )
    if shape == "distance":
        return QCoreApplication.translate(
            "InspectTools", "Distance {length} px from {start} to {end}"
        ).format(
            length=_n(values["length"]),
            start=f"({_n(points[0][0])}, {_n(points[0][1])})",
            end=f"({_n(points[1][0])}, {_n(points[1][1])})",
        )
    if shape == "angle":
        return QCoreApplication.translate("InspectTools", "Angle {degrees}° at {at}").format(
            degrees=_n(values["degrees"]), at=at
        )
    if shape == "box":
        return QCoreApplication.translate("InspectTools", "Box at {at}, {w} × {h} px").format(
            at=at, w=_n(values["width"]), h=_n(values["height"])
        )
    if shape == "region":
        return QCoreApplication.translate(
            "InspectTools", "Region at {at}, {w} × {h} px ({area} px²)"
        ).format(at=at, w=_n(values["width"]), h=_n(values["height"]), area=_n(values["area"]))
    return QCoreApplication.translate("InspectTools", "Callout at {at}: “{text}”").format(
        at=at, text=geometry.get("text", "")
    )


class InspectTools(QWidget):
    """Checkable tool buttons, the callout's text, Clear, Record as finding…, and the readout."""

    tool_changed = Signal(str)
    record_requested = Signal(int, dict)  # artifact id, geometry: the window asks for a finding

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("inspectTools")
        self.views: list[ImageView] = []
        self.artifact_of: ArtifactOf = lambda _view, _layer: None
        self.last: tuple[ImageView, dict] | None = None  # the last shape drawn, and its view
        self.buttons = QButtonGroup(self)
        self.buttons.setExclusive(True)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for number, (tool, (text, tip)) in enumerate(tool_titles().items()):
            button = QToolButton()
            button.setText(text)
            button.setCheckable(True)
            button.setObjectName(f"tool_{tool}")
            button.setShortcut(SHORTCUTS[tool])
            button.setToolTip(f"{tip} ({SHORTCUTS[tool]})")
            self.buttons.addButton(button, number)
            row.addWidget(button)
        self.buttons.button(0).setChecked(True)
        self.buttons.idClicked.connect(lambda number: self.set_tool(TOOLS[number]))

        self.callout = QLineEdit()
        self.callout.setObjectName("calloutText")
        self.callout.setPlaceholderText(self.tr("Callout text"))
        self.callout.setToolTip(self.tr("The text of the next callout you place"))
        self.callout.setMaximumWidth(200)
        self.callout.textChanged.connect(self._callout_changed)
        self.callout.setVisible(False)
        row.addWidget(self.callout)

        self.clear_button = QToolButton()
        self.clear_button.setText(self.tr("Clear"))
        self.clear_button.setObjectName("clearShapes")
        self.clear_button.setToolTip(
            self.tr("Remove the measurements and annotations drawn (Esc drops the one begun)")
        )
        self.clear_button.clicked.connect(self.clear)
        row.addWidget(self.clear_button)
        self.record_button = QToolButton()
        self.record_button.setText(self.tr("Record as Finding…"))
        self.record_button.setObjectName("recordShape")
        self.record_button.clicked.connect(self.record)
        row.addWidget(self.record_button)
        row.addStretch(1)

        self.readout = QLabel()
        self.readout.setObjectName("inspectReadout")
        self.readout.setToolTip(
            self.tr(
                "Under the cursor: x, y in image pixels (from the top-left corner, 0-based), "
                "then R G B of each picture there (0–255)"
            )
        )
        self.readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.readout.setMinimumWidth(220)
        self.readout.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.result = QLabel()
        self.result.setObjectName("inspectResult")
        self.result.setToolTip(self.tr("The last measurement or annotation, in image pixels"))
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        values = QHBoxLayout()
        values.setContentsMargins(0, 0, 0, 0)
        values.addWidget(self.readout, 1)
        values.addWidget(self.result)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addLayout(values)
        self.tool = "pan"
        self._update_record()

    def attach(self, view: ImageView) -> None:
        """Drive `view`: its tool, readout and shapes."""
        self.views.append(view)
        view.set_tool(self.tool)
        view.callout_text = self.callout.text()
        view.hovered.connect(self._hovered)
        view.shape_finished.connect(lambda geometry, v=view: self._finished(v, geometry))

    def set_tool(self, tool: str) -> None:
        self.tool = tool
        self.buttons.button(TOOLS.index(tool)).setChecked(True)
        self.callout.setVisible(tool == "callout")
        for view in self.views:
            view.set_tool(tool)
        if tool == "callout":
            self.callout.setFocus()
        self.tool_changed.emit(tool)

    def clear(self) -> None:
        for view in self.views:
            view.clear_shapes()
        self.last = None
        self.result.clear()
        self._update_record()

    def _callout_changed(self, text: str) -> None:
        for view in self.views:
            view.callout_text = text

    def _hovered(self, text: str) -> None:
        self.readout.setText(text)

    def _finished(self, view: ImageView, geometry: dict) -> None:
        self.last = (view, geometry)
        self.result.setText(geometry_words(geometry))
        self._update_record()

    def last_artifact(self) -> int | None:
        if self.last is None:
            return None
        view, _geometry = self.last
        return self.artifact_of(view, view.shape_layer())

    def _update_record(self) -> None:
        artifact = self.last_artifact()
        self.record_button.setEnabled(artifact is not None)
        if self.last is None:
            tip = self.tr("Draw a measurement or an annotation first")
        elif artifact is None:
            tip = self.tr("Draw on A or B: this picture is not an artifact of the case")
        else:
            tip = self.tr("Record the last shape as a finding about #{id}").format(id=artifact)
        self.record_button.setToolTip(tip)

    def record(self) -> None:
        artifact = self.last_artifact()
        if artifact is not None and self.last is not None:
            self.record_requested.emit(artifact, self.last[1])


class CompareInspection(QObject):
    """The tool bar on the Compare panel's views: A's readout gives B's value too (and the
    reverse), shapes drawn are about A or B, a stored finding's shape is drawn again."""

    def __init__(self, panel, tools: InspectTools):
        super().__init__(panel)
        self.panel = panel
        self.tools = tools
        self._waiting: tuple[int, dict] | None = None  # a finding's shape for a picture on its way
        a, b = panel.view_a, panel.view_b
        a.layer_names, b.layer_names = ["A"], ["B"]
        a.partners, b.partners = [b], [a]
        for view in (panel.wipe_view, panel.blink_view):
            view.layer_names = ["A", "B"]
        panel.difference_view.layer_names = ["|A−B|"]
        panel.difference_view.partners = [a, b]
        tools.artifact_of = self.artifact_of
        for view in (a, b, panel.wipe_view, panel.blink_view, panel.difference_view):
            tools.attach(view)
        self.shown: dict[ImageView, int | None] = {a: None, b: None}  # the artifact on show
        a.images_set.connect(lambda: self._images_set(a, panel.pair.a))
        b.images_set.connect(lambda: self._images_set(b, panel.pair.b))
        panel.pair.changed.connect(self._pair_changed)

    def _images_set(self, view: ImageView, artifact) -> None:
        # The pictures arrive from a job started for the pair as it is now (a later change
        # cancels it), so the side's artifact is the one shown.
        self.shown[view] = artifact.id if artifact is not None and view.items else None
        self._draw_waiting()

    def artifact_of(self, view: ImageView, layer: int) -> int | None:
        pair = self.panel.pair
        sides = {
            self.panel.view_a: [pair.a],
            self.panel.view_b: [pair.b],
            self.panel.wipe_view: [pair.a, pair.b],
            self.panel.blink_view: [pair.a, pair.b],
        }.get(view, [])
        artifact = sides[layer] if layer < len(sides) else None
        return artifact.id if artifact is not None else None

    def _pair_changed(self) -> None:
        self.shown = dict.fromkeys(self.shown)  # until the new pictures are loaded
        self.tools.last = None
        self.tools.result.clear()
        self.tools._update_record()

    def show_finding(self, artifact_id: int, geometry: dict) -> bool:
        """Draw a stored finding's shape on A or B where that artifact is shown (set as A if it is
        neither); drawn once its picture is loaded. False when it cannot be shown."""
        pair = self.panel.pair
        if artifact_id not in {x.id for x in (pair.a, pair.b) if x is not None}:
            self.panel.picker.set_side("a", artifact_id)
        self._waiting = (artifact_id, geometry)
        self.panel.set_mode("side")
        return self._draw_waiting()

    def select_finding(self, finding) -> None:
        """A finding selected in the Findings panel (a FindingRow, or None): its shape is drawn
        where its artifact is on show (nothing else changes); another selection removes it."""
        for view in self.shown:
            view.clear_shapes(stored=True)
        self._waiting = None
        about = getattr(finding, "about", None)
        geometry = getattr(finding, "geometry", None)
        if geometry is not None and about is not None and about.artifact_id is not None:
            self._waiting = (about.artifact_id, geometry)
            if not self._draw_waiting():
                self._waiting = None  # not on show: opening the finding brings it

    def _draw_waiting(self) -> bool:
        if self._waiting is None:
            return False
        artifact_id, geometry = self._waiting
        for view, shown in self.shown.items():
            size = view.image_size()
            wanted = (geometry["image"]["width"], geometry["image"]["height"])
            if shown == artifact_id and size == wanted:
                view.clear_shapes(stored=True)
                view.add_geometry(geometry)
                self.tools.result.setText(geometry_words(geometry))
                self._waiting = None
                return True
        return False
