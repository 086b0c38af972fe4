"""Analysis ▸ Studies: running a study on the Generate panel's request, and cancelling it."""

from __future__ import annotations

from tests.gui.conftest import JOB_TIMEOUT_MS, error_box, wait_idle
from workstation.core.case import Case


def _studies(window):
    window.show_panel("analysis")
    tab = window.analysis_panel.studies_tab
    window.analysis_panel.tabs.setCurrentWidget(tab)
    return tab


def test_a_seed_sweep_runs_from_the_tab_and_is_shown(qtbot, generate_ready, sample_case):
    window = generate_ready
    window.generate_panel.form.steps.setValue(3)
    tab = _studies(window)
    form = tab.form
    assert not form.run_button.isEnabled()  # no request chosen yet
    form.request_box.take_from_generate()
    assert form.kind.currentData() == "seeds" and form.run_button.isEnabled()
    form.reference.setCurrentIndex(1)  # the first image of the case
    form.seeds.setText("1-3")

    job = form.run()
    assert job is not None and form.cancel_button.isEnabled()
    wait_idle(qtbot, window)

    with Case.open(sample_case) as case:
        (record,) = case.records("study")
        assert len(record.linked("item")) == 3  # each image its own generation record, first
        # every image has its provenance record except the figures this run drew (its
        # record says how they were made)
        images = {a.id for a in case.artifacts() if a.media_type.startswith("image/")}
        figures = {k.artifact_id for r in case.records() for k in r.linked("figure", "step")}
        about = [k.artifact_id for r in case.records("provenance") for k in r.linked("about")]
        assert figures and sorted(about) == sorted(images - figures) and len(about) >= 4
    assert f"Stored as record #{record.id}." in form.status.text()
    assert record.payload["study"] == "seeds"
    assert [p["seed"] for p in record.payload["points"]] == [1, 2, 3]
    assert tab.records.count() == 1
    assert tab.records.currentItem().data(0x0100).id == record.id  # the new one is shown
    qtbot.waitUntil(lambda: len(tab.plot.items) == 1, timeout=JOB_TIMEOUT_MS)
    # The details are a table of each output's readings, not the stored JSON.
    details = tab.details.toPlainText()
    assert "{" not in details and '"points"' not in details
    ssim = [f"{p['ssim']:.4g}" for p in record.payload["points"]]
    assert all(value in details for value in ssim)
    assert all(f"#{p['artifact_id']}" in details for p in record.payload["points"])
    assert "Bands name ranges of a measurement" in details


def test_cancel_leaves_the_case_unchanged(qtbot, generate_ready, sample_case):
    window = generate_ready
    window.generate_panel.form.steps.setValue(40)
    tab = _studies(window)
    form = tab.form
    form.kind.setCurrentIndex(form.kind.findData("trajectory"))
    form.request_box.take_from_generate()
    with Case.open(sample_case) as case:
        before = (len(case.artifacts()), case.chain_head())

    job = form.run()
    job.signals.progress.connect(lambda event: event.step == 2 and form.cancel())
    with qtbot.waitSignal(job.signals.cancelled, timeout=JOB_TIMEOUT_MS):
        pass
    wait_idle(qtbot, window)
    assert "Cancelled" in form.status.text() and form.run_button.isEnabled()
    with Case.open(sample_case) as case:
        assert (len(case.artifacts()), case.chain_head()) == before


def test_a_sweep_needs_a_reference(qtbot, generate_ready):
    form = _studies(generate_ready).form
    form.request_box.take_from_generate()
    assert form.run() is None
    box = error_box(generate_ready)
    assert box is not None and "reference image from the case" in box.text()
    box.close()
