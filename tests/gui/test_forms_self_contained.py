"""The study form shows the request it runs and runs exactly that one (from a generation record,
taken from the Generate tab, or edited); the Generate tab keeps its last request across restarts
and keeps every step by default."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog

from tests.gui.conftest import JOB_TIMEOUT_MS, wait_idle
from workstation.app.generate import KEEP_ALL, KEEP_EVERY_5TH
from workstation.app.study import SeedsRequest, TrajectoryRequest
from workstation.core.case import Case
from workstation.engine.stored import kept_steps
from workstation.gui.main_window import MainWindow


def _generated(qtbot, window) -> int:
    """One small generation from the Generate panel; its record's id."""
    form = window.generate_panel.form
    form.seed.lock.setChecked(True)
    form.seed.set_value(4242)
    form.steps.setValue(3)
    form.cfg.setValue(6.5)
    form.negative.setPlainText("fog")
    row = form.loras.rows[0]
    row.enabled.setChecked(True)
    row.spin.setValue(0.5)
    window.generate_panel.generate()
    wait_idle(qtbot, window)
    (record,) = window.session.records("generation")
    return record.id


def _study_form(window):
    window.show_panel("analysis")
    tab = window.analysis_panel.studies_tab
    window.analysis_panel.tabs.setCurrentWidget(tab)
    return tab.form


def test_the_study_form_defaults_from_a_chosen_generation_record(qtbot, generate_ready):
    window = generate_ready
    record_id = _generated(qtbot, window)
    form = _study_form(window)
    box = form.request_box
    assert box.recipe is None and not form.run_button.isEnabled()  # nothing chosen silently
    assert "No request yet" in box.origin.text()
    assert box.source.findData(record_id) == 1  # the case's generation records, newest first

    box.source.setCurrentIndex(1)
    box.source.activated.emit(1)  # as the examiner chooses it
    assert box.recipe is not None and form.run_button.isEnabled()
    assert f"#{record_id}" in box.origin.text()

    # The request shown is the record's, field by field.
    with Case.open(window.session.root, readonly=True) as case:
        recorded = next(r for r in case.records("generation") if r.id == record_id)
    params = recorded.payload["params"]
    form.kind.setCurrentIndex(form.kind.findData("trajectory"))
    request = form.study_request()
    assert isinstance(request, TrajectoryRequest) and request.recipe == box.recipe
    run = request.recipe.params().to_dict()
    for key in ("model", "prompt", "negative", "seed", "steps", "cfg", "sampler", "width"):
        assert run[key] == params[key], key
    for key in ("height", "clip_skip", "convention", "scheduler", "device", "dtype", "noise"):
        assert run[key] == params[key], key
    assert [(s["path"], s["scale"]) for s in run["loras"]] == [
        (s["path"], s["scale"]) for s in params["loras"]
    ]
    assert params["seed"] == 4242 and params["steps"] == 3 and params["negative"] == "fog"
    # Every field is written out in the form.
    shown = box.summary.text()
    for text in ("a lighthouse at dusk", "fog", "4242", "6.5", "64 × 64", "tiny-style"):
        assert text in shown, text


def test_take_from_the_generate_tab_copies_and_later_changes_there_do_not_count(
    qtbot, generate_ready
):
    window = generate_ready
    generate = window.generate_panel.form
    generate.seed.lock.setChecked(True)
    generate.seed.set_value(99)
    generate.steps.setValue(4)
    form = _study_form(window)
    form.request_box.take_from_generate()
    taken = form.request_box.recipe
    assert taken == generate.recipe()  # a copy of what the Generate tab would run now
    assert "Generate tab" in form.request_box.origin.text()

    generate.prompt.setPlainText("a castle at noon")
    generate.steps.setValue(9)
    generate.seed.set_value(5)
    form.kind.setCurrentIndex(form.kind.findData("trajectory"))
    request = form.study_request()
    assert request.recipe == taken  # the shown request, not the Generate tab's new one
    assert (request.recipe.prompt, request.recipe.steps, request.recipe.seed) == (
        "a lighthouse at dusk",
        4,
        99,
    )
    assert "a castle" not in form.request_box.summary.text()
    # A seed sweep replaces only the seed, and says so.
    form.kind.setCurrentIndex(form.kind.findData("seeds"))
    form.reference.setCurrentIndex(1)
    form.seeds.setText("1-2")
    sweep = form.study_request()
    assert isinstance(sweep, SeedsRequest)
    assert sweep.recipe == taken.replace(seed=0) and sweep.seeds == (1, 2)
    assert "swept by the study" in form.request_box.summary.text()


