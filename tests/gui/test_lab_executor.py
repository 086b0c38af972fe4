"""Analysis ▸ Lab ▸ "Run on": the over-fitting lab's sizes on local Ray workers from the window,
and the one line a user without Ray sees."""

from __future__ import annotations

import sys

import pytest

from tests.gui.conftest import error_box, wait_idle
from tests.gui.test_lab_tab import LAB_TIMEOUT_MS, case_state
from workstation.app.train import DEMO_MODEL
from workstation.core.case import Case


def _form(qtbot, window, sample_case):
    """The Lab tab's form on the sample case, set to a lab of a few seconds."""
    if not (DEMO_MODEL / "model_index.json").exists():
        pytest.skip(f"the demo model is not built ({DEMO_MODEL})")
    window.open_case(sample_case)
    wait_idle(qtbot, window)
    window.show_panel("analysis")
    tab = window.analysis_panel.lab_tab
    window.analysis_panel.tabs.setCurrentWidget(tab)
    form = tab.form
    form.sizes.setText("1,2")
    form.steps.setValue(4)
    form.batch_size.setValue(2)
    form.samples.setValue(1)
    return form


def test_the_lab_runs_its_sizes_on_ray_workers_from_the_window(
    qtbot, ray, window, sample_case, monkeypatch
):
    from workstation.analysis.ray_executor import RayExecutor

    mapped = []
    real_map = RayExecutor.map

    def map_spy(self, work, items, runtime, what="job"):  # what reached the Ray executor
        mapped.append((work.__name__, [item.size for item in items], what))
        yield from real_map(self, work, items, runtime, what)

    monkeypatch.setattr(RayExecutor, "map", map_spy)
    form = _form(qtbot, window, sample_case)
    run_on = form.run_on
    assert run_on.choice.currentData() == "inprocess" and run_on.address.isHidden()
    run_on.choice.setCurrentIndex(run_on.choice.findData("ray"))
    assert not run_on.address.isHidden()

    job = form.run()
    assert job is not None and not run_on.isEnabled()  # fixed while the lab runs
    wait_idle(qtbot, window, LAB_TIMEOUT_MS)

    assert mapped == [("train_size", [1, 2], "lab")]
    assert "Stored as record #" in form.status.text() and run_on.isEnabled()
    with Case.open(sample_case) as case:
        (record,) = case.records("lab")
        points = record.payload["points"]
        assert [p["training_images"] for p in points] == [1, 2]
        grids = [k.artifact_id for k in record.linked("figure") if k.label.startswith("grid")]
        assert grids == [p["artifact_id"] for p in points]
        assert case.verify().ok


def test_without_ray_the_lab_form_says_how_to_install_it(qtbot, window, sample_case, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray → ImportError
    form = _form(qtbot, window, sample_case)
    before = case_state(sample_case)
    form.run_on.choice.setCurrentIndex(form.run_on.choice.findData("ray"))
    assert form.run() is None and form.job is None
    box = error_box(window)
    assert box is not None and "pip install" in box.text() and "\n" not in box.text()
    box.close()
    assert case_state(sample_case) == before
