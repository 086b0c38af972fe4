"""The Generate panel on a tiny model: live preview, result in the case, cancel, bad input."""

from __future__ import annotations

from tests.gui.conftest import JOB_TIMEOUT_MS, error_box, wait_idle
from workstation.core.case import Case
from workstation.engine.stored import kept_steps, output_id


def test_generation_previews_each_step_and_lands_in_the_case(qtbot, generate_ready, sample_case):
    window = generate_ready
    panel = window.generate_panel
    assert panel.form.model.currentText().startswith("tiny-sd")
    assert [row.info.name for row in panel.form.loras.rows] == ["tiny-style"]
    panel.form.steps.setValue(6)
    seed = panel.form.seed.value()

    seen = []  # (step, preview shown in the view at that moment)

    def progressed(event):
        shown = event.preview is not None and len(panel.preview.items) == 1
        seen.append((event.step, event.total, shown))

    job = panel.generate()
    job.signals.progress.connect(progressed)  # runs after the panel's own slot
    wait_idle(qtbot, window)

    assert [s[0] for s in seen] == [1, 2, 3, 4, 5, 6]
    assert all(total == 6 and shown for _step, total, shown in seen)
    assert panel.filmstrip.count() == 7  # six steps and the result

    with Case.open(sample_case) as case:
        (record,) = case.records("generation")
        assert f"generation record #{record.id}" in panel.result_label.text()
        output = case.artifact(output_id(record))
        steps = kept_steps(record)
    assert record.payload["params"]["seed"] == seed
    assert record.payload["params"]["prompt"] == "a lighthouse at dusk"
    assert (output.role, output.width, output.height) == ("generated", 64, 64)
    assert {s.step for s in steps} == set(range(1, 7))
    # The Case panel shows the result but hides the step pictures until asked.
    case_panel = window.case_panel
    assert case_panel.model.row_of(output.id) is not None
    assert case_panel.proxy.rowCount() == 5
    case_panel.show_steps.setChecked(True)
    assert case_panel.proxy.rowCount() == 5 + len(steps)


def test_cancel_stops_the_run_and_stores_nothing(qtbot, generate_ready, sample_case):
    window = generate_ready
    panel = window.generate_panel
    panel.form.steps.setValue(150)
    with Case.open(sample_case) as case:
        before = (len(case.artifacts()), case.chain_head())

    job = panel.generate()
    job.signals.progress.connect(lambda event: event.step == 2 and panel.cancel())
    with qtbot.waitSignal(job.signals.cancelled, timeout=JOB_TIMEOUT_MS):
        pass
    wait_idle(qtbot, window)

    assert "Cancelled" in panel.preview_caption.text()
    assert panel.progress.value() < 10
    assert panel.generate_button.isEnabled()
    with Case.open(sample_case) as case:
        assert (len(case.artifacts()), case.chain_head()) == before


def test_img2img_with_a_lora_from_the_case(qtbot, generate_ready, sample_case):
    panel = generate_ready.generate_panel
    form = panel.form
    row = form.loras.rows[0]
    row.enabled.setChecked(True)
    row.slider.setValue(-50)
    form.set_init_image(2)
    form.strength.setValue(50)
    form.steps.setValue(6)
    form.seed.lock.setChecked(True)
    form.seed.set_value(77)
    params = form.request().recipe.params()
    assert [(spec.path, spec.scale) for spec in params.loras] == [(row.info.path, -0.5)]
    assert params.init_image.endswith(panel.session.artifact(2).sha256)
    assert (params.strength, params.seed, params.width) == (0.5, 77, 64)

    panel.generate()
    wait_idle(qtbot, generate_ready)
    with Case.open(sample_case) as case:
        (record,) = case.records("generation")
    assert record.payload["mode"] == "img2img"
    assert record.payload["steps_run"] == 3  # int(6 × 0.5)
    assert record.payload["init_image"]["sha256"] == panel.session.artifact(2).sha256
    assert [lora["scale"] for lora in record.payload["loras"]] == [-0.5]
    assert panel.filmstrip.count() == 4


def test_unlocked_seed_changes_and_is_shown(generate_ready):
    seed = generate_ready.generate_panel.form.seed
    seed.lock.setChecked(False)
    first = seed.seed_for_next_run()
    assert seed.value() == first
    assert {seed.seed_for_next_run() for _ in range(5)} != {first}


def test_unusable_values_are_explained_before_anything_runs(qtbot, generate_ready):
    panel = generate_ready.generate_panel
    panel.form.width_.setValue(100)  # not a multiple of 8
    assert panel.generate() is None
    box = error_box(generate_ready)
    assert box is not None and "multiple of 8" in box.text()
    assert not generate_ready.runner.busy


def test_following_comfyui_lists_its_names_and_the_record_says_so(
    qtbot, generate_ready, sample_case, tmp_path
):
    window = generate_ready
    form = window.generate_panel.form
    form.convention.setCurrentIndex(form.convention.findData("comfyui"))
    samplers = [form.sampler.itemText(i) for i in range(form.sampler.count())]
    schedules = [form.schedule.itemData(i) for i in range(form.schedule.count())]
    assert "dpmpp_2m" in samplers and "DPM++ 2M Karras" not in samplers
    assert "karras" in schedules and form.schedule.isEnabled()
    form.sampler.setCurrentText("dpmpp_2m")
    form.schedule.setCurrentIndex(form.schedule.findData("karras"))
    form.steps.setValue(4)
    window.grab().save(str(tmp_path / "generate-comfyui.png"))  # looked at by hand once
    window.generate_panel.generate()
    wait_idle(qtbot, window)
    with Case.open(sample_case) as case:
        record = case.records("generation")[-1]
    params, sampling = record.payload["params"], record.payload["sampling"]
    assert (params["convention"], params["sampler"], params["scheduler"]) == (
        "comfyui",
        "dpmpp_2m",
        "karras",
    )
    assert (sampling["k_sampler"], sampling["schedule"]) == ("dpmpp_2m", "karras")
    form.convention.setCurrentIndex(form.convention.findData("workstation"))
    assert not form.schedule.isEnabled() and form.sampler.findText("Euler a") >= 0
