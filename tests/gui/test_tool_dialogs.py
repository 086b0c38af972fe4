"""Tools ▸ Reproduce, Train and Models: the operations without a panel, on real tiny models."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.gui.conftest import JOB_TIMEOUT_MS, error_box, wait_idle
from workstation.app.train import DEMO_MODEL
from workstation.core.case import Case
from workstation.engine.library import inspect
from workstation.engine.stored import output_id

TRAIN_TIMEOUT_MS = 120_000


@pytest.fixture(scope="module")
def scenes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from workstation.engine.synthetic_shapes import write_dataset

    return write_dataset(tmp_path_factory.mktemp("scenes"), 4, seed=3, kind="scene")


@pytest.fixture
def demo_model() -> Path:
    if not (DEMO_MODEL / "model_index.json").exists():
        pytest.skip(f"the demo model is not built ({DEMO_MODEL})")
    return DEMO_MODEL


def test_the_tools_menu_opens_each_dialog_once(window):
    tools = window.menuBar().actions()[4].menu()
    texts = [action.text() for action in tools.actions() if action.text()]
    assert texts[-3:] == ["Re&produce an Image…", "&Train a Model…", "&Models…"]
    window.actions_.models.trigger()
    first = window.tools.dialogs["models"]
    window.actions_.models.trigger()
    assert window.tools.dialogs["models"] is first and first.isVisible()


def test_reproduce_a_generated_image_from_the_case(qtbot, generate_ready, sample_case, models_dir):
    window = generate_ready
    window.generate_panel.form.steps.setValue(3)
    window.generate_panel.generate()
    wait_idle(qtbot, window)
    with Case.open(sample_case) as case:
        (generation,) = case.records("generation")
    disputed = output_id(generation)

    window.settings.model_folder = str(models_dir)  # as the preferences set it
    dialog = window.tools.reproduce(disputed)
    assert dialog.models.path() == models_dir  # the preferences' model folder
    assert not dialog.run_button.isEnabled()  # nothing planned yet
    dialog.find_models()
    wait_idle(qtbot, window)
    assert dialog.matches.rowCount() == 1  # the checkpoint; no LoRA was used
    assert dialog.matches.item(0, 2).text() == "tiny-sd"
    assert dialog.matches.item(0, 2).toolTip().startswith(str(models_dir / "tiny-sd"))
    assert "Every model was found." in dialog.status.text()
    assert dialog.run_button.isEnabled()

    steps = []
    job = dialog.run()
    job.signals.progress.connect(lambda event: steps.append(event.step))
    wait_idle(qtbot, window)
    assert "EXACT MATCH" in dialog.verdict.text(), dialog.status.text()
    assert steps and steps[-1] == 3
    assert dialog.readings.rowCount() > 0 and dialog.readings.isVisible()
    with Case.open(sample_case) as case:
        (record,) = case.records("reproduction")
        assert record.body.exact_match
        assert [k.artifact_id for k in record.linked("input")] == [disputed]
    assert f"reproduction record #{record.id}" in dialog.status.text()
    # Another image: the plan shown is no longer this request's.
    dialog.select_image(1)
    assert dialog.matches.rowCount() == 0 and not dialog.run_button.isEnabled()


def test_reproduce_without_a_recipe_says_so(qtbot, window, sample_case, models_dir):
    window.open_case(sample_case)
    dialog = window.tools.reproduce(1)  # a sample image without generation metadata
    dialog.models.set_path(models_dir)
    dialog.find_models()
    wait_idle(qtbot, window)
    box = error_box(dialog)
    assert box is not None and "records no generation settings" in box.text()
    box.close()
    assert not dialog.run_button.isEnabled()


def test_train_a_lora_with_progress(qtbot, window, demo_model, scenes, tmp_path):
    dialog = window.tools.train()
    assert dialog.kind.currentData() == "lora" and dialog.steps.value() == 300  # its defaults
    dialog.images.set_path(scenes)
    out = tmp_path / "scenes.safetensors"
    dialog.out.set_path(out)
    dialog.steps.setValue(3)
    dialog.batch_size.setValue(2)
    dialog.targets.setCurrentIndex(dialog.targets.findData("all"))
    losses = []
    job = dialog.start()
    job.signals.progress.connect(lambda event: losses.append(event.value))
    assert not dialog.train_button.isEnabled() and dialog.cancel_button.isEnabled()
    wait_idle(qtbot, window, TRAIN_TIMEOUT_MS)

    assert f"Written: {out}" in dialog.status.text(), dialog.status.text()
    assert len(losses) == 3 and all(loss > 0 for loss in losses)
    assert inspect(out).kind == "LoRA"
    assert json.loads(out.with_suffix(".json").read_text())["settings"]["targets"] == "all"
    assert dialog.train_button.isEnabled()


def test_cancel_a_unet_training_keeps_a_checkpoint(qtbot, window, demo_model, scenes, tmp_path):
    dialog = window.tools.train()
    dialog.kind.setCurrentIndex(dialog.kind.findData("unet"))
    assert dialog.steps.value() == 1000 and not dialog.targets.isVisible()
    dialog.images.set_path(scenes)
    dialog.out.set_path(tmp_path / "unet")
    dialog.batch_size.setValue(2)
    job = dialog.start()
    job.signals.progress.connect(lambda event: event.step == 2 and dialog.cancel())
    with qtbot.waitSignal(job.signals.cancelled, timeout=TRAIN_TIMEOUT_MS):
        pass
    wait_idle(qtbot, window)
    assert "checkpoint was kept" in dialog.status.text()
    assert (tmp_path / "unet" / "training_state.pt").exists()


def test_training_needs_its_folders(qtbot, window):
    dialog = window.tools.train()
    assert dialog.start() is None
    box = error_box(dialog)
    assert box is not None and "Choose the images" in box.text()
    box.close()


def test_models_lists_a_folder_and_reads_a_lora(qtbot, window, models_dir):
    dialog = window.tools.models()
    dialog.folder.set_path(models_dir)
    dialog.scan()
    wait_idle(qtbot, window)
    names = [dialog.table.item(row, 0).text() for row in range(dialog.table.rowCount())]
    assert names == ["tiny-sd", "tiny-style"]
    assert dialog.table.item(1, 1).text() == "LoRA"
    assert len(dialog.table.item(1, 4).text()) == 10  # its AutoV2, as A1111 shows it
    assert "2 model(s)." in dialog.status.text()

    dialog.table.selectRow(1)
    qtbot.waitUntil(lambda: dialog.lora.topLevelItemCount() > 0, timeout=JOB_TIMEOUT_MS)
    wait_idle(qtbot, window)
    groups = [dialog.lora.topLevelItem(i).text(0) for i in range(dialog.lora.topLevelItemCount())]
    assert groups[0] == "File" and groups[-1] == "Target modules"
    modules = dialog.lora.topLevelItem(len(groups) - 1)
    assert modules.childCount() > 0 and "rank 4" in modules.child(0).text(1)
