"""The family registry: capabilities, detection from tensor shapes and folders, key layouts."""

from __future__ import annotations

from pathlib import Path

import pytest

from workstation.engine.families import (
    BASE_KINDS,
    BY_FAMILY,
    FAMILIES,
    detect_base,
    family_of,
    lora_family,
)
from workstation.engine.library import detect, inspect
from workstation.engine.safetensors_header import read_header


def test_each_family_states_its_capabilities() -> None:
    assert BASE_KINDS == ("SD1.x", "SD2.x", "SDXL", "SD3", "Flux.1")
    for family in FAMILIES:
        assert len(family.latent_rgb) == family.latent_channels
        assert all(family_of(arch) is family for arch in family.architectures)
    assert [BY_FAMILY[n].size_multiple for n in ("sd1", "sdxl", "sd3", "flux")] == [8, 8, 16, 16]
    assert [BY_FAMILY[n].sampling for n in ("sd2", "sd3", "flux")] == ["discrete", "flow", "flow"]
    flux = BY_FAMILY["flux"]
    assert not (flux.supports_cfg or flux.supports_negative or flux.supports_clip_skip)
    assert BY_FAMILY["sd3"].text_encoders == ("clip-l", "clip-g", "t5-xxl")
    assert BY_FAMILY["sd3"].check_size(1024, 1016) == (
        "height must be a multiple of 16 for SD3, not 1016"
    )
    assert BY_FAMILY["sdxl"].check_size(1024, 1016) is None
    assert [f.name for f in FAMILIES if f.trainable] == ["sd1", "sd2"]


def test_flux_latents_unpack_to_channels_first() -> None:
    """FluxPipeline._pack_latents's inverse: 2x2 patches as tokens back to [B, C, H/8, W/8]."""
    import torch
    from diffusers import FluxPipeline

    latents = torch.randn(1, 16, 8, 12)
    packed = FluxPipeline._pack_latents(latents, 1, 16, 8, 12)
    assert torch.equal(BY_FAMILY["flux"].unpack(packed, width=96, height=64), latents)


@pytest.mark.parametrize(
    ("arch", "detail"),
    [
        ("tiny-sd3", "tiny SD3.5-layout test model checkpoint"),
        ("tiny-flux-dev", "tiny Flux.1-dev-layout test model checkpoint"),
        ("tiny-flux-schnell", "tiny Flux.1-schnell-layout test model checkpoint"),
    ],
)
def test_single_files_and_folders_are_detected(flow_dir: Path, arch: str, detail: str) -> None:
    kind = family_of(arch).kind
    single = inspect(flow_dir / f"{arch}.safetensors")
    assert (single.kind, single.architecture, single.detail, single.problem) == (
        kind,
        arch,
        detail,
        None,
    )
    alone = inspect(flow_dir / f"{arch}-transformer.safetensors")
    assert (alone.kind, alone.architecture) == (kind, arch)
    assert alone.detail.endswith("transformer only")
    folder = inspect(flow_dir / arch)
    assert (folder.format, folder.kind, folder.architecture, folder.problem) == (
        "diffusers",
        kind,
        arch,
        None,
    )


def test_detection_of_full_size_layouts_from_shapes() -> None:
    """Real files' names and shapes (only the ones detection reads)."""
    flux = {
        "double_blocks.0.img_attn.norm.key_norm.scale": (128,),
        "img_in.weight": (3072, 64),
        **{f"double_blocks.{i}.img_mod.lin.weight": (18432, 3072) for i in range(19)},
    }
    schnell = detect(flux)
    assert (schnell.kind, schnell.architecture.name) == ("Flux.1", "flux-schnell")
    dev = detect({**flux, "guidance_in.in_layer.weight": (3072, 256)})
    assert dev.architecture.name == "flux-dev" and dev.detail == "Flux.1 dev transformer only"
    prefixed = {f"model.diffusion_model.{k}": v for k, v in flux.items()}
    assert detect(prefixed).detail == "Flux.1 schnell transformer only (no clip_l, t5xxl, vae)"
    fill = detect({**flux, "img_in.weight": (3072, 384)})
    assert fill.architecture is None and "Fill" in fill.detail

    def sd3(depth: int, width: int, dual: bool) -> dict[str, tuple[int, ...]]:
        shapes = {"model.diffusion_model.x_embedder.proj.weight": (width, 16, 2, 2)}
        for i in range(depth):
            block = f"model.diffusion_model.joint_blocks.{i}."
            shapes[block + "context_block.adaLN_modulation.1.bias"] = (width * 6,)
            if dual:
                shapes[block + "x_block.attn2.qkv.weight"] = (width * 3, width)
        return shapes

    assert detect(sd3(24, 1536, True)).architecture.name == "sd3.5-medium"
    assert detect(sd3(38, 2432, False)).architecture.name == "sd3.5-large"
    old = detect(sd3(24, 1536, False) | {"x": (1,)})
    assert old.kind == "SD3" and old.architecture.name == "sd3.5-medium"
    assert detect_base({"foo": (1,)}) is None


