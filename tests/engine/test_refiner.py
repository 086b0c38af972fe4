"""SDXL refiner: detected from its tensors, loaded offline, and handed over to inside one A1111
sampler run (sd_samplers_common.apply_refiner), on tiny random-weight models."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from workstation.core.errors import InputError, ModelError
from workstation.core.params import GenerationParams, RefinerSpec
from workstation.engine.generate import generate
from workstation.engine.library import detect, inspect
from workstation.engine.loading import load_model


@pytest.fixture(scope="module")
def xl_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from workstation.engine.tiny import build_tiny_model

    folder = tmp_path_factory.mktemp("xl")
    build_tiny_model(folder / "base", architecture="tiny-sdxl")
    build_tiny_model(folder / "refiner", architecture="tiny-sdxl-refiner", seed=7)
    build_tiny_model(
        folder / "refiner.safetensors", "single-file", seed=7, architecture="tiny-sdxl-refiner"
    )
    return folder


@pytest.fixture(scope="module")
def base(xl_dir: Path):
    return load_model(xl_dir / "base", device="cpu")


@pytest.fixture
def xl_params(xl_dir: Path) -> GenerationParams:
    return GenerationParams(
        model=str(xl_dir / "base"),
        prompt="a lighthouse at dusk",
        negative="blurry",
        seed=5,
        steps=6,
        cfg=5.0,
        sampler="Euler",
        width=64,
        height=64,
        convention="a1111",
        prompt_syntax="a1111",
    )


def refined(params: GenerationParams, path: Path, at: float = 0.5, by: str = "steps"):
    return params.replace(refiner=RefinerSpec(str(path), at, switch_by=by))


def test_refiner_is_told_from_its_tensors(xl_dir: Path) -> None:
    info = inspect(xl_dir / "refiner.safetensors")
    assert (info.kind, info.architecture, info.problem) == (
        "SDXL refiner",
        "tiny-sdxl-refiner",
        None,
    )
    folder = inspect(xl_dir / "refiner")
    assert (folder.kind, folder.architecture) == ("SDXL refiner", "tiny-sdxl-refiner")
    # the published refiner's layout: OpenCLIP bigG only, cross-attention 1280, conv_in 384
    u = "model.diffusion_model."
    shapes = {
        u + "input_blocks.0.0.weight": (384, 4, 3, 3),
        u + "input_blocks.4.1.transformer_blocks.0.attn2.to_k.weight": (768, 1280),
        u + "label_emb.0.0.weight": (1536, 2560),
        "conditioner.embedders.0.model.token_embedding.weight": (49408, 1280),
    }
    found = detect(shapes)
    assert (found.kind, found.architecture.name) == ("SDXL refiner", "sdxl-refiner")
    # an SDXL base (two text encoders) is still the base
    base = {**shapes, "conditioner.embedders.1.model.token_embedding.weight": (49408, 1280)}
    assert detect(base).kind == "SDXL" and detect(base).architecture is None


def test_shipped_refiner_config_is_the_published_layout() -> None:
    from accelerate import init_empty_weights
    from diffusers import UNet2DConditionModel

    from workstation.engine.architectures import BY_NAME

    folder = BY_NAME["sdxl-refiner"].config_dir
    with init_empty_weights():
        unet = UNet2DConditionModel.from_config(UNet2DConditionModel.load_config(folder / "unet"))
    # pooled OpenCLIP text (1280) + 5 size/aesthetic ids of 256 features
    assert unet.add_embedding.linear_1.in_features == 1280 + 5 * 256
    assert unet.config.cross_attention_dim == 1280 and unet.conv_in.out_channels == 384
    assert not (folder / "text_encoder").exists() and (folder / "text_encoder_2").is_dir()


def test_refiner_loads_from_a_single_file_and_a_folder_alike(xl_dir: Path) -> None:
    single = load_model(xl_dir / "refiner.safetensors", device="cpu", refiner=True)
    folder = load_model(xl_dir / "refiner", device="cpu", refiner=True)
    assert type(single.pipe).__name__ == "StableDiffusionXLImg2ImgPipeline"
    assert single.family.kind == "SDXL refiner" and single.pipe.text_encoder is None
    for part in ("unet", "text_encoder_2", "vae"):
        ours = getattr(single.pipe, part).state_dict()
        theirs = getattr(folder.pipe, part).state_dict()
        assert ours.keys() == theirs.keys()
        assert all(torch.equal(ours[k], theirs[k]) for k in ours), part


def test_a_refiner_is_never_a_base_nor_a_base_a_refiner(xl_dir: Path) -> None:
    with pytest.raises(ModelError, match="refiner"):
        load_model(xl_dir / "refiner.safetensors", device="cpu")
    with pytest.raises(ModelError, match="not a refiner"):
        load_model(xl_dir / "base", device="cpu", refiner=True)


def test_hand_over_keeps_the_base_steps_and_changes_the_rest(base, xl_params, xl_dir) -> None:
    alone = generate(base, xl_params)
    path = xl_dir / "refiner.safetensors"
    with_refiner = generate(base, refined(xl_params, path))
    same = [
        np.array_equal(np.asarray(a.image), np.asarray(b.image))
        for a, b in zip(alone.steps, with_refiner.steps, strict=True)
    ]
    # 6 Euler steps, switch at 0.5 of the steps: calls 0-2 are the base's, 3-5 the refiner's
    assert same == [True, True, True, False, False, False]
    record = with_refiner.record
    refiner = record["sampling"]["refiner"]
    assert refiner["model"] == str(path) and refiner["switch_call"] == 3
    sha256 = inspect(path).sha256
    assert refiner["sha256"] == sha256 and record["params"]["refiner"]["model_sha256"] == sha256
    again = generate(
        base, refined(xl_params, path).replace(refiner=RefinerSpec(str(path), 0.5, sha256, "steps"))
    )
    assert np.array_equal(np.asarray(again.image), np.asarray(with_refiner.image))


def test_refiner_conditioning_is_its_own_encoder_and_aesthetic_score(base, xl_params, xl_dir):
    """The refiner's UNet sees OpenCLIP's penultimate layer, its pooled projection, and time
    ids (h, w, crop top, crop left, aesthetic score) with A1111's 6.0 / 2.5."""
    from workstation.engine.peer_run import load_refiner

    spec = RefinerSpec(str(xl_dir / "refiner.safetensors"), 0.5, switch_by="steps")
    refiner = load_refiner(base, spec)
    seen = []
    hook = refiner.pipe.unet.register_forward_hook(
        lambda module, args, kwargs, out: seen.append(kwargs), with_kwargs=True
    )
    try:
        generate(base, xl_params.replace(refiner=spec, negative="bad"))
    finally:
        hook.remove()
    assert len(seen) == 3  # one batched call per CFG step after the switch
    ids = seen[0]["added_cond_kwargs"]["time_ids"]
    assert ids.tolist() == [[64, 64, 0, 0, 6.0], [64, 64, 0, 0, 2.5]]
    pipe = refiner.pipe
    with torch.inference_mode():
        expected = []
        for text in ("a lighthouse at dusk", "bad"):
            tokens = pipe.tokenizer_2(
                text, padding="max_length", max_length=77, return_tensors="pt"
            )
            ids_ = tokens.input_ids[0].tolist()
            end = ids_.index(pipe.tokenizer_2.eos_token_id)
            ids_[end + 1 :] = [pipe.tokenizer_2.pad_token_id] * (76 - end)  # OpenCLIP padding
            out = pipe.text_encoder_2(torch.tensor([ids_]), output_hidden_states=True)
            expected.append((out.hidden_states[-2], out.text_embeds))
    context = seen[0]["encoder_hidden_states"]
    assert context.shape == (2, 77, 48)
    for row, (hidden, pooled) in enumerate(expected):
        # A1111 emphasis "Original" rescales to the unweighted mean: no weights here, so equal
        assert torch.allclose(context[row], hidden[0], atol=1e-5)
        assert torch.allclose(
            seen[0]["added_cond_kwargs"]["text_embeds"][row], pooled[0], atol=1e-5
        )


