"""Generations under a peer generator's convention (A1111 / ComfyUI), on the tiny model.

The pieces (sigmas, samplers, noise, prompt parsing) are tested against the peers' own code in
tests/engine/{sampling,noise,prompts}; these tests check how `generate` puts them together: a
ComfyUI Euler run equals ComfyUI's KSampler written out step by step here, noise follows the
batch, long prompts are not cut, and the record says which convention ran.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image

from workstation.core.errors import InputError
from workstation.engine.generate import generate


def pixels(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("RGB"))


@pytest.fixture
def comfy(params):
    return params.replace(
        convention="comfyui", sampler="euler", scheduler="normal", prompt_syntax="comfyui"
    )


def test_comfyui_euler_is_its_ksampler_written_out(tiny_model, comfy) -> None:
    """x = noise·√(1+σ₀²); each step: denoised from the UNet at the nearest integer timestep,
    CFG on denoised values, Euler to the next sigma; decode; 8 bits truncated."""
    from workstation.engine.sampling import DiscreteSchedule, comfyui_choice, plan_sigmas

    ours = generate(tiny_model, comfy, decode_steps=())
    pipe = tiny_model.pipe
    schedule = DiscreteSchedule.from_config(tiny_model.base_scheduler_config, convention="comfyui")
    sigmas = plan_sigmas(comfyui_choice("euler", "normal"), schedule, comfy.steps).sigmas
    with torch.inference_mode():
        ids = [
            pipe.tokenizer(text, padding="max_length", max_length=77, return_tensors="pt")
            for text in (comfy.prompt, comfy.negative)
        ]
        context = torch.cat([pipe.text_encoder(i.input_ids)[0] for i in ids])
        side = comfy.width // pipe.vae_scale_factor
        noise = torch.randn(
            (1, 4, side, side), generator=torch.Generator("cpu").manual_seed(comfy.seed)
        )
        x = noise * (1 + sigmas[0] ** 2) ** 0.5
        for sigma, sigma_next in zip(sigmas[:-1], sigmas[1:], strict=True):
            t = (schedule.log_sigmas - sigma.log()).abs().argmin().float()
            x_in = torch.cat([x, x]) / (sigma**2 + 1) ** 0.5
            eps = pipe.unet(x_in, t.expand(2), encoder_hidden_states=context).sample
            positive, negative = (torch.cat([x, x]) - eps * sigma).chunk(2)
            denoised = negative + (positive - negative) * comfy.cfg
            x = x + (x - denoised) / sigma * (sigma_next - sigma)
        image = pipe.vae.decode(x / pipe.vae.config.scaling_factor).sample
        image = ((image[0] + 1) / 2).clamp(0, 1).permute(1, 2, 0).numpy()
    expected = (image * 255.0).astype(np.uint8)
    difference = np.abs(pixels(ours.image).astype(int) - expected.astype(int))
    assert difference.max() <= 1 and difference.mean() < 0.01, difference.mean()


def test_repeat_is_identical_and_the_record_says_how_it_ran(tiny_model, comfy) -> None:
    first = generate(tiny_model, comfy)
    again = generate(tiny_model, comfy, decode_steps=())
    assert np.array_equal(pixels(first.image), pixels(again.image))
    sampling = first.record["sampling"]
    assert (sampling["convention"], sampling["k_sampler"], sampling["schedule"]) == (
        "comfyui",
        "euler",
        "normal",
    )
    assert len(sampling["sigmas"]) == comfy.steps + 1 and sampling["sigmas"][-1] == 0
    assert "scheduler" not in first.record  # that names a diffusers scheduler: not used here
    # every step kept; the last one decoded is the image itself
    assert [step.index for step in first.steps] == list(range(1, comfy.steps + 1))
    assert np.array_equal(pixels(first.steps[-1].image), pixels(first.image))
    assert first.image.size == (comfy.width, comfy.height)


def test_comfyui_batch_noise_is_one_draw_sliced(tiny_model, comfy) -> None:
    alone = generate(tiny_model, comfy, decode_steps=())
    first_of_three = generate(tiny_model, comfy.replace(batch_size=3), decode_steps=())
    second_of_three = generate(
        tiny_model, comfy.replace(batch_size=3, batch_index=1), decode_steps=()
    )
    assert np.array_equal(pixels(alone.image), pixels(first_of_three.image))
    assert not np.array_equal(pixels(alone.image), pixels(second_of_three.image))


def test_ancestral_step_noise_follows_the_batch_index(tiny_model, comfy) -> None:
    ancestral = comfy.replace(sampler="euler_ancestral", batch_size=2)
    a = generate(tiny_model, ancestral, decode_steps=())
    b = generate(tiny_model, ancestral.replace(batch_index=1), decode_steps=())
    alone = generate(tiny_model, ancestral.replace(batch_size=1), decode_steps=())
    assert not np.array_equal(pixels(a.image), pixels(b.image))
    # the step noise is drawn for the whole batch: item 0 of 2 is not the single image
    assert not np.array_equal(pixels(a.image), pixels(alone.image))


def test_a1111_gpu_noise_is_made_by_nvidias_generator_without_a_gpu(tiny_model, params) -> None:
    a1111 = params.replace(convention="a1111", prompt_syntax="a1111", noise="gpu")
    gpu = generate(tiny_model, a1111, decode_steps=())
    nv = generate(tiny_model, a1111.replace(noise="nv"), decode_steps=())
    cpu = generate(tiny_model, a1111.replace(noise="cpu"), decode_steps=())
    assert gpu.record["sampling"]["noise_source"] == ("gpu" if torch.cuda.is_available() else "nv")
    if not torch.cuda.is_available():
        assert np.array_equal(pixels(gpu.image), pixels(nv.image))
    assert not np.array_equal(pixels(nv.image), pixels(cpu.image))


def test_ensd_moves_only_the_per_step_noise(tiny_model, params) -> None:
    a1111 = params.replace(convention="a1111", prompt_syntax="a1111", noise="cpu")
    euler = a1111.replace(sampler="Euler")
    plain = generate(tiny_model, euler, decode_steps=())
    shifted = generate(tiny_model, euler.replace(eta_noise_seed_delta=31337), decode_steps=())
    assert np.array_equal(pixels(plain.image), pixels(shifted.image))
    ancestral = generate(tiny_model, a1111, decode_steps=())
    ancestral_shifted = generate(
        tiny_model, a1111.replace(eta_noise_seed_delta=31337), decode_steps=()
    )
    assert not np.array_equal(pixels(ancestral.image), pixels(ancestral_shifted.image))


def test_a1111_prompts_past_75_tokens_are_not_cut(tiny_model, params) -> None:
    words = " ".join(f"word{i}" for i in range(60))  # ~120 tokens
    long = params.replace(
        convention="a1111", prompt_syntax="a1111", noise="cpu", sampler="Euler", prompt=words
    )
    full = generate(tiny_model, long, decode_steps=())
    tail_changed = generate(tiny_model, long.replace(prompt=words + " ocean"), decode_steps=())
    assert full.record["sampling"]["conditioning"]["chunks"][0] >= 2
    assert not np.array_equal(pixels(full.image), pixels(tail_changed.image))


def test_unknown_names_fail_before_sampling(tiny_model, comfy) -> None:
    with pytest.raises(InputError, match="unknown ComfyUI sampler"):
        generate(tiny_model, comfy.replace(sampler="Euler a"))
    with pytest.raises(InputError, match="scheduler"):
        generate(tiny_model, comfy.replace(scheduler="karras2"))


def test_img2img_from_the_init_latent(tiny_model, comfy, tmp_path) -> None:
    init = tmp_path / "init.png"
    Image.fromarray(np.full((64, 64, 3), 90, np.uint8)).save(init)
    low = generate(tiny_model, comfy.replace(init_image=str(init), strength=0.3), decode_steps=())
    high = generate(tiny_model, comfy.replace(init_image=str(init), strength=0.9), decode_steps=())
    grey = np.full((64, 64, 3), 90)
    # less denoising stays closer to the init image
    assert np.abs(pixels(low.image) - grey).mean() < np.abs(pixels(high.image) - grey).mean()
    assert len(low.record["sampling"]["sigmas"]) == comfy.steps + 1


def test_a1111_hires_pass_continues_the_steps_at_the_larger_size(tiny_model, params) -> None:
    from workstation.core.params import HiresSpec

    a1111 = params.replace(convention="a1111", prompt_syntax="a1111", noise="cpu", sampler="Euler")
    hires = a1111.replace(hires=HiresSpec(width=96, height=96, steps=4, denoise=0.5))
    result = generate(tiny_model, hires)
    assert result.image.size == (96, 96)
    passes = result.record["sampling"]["passes"]
    assert [p["size"] for p in passes] == [[64, 64], [96, 96]]
    # A1111's hires schedule: int(4 / 0.5) = 8 steps, of which the last 4 run
    assert len(passes[1]["sigmas"]) == 5
    assert [s.index for s in result.steps] == list(range(1, a1111.steps + 4 + 1))
    assert np.array_equal(pixels(result.steps[-1].image), pixels(result.image))
    pixel = generate(tiny_model, hires.replace(hires=HiresSpec(96, 96, "lanczos", 4, 0.5)))
    assert pixel.image.size == (96, 96)
    assert not np.array_equal(pixels(pixel.image), pixels(result.image))


def test_a_latent_of_nans_is_refused_not_saved_as_a_black_image(tiny_model) -> None:
    from workstation.core.errors import ModelError
    from workstation.engine import vae_codec

    latent = torch.full((1, 4, 32, 32), float("nan"))
    with pytest.raises(ModelError, match="NaN"):
        vae_codec.decode(tiny_model.pipe, latent, truncate=True)


def test_invokeai_prompts_are_weighted_in_the_engines_own_sampling(tiny_model, params) -> None:
    """InvokeAI samples with diffusers' schedulers; only its prompt syntax (compel) differs."""
    plain = generate(tiny_model, params.replace(sampler="Euler"), decode_steps=())
    same = generate(
        tiny_model, params.replace(sampler="Euler", prompt_syntax="invokeai"), decode_steps=()
    )
    weighted = generate(
        tiny_model,
        params.replace(sampler="Euler", prompt_syntax="invokeai", prompt="a lighthouse++ at dusk"),
        decode_steps=(),
    )
    difference = np.abs(pixels(plain.image).astype(int) - pixels(same.image).astype(int))
    assert difference.mean() < 0.5  # no weights: the same conditioning, up to float order
    assert not np.array_equal(pixels(same.image), pixels(weighted.image))


def test_a1111_prompt_editing_switches_the_prompt_during_sampling(tiny_model, params) -> None:
    a1111 = params.replace(
        convention="a1111", prompt_syntax="a1111", noise="cpu", sampler="Euler", steps=6
    )
    cat = generate(tiny_model, a1111.replace(prompt="a cat in a field"), decode_steps=())
    dog = generate(tiny_model, a1111.replace(prompt="a dog in a field"), decode_steps=())
    edited = generate(tiny_model, a1111.replace(prompt="a [cat:dog:0.5] in a field"))
    schedules = edited.record["sampling"]["conditioning"]["prompt_schedules"]
    assert schedules == {"6": {"positive": [3, 6], "negative": [6]}}
    images = [pixels(r.image) for r in (cat, dog, edited)]
    assert not np.array_equal(images[2], images[0]) and not np.array_equal(images[2], images[1])
    # the first steps ran on "cat" alone: the same latents as the cat image until the switch
    cat_steps = generate(tiny_model, a1111.replace(prompt="a cat in a field"))
    assert np.array_equal(cat_steps.steps[2].preview, edited.steps[2].preview)
    assert not np.array_equal(cat_steps.steps[4].preview, edited.steps[4].preview)
