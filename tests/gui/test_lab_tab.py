"""Analysis ▸ Lab: a tiny over-fitting lab on the bundled demo model, run, cancelled and refused."""

from __future__ import annotations

import pytest

from tests.gui.conftest import JOB_TIMEOUT_MS, error_box, wait_idle
from workstation.app.train import DEMO_MODEL
from workstation.core.case import Case
from workstation.engine.stored import linked_id

LAB_TIMEOUT_MS = 120_000  # a tiny lab takes about 10 s; more on a busy machine


@pytest.fixture
def lab(qtbot, window, sample_case):
    """The Lab tab on the sample case, its form set to a lab of a few seconds."""
    if not (DEMO_MODEL / "model_index.json").exists():
        pytest.skip(f"the demo model is not built ({DEMO_MODEL})")
    window.open_case(sample_case)
    wait_idle(qtbot, window)
    window.show_panel("analysis")
    tab = window.analysis_panel.lab_tab
    window.analysis_panel.tabs.setCurrentWidget(tab)
    form = tab.form
    assert form.base.text() == str(DEMO_MODEL) and not form.images.text()  # synthetic scenes
    form.sizes.setText("1,3")
    form.steps.setValue(8)
    form.batch_size.setValue(4)
    form.samples.setValue(2)
    return tab


def case_state(root):
    with Case.open(root) as case:
        return len(case.artifacts()), len(case.records()), case.chain_head()


def test_a_tiny_lab_is_stored_and_shown(qtbot, window, lab, sample_case, tiny_clip):
    form = lab.form
    window.settings.clip_model = str(tiny_clip["folder"])  # as the preferences set it
    assert lab.records.count() == 0 and lab.table.rowCount() == 0
    job = form.run()
    assert job is not None and form.cancel_button.isEnabled() and not form.run_button.isEnabled()
    wait_idle(qtbot, window, LAB_TIMEOUT_MS)

    assert "Stored as record #" in form.status.text() and form.run_button.isEnabled()
    with Case.open(sample_case) as case:
        (record,) = case.records("lab")
        # every image has its provenance record except the figures this run drew (its
        # record says how they were made)
        images = {a.id for a in case.artifacts() if a.media_type.startswith("image/")}
        figures = {k.artifact_id for r in case.records() for k in r.linked("figure", "step")}
        about = [k.artifact_id for r in case.records("provenance") for k in r.linked("about")]
        assert figures and sorted(about) == sorted(images - figures) and len(about) >= 4
    assert [p["training_images"] for p in record.payload["points"]] == [1, 3]
    assert record.payload["data"]["folder"].startswith("synthetic scenes")
    assert lab.records.count() == 1
    assert [lab.table.item(row, 0).text() for row in range(lab.table.rowCount())] == ["1", "3"]
    # The preferences' CLIP model joined the measures: a number in the CLIP column.
    clip_column = [
        lab.table.horizontalHeaderItem(c).text() for c in range(lab.table.columnCount())
    ].index("CLIP")
    for row, point in enumerate(record.payload["points"]):
        assert lab.table.item(row, clip_column).text() == f"{point['mean_nearest_clip']:.3f}"
    assert lab.picture.currentData() == linked_id(record, "plot", "figure")
    qtbot.waitUntil(lambda: len(lab.plot.items) == 1, timeout=JOB_TIMEOUT_MS)
    assert lab.plot.items[0].pixmap().width() > 300  # the plot, not a sample

    # A row shows that size's samples; reopening the case shows its last lab again.
    lab.table.cellClicked.emit(1, 0)
    assert lab.picture.currentData() == record.payload["points"][1]["artifact_id"]
    window.close_case()
    assert lab.records.count() == 0 and lab.table.rowCount() == 0
    window.open_case(sample_case)
    wait_idle(qtbot, window)
    assert lab.records.count() == 1 and lab.table.rowCount() == 2


def test_cancel_returns_to_idle_and_stores_nothing(qtbot, window, lab, sample_case):
    form = lab.form
    before = case_state(sample_case)
    form.steps.setValue(400)  # long enough to be stopped during training
    job = form.run()
    qtbot.waitUntil(lambda: "training" in form.status.text(), timeout=LAB_TIMEOUT_MS)
    with qtbot.waitSignal(job.signals.cancelled, timeout=LAB_TIMEOUT_MS):
        form.cancel()
    wait_idle(qtbot, window)
    assert "Cancelled" in form.status.text()
    assert form.run_button.isEnabled() and not form.cancel_button.isEnabled()
    assert case_state(sample_case) == before
    assert lab.records.count() == 0


def test_bad_sizes_are_refused_before_anything_runs(qtbot, window, lab, sample_case):
    before = case_state(sample_case)
    lab.form.sizes.setText("0,x")
    assert lab.form.run() is None and not window.runner.busy
    box = error_box(window)
    assert box is not None and "sizes" in box.text()
    box.close()
    assert case_state(sample_case) == before


def test_a_missing_image_folder_fails_with_a_message(qtbot, window, lab, sample_case, tmp_path):
    before = case_state(sample_case)
    lab.form.images.setText(str(tmp_path / "no-such-folder"))
    assert lab.form.run() is not None
    wait_idle(qtbot, window, LAB_TIMEOUT_MS)
    box = error_box(window)
    assert box is not None and "not a folder" in box.text()
    box.close()
    assert "not a folder" in lab.form.status.text() and lab.form.run_button.isEnabled()
    assert case_state(sample_case) == before
