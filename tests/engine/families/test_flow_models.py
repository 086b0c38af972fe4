"""Tiny SD 3.5 and Flux.1 models load from every layout through the real loading code, generate
deterministically, and keep every step."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from workstation.core.errors import ModelError
from workstation.engine.loading import LoadedModel, load_model
from workstation.engine.runtime import Runtime

from .conftest import FLOW_ARCHITECTURES


def run(model: LoadedModel, steps: int = 3) -> tuple[np.ndarray, object]:
    """txt2img through the family's pipeline with the step capture generate.py uses."""
    import torch

    from workstation.engine.generate import _StepCapture

    capture = _StepCapture(model, None, Runtime(), size=(64, 64))
    options = {"guidance_scale": 4.0}
    if model.family.supports_negative:
        options["negative_prompt"] = "blurry"
    image = model.pipe(
        prompt="a lighthouse at dusk",
        num_inference_steps=steps,
        width=64,
        height=64,
        generator=torch.Generator("cpu").manual_seed(7),
        callback_on_step_end=capture,
        output_type="np",
        **options,
    ).images[0]
    return image, capture


@pytest.mark.parametrize("arch", FLOW_ARCHITECTURES)
def test_every_layout_loads_and_generates_the_same_image(flow_dir: Path, arch: str) -> None:
    import torch

    folder = load_model(flow_dir / arch, "cpu")
    single = load_model(flow_dir / f"{arch}.safetensors", "cpu")
    split = load_model(
        flow_dir / f"{arch}-transformer.safetensors", "cpu", components=flow_dir / arch
    )
    for model in (folder, single, split):
        assert (model.arch.name, model.dtype, model.offload) == (arch, "float32", None)
        assert model.memory is not None and model.memory.fits
    for name in ("transformer", "vae", "text_encoder", "text_encoder_2"):
        ours, theirs = (
            getattr(single.pipe, name).state_dict(),
            getattr(folder.pipe, name).state_dict(),
        )
        assert all(torch.equal(ours[k], theirs[k]) for k in theirs), name
    image, capture = run(folder)
    again, _ = run(folder)
    assert np.array_equal(image, again)  # same model, same seed: same bits
    assert np.abs(run(single)[0] - image).max() < 1e-4  # same weights, other memory layout
    assert np.abs(run(split)[0] - image).max() < 1e-4
    # every step kept: a preview at latent resolution and the unpacked 16-channel latent
    assert [step for step, _, _ in capture.previews] == [1, 2, 3]
    assert all(preview.shape == (8, 8, 3) for _, _, preview in capture.previews)
    assert all(tuple(latent.shape) == (1, 16, 8, 8) for latent in capture.latents.values())


def test_flux_preview_is_the_family_map_of_the_unpacked_latent(flow_dir: Path) -> None:
    import torch

    from workstation.engine.families import BY_FAMILY

    model = load_model(flow_dir / "tiny-flux-schnell.safetensors", "cpu")
    _, capture = run(model, steps=2)
    flux = BY_FAMILY["flux"]
    latent = capture.latents[2][0]
    rgb = torch.einsum("chw,cr->rhw", latent, torch.tensor(flux.latent_rgb))
    rgb = rgb + torch.tensor(flux.latent_rgb_bias)[:, None, None]
    expected = ((rgb + 1) * 127.5).clamp(0, 255).to(torch.uint8).permute(1, 2, 0).numpy()
    assert np.array_equal(capture.previews[1][2], expected)


def test_flux_dev_and_schnell_differ_by_the_guidance_embedding(flow_dir: Path) -> None:
    dev = load_model(flow_dir / "tiny-flux-dev.safetensors", "cpu")
    schnell = load_model(flow_dir / "tiny-flux-schnell.safetensors", "cpu")
    assert dev.pipe.transformer.config.guidance_embeds
    assert not schnell.pipe.transformer.config.guidance_embeds
    assert dev.pipe.scheduler.config.use_dynamic_shifting  # dev: resolution-dependent shift
    assert schnell.pipe.scheduler.config.shift == 1.0


def test_bfloat16_on_the_cpu_is_stated(flow_dir: Path) -> None:
    import torch

    model = load_model(flow_dir / "tiny-sd3.safetensors", "cpu", dtype="bfloat16")
    assert model.dtype == "bfloat16"
    assert model.pipe.transformer.dtype == model.pipe.text_encoder_3.dtype == torch.bfloat16
    assert (
        model.memory.parameters * 2
        == load_model(flow_dir / "tiny-sd3.safetensors", "cpu").memory.parameters
    )


def test_a_transformer_file_alone_is_refused_in_one_line(flow_dir: Path) -> None:
    with pytest.raises(ModelError, match="holds only the Flux.1 transformer") as error:
        load_model(flow_dir / "tiny-flux-dev-transformer.safetensors", "cpu")
    assert "\n" not in str(error.value)
    with pytest.raises(ModelError, match="not a diffusers Flux.1 folder"):
        load_model(
            flow_dir / "tiny-flux-dev-transformer.safetensors",
            "cpu",
            components=flow_dir / "tiny-sd3",
        )


