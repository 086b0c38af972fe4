"""Training a UNet and a LoRA on the CPU: the result loads in the engine, resumes, over-fits."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from workstation.analysis.overfit_lab import tiled_l2
from workstation.core.errors import Cancelled, InputError
from workstation.core.params import GenerationParams, LoraSpec
from workstation.engine.generate import txt2img
from workstation.engine.library import inspect
from workstation.engine.loading import load_model
from workstation.engine.training import (
    LoraSettings,
    TrainSettings,
    read_captioned_folder,
    train_lora,
    train_unet,
)

SMALL = TrainSettings(steps=4, batch_size=2, warmup_steps=1, checkpoint_every=2)


def generate(model_dir: Path, prompt: str, seed: int, **extra) -> np.ndarray:
    model = load_model(model_dir, device="cpu", dtype="float32")
    params = GenerationParams(
        model=str(model_dir),
        prompt=prompt,
        seed=seed,
        steps=10,
        cfg=5.0,
        sampler="Euler",
        width=64,
        height=64,
        **extra,
    )
    return np.asarray(txt2img(model, params, decode_steps=()).image.convert("RGB"))


def test_captions_from_txt_or_jsonl(tmp_path: Path, scenes: Path) -> None:
    data = read_captioned_folder(scenes)
    assert len(data) == 6 and all(" on a " in caption for caption in data.captions)
    folder = tmp_path / "jsonl"
    folder.mkdir()
    (folder / "a.png").write_bytes((scenes / "00000.png").read_bytes())
    (folder / "captions.jsonl").write_text('{"file": "a.png", "caption": "a red circle"}\n')
    assert read_captioned_folder(folder).captions == ("a red circle",)
    (folder / "b.png").write_bytes((scenes / "00001.png").read_bytes())
    with pytest.raises(InputError, match="no caption"):
        read_captioned_folder(folder)


def test_trained_unet_is_a_model_the_engine_loads(tmp_path: Path, demo_model, scenes) -> None:
    out = tmp_path / "model"
    result = train_unet(scenes, out, demo_model, SMALL)
    assert result.steps == 4 and not (out / "training_state.pt").exists()
    info = inspect(out)
    assert (info.format, info.kind, info.architecture) == ("diffusers", "SD1.x", "demo-64")
    record = json.loads((out / "training.json").read_text())
    assert record["data"]["sha256"] == read_captioned_folder(scenes).sha256
    assert record["finished"] and record["steps_done"] == 4
    image = generate(out, "a red circle on a blue background", seed=1)
    assert image.shape == (64, 64, 3)


def test_cancel_checkpoints_and_resume_ends_where_an_unbroken_run_ends(
    tmp_path: Path, demo_model, scenes
) -> None:
    from safetensors.torch import load_file

    train_unet(scenes, tmp_path / "straight", demo_model, SMALL)
    seen = []

    def cancel_after_three() -> bool:
        return len(seen) >= 3

    with pytest.raises(Cancelled, match="step 3 of 4"):
        train_unet(
            scenes,
            tmp_path / "broken",
            demo_model,
            SMALL,
            on_progress=lambda step, total, loss: seen.append(step),
            is_cancelled=cancel_after_three,
        )
    assert (tmp_path / "broken" / "training_state.pt").exists()
    assert json.loads((tmp_path / "broken" / "training.json").read_text())["steps_done"] == 3
    train_unet(scenes, tmp_path / "broken", demo_model, SMALL)
    weights = "unet/diffusion_pytorch_model.safetensors"
    straight = load_file(tmp_path / "straight" / weights)
    resumed = load_file(tmp_path / "broken" / weights)
    assert all(straight[k].equal(resumed[k]) for k in straight)

    with pytest.raises(Cancelled):
        train_unet(scenes, tmp_path / "other", demo_model, SMALL, is_cancelled=lambda: True)
    with pytest.raises(InputError, match="different training run"):
        train_unet(scenes, tmp_path / "other", demo_model, replace(SMALL, steps=5))


def test_over_fitting_one_image_brings_samples_close_to_it(
    tmp_path: Path, demo_model, scenes
) -> None:
    one = read_captioned_folder(scenes).first(1)
    target = np.asarray(Image.open(scenes / one.files[0]).convert("RGB"))
    settings = TrainSettings(
        steps=150, batch_size=8, learning_rate=2e-3, warmup_steps=10, checkpoint_every=0
    )
    train_unet(one, tmp_path / "untrained", demo_model, TrainSettings(steps=1, checkpoint_every=0))
    train_unet(one, tmp_path / "overfit", demo_model, settings)
    before = [
        tiled_l2(generate(tmp_path / "untrained", one.captions[0], s), target[None])[0]
        for s in (11, 12, 13)
    ]
    after = [
        tiled_l2(generate(tmp_path / "overfit", one.captions[0], s), target[None])[0]
        for s in (11, 12, 13)
    ]
    assert np.mean(after) < 0.85 * np.mean(before), (before, after)


def test_lora_trains_and_changes_the_output(tmp_path: Path, demo_model, scenes) -> None:
    lora = tmp_path / "lora" / "scenes.safetensors"
    result = train_lora(scenes, lora, demo_model, LoraSettings(steps=20, batch_size=2))
    assert lora.exists() and result.record["kind"] == "lora"
    assert inspect(lora).kind == "LoRA"
    prompt = read_captioned_folder(scenes).captions[0]
    plain = generate(demo_model, prompt, seed=5)
    with_lora = generate(demo_model, prompt, seed=5, loras=(LoraSpec(str(lora), 1.0),))
    assert np.abs(plain.astype(int) - with_lora.astype(int)).mean() > 0.5


def test_an_all_layer_lora_adapts_convolutions_and_loads(
    tmp_path: Path, demo_model, scenes
) -> None:
    """targets="all" (LoCon style) also adapts ResNet convolutions; the engine loads the file
    (kind, module count) and it changes the output; an unknown target set is refused."""
    from safetensors import safe_open

    lora = tmp_path / "all.safetensors"
    train_lora(scenes, lora, demo_model, LoraSettings(steps=10, batch_size=2, targets="all"))
    with safe_open(str(lora), "pt") as handle:
        keys = list(handle.keys())
    assert any(".resnets." in key and ".conv1.lora_A" in key for key in keys)
    assert any(".attn1.to_q.lora_A" in key for key in keys)
    assert inspect(lora).kind == "LoRA"
    prompt = read_captioned_folder(scenes).captions[0]
    plain = generate(demo_model, prompt, seed=5)
    with_lora = generate(demo_model, prompt, seed=5, loras=(LoraSpec(str(lora), 1.0),))
    assert np.abs(plain.astype(int) - with_lora.astype(int)).mean() > 0.5
    with pytest.raises(InputError, match="targets"):
        LoraSettings(targets="everything")


@pytest.mark.parametrize(
    ("name", "content", "caption", "message"),
    [
        ("a.png", b"not a png at all", b"a cap", "content is not an image"),
        ("a.png", "truncated", b"a cap", "damaged or truncated"),
        ("a.png", "whole", b"\xff\xfe\xfa", "caption file must be UTF-8"),
    ],
)
def test_bad_training_folders_are_refused_before_any_training(
    tmp_path: Path, scenes: Path, name: str, content, caption: bytes, message: str
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    whole = (scenes / "00000.png").read_bytes()
    data = {"truncated": whole[: len(whole) // 2], "whole": whole}.get(content, content)
    (folder / name).write_bytes(data)
    (folder / name).with_suffix(".txt").write_bytes(caption)
    with pytest.raises(InputError, match=message):
        read_captioned_folder(folder)


def test_the_lab_cli_refuses_a_bad_folder_and_leaves_the_case_alone(tmp_path: Path) -> None:
    from tests.conftest import run_cli
    from workstation.core.case import Case

    case_dir = tmp_path / "case"
    Case.create(case_dir, title="lab", examiner="t").close()
    before = (case_dir / "case.sqlite").read_bytes()
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "a.png").write_bytes(b"GIF89a but not really")
    (folder / "a.txt").write_text("a red circle on a blue background")
    result = run_cli("lab", "overfit", "--case", case_dir, "--images", folder, "--sizes", "1")
    assert result.returncode == 2
    assert result.stderr.strip().startswith("error:") and "a.png" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert (case_dir / "case.sqlite").read_bytes() == before


def test_training_refuses_to_write_among_other_files(tmp_path: Path, demo_model, scenes) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "holiday.png").write_bytes(b"someone's file")
    with pytest.raises(InputError, match="not a training output folder"):
        train_unet(scenes, folder, demo_model, TrainSettings(steps=1, checkpoint_every=0))
    assert [p.name for p in folder.iterdir()] == ["holiday.png"]
