"""Compare and Analysis panels: pick a pair, run the comparison, read the table and the views."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPoint, Qt
from PySide6.QtGui import QDropEvent

from tests.gui.conftest import JOB_TIMEOUT_MS, wait_idle
from workstation.analysis import metrics
from workstation.gui.widgets.artifact_model import ARTIFACT_MIME


def run_comparison(qtbot, window) -> None:
    tab = window.analysis_panel.pair_tab
    with qtbot.waitSignal(window.pair.report_ready, timeout=JOB_TIMEOUT_MS):
        tab.run_button.click()
    wait_idle(qtbot, window)


def test_comparison_fills_the_metric_table_with_bands(qtbot, window, sample_case):
    window.open_case(sample_case)
    window.show_panel("analysis")
    pair = window.pair
    # The disputed image is A and a reference work is B when a case opens.
    assert (pair.a.original_name, pair.b.original_name) == (
        "disputed_image.png",
        "protected_work.png",
    )
    run_comparison(qtbot, window)

    rows = {row[0]: row for row in window.analysis_panel.pair_tab.table.rows()}
    assert "pHash Hamming distance (64 bits)" in rows
    ssim = rows[metrics.get("ssim").words["en"].label]
    assert 0 < float(ssim[1]) < 1
    assert all(
        row[2] in ("near-duplicate", "similar", "different", "no band") for row in rows.values()
    )
    notes = window.analysis_panel.pair_tab.notes.toPlainText()
    assert pair.a.sha256 in notes and "not a legal conclusion" in notes


def test_an_image_against_itself_is_a_near_duplicate(qtbot, window, sample_case):
    window.open_case(sample_case)
    picker = window.analysis_panel.pair_tab.picker
    picker.set_side("a", 1)
    picker.set_side("b", 1)
    run_comparison(qtbot, window)
    rows = {row[0]: row for row in window.analysis_panel.pair_tab.table.rows()}
    assert rows["aHash Hamming distance (64 bits)"][1:3] == ["0", "near-duplicate"]
    assert rows[metrics.get("ssim").words["en"].label][1] == "1"


def test_compare_views_follow_each_other_and_show_the_heat_map(qtbot, window, sample_case):
    window.open_case(sample_case)
    window.show_panel("compare")
    panel = window.compare_panel
    wait_idle(qtbot, window)
    assert len(panel.view_a.items) == 1 and len(panel.view_b.items) == 1

    panel.view_a.set_zoom(2.0)
    panel.view_a.horizontalScrollBar().setValue(120)
    assert panel.view_b.zoom() == 2.0
    assert panel.view_b.horizontalScrollBar().value() == 120
    assert panel.wipe_view.zoom() == 2.0

    panel.set_mode("wipe")
    panel.wipe_slider.setValue(250)
    clip = panel.wipe_view.items[1].parentItem().rect()
    assert clip.left() == panel.wipe_view.sceneRect().width() * 0.25

    panel.set_mode("blink")
    first = panel.blink_view.current
    qtbot.waitUntil(lambda: panel.blink_view.current != first, timeout=3000)
    assert "Showing" in panel.blink_label.text()

    with qtbot.waitSignal(window.pair.report_ready, timeout=JOB_TIMEOUT_MS):
        panel.set_mode("difference")  # needs the comparison: it starts by itself
    wait_idle(qtbot, window)
    assert panel.stack.currentWidget() is panel.pages["difference"]
    assert len(panel.difference_view.items) == 1
    assert "SSIM" in panel.difference_caption.text()
    panel.set_mode("keypoints")
    assert len(panel.keypoint_view.items) == 1
    assert "SIFT matches" in panel.keypoint_caption.text()


def test_dragging_artifacts_onto_the_picker_chooses_the_pair(qtbot, window, sample_case):
    window.open_case(sample_case)
    picker = window.compare_panel.picker
    mime = QMimeData()
    mime.setData(ARTIFACT_MIME, b"3,4")
    event = QDropEvent(
        QPoint(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    picker.eventFilter(picker.combo_a, event)
    assert (window.pair.a.id, window.pair.b.id) == (3, 4)
    assert picker.combo_b.currentData() == 4
    wait_idle(qtbot, window)


def test_case_context_action_sends_an_artifact_to_compare(qtbot, window, sample_case):
    window.open_case(sample_case)
    window.case_panel.compare_requested.emit(4, "b")
    assert window.pair.b.id == 4
    assert window.docks["compare"].isVisible()
    wait_idle(qtbot, window)


def test_a_comparison_run_in_the_window_stores_its_record_and_pictures(qtbot, window, sample_case):
    from workstation.core.case import Case

    window.open_case(sample_case)
    with qtbot.waitSignal(window.pair.stored, timeout=JOB_TIMEOUT_MS):  # nothing to press
        run_comparison(qtbot, window)
    tab = window.analysis_panel.pair_tab
    assert tab.discard_button.isEnabled()
    with Case.open(sample_case) as case:
        (record,) = case.records("comparison")
        assert f"comparison record #{record.id}" in tab.status.text()
        linked = {k.label: k.artifact_id for k in record.links}
        assert (linked["image_a"], linked["image_b"]) == (2, 1)
        assert [k.label for k in record.linked("input")] == ["image_a", "image_b"]
        assert case.artifact(linked["difference_map"]).media_type == "image/png"
    assert record.payload["report"]["image_a"]["sha256"] == window.pair.a.sha256


def test_corpus_index_is_built_then_searched_with_image_a(
    qtbot, window, sample_case, samples, tmp_path
):
    window.open_case(sample_case)
    tab = window.analysis_panel.corpus_tab
    index = tmp_path / "corpus.npz"
    tab.build(samples, index)
    wait_idle(qtbot, window)
    assert index.is_file() and tab.index_path.text() == str(index)
    assert "Indexed 4 image(s)" in tab.status.text()

    tab.search()
    wait_idle(qtbot, window)
    assert tab.metric.currentData() == "phash"
    assert tab.hits.count() == 4
    first, second = tab.hits.item(0), tab.hits.item(1)
    assert not first.icon().isNull()
    # The folder holds A itself (0 bits away), then the protected work it copies.
    assert first.text() == "1. 0 bits\ndisputed_image.png"
    assert second.text().startswith("2. ") and second.text().endswith("protected_work.png")


def test_a_study_record_is_listed_and_plotted_as_the_report_plots_it(qtbot, window, sample_case):
    from workstation.core.case import Case
    from workstation.core.records import Study

    points = [{"strength": s / 10, "ssim": 1 - s / 12} for s in range(1, 6)]
    study = Study("strength", "strength sweep", "", "strength", points)  # no stored pictures
    with Case.open(sample_case) as case:
        case.add_record(study)
    window.open_case(sample_case)
    tab = window.analysis_panel.studies_tab
    wait_idle(qtbot, window)
    assert tab.records.count() == 1 and "strength sweep" in tab.records.item(0).text()
    assert len(tab.plot.items) == 1


def test_images_under_ssims_window_say_so_in_the_caption(qtbot, window, tmp_path):
    import numpy as np
    from PIL import Image

    from workstation.app.case_writer import CaseWriter
    from workstation.app.evidence import ImportRequest, import_evidence
    from workstation.core.case import Case

    files = []
    for index in range(2):
        path = tmp_path / f"tiny{index}.png"
        pixels = np.random.default_rng(index).integers(0, 255, (8, 9, 3), dtype=np.uint8)
        Image.fromarray(pixels).save(path)
        files.append(path)
    root = tmp_path / "case"
    with Case.create(root, "tiny", "E"):
        pass
    import_evidence(ImportRequest(files=tuple(files), role="reference"), CaseWriter(root))
    window.open_case(root)
    wait_idle(qtbot, window)
    with Case.open(root) as case:
        first, second = (artifact.id for artifact in case.artifacts())
    window._compare_requested(first, "A")
    window._compare_requested(second, "B")
    window.show_panel("analysis")
    run_comparison(qtbot, window)
    caption = window.compare_panel.difference_caption.text()
    assert "SSIM not run (under 11 px)." in caption and "nan" not in caption.lower()


def test_the_zoom_label_follows_the_view_on_show(qtbot, window, sample_case):
    """Hidden views fit themselves when the window resizes; the label names the shown one."""
    window.open_case(sample_case)
    window.show_panel("compare")
    panel = window.compare_panel
    wait_idle(qtbot, window)
    panel.view_a.set_zoom(1.6)
    window.resize(window.width() - 200, window.height() - 100)
    qtbot.wait(200)
    assert panel.view_a.zoom() == 1.6
    assert panel.zoom_label.text() == "160 %"
    panel.set_mode("keypoints")  # its own zoom, not the synchronised views'
    assert panel.zoom_label.text() == f"{panel.keypoint_view.zoom() * 100:.0f} %"