def test_a_damaged_single_file_is_refused_by_name(flow_dir: Path, tmp_path: Path) -> None:
    from safetensors.torch import load_file, save_file

    state = load_file(flow_dir / "tiny-sd3.safetensors")
    del state["text_encoders.t5xxl.transformer.encoder.final_layer_norm.weight"]
    save_file(state, tmp_path / "broken.safetensors")
    with pytest.raises(ModelError, match="missing tensors encoder.final_layer_norm.weight"):
        load_model(tmp_path / "broken.safetensors", "cpu")


def test_tiny_models_load_and_generate_quickly(flow_dir: Path) -> None:
    """Measured for the record (2 shared cores): each well under a few seconds."""
    for arch in FLOW_ARCHITECTURES:
        start = time.perf_counter()
        model = load_model(flow_dir / f"{arch}.safetensors", "cpu")
        loaded = time.perf_counter() - start
        run(model)
        generated = time.perf_counter() - start - loaded
        print(f"{arch}: load {loaded:.2f} s, 3 steps {generated:.2f} s")
        assert loaded < 10 and generated < 10


@pytest.mark.parametrize("arch", ["tiny-sd3", "tiny-flux-dev"])
def test_img2img_shares_the_weights(flow_dir: Path, arch: str) -> None:
    import torch
    from PIL import Image

    model = load_model(flow_dir / f"{arch}.safetensors", "cpu")
    pipe = model.img2img_pipe()
    assert type(pipe).__name__ == model.family.img2img_pipeline
    assert pipe.transformer is model.pipe.transformer

    def once() -> np.ndarray:
        return pipe(
            prompt="a lighthouse",
            image=Image.new("RGB", (64, 64), (200, 120, 40)),
            strength=0.5,
            num_inference_steps=4,
            width=64,
            height=64,
            generator=torch.Generator("cpu").manual_seed(3),
            output_type="np",
        ).images[0]

    assert np.array_equal(once(), once())


def test_the_components_folder_is_part_of_what_was_loaded(flow_dir: Path, tmp_path: Path) -> None:
    import shutil

    from workstation.engine.library import inspect

    rest = tmp_path / "rest"
    shutil.copytree(flow_dir / "tiny-flux-schnell", rest)
    model = load_model(
        flow_dir / "tiny-flux-schnell-transformer.safetensors", "cpu", components=rest
    )
    assert [part.sha256 for part in model.components] == [inspect(rest).sha256]
    model.check_files()  # unchanged: fine
    (rest / "scheduler" / "scheduler_config.json").write_text("{}")
    with pytest.raises(ModelError, match="changed on disk after it was loaded"):
        model.check_files()


def split_like_comfyui(all_in_one: Path, out: Path) -> dict[str, Path]:
    """An all-in-one Flux file as ComfyUI users keep it: the transformer in
    models/diffusion_models, clip_l and t5xxl in models/text_encoders, ae in models/vae."""
    from safetensors.torch import load_file, save_file

    state = load_file(all_in_one)
    prefixes = {
        "flux1-transformer": "model.diffusion_model.",
        "clip_l": "text_encoders.clip_l.transformer.",
        "t5xxl_fp16": "text_encoders.t5xxl.transformer.",
        "ae": "first_stage_model.",
    }
    out.mkdir()
    files = {}
    for name, prefix in prefixes.items():
        part = {k[len(prefix) :]: v for k, v in state.items() if k.startswith(prefix)}
        files[name] = out / f"{name}.safetensors"
        save_file(part, files[name])
    return files


def test_a_transformer_file_loads_with_comfyuis_separate_files(
    flow_dir: Path, tmp_path: Path
) -> None:
    import torch

    files = split_like_comfyui(flow_dir / "tiny-flux-dev.safetensors", tmp_path / "comfy")
    parts = [files["clip_l"], files["t5xxl_fp16"], files["ae"]]
    model = load_model(files["flux1-transformer"], "cpu", components=parts)
    whole = load_model(flow_dir / "tiny-flux-dev.safetensors", "cpu")
    assert [Path(p.path).name for p in model.components] == [p.name for p in parts]
    for name in ("transformer", "vae", "text_encoder", "text_encoder_2"):
        ours, theirs = (
            getattr(model.pipe, name).state_dict(),
            getattr(whole.pipe, name).state_dict(),
        )
        assert all(torch.equal(ours[k], theirs[k]) for k in theirs), name
    assert np.array_equal(run(model)[0], run(whole)[0])
    with pytest.raises(ModelError, match="needs clip-l, t5-xxl, vae beside its transformer"):
        load_model(files["flux1-transformer"], "cpu", components=parts[:2])
