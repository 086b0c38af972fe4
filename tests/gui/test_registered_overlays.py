"""Compare panel: wipe, blink and difference on B registered onto A by the keypoint homography
(pixel for pixel what cv2.warpPerspective gives), or B as stored; the switch, its words, the
inlier marks, the keypoint legend and the difference map's colour bar."""

from __future__ import annotations

import cv2
import numpy as np
from PySide6.QtGui import QImage

from tests.gui.conftest import JOB_TIMEOUT_MS, wait_idle
from workstation.analysis import keypoints, registration, structure
from workstation.analysis.images import load_image


def pixels(item) -> np.ndarray:
    """A view item's picture as (H, W, 3) uint8 RGB."""
    image = item.pixmap().toImage().convertToFormat(QImage.Format.Format_RGB888)
    stride = image.bytesPerLine()
    rows = np.frombuffer(image.constBits(), np.uint8, stride * image.height())
    rows = rows.reshape(image.height(), stride)[:, : image.width() * 3]
    return rows.reshape(image.height(), image.width(), 3).copy()


def compared(qtbot, window):
    """The Compare panel on the sample case's disputed (A) and protected (B) images, compared."""
    panel = window.compare_panel
    window.show_panel("compare")
    wait_idle(qtbot, window)
    with qtbot.waitSignal(window.pair.report_ready, timeout=JOB_TIMEOUT_MS):
        panel.set_mode("difference")
    wait_idle(qtbot, window)
    return panel


def test_registered_overlays_are_b_warped_onto_a_pixel_for_pixel(qtbot, window, sample_case):
    window.open_case(sample_case)
    pair = window.pair
    assert (pair.a.original_name, pair.b.original_name) == (
        "disputed_image.png",
        "protected_work.png",
    )
    panel = compared(qtbot, window)
    report = pair.report
    homography = np.array(report.keypoints.homography)
    a = load_image(pair.path(pair.a)).rgb
    b = load_image(pair.path(pair.b)).rgb
    size = (a.shape[1], a.shape[0])
    # The convention stated in analysis/registration.py: bilinear, constant black border.
    expected = cv2.warpPerspective(
        b, homography, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0
    )
    assert registration.INTERPOLATION == cv2.INTER_LINEAR
    assert not np.array_equal(expected, b)  # the sample's B is really moved by the warp

    # Registered is the default once the comparison found a homography.
    assert panel.showing_registered()
    assert panel.registered_button.isEnabled() and panel.registered_button.isChecked()
    for view in (panel.wipe_view, panel.blink_view):
        assert np.array_equal(pixels(view.items[0]), a)
        assert np.array_equal(pixels(view.items[1]), expected)
    k = report.keypoints
    words = panel.registration_caption.text()
    assert words.startswith("Registered") and f"{k.inliers} inlier matches of {k.matches}" in words
    assert "RANSAC" in words

    # The difference: |A − warped B| in the map's colours, where B covers A (eroded border).
    shown = pixels(panel.difference_view.items[0])
    assert np.array_equal(shown, report.registered_difference_picture)
    covered = cv2.warpPerspective(
        np.full(b.shape[:2], 255, np.uint8), homography, size, flags=cv2.INTER_NEAREST
    )
    inside = cv2.erode(covered, np.ones((7, 7), np.uint8)) > 0
    levels = np.abs(a.astype(np.int16) - expected.astype(np.int16)).max(axis=2).astype(np.uint8)
    coloured = cv2.cvtColor(cv2.applyColorMap(levels, cv2.COLORMAP_INFERNO), cv2.COLOR_BGR2RGB)
    assert inside.mean() > 0.5
    assert np.array_equal(shown[inside], coloured[inside])
    assert "registered" in panel.difference_title.text()
    assert "Registered SSIM" in panel.difference_caption.text()

    # Back to B as stored: the raw B, and the unregistered map.
    panel.unwarped_button.click()
    assert not panel.showing_registered() and panel.unwarped_button.isChecked()
    for view in (panel.wipe_view, panel.blink_view):
        assert np.array_equal(pixels(view.items[1]), b)
    assert np.array_equal(pixels(panel.difference_view.items[0]), report.difference_picture)
    assert panel.registration_caption.text().startswith("As stored")
    assert "as stored" in panel.difference_title.text()

    # And registered again, with the homography's inliers marked at A's inlier points.
    panel.registered_button.click()
    assert np.array_equal(pixels(panel.wipe_view.items[1]), expected)
    panel.inliers_box.setChecked(True)
    marks = panel.wipe_view.marks
    assert len(marks) == k.inliers == len(panel.blink_view.marks)
    first = k.points_a[k.inlier_mask][0]
    assert (marks[0].pos().x(), marks[0].pos().y()) == (first[0] + 0.5, first[1] + 0.5)
    panel.unwarped_button.click()
    assert panel.wipe_view.marks == [] and not panel.inliers_box.isEnabled()