@pytest.mark.parametrize(("arch", "converter"), [("tiny-sd3", "sd3"), ("flux-dev", "flux")])
def test_key_maps_agree_with_diffusers_converters(arch: str, converter: str) -> None:
    """Our original<->diffusers key maps against diffusers' own single-file converters (which
    assume full-size Flux: one block of each kind at Flux's real width)."""
    import diffusers
    import torch
    from diffusers.loaders import single_file_utils

    from workstation.engine.architectures import BY_NAME
    from workstation.engine.families.base import to_diffusers, to_original

    family = family_of(arch)
    model_class = getattr(diffusers, family.denoiser_class)
    config = dict(model_class.load_config(BY_NAME[arch].config_dir / "transformer"))
    if converter == "flux":
        config.update(num_layers=1, num_single_layers=1)
    torch.manual_seed(0)
    model = model_class.from_config(config)
    state = model.state_dict()
    keys = family.transformer_keys(dict(model.config))
    original = to_original(state, keys)
    convert = getattr(single_file_utils, f"convert_{converter}_transformer_checkpoint_to_diffusers")
    theirs = convert({f"model.diffusion_model.{k}": v.clone() for k, v in original.items()})
    assert set(theirs) == set(state)
    assert all(torch.equal(theirs[k], state[k]) for k in state)
    ours = to_diffusers(original, keys, {k: tuple(v.shape) for k, v in state.items()})
    assert all(torch.equal(ours[k], state[k]) for k in state)


def test_loras_are_matched_to_their_family(models_dir: Path) -> None:
    kohya = read_header(models_dir / "kohya.safetensors").shapes
    assert lora_family(kohya) is BY_FAMILY["sd1"]
    flux = {"lora_unet_double_blocks_0_img_attn_qkv.lora_down.weight": (16, 3072)}
    assert lora_family(flux) is BY_FAMILY["flux"]
    sd3 = {"transformer.transformer_blocks.0.attn.to_q.lora_A.weight": (16, 1536)}
    assert lora_family(sd3) is BY_FAMILY["sd3"]
    flux_peft = {"transformer.transformer_blocks.0.attn.to_q.lora_A.weight": (16, 3072)}
    assert lora_family(flux_peft) is BY_FAMILY["flux"]
    assert BY_FAMILY["flux"].lora_key(
        "lora_unet_double_blocks_0_img_attn_qkv.lora_down.weight"
    ) == (
        "transformer",
        "double_blocks_0_img_attn_qkv",
    )


def test_call_options_follow_the_capabilities() -> None:
    assert BY_FAMILY["flux"].call_options("blurry", 3.5, 1) == {"guidance_scale": 3.5}
    assert BY_FAMILY["sd3"].call_options("blurry", 5.0, 2) == {
        "guidance_scale": 5.0,
        "negative_prompt": "blurry",
        "clip_skip": 1,
    }
    assert BY_FAMILY["sd1"].call_options("", 7.0, 1)["negative_prompt"] is None


def test_flow_families_sample_with_their_own_flow_scheduler() -> None:
    import json

    from workstation.engine.architectures import BY_NAME

    path = BY_NAME["flux-dev"].config_dir / "scheduler" / "scheduler_config.json"
    scheduler = BY_FAMILY["flux"].native_scheduler(json.loads(path.read_text()))
    assert type(scheduler).__name__ == "FlowMatchEulerDiscreteScheduler"
    assert scheduler.config.use_dynamic_shifting and scheduler.config.max_shift == 1.15
    with pytest.raises(ValueError, match="discrete samplers"):
        BY_FAMILY["sd1"].native_scheduler({})


def test_the_library_lists_and_hashes_every_layout(flow_dir: Path) -> None:
    from workstation.engine.hashing import HashCache, compute_hashes
    from workstation.engine.library import scan

    found = {Path(m.path).name: m for m in scan(flow_dir, HashCache(flow_dir / "cache.json"))}
    assert len(found) == 9 and not any(m.problem for m in found.values())
    assert {m.kind for m in found.values()} == {"SD3", "Flux.1"}
    single = found["tiny-flux-dev.safetensors"]
    hashes = compute_hashes(single.path)
    assert (single.sha256, single.autov2) == (hashes.sha256, hashes.autov2)
    assert found["tiny-sd3"].autov2 is None  # a folder has no A1111 hash


def test_latent_previews_use_comfyuis_latent_formats() -> None:
    """reference/make_reference.py dumps comfy.latent_formats (SD15, SDXL, SD3, Flux)."""
    import json

    data = Path(__file__).parent / "data" / "comfyui_latent_formats.json"
    for name, theirs in json.loads(data.read_text()).items():
        family = BY_FAMILY[name]
        assert family.latent_channels == theirs["channels"]
        assert [list(row) for row in family.latent_rgb] == theirs["factors"]
        assert list(family.latent_rgb_bias) == (theirs["bias"] or [0.0, 0.0, 0.0])


def test_component_files_are_named_in_the_listing(flow_dir: Path, tmp_path: Path) -> None:
    from .test_flow_models import split_like_comfyui

    files = split_like_comfyui(flow_dir / "tiny-flux-dev.safetensors", tmp_path / "comfy")
    assert inspect(files["t5xxl_fp16"]).detail.startswith("T5 text encoder")
    assert inspect(files["clip_l"]).kind == "CLIP"
    assert "VAE" in inspect(files["ae"]).detail
    assert inspect(files["flux1-transformer"]).detail.endswith("transformer only")