@pytest.mark.parametrize(
    ("sampler", "by", "at"),
    [
        ("Euler", "steps", 0.5),
        ("Heun", "steps", 0.5),
        ("Euler", "sigma", 0.5),
        ("DPM++ 2M", "sigma", 0.8),
    ],
)
def test_switch_call_follows_a1111(base, xl_params, xl_dir, sampler, by, at) -> None:
    """steps: the first CFG-denoiser call whose count / total (twice the steps for A1111's
    second-order samplers) is not below `at`; sigma: the first whose (999 - nearest training
    timestep) / 1000 is not below it."""
    from workstation.engine.sampling import DiscreteSchedule, a1111_choice, plan_sigmas

    params = refined(xl_params, xl_dir / "refiner.safetensors", at, by).replace(sampler=sampler)
    record = generate(base, params).record["sampling"]["refiner"]
    if by == "steps":
        total = params.steps * (2 if sampler == "Heun" else 1)
        expected = next(call for call in range(total) if call / total >= at)
    else:
        schedule = DiscreteSchedule.from_config(base.base_scheduler_config, convention="a1111")
        sigmas = plan_sigmas(a1111_choice(sampler, None), schedule, params.steps).sigmas
        calls = sigmas[:-1]  # first-order samplers: one call per step at its sigma
        done = [(999 - int((schedule.sigmas - s).abs().argmin())) / 1000 for s in calls]
        expected = next(call for call, d in enumerate(done) if d >= at)
    assert record["switch_call"] == expected