def test_a_pair_without_homography_disables_registration_and_says_why(qtbot, window, sample_case):
    window.open_case(sample_case)
    panel = window.compare_panel
    unrelated = next(
        x for x in window.session.artifacts() if x.original_name == "unrelated_work.png"
    )
    panel.picker.set_side("b", unrelated.id)
    panel = compared(qtbot, window)
    report = window.pair.report
    assert report.keypoints.homography is None
    assert not panel.registered_button.isEnabled()
    assert not panel.showing_registered() and panel.unwarped_button.isChecked()
    tip = panel.registered_button.toolTip()
    assert "No homography" in tip and report.keypoints.status in tip
    assert tip in panel.registration_caption.text()  # said on the view too
    b = load_image(window.pair.path(window.pair.b)).rgb
    assert np.array_equal(pixels(panel.wipe_view.items[1]), b)
    assert np.array_equal(pixels(panel.difference_view.items[0]), report.difference_picture)


def test_the_legends_name_the_colours_drawn(qtbot, window, sample_case):
    window.open_case(sample_case)
    panel = compared(qtbot, window)
    # The live colour bar is the map's own scale.
    bar = panel.colour_bar.bar_image(256).convertToFormat(QImage.Format.Format_RGB888)
    row = np.frombuffer(bar.constBits(), np.uint8, bar.bytesPerLine())[: 256 * 3].reshape(256, 3)
    assert np.array_equal(row, structure.colour_scale(256, 1)[0])
    assert "black = equal (0)" in panel.difference_legend.text()
    assert "pale yellow = 255" in panel.difference_legend.text()
    grab = panel.colour_bar.grab().toImage()
    assert grab.width() > 100  # drawn on the page, under the map
    # The keypoint legend: the colours the match picture draws its lines in.
    panel.set_mode("keypoints")
    picture = window.pair.report.match_picture
    colours = {tuple(c) for c in picture.reshape(-1, 3)}
    assert keypoints.INLIER_COLOUR in colours and keypoints.OUTLIER_COLOUR in colours
    for name, colour in (
        ("legendInlier", keypoints.INLIER_COLOUR),
        ("legendOutlier", keypoints.OUTLIER_COLOUR),
    ):
        from PySide6.QtWidgets import QLabel, QWidget

        entry = panel.findChild(QWidget, name)
        square = entry.findChildren(QLabel)[0].pixmap().toImage()
        assert square.pixelColor(5, 5).getRgb()[:3] == colour
    assert panel.findChild(QWidget, "legendInlier").toolTip()


def test_a_comparison_read_back_from_its_record_registers_too(qtbot, window, sample_case):
    window.open_case(sample_case)
    compared(qtbot, window)
    homography = window.pair.report.keypoints.homography
    window.open_case(sample_case)  # the newest stored comparison comes back with the case
    wait_idle(qtbot, window)
    pair, panel = window.pair, window.compare_panel
    assert pair.report is not None and pair.record_id is not None
    assert pair.report.keypoints.points_a is None  # the record keeps the matrix, not the points
    assert pair.report.keypoints.homography == homography
    panel.set_mode("wipe")
    qtbot.waitUntil(panel.showing_registered, timeout=JOB_TIMEOUT_MS)
    a = load_image(pair.path(pair.a)).rgb
    b = load_image(pair.path(pair.b)).rgb
    expected = cv2.warpPerspective(b, np.array(homography), (a.shape[1], a.shape[0]))
    assert np.array_equal(pixels(panel.wipe_view.items[1]), expected)
    assert not panel.inliers_box.isEnabled() and "stored comparison" in panel.inliers_box.toolTip()
    panel.inliers_box.setChecked(True)
    assert panel.wipe_view.marks == []
