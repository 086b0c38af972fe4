"""Export Figure…: a figure of the window on its own, as PNG with its caption and SHA-256."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from PIL import Image
from PySide6.QtGui import QAction, QImage
from PySide6.QtWidgets import QFileDialog, QMessageBox

from tests.gui.conftest import JOB_TIMEOUT_MS, wait_idle
from workstation.analysis import framing, structure
from workstation.app.figures import SCALE_STRIP, export_figure
from workstation.core.errors import InputError


def _export_action(export) -> QAction:
    action = export.menu().findChild(QAction, "exportFigure")
    assert action is not None and action.text() == "Export Figure…"
    return action


def test_the_difference_map_exports_with_its_scale_caption_and_hash(
    qtbot, window, sample_case, tmp_path, monkeypatch
):
    window.open_case(sample_case)
    window.show_panel("compare")
    panel = window.compare_panel
    wait_idle(qtbot, window)
    with qtbot.waitSignal(window.pair.report_ready, timeout=JOB_TIMEOUT_MS):
        panel.set_mode("difference")
    wait_idle(qtbot, window)
    target = tmp_path / "figure 1.png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    said = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: said.append(a[2]))

    _export_action(panel.difference_export).trigger()

    data = target.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    assert said and digest in said[0]
    assert (tmp_path / "figure 1.png.sha256").read_text() == f"{digest}  figure 1.png\n"
    caption = (tmp_path / "figure 1.txt").read_text(encoding="utf-8")
    assert caption.endswith(f"figure 1.png\nSHA-256 {digest}\n")
    pair = window.pair
    assert caption.startswith("Difference map. A: #")
    assert pair.a.sha256 in caption and pair.b.sha256 in caption and "SSIM" in caption
    with Image.open(target) as image:
        pixels = np.asarray(image.convert("RGB"))
        assert image.info["Description"] == caption.split("\n\n")[0]
    # The figure as computed, pixel for pixel, and the colour bar beneath it.
    picture = pair.report.difference_picture
    assert np.array_equal(pixels[: picture.shape[0]], picture)
    assert pixels.shape[0] == picture.shape[0] + 4 + SCALE_STRIP
    assert np.array_equal(pixels[-1], structure.colour_scale(picture.shape[1], 1)[0])


def test_an_empty_view_has_nothing_to_export(qtbot, window, sample_case):
    window.open_case(sample_case)
    panel = window.compare_panel
    panel.keypoint_view.set_images()
    assert not _export_action(panel.keypoint_export).isEnabled()
    assert not _export_action(window.generate_panel.preview_export).isEnabled()


def test_the_compare_note_states_the_framing_rule(qtbot, window):
    panel = window.compare_panel
    a, b = QImage(120, 80, QImage.Format.Format_RGB888), QImage(60, 60, QImage.Format.Format_RGB888)
    panel._show_images((a, b))
    note = panel.note.text()
    assert "60 × 60" in note and "120 × 80" in note
    assert framing.COMMON_FRAME.rule("en") in note


def test_an_export_never_replaces_a_file_unasked(tmp_path):
    rgb = np.zeros((4, 6, 3), np.uint8)
    done = export_figure(rgb, "a caption", tmp_path / "fig")
    assert done.png.name == "fig.png" and done.caption.name == "fig.txt"
    with pytest.raises(InputError, match="already exists"):
        export_figure(rgb, "another", tmp_path / "fig.png")
    assert "a caption" in done.caption.read_text(encoding="utf-8")
    again = export_figure(rgb + 1, "another", tmp_path / "fig.png", force=True)
    assert again.sha256 == hashlib.sha256(again.png.read_bytes()).hexdigest() != done.sha256
