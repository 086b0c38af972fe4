"""Hostile numbers: NaN/Inf and huge values in a generation's parameters, weights and LoRAs, and
sizes past what the machine holds. A request is refused before the model loads; a run whose
values go non-finite is refused before anything is stored; a size that will not fit is refused
with its estimate before it starts. Nothing is written and the case is unchanged."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from safetensors.torch import load_file, save_file

from tests.hostile import assert_clean, case_state, run_main
from workstation.core.errors import InputError
from workstation.core.params import (
    MAX_CFG,
    MAX_LORA_SCALE,
    MAX_SEED,
    MAX_SIDE,
    MAX_STEPS,
    GenerationParams,
    LoraSpec,
)

GIB = 1024**3


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from workstation.engine.tiny import build_tiny_lora, build_tiny_model

    folder = tmp_path_factory.mktemp("numbers")
    case = folder / "case"
    assert run_main("case", "init", case, "--title", "Numbers", "--examiner", "E").code == 0
    return {
        "case": case,
        "model": build_tiny_model(folder / "tiny", "diffusers"),
        "lora": build_tiny_lora(folder / "lora.safetensors", "kohya"),
        "folder": folder,
    }


def poisoned(source: Path, out: Path, part: str, value: float) -> Path:
    """A copy of the tiny model with one weight of `part` set to `value` (NaN or Inf)."""
    shutil.copytree(source, out)
    weights = out / part
    tensors = load_file(weights)
    name = next(key for key in sorted(tensors) if key.endswith(".weight"))
    if part.startswith("vae"):
        name = "decoder.conv_out.weight"
    tensors[name].view(-1)[0] = value
    save_file(tensors, weights)
    return out


# 1. The request: each number in range or refused by name.


@pytest.mark.parametrize(
    "cfg", [math.nan, math.inf, -math.inf, 1e308, -1.0, MAX_CFG * (1 + 1e-9), 1e30]
)
def test_cfg_out_of_range_is_refused(cfg: float) -> None:
    with pytest.raises(InputError, match="CFG scale must be a number from 0 to 100"):
        GenerationParams(model="m", prompt="p", seed=1, cfg=cfg)


@pytest.mark.parametrize("scale", [math.nan, math.inf, -math.inf, 1e30, -1e30, 100.5, -101])
def test_lora_scale_out_of_range_is_refused(scale: float) -> None:
    with pytest.raises(InputError, match="LoRA scale for l.safetensors must be a finite number"):
        LoraSpec("l.safetensors", scale)
    with pytest.raises(InputError, match="LoRA scale"):
        LoraSpec("l.safetensors", 1.0, text_encoder_scale=scale)


def test_the_limits_themselves_are_accepted() -> None:
    for cfg in (0.0, MAX_CFG):
        GenerationParams(model="m", prompt="p", seed=MAX_SEED, cfg=cfg, steps=MAX_STEPS)
    for scale in (-MAX_LORA_SCALE, MAX_LORA_SCALE):
        LoraSpec("l.safetensors", scale)
    GenerationParams(model="m", prompt="p", seed=0, width=MAX_SIDE, height=8)


NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(2**70), 2**70),
    st.sampled_from(["nan", "inf", "-inf", "1e308", "-0", "1e-320", "0x10", "", "7.5e0"]),
)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _whole(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


@given(
    cfg=NUMBERS,
    steps=NUMBERS,
    width=NUMBERS,
    height=NUMBERS,
    seed=NUMBERS,
    scale=NUMBERS,
)
def test_generate_numbers_are_refused_before_the_model_loads(
    files, monkeypatch, cfg, steps, width, height, seed, scale
) -> None:
    from workstation.app import resources

    def no_model(self, path, device, dtype):
        raise InputError("reached the model load")

    monkeypatch.setattr(resources.ModelHolder, "use", no_model)
    case = files["case"]
    before = case_state(case)
    values = {
        k: str(v)
        for k, v in dict(
            cfg=cfg, steps=steps, width=width, height=height, seed=seed, scale=scale
        ).items()
    }
    outcome = run_main(
        "generate", "--model", files["model"], "--prompt", "p", "--case", case,
        "--cfg", values["cfg"], "--steps", values["steps"], "--width", values["width"],
        "--height", values["height"], "--seed", values["seed"],
        "--lora", f"{files['lora']}:{values['scale']}",
    )  # fmt: skip
    assert_clean(outcome)
    assert outcome.code == 2
    assert case_state(case) == before
    # What the request must accept: our own reading of each limit.
    number = _number(values["cfg"])
    whole = [_whole(values[k]) for k in ("steps", "width", "height", "seed")]
    lora = _number(values["scale"])
    valid = (
        number is not None and 0 <= number <= MAX_CFG
        and whole[0] is not None and 1 <= whole[0] <= MAX_STEPS
        and all(w is not None and 8 <= w <= MAX_SIDE and w % 8 == 0 for w in whole[1:3])
        and whole[3] is not None and 0 <= whole[3] <= MAX_SEED
        and lora is not None and math.isfinite(lora) and abs(lora) <= MAX_LORA_SCALE
    )  # fmt: skip
    assert ("reached the model load" in outcome.err) == valid, (values, outcome.err)


# 2. The run: non-finite values anywhere are refused before anything is stored.


@pytest.mark.parametrize(
    ("part", "value", "where"),
    [
        ("unet/diffusion_pytorch_model.safetensors", math.nan, "at step 1"),
        ("unet/diffusion_pytorch_model.safetensors", math.inf, "at step 1"),
        ("vae/diffusion_pytorch_model.safetensors", math.inf, "at the decoded image"),
        ("vae/diffusion_pytorch_model.safetensors", math.nan, "at the decoded image"),
    ],
)
def test_non_finite_weights_store_nothing(files, tmp_path: Path, part, value, where) -> None:
    model = poisoned(files["model"], tmp_path / "bad-model", part, value)
    case, out = files["case"], tmp_path / "out.png"
    before = case_state(case)
    outcome = run_main(
        "generate", "--model", model, "--prompt", "p", "--seed", 1, "--steps", 2,
        "--width", 32, "--height", 32, "--case", case, "--out", out,
    )  # fmt: skip
    assert_clean(outcome)
    assert outcome.code == 2
    assert f"the model produced non-finite values (NaN/Inf) {where}" in outcome.err
    assert "the weights or the LoRA may be corrupt" in outcome.err
    assert not out.exists()
    assert case_state(case) == before


@pytest.mark.parametrize("value", [math.nan, math.inf])
def test_non_finite_lora_stores_nothing(files, tmp_path: Path, value: float) -> None:
    lora = tmp_path / "bad-lora.safetensors"
    tensors = load_file(files["lora"])
    for name in sorted(tensors):
        if "lora_unet" in name and name.endswith("lora_up.weight"):
            tensors[name].view(-1)[0] = value
    save_file(tensors, lora)
    case, out = files["case"], tmp_path / "out.png"
    before = case_state(case)
    outcome = run_main(
        "generate", "--model", files["model"], "--prompt", "p", "--seed", 1, "--steps", 2,
        "--width", 32, "--height", 32, "--case", case, "--out", out, "--lora", lora,
    )  # fmt: skip
    assert_clean(outcome)
    assert outcome.code == 2
    assert "non-finite values (NaN/Inf)" in outcome.err
    assert not out.exists()
    assert case_state(case) == before


def test_a_finite_run_is_still_stored(files, tmp_path: Path) -> None:
    out = tmp_path / "ok.png"
    outcome = run_main(
        "generate", "--model", files["model"], "--prompt", "p", "--seed", 1, "--steps", 2,
        "--width", 32, "--height", 32, "--cfg", MAX_CFG, "--out", out,
    )  # fmt: skip
    assert outcome.code == 0, outcome.err
    assert out.is_file()


# 3. The size: estimated before it starts, refused with the estimate when it will not fit.


def test_a_size_that_will_not_fit_is_refused_with_its_estimate(
    files, tmp_path: Path, monkeypatch
) -> None:
    from workstation.engine import loading

    monkeypatch.setattr(loading, "available_memory", lambda device: 1 * GIB)
    case, out = files["case"], tmp_path / "big.png"
    before = case_state(case)
    outcome = run_main(
        "generate", "--model", files["model"], "--prompt", "p", "--seed", 1, "--steps", 2,
        "--width", 2048, "--height", 2048, "--case", case, "--out", out,
    )  # fmt: skip
    assert_clean(outcome)
    assert outcome.code == 2
    assert "2048×2048 needs about 5.0 GiB of working memory on cpu (float32), 1.0 GiB is free" in (
        outcome.err
    )
    assert not out.exists()
    assert case_state(case) == before


def test_the_estimate_grows_with_the_pixels(files) -> None:
    from workstation.engine.generate import working_memory
    from workstation.engine.loading import load_model

    model = load_model(files["model"], device="cpu")
    small, big = (
        working_memory(model, GenerationParams(model="m", prompt="p", seed=1, width=s, height=s))
        for s in (512, 2048)
    )
    assert big == 16 * small
    assert 4 * GIB < big < 6 * GIB  # 32 VAE channels × 6 and 32 UNet channels × 16, float32