def test_edit_changes_the_request_that_runs(qtbot, generate_ready):
    window = generate_ready
    form = _study_form(window)
    box = form.request_box
    box.take_from_generate()
    box.edit_request()
    dialog = box.dialog
    assert dialog.prompt.toPlainText() == "a lighthouse at dusk"
    dialog.prompt.setPlainText("a lighthouse in fog")
    dialog.steps.setValue(7)
    dialog.seed.setText("31")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    form.kind.setCurrentIndex(form.kind.findData("trajectory"))
    recipe = form.study_request().recipe
    assert (recipe.prompt, recipe.steps, recipe.seed) == ("a lighthouse in fog", 7, 31)
    assert recipe.model == window.generate_panel.form.recipe().model  # the rest as it was
    assert "Edited." in box.origin.text() and "a lighthouse in fog" in box.summary.text()


def test_the_generate_tab_restores_its_last_request_in_a_new_window(
    qtbot, generate_ready, settings, models_dir: Path
):
    window = generate_ready
    form = window.generate_panel.form
    assert form.keep.currentData() == KEEP_ALL  # every step, unless asked otherwise
    form.negative.setPlainText("fog")
    form.seed.lock.setChecked(True)
    form.seed.set_value(123456)
    form.steps.setValue(7)
    form.cfg.setValue(6.5)
    form.sampler.setCurrentText("DPM++ 2M Karras")
    form.clip_skip.setValue(2)
    form.keep.setCurrentIndex(form.keep.findData(KEEP_EVERY_5TH))
    form.loras.rows[0].enabled.setChecked(True)
    form.loras.rows[0].spin.setValue(-0.5)
    before = form.request()
    window.close()  # the window keeps the request as it closes

    settings.model_folder, settings.device = str(models_dir), "cpu"  # as the preferences are
    again = MainWindow(settings)
    qtbot.addWidget(again)
    restored = again.generate_panel.form
    qtbot.waitUntil(lambda: restored.model.count() > 0, timeout=JOB_TIMEOUT_MS)
    assert restored.request() == before  # the same seed, not a new one
    assert restored.seed.value() == 123456 and restored.width_.value() == 64
    assert restored.prompt.toPlainText() == "a lighthouse at dusk"
    assert restored.keep.currentData() == KEEP_EVERY_5TH
    again.close()


def test_a_generation_starting_keeps_its_request_and_every_step(qtbot, generate_ready, settings):
    window = generate_ready
    form = window.generate_panel.form
    form.seed.lock.setChecked(True)
    form.seed.set_value(8)
    form.steps.setValue(3)
    window.generate_panel.generate()
    saved = settings.last_generate_request
    assert saved["seed"] == "8" and saved["steps"] == 3 and saved["keep"] == KEEP_ALL
    assert saved["prompt"] == "a lighthouse at dusk"
    wait_idle(qtbot, window)
    with Case.open(window.session.root, readonly=True) as case:
        (record,) = case.records("generation")
        steps = kept_steps(record)
    decoded = sorted(s.step for s in steps if s.kind != "preview")
    assert decoded == [1, 2, 3]  # a full decode of every step, not every 5th


def test_the_lab_form_shows_its_whole_request_and_refills_from_an_earlier_lab(
    qtbot, window, sample_case, tmp_path
):
    from workstation.core.records import Lab

    settings = {
        "sizes": [2, 5],
        "steps": 40,
        "batch_size": 3,
        "samples": 6,
        "seed": 321,
        "near_copy_l2": 0.07,
        "init": "scratch",
    }
    body = Lab(
        title="Over-fitting lab",
        description="",
        parameter="training_images",
        points=[],
        near_copy_rule="",
        settings=settings,
        noise_offset_used=0.0,
        data={"folder": str(tmp_path), "images": 5, "sha256": "0" * 64},
        base_model={"path": str(tmp_path / "base-model"), "sha256": "1" * 64},
        calibration=None,
        clip_model=None,
        seconds=1.0,
    )
    with Case.open(sample_case) as case:
        record_id = case.add_record(body)
    window.open_case(sample_case)
    form = window.analysis_panel.lab_tab.form
    assert "none" in form.clip_label.text()  # no CLIP model in the preferences: named so
    assert form.source.findData(record_id) == 1
    form.source.setCurrentIndex(1)
    form.source.activated.emit(1)

    request = form.lab_request()
    assert request.sizes == (2, 5) and (request.steps, request.batch_size) == (40, 3)
    assert (request.samples, request.seed, request.init) == (6, 321, "scratch")
    assert request.near_copy == 0.07 and request.images == tmp_path
    assert request.base == tmp_path / "base-model"
    assert (form.seed.value(), form.init.currentData()) == (321, "scratch")  # shown as run
    assert f"#{record_id}" in form.status.text()
