"""Generation: determinism, equality with a raw diffusers call, every step kept, cancel, img2img."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from workstation.core.errors import Cancelled, InputError, ModelError
from workstation.engine.generate import generate, img2img, txt2img
from workstation.engine.samplers import SAMPLERS, canonical_name, make_scheduler


def pixels(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("RGB"))


def test_repeat_is_bit_identical_and_seed_matters(tiny_model, params) -> None:
    first = txt2img(tiny_model, params, decode_steps=())
    again = txt2img(tiny_model, params, decode_steps=())
    other = txt2img(tiny_model, params.replace(seed=params.seed + 1), decode_steps=())
    assert np.array_equal(pixels(first.image), pixels(again.image))
    assert first.record["image"]["rgb_sha256"] == again.record["image"]["rgb_sha256"]
    assert not np.array_equal(pixels(first.image), pixels(other.image))


def test_output_equals_a_raw_diffusers_call(tiny_model, params) -> None:
    ours = txt2img(tiny_model, params, decode_steps=())
    pipe = tiny_model.pipe
    pipe.scheduler = make_scheduler("Euler a", tiny_model.base_scheduler_config, params.seed)
    raw = pipe(
        prompt=params.prompt,
        negative_prompt=params.negative,
        num_inference_steps=params.steps,
        guidance_scale=params.cfg,
        width=params.width,
        height=params.height,
        generator=torch.Generator("cpu").manual_seed(params.seed),
    ).images[0]
    assert np.array_equal(pixels(ours.image), pixels(raw))


def test_every_step_is_kept_and_the_last_decode_is_the_image(tiny_model, params) -> None:
    seen = []
    result = txt2img(
        tiny_model,
        params,
        on_progress=lambda step, total, preview: seen.append((step, total, preview)),
    )
    assert [(s, t) for s, t, _ in seen] == [(i, 6) for i in range(1, 7)]
    assert [step.index for step in result.steps] == list(range(1, 7))
    assert all(
        step.preview.shape == (32, 32, 3) and step.preview.dtype == np.uint8
        for step in result.steps
    )
    assert seen[2][2] is result.steps[2].preview
    assert all(step.image is not None for step in result.steps)
    assert np.array_equal(pixels(result.steps[-1].image), pixels(result.image))
    assert not np.array_equal(pixels(result.steps[0].image), pixels(result.image))
    timesteps = [step.timestep for step in result.steps]
    assert timesteps == sorted(timesteps, reverse=True)
    # The record keeps them, one per step run, so the report can label each kept step.
    assert result.record["timesteps"] == [round(float(t), 4) for t in timesteps]


def test_only_requested_steps_are_decoded(tiny_model, params) -> None:
    result = txt2img(tiny_model, params, decode_steps={2, 5})
    assert [s.index for s in result.steps if s.image is not None] == [2, 5]
    assert len(result.steps) == 6


def test_cancel_stops_within_one_step(tiny_model, params) -> None:
    seen = []
    with pytest.raises(Cancelled, match="step 3 of 6"):
        txt2img(
            tiny_model,
            params,
            on_progress=lambda step, total, preview: seen.append(step),
            is_cancelled=lambda: len(seen) >= 3,
        )
    assert seen == [1, 2, 3]
    with pytest.raises(Cancelled, match="before it started"):
        txt2img(tiny_model, params, is_cancelled=lambda: True)


def test_record_states_what_is_needed_to_recheck(tiny_model, params) -> None:
    import diffusers

    result = txt2img(tiny_model, params, decode_steps=())
    record = json.loads(json.dumps(result.record))  # JSON-safe
    assert record["mode"] == "txt2img"
    assert record["params"]["device"] == "cpu" and record["params"]["dtype"] == "float32"
    assert record["params"]["model_sha256"] == tiny_model.info.sha256
    assert record["model"]["autov2"] == tiny_model.info.sha256[:10]
    assert record["environment"]["torch"] == torch.__version__
    assert record["environment"]["diffusers"] == diffusers.__version__
    assert record["scheduler"]["class"] == "EulerAncestralDiscreteScheduler"
    assert record["steps_run"] == 6
    assert result.params.sampler == "Euler a"
    # The completed params re-run to the same image.
    from workstation.core.params import GenerationParams

    rerun = txt2img(tiny_model, GenerationParams.from_dict(record["params"]), decode_steps=())
    assert np.array_equal(pixels(rerun.image), pixels(result.image))


def test_changed_model_file_is_refused(tiny_model, params) -> None:
    with pytest.raises(ModelError, match="differs from the requested"):
        txt2img(tiny_model, params.replace(model_sha256="0" * 64))


@pytest.mark.parametrize("sampler", sorted(SAMPLERS))
def test_every_sampler_runs_and_is_deterministic(tiny_model, params, sampler: str) -> None:
    short = params.replace(sampler=sampler, steps=3)
    first = txt2img(tiny_model, short, decode_steps=())
    again = txt2img(tiny_model, short, decode_steps=())
    assert np.array_equal(pixels(first.image), pixels(again.image))
    assert first.record["steps_run"] == len(first.steps) >= 3


def test_unknown_sampler_lists_the_valid_ones() -> None:
    assert canonical_name("dpm++ 2m  karras") == "DPM++ 2M Karras"
    with pytest.raises(InputError, match="unknown sampler 'Euler b'.*Euler a.*DPM\\+\\+ 2M Karras"):
        canonical_name("Euler b")


def test_img2img(tiny_model, params, tmp_path: Path) -> None:
    init = tmp_path / "init.png"
    Image.new("RGB", (80, 48), (200, 120, 40)).save(init)
    i2i = params.replace(init_image=str(init), strength=0.5, steps=8)
    first = img2img(tiny_model, i2i)
    again = generate(tiny_model, i2i, decode_steps=())
    assert len(first.steps) == 4  # int(8 × 0.5)
    assert np.array_equal(pixels(first.image), pixels(again.image))
    assert first.image.size == (64, 64)
    assert first.record["mode"] == "img2img"
    assert first.record["init_image"]["original_size"] == [80, 48]
    assert first.record["init_image"]["resized"] is True
    assert first.params.init_sha256 == first.record["init_image"]["sha256"]
    stronger = img2img(tiny_model, i2i.replace(strength=1.0), decode_steps=())
    assert len(stronger.steps) == 8


def test_img2img_bad_inputs(tiny_model, params, tmp_path: Path) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n not really")
    with pytest.raises(InputError, match="cannot read init image"):
        img2img(tiny_model, params.replace(init_image=str(broken), strength=0.5))
    with pytest.raises(InputError, match="cannot read init image"):
        img2img(tiny_model, params.replace(init_image=str(tmp_path / "missing.png"), strength=0.5))
    good = tmp_path / "good.png"
    Image.new("RGB", (64, 64)).save(good)
    with pytest.raises(InputError, match="leaves no denoising step"):
        img2img(tiny_model, params.replace(init_image=str(good), strength=0.1, steps=5))
    with pytest.raises(InputError, match="use img2img"):
        txt2img(tiny_model, params.replace(init_image=str(good), strength=0.5))
