"""The inspection tools of the image views: the loupe's readout is the picture's own pixel under
the cursor at any zoom and scroll, distance and angle are measured in image pixels, and a box
drawn on the Compare panel is recorded as a finding carrying its geometry (audited, verified),
listed with it and drawn again when the finding is opened."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from tests.gui.conftest import JOB_TIMEOUT_MS, wait_idle
from workstation.core.case import Case
from workstation.core.records import Finding
from workstation.gui.dialogs.finding import FindingDialog
from workstation.gui.widgets.findings_model import FindingsModel
from workstation.gui.widgets.image_view import ImageView
from workstation.gui.widgets.inspect_tools import InspectTools


def gradient(width: int, height: int, blue: int) -> QImage:
    image = QImage(width, height, QImage.Format.Format_RGB888)
    for x in range(width):
        for y in range(height):
            image.setPixelColor(x, y, QColor((x * 7) % 256, (y * 11) % 256, blue))
    return image


def at(view: ImageView, x: float, y: float):
    """The viewport point that shows image point (x, y)."""
    return view.mapFromScene(QPointF(x, y))


def click(view: ImageView, x: float, y: float) -> None:
    QTest.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, at(view, x, y)
    )


def hover(view: ImageView, point: QPoint) -> None:
    viewport = view.viewport()
    event = QMouseEvent(
        QEvent.Type.MouseMove,
        QPointF(point),
        viewport.mapToGlobal(QPointF(point)),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(viewport, event)


@pytest.fixture
def pair_views(qtbot):
    """Two synchronised-size views as in Compare: A 40 × 30, B 20 × 15 shown at A's size."""
    a, b = gradient(40, 30, 100), gradient(20, 15, 200)
    view_a, view_b = ImageView(), ImageView()
    for view in (view_a, view_b):
        qtbot.addWidget(view)
        view.resize(420, 320)
        view.show()
    view_a.set_images(a)
    view_b.set_images(b, size=(40, 30))
    view_a.layer_names, view_b.layer_names = ["A"], ["B"]
    view_a.partners = [view_b]
    tools = InspectTools()
    qtbot.addWidget(tools)
    for view in (view_a, view_b):
        tools.attach(view)
    return view_a, view_b, tools, a, b