def test_refiner_needs_the_a1111_convention_and_the_right_file(base, xl_params, xl_dir) -> None:
    path = xl_dir / "refiner.safetensors"
    with pytest.raises(InputError, match="a1111"):
        generate(
            base,
            refined(xl_params, path).replace(
                convention="comfyui", sampler="euler", scheduler="normal", prompt_syntax="comfyui"
            ),
        )
    wrong = xl_params.replace(refiner=RefinerSpec(str(path), 0.5, "0" * 64))
    with pytest.raises(ModelError, match="SHA-256"):
        generate(base, wrong)


def test_workstation_convention_hands_over_the_diffusers_way(base, xl_params, xl_dir) -> None:
    """The engine's own convention: the base pipeline stops at `denoising_end`, the refiner's
    img2img pipeline goes on from `denoising_start` (diffusers' ensemble of experts)."""
    own = xl_params.replace(convention="workstation", prompt_syntax="plain", sampler="Euler")
    alone = generate(base, own)
    path = xl_dir / "refiner.safetensors"
    spec = RefinerSpec(str(path), 0.5)
    first = generate(base, own.replace(refiner=spec))
    same = [
        np.array_equal(np.asarray(a.image), np.asarray(b.image))
        for a, b in zip(alone.steps, first.steps, strict=True)
    ]
    # diffusers' rule: the base runs the timesteps >= round(1000 · (1 - switch)), here 831 and
    # 665 of the "leading" 831, 665, 499, 333, 167, 1
    from workstation.engine.samplers import make_scheduler

    scheduler = make_scheduler("Euler", base.base_scheduler_config, own.seed)
    scheduler.set_timesteps(own.steps)
    cutoff = round(1000 - 0.5 * 1000)
    base_steps = sum(int(t) >= cutoff for t in scheduler.timesteps)
    assert base_steps == 2
    assert same == [True] * base_steps + [False] * (own.steps - base_steps)
    assert [step.index for step in first.steps] == list(range(1, 7))
    assert np.array_equal(np.asarray(first.steps[-1].image), np.asarray(first.image))
    refiner = first.record["sampling"]["refiner"]
    assert (refiner["model"], refiner["switch_step"]) == (str(path), base_steps)
    assert refiner["sha256"] == first.params.refiner.model_sha256 == inspect(path).sha256
    again = generate(base, first.params)
    assert np.array_equal(np.asarray(again.image), np.asarray(first.image))
