"""The window and the command line build the same request from the same inputs: a form filled in
and the equivalent arguments give equal requests (so both run the same thing). Generate, the
studies, reproduce and train; the other use cases are in test_requests_match_cli.py."""

from __future__ import annotations

import pytest

from workstation.app.clip import CLIP_ARCH_ENV, CLIP_MODEL_ENV
from workstation.app.reproduce import ReproduceRequest
from workstation.app.requests import from_arguments
from workstation.app.train import TrainLoraRequest
from workstation.cli import build_parser
from workstation.commands import generate as generate_command
from workstation.commands import study as study_command


@pytest.fixture(autouse=True)
def no_clip_environment(monkeypatch):
    """The command line's CLIP default comes from the environment; the window's from its
    preferences. Neither is set here unless a test sets it."""
    monkeypatch.delenv(CLIP_MODEL_ENV, raising=False)
    monkeypatch.delenv(CLIP_ARCH_ENV, raising=False)


def _parse(*argv: object):
    return build_parser().parse_args([str(arg) for arg in argv])


def _filled(window):
    """The Generate form with every field away from its default."""
    form = window.generate_panel.form
    form.negative.setPlainText("fog")
    form.seed.lock.setChecked(True)
    form.seed.set_value(77)
    form.steps.setValue(6)
    form.cfg.setValue(6.5)
    form.sampler.setCurrentText("DPM++ 2M Karras")
    form.clip_skip.setValue(2)
    row = form.loras.rows[0]
    row.enabled.setChecked(True)
    row.slider.setValue(-50)
    return form, row.info.path


def _recipe_args(window, lora: str) -> list[object]:
    return [
        "--model", window.generate_panel.form.model.currentData().path,
        "--prompt", "a lighthouse at dusk", "--negative", "fog",
        "--steps", 6, "--cfg", 6.5, "--sampler", "DPM++ 2M Karras",
        "--width", 64, "--height", 64, "--clip-skip", 2,
        "--lora", f"{lora}:-0.5", "--device", "cpu",
    ]  # fmt: skip


def test_generate(generate_ready):
    window = generate_ready
    form, lora = _filled(window)
    form.set_init_image(2)
    form.strength.setValue(50)
    form.keep.setCurrentIndex(form.keep.findData("every-5th"))
    init = window.session.case.object_path(window.session.artifact(2).sha256)

    from_window = form.request()
    args = _parse(
        "generate", *_recipe_args(window, lora), "--seed", 77, "--init", init,
        "--strength", 0.5, "--keep-steps", "every-5th",
    )  # fmt: skip
    assert generate_command.request_of(args) == from_window
    assert from_window.recipe.loras[0].scale == -0.5 and from_window.out is None


def _study_form(window, kind: str):
    form = window.analysis_panel.studies_tab.form
    form.kind.setCurrentIndex(form.kind.findData(kind))
    form.request_box.take_from_generate()  # the study runs the Generate tab's request, copied
    form.reference.setCurrentIndex(1)  # the case's first image
    artifact = window.session.artifact(form.reference.currentData())
    return form, window.session.case.object_path(artifact.sha256)


def test_a_seed_sweep_with_clip(generate_ready, tiny_clip):
    window = generate_ready
    _, lora = _filled(window)
    window.settings.clip_model = str(tiny_clip["checkpoint"])  # as the preferences set them
    window.settings.clip_arch = "wstest-tiny-clip"
    form, reference = _study_form(window, "seeds")
    form.seeds.setText("1-3, 9")

    from_window = form.study_request()
    args = _parse(
        "study", "seeds", "--case", window.session.root, *_recipe_args(window, lora),
        "--reference", reference, "--seeds", "1-3,9",
        "--clip-model", tiny_clip["checkpoint"], "--clip-arch", "wstest-tiny-clip",
    )  # fmt: skip
    assert study_command.request_of(args) == from_window
    assert from_window.seeds == (1, 2, 3, 9) and from_window.recipe.seed == 0  # swept, not 77
    assert from_window.clip.model == tiny_clip["checkpoint"]


def test_a_lora_scale_sweep_sweeps_the_first_lora(generate_ready):
    window = generate_ready
    _, lora = _filled(window)
    form, reference = _study_form(window, "lora-scale")
    form.values.setText("0, 0.5, 1")
    form.seeds.setText("4")

    from_window = form.study_request()
    recipe = [arg for arg in _recipe_args(window, lora) if arg not in ("--lora", f"{lora}:-0.5")]
    args = _parse(
        "study", "lora-scale", "--case", window.session.root, *recipe,
        "--sweep-lora", lora, "--reference", reference, "--scales", "0,0.5,1", "--seeds", 4,
    )  # fmt: skip
    assert study_command.request_of(args) == from_window
    assert from_window.recipe.loras == ()


def test_the_defaults_the_form_shows_are_the_command_lines(generate_ready):
    window = generate_ready
    row = window.generate_panel.form.loras.rows[0]
    base = [
        "--model", window.generate_panel.form.model.currentData().path,
        "--prompt", "a lighthouse at dusk", "--width", 64, "--height", 64, "--device", "cpu",
    ]  # fmt: skip
    extra = {"strength": ["--source"], "lora-scale": ["--sweep-lora", row.info.path, "--reference"]}
    for kind in ("strength", "lora-scale", "seeds"):
        row.enabled.setChecked(kind == "lora-scale")  # the window sweeps the first LoRA
        form, reference = _study_form(window, kind)
        from_window = form.study_request()
        where = extra.get(kind, ["--reference"])
        args = _parse("study", kind, "--case", window.session.root, *base, *where, reference)
        assert study_command.request_of(args) == from_window, kind


def test_reproduce(window, sample_case, models_dir, tiny_clip):
    window.open_case(sample_case)
    window.settings.device = "cpu"
    window.settings.clip_model = str(tiny_clip["folder"])
    dialog = window.tools.reproduce(1)
    dialog.models.set_path(models_dir)
    image = window.session.case.object_path(window.session.artifact(1).sha256)
    args = _parse(
        "reproduce", image, "--models", models_dir, "--device", "cpu",
        "--clip-model", tiny_clip["folder"],
    )  # fmt: skip
    assert from_arguments(ReproduceRequest, args) == dialog.request()


def test_train(window, tmp_path):
    dialog = window.tools.train()
    dialog.images.set_path(tmp_path / "images")
    dialog.out.set_path(tmp_path / "style.safetensors")
    dialog.steps.setValue(40)
    dialog.targets.setCurrentIndex(dialog.targets.findData("all"))
    args = _parse(
        "train", "lora", "--images", tmp_path / "images", "--out", tmp_path / "style.safetensors",
        "--steps", 40, "--targets", "all",
    )  # fmt: skip
    assert from_arguments(TrainLoraRequest, args) == dialog.request()