@pytest.mark.parametrize("zoom, scroll", [(1.0, 0), (8.0, 37), (13.5, 211)])
def test_loupe_readout_is_the_pixel_under_the_cursor(qtbot, pair_views, zoom, scroll):
    view_a, _view_b, tools, a, b = pair_views
    tools.findChild(type(tools.clear_button), "tool_loupe").click()
    assert view_a.tool == "loupe" and view_a.dragMode() == view_a.DragMode.NoDrag
    view_a.set_zoom(zoom)
    view_a.horizontalScrollBar().setValue(scroll)
    view_a.verticalScrollBar().setValue(scroll // 2)
    # A pixel that is on screen at this zoom and scroll, pointed at its centre.
    shown = view_a.mapToScene(view_a.viewport().rect().center())
    target = at(view_a, int(shown.x()) + 0.5, int(shown.y()) + 0.5)
    # The move is sent to the view itself: a cursor move (QTest.mouseMove) is not delivered
    # when the cursor is already there or while another test's popup holds the mouse.
    hover(view_a, target)
    # The image pixel under that screen pixel, by the view's own mapping.
    pointed = view_a.mapToScene(target)
    x, y = math.floor(pointed.x()), math.floor(pointed.y())
    assert (abs(x - int(shown.x())), abs(y - int(shown.y()))) <= (1, 1)
    qtbot.waitUntil(lambda: tools.readout.text() != "", timeout=2000)
    colour_a = a.pixelColor(x, y)
    bx, by = x // 2, y // 2  # B is half A's size, stretched to it
    colour_b = b.pixelColor(bx, by)
    expected = (
        f"{x}, {y} · A {colour_a.red()} {colour_a.green()} {colour_a.blue()} · "
        f"B {colour_b.red()} {colour_b.green()} {colour_b.blue()} @{bx}, {by}"
    )
    assert tools.readout.text() == expected
    # The inset is drawn: the loupe's middle cell is A's pixel, magnified.
    shot = view_a.viewport().grab().toImage()
    middle = view_a.loupe_rect().center()
    assert shot.pixelColor(int(middle.x()), int(middle.y())).rgb() == colour_a.rgb()


def test_distance_and_angle_in_image_pixels(qtbot, pair_views):
    view_a, _view_b, tools, _a, _b = pair_views
    view_a.set_zoom(6.0)
    view_a.horizontalScrollBar().setValue(20)
    tools.set_tool("distance")
    with qtbot.waitSignal(view_a.shape_finished) as finished:
        click(view_a, 10.5, 10.5)
        click(view_a, 13.5, 14.5)
    geometry = finished.args[0]
    assert geometry["shape"] == "distance" and geometry["image"] == {"width": 40, "height": 30}
    [[x1, y1], [x2, y2]] = geometry["points"]
    assert math.hypot(x2 - x1, y2 - y1) == pytest.approx(5.0, abs=0.25)
    assert tools.result.text().startswith("Distance 5")
    assert view_a.measure_text(view_a.shapes[-1]).endswith("px")

    tools.set_tool("angle")
    with qtbot.waitSignal(view_a.shape_finished) as finished:
        click(view_a, 18.5, 10.5)
        click(view_a, 12.5, 10.5)  # the vertex
        click(view_a, 12.5, 4.5)
    assert finished.args[0]["shape"] == "angle"
    assert view_a.measure_text(view_a.shapes[-1]) == "90.0°"
    assert "90" in tools.result.text()

    tools.set_tool("region")  # a drag draws it in one stroke
    press, release = at(view_a, 11.0, 5.0), at(view_a, 15.0, 8.0)
    QTest.mousePress(
        view_a.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, press
    )
    QTest.mouseMove(view_a.viewport(), release)
    with qtbot.waitSignal(view_a.shape_finished) as finished:
        QTest.mouseRelease(
            view_a.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, release
        )
    [[rx1, ry1], [rx2, ry2]] = finished.args[0]["points"]
    assert abs(rx2 - rx1) == pytest.approx(4.0, abs=0.25)
    assert abs(ry2 - ry1) == pytest.approx(3.0, abs=0.25)
    tools.clear()
    assert view_a.shapes == [] and not tools.record_button.isEnabled()


def test_a_shape_on_b_is_in_b_s_own_pixels(qtbot, pair_views):
    _view_a, view_b, tools, _a, _b = pair_views
    tools.set_tool("box")
    with qtbot.waitSignal(view_b.shape_finished) as finished:
        click(view_b, 4.0, 6.0)
        click(view_b, 24.0, 26.0)
    geometry = finished.args[0]
    assert geometry["image"] == {"width": 20, "height": 15}
    assert geometry["points"] == [
        [pytest.approx(2.0, abs=0.2), pytest.approx(3.0, abs=0.2)],
        [pytest.approx(12.0, abs=0.2), pytest.approx(13.0, abs=0.2)],
    ]


def test_a_box_on_compare_is_recorded_as_a_finding_with_its_geometry(qtbot, window, sample_case):
    window.open_case(sample_case)
    window.show_panel("compare")
    panel = window.compare_panel
    wait_idle(qtbot, window)
    view = panel.view_a
    qtbot.waitUntil(lambda: len(view.items) == 1, timeout=JOB_TIMEOUT_MS)
    artifact = window.pair.a
    tools = panel.inspect_tools
    assert not tools.record_button.isEnabled()
    tools.set_tool("box")
    click(view, 120.0, 80.0)
    click(view, 184.0, 120.0)
    assert tools.record_button.isEnabled()
    tools.record_button.click()
    dialog = window.findChild(FindingDialog)
    assert dialog.isVisible() and not dialog.about.isEnabled()
    assert dialog.about.currentData().artifact_id == artifact.id
    dialog.text.setPlainText("The lamp housing is the same shape.")
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    wait_idle(qtbot, window)

    with Case.open(sample_case) as case:
        assert case.verify().ok
        [record] = [r for r in case.records("finding") if isinstance(r.body, Finding)]
        geometry = record.body.geometry
        entries = [e for e in case.audit_entries() if e.details.get("record_id") == record.id]
    assert entries, "the finding is in the audit log"
    assert geometry["shape"] == "box"
    assert geometry["image"] == {"width": artifact.width, "height": artifact.height}
    [[x1, y1], [x2, y2]] = geometry["points"]
    assert [[x1, y1], [x2, y2]] == [[120, 80], [184, 120]]
    assert [link.artifact_id for link in record.linked("about")] == [artifact.id]

    about = window.findings_panel.model.index(0, FindingsModel.ABOUT).data()
    assert "Box at (120, 80), 64 × 40 px" in about  # whole pixels below 2× zoom

    # Selected in the Findings panel while its artifact is on show: drawn there.
    window.findings_panel.select(record.id)
    [stored] = [s for s in view.shapes if s.stored]
    assert view.geometry(stored)["points"] == geometry["points"]
    window.findings_panel.table.clearSelection()
    assert not any(s.stored for s in view.shapes)

    # Opened again: the stored shape is drawn on the artifact in the Compare panel.
    tools.clear()
    window.pair.set_side("a", window.session.artifact(3))
    wait_idle(qtbot, window)
    row = window.findings_panel.model.finding(0)
    window.show_target(row)
    wait_idle(qtbot, window)
    views = {window.pair.a.id: panel.view_a, window.pair.b.id: panel.view_b}
    view = views[artifact.id]  # the artifact is on show as A or B
    qtbot.waitUntil(lambda: any(s.stored for s in view.shapes), timeout=JOB_TIMEOUT_MS)
    [shown] = [s for s in view.shapes if s.stored]
    assert view.geometry(shown)["points"] == geometry["points"]
    assert panel.inspection.shown[view] == artifact.id


def test_an_exported_figure_carries_the_shapes_drawn_on_the_view(qtbot, pair_views):
    """Export Figure writes the view as the examiner annotated it: the box's outline is in the
    PNG's pixels, and the pixels away from it are the picture's own."""
    from workstation.gui.figure_export import shown_pixels

    view_a, _view_b, tools, a, _b = pair_views
    view_a.set_zoom(8.0)
    plain = shown_pixels(view_a)
    tools.set_tool("box")
    click(view_a, 10.0, 5.0)
    click(view_a, 30.0, 20.0)
    drawn = shown_pixels(view_a)
    pink = np.array([255, 64, 129])  # ANNOTATION_COLOUR
    edge = drawn[12, 10].astype(int)  # on the box's left side
    assert np.abs(edge - pink).max() < 60, edge
    assert np.array_equal(drawn[2, 2], plain[2, 2])  # outside the box: the picture
    assert np.array_equal(drawn[12, 20], plain[12, 20])  # inside an (unfilled) box: too
    colour = a.pixelColor(20, 12)
    assert list(plain[12, 20]) == [colour.red(), colour.green(), colour.blue()]
