"""Analysis ▸ Studies ▸ "Run on": a seed sweep on local Ray workers from the window, and the one
line a user without Ray sees."""

from __future__ import annotations

import sys

from tests.gui.conftest import JOB_TIMEOUT_MS, error_box, wait_idle
from workstation.core.case import Case


def _form(window):
    window.show_panel("analysis")
    tab = window.analysis_panel.studies_tab
    window.analysis_panel.tabs.setCurrentWidget(tab)
    form = tab.form
    form.request_box.take_from_generate()
    form.reference.setCurrentIndex(1)  # the first image of the case
    form.seeds.setText("1-3")
    return form


def test_a_seed_sweep_runs_on_ray_workers_from_the_window(qtbot, ray, generate_ready, sample_case):
    window = generate_ready
    window.generate_panel.form.steps.setValue(3)
    form = _form(window)
    assert form.executor.currentData() == "inprocess" and form.ray_address.isHidden()
    form.executor.setCurrentIndex(form.executor.findData("ray"))
    assert not form.ray_address.isHidden()

    job = form.run()
    assert job is not None and not form.executor.isEnabled()
    wait_idle(qtbot, window, timeout=3 * JOB_TIMEOUT_MS)

    with Case.open(sample_case) as case:
        (record,) = case.records("study")
        items = {k.record_id for k in record.linked("item")}
        made = [r for r in case.records("generation") if r.id in items]
        assert sorted(r.body.params["seed"] for r in made) == [1, 2, 3]
        assert case.verify().ok
    assert record.payload["counts"] == {"items": 3, "generated": 3, "reused": 0}
    assert f"Stored as record #{record.id}." in form.status.text()
    assert form.executor.isEnabled()


def test_without_ray_the_form_says_how_to_install_it(qtbot, generate_ready, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray → ImportError
    form = _form(generate_ready)
    form.executor.setCurrentIndex(form.executor.findData("ray"))
    assert form.run() is None and form.job is None
    box = error_box(generate_ready)
    assert box is not None and "pip install" in box.text() and "\n" not in box.text()
    box.close()
