"""SD 3.5 and Flux.1 end to end through the engine's `generate`: the family's own scheduler and
call options, every step kept and decoded, img2img, deterministic repeats, the record."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from workstation.core.errors import InputError
from workstation.core.params import GenerationParams
from workstation.engine.generate import generate
from workstation.engine.loading import load_model

from .conftest import FLOW_ARCHITECTURES


def params_for(path: Path, **changes) -> GenerationParams:
    values = dict(
        model=str(path),
        prompt="a lighthouse at dusk",
        negative="blurry",
        seed=7,
        steps=3,
        cfg=4.0,
        sampler="Euler",
        width=64,
        height=48,
    )
    return GenerationParams(**{**values, **changes})


@pytest.mark.parametrize("arch", FLOW_ARCHITECTURES)
def test_txt2img_and_img2img_run_end_to_end(flow_dir: Path, arch: str, tmp_path: Path) -> None:
    model = load_model(flow_dir / f"{arch}.safetensors", device="cpu")
    params = params_for(model.info.path)
    first = generate(model, params)
    again = generate(model, params, decode_steps=())
    assert first.image.size == (64, 48)
    assert np.array_equal(np.asarray(first.image), np.asarray(again.image))
    assert [step.index for step in first.steps] == [1, 2, 3]
    assert first.steps[0].preview.shape == (48 // 8, 64 // 8, 3)  # a non-square image unpacked
    last = np.asarray(first.steps[-1].image).astype(int)
    assert np.abs(last - np.asarray(first.image).astype(int)).max() <= 1
    record = first.record
    assert record["scheduler"]["class"] == "FlowMatchEulerDiscreteScheduler"
    assert record["model"]["family"] == model.family.kind

    init = tmp_path / "init.png"
    Image.fromarray(np.full((48, 64, 3), 120, np.uint8)).save(init)
    varied = generate(model, params.replace(init_image=str(init), strength=0.6), decode_steps=())
    assert varied.image.size == (64, 48) and varied.record["mode"] == "img2img"


def test_flow_models_refuse_what_they_do_not_have(flow_dir: Path) -> None:
    model = load_model(flow_dir / "tiny-flux-dev.safetensors", device="cpu")
    params = params_for(model.info.path)
    with pytest.raises(InputError, match="multiple of 16"):
        generate(model, params.replace(width=72))
    with pytest.raises(InputError, match="flow-matching Euler"):
        generate(model, params.replace(sampler="DPM++ 2M"))
    with pytest.raises(InputError, match="convention"):
        generate(model, params.replace(convention="comfyui", sampler="euler"))
    with pytest.raises(InputError, match="clip skip"):
        generate(model, params.replace(clip_skip=2))
