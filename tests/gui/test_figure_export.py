"""Export Figure…: a figure of the window on its own, as PNG with its caption and SHA-256, kept
in the case as an artifact (with its audit entry) when it comes from the Compare panel."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from PIL import Image
from PySide6.QtGui import QAction, QImage
from PySide6.QtWidgets import QFileDialog, QMessageBox

from tests.gui.conftest import JOB_TIMEOUT_MS, wait_idle
from workstation.analysis import framing, registration, structure
from workstation.analysis.images import load_image
from workstation.app.case_writer import CaseWriter
from workstation.app.figures import SCALE_STRIP, export_figure, store_figure
from workstation.core.case import Case
from workstation.core.errors import InputError


def _export_action(export) -> QAction:
    action = export.menu().findChild(QAction, "exportFigure")
    assert action is not None and action.text() == "Export Figure…"
    return action


def _stored(qtbot, window, digest: str):
    """The artifact the export stored in the case (the store runs as a job), and its audit entry."""
    wait_idle(qtbot, window)
    with Case.open(window.session.root) as case:
        artifact = case.find_artifact(digest)
        entries = [
            e
            for e in case.audit_entries()
            if e.action == "import" and e.details.get("sha256") == digest
        ]
    return artifact, entries


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
    panel.unwarped_button.click()  # B as stored: the map of the unregistered comparison
    target = tmp_path / "figure 1.png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    said = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: said.append(a[2]))

    _export_action(panel.difference_export).trigger()

    data = target.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    assert said and digest in said[0] and "stored in the case" in said[0]
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
    # ... and kept in the case: the same bytes, the caption as its note, an audit entry.
    artifact, entries = _stored(qtbot, window, digest)
    assert artifact is not None and artifact.role == "other"
    assert artifact.note.startswith(caption.split("\n\n")[0])
    assert "Exported from the Compare panel" in artifact.note
    # Every comparison run in the window is kept: the note names its record.
    assert pair.record_id is not None
    assert f"comparison record #{pair.record_id}." in artifact.note
    assert len(entries) == 1 and entries[0].details["id"] == artifact.id
    assert window.session.artifact(artifact.id) is not None  # the panels see it
    assert f"artifact #{artifact.id}" in panel.note.text()


def test_export_figure_button_stores_the_registered_wipe_in_the_case(
    qtbot, window, sample_case, tmp_path, monkeypatch
):
    window.open_case(sample_case)
    window.show_panel("compare")
    panel = window.compare_panel
    wait_idle(qtbot, window)
    with qtbot.waitSignal(window.pair.report_ready, timeout=JOB_TIMEOUT_MS):
        panel.set_mode("difference")
    wait_idle(qtbot, window)
    assert panel.showing_registered()
    panel.set_mode("wipe")
    panel.wipe_slider.setValue(300)
    before = len(window.session.artifacts())
    target = tmp_path / "wipe.png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)

    assert panel.export_button.isEnabled() and panel.export_button.toolTip()
    panel.export_button.click()

    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    artifact, entries = _stored(qtbot, window, digest)
    assert len(window.session.artifacts()) == before + 1
    assert artifact.sha256 == digest and artifact.original_name == "wipe.png"
    assert len(entries) == 1
    caption = (tmp_path / "wipe.txt").read_text(encoding="utf-8").split("\n\n")[0]
    assert caption.startswith("Wipe: A left of the line at 30% of the width, B right.")
    assert "Registered: B warped onto A" in caption
    assert artifact.note.startswith(caption)
    # The pixels: A left of the line, B warped onto A right of it.
    with Image.open(target) as image:
        shown = np.asarray(image.convert("RGB"))
    a = load_image(window.pair.path(window.pair.a)).rgb
    warped = registration.b_on_a(
        load_image(window.pair.path(window.pair.b)).rgb,
        window.pair.report.keypoints.homography,
        (a.shape[1], a.shape[0]),
    )
    line = round(a.shape[1] * 0.3)
    assert np.array_equal(shown[:, : line - 1], a[:, : line - 1])
    assert np.array_equal(shown[:, line + 1 :], warped[:, line + 1 :])


def test_a_figure_is_not_stored_over_a_changed_file(tmp_path, sample_case):
    rgb = np.zeros((4, 6, 3), np.uint8)
    done = export_figure(rgb, "a caption", tmp_path / "fig")
    writer = CaseWriter(sample_case)
    stored = store_figure(done, writer)
    assert (stored.sha256, stored.note, stored.role) == (done.sha256, "a caption", "other")
    again = export_figure(rgb + 1, "another", tmp_path / "fig2")
    export_figure(rgb + 2, "replaced", again.png, force=True)  # other pixels, same name
    with Case.open(sample_case) as case:
        count = len(case.artifacts())
    with pytest.raises(InputError, match="changed after it was exported"):
        store_figure(again, writer)
    with Case.open(sample_case) as case:
        assert len(case.artifacts()) == count


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
