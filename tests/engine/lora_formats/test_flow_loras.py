"""Flux.1 and SD 3.5 LoRAs under their makers' original module names (kohya sd-scripts'
`lora_unet_double_blocks_…`, BFL/ComfyUI's `diffusion_model.…`/`transformer.…` with lora_A/B,
Stability's `joint_blocks`), fused modules split into the diffusers modules.

References: diffusers' own kohya Flux converter (`_convert_kohya_flux_lora_to_diffusers`, its
output merged through our diffusers-name path, which is checked against peft elsewhere), and for
what that converter cannot take at the tiny width (it fixes Flux's real 3072/12288 split of
`linear1`) and for SD 3.5 (diffusers has no converter for Stability-named LoRAs): the LoRA merged
into the fused original weight, W + alpha/rank · up @ down, then converted with diffusers'
single-file checkpoint converter. The LoRA files are random tensors made here at the shapes of the
tiny models' original layout.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
import torch
from safetensors.torch import save_file

from workstation.core.errors import ModelError
from workstation.core.params import LoraSpec
from workstation.engine.families import BY_FAMILY
from workstation.engine.families.base import to_original
from workstation.engine.lora import apply_loras
from workstation.engine.lora_formats import module_index, parse

TOLERANCE = 1e-6
RANK = 4
FLUX_MODULES = (
    "double_blocks.0.img_attn.qkv", "double_blocks.0.img_attn.proj", "double_blocks.0.img_mlp.0",
    "double_blocks.0.img_mlp.2", "double_blocks.0.img_mod.lin", "double_blocks.0.txt_attn.qkv",
    "double_blocks.0.txt_attn.proj", "double_blocks.0.txt_mlp.0", "double_blocks.0.txt_mlp.2",
    "double_blocks.0.txt_mod.lin", "single_blocks.0.linear2", "single_blocks.0.modulation.lin",
    "img_in", "txt_in", "time_in.in_layer", "vector_in.out_layer", "guidance_in.in_layer",
    "final_layer.adaLN_modulation.1", "single_blocks.0.linear1",
)  # fmt: skip
SD3_MODULES = (
    "joint_blocks.0.x_block.attn.qkv", "joint_blocks.0.x_block.attn2.qkv",
    "joint_blocks.0.context_block.attn.qkv", "joint_blocks.0.x_block.attn.proj",
    "joint_blocks.0.x_block.mlp.fc1", "joint_blocks.0.context_block.mlp.fc2",
    "joint_blocks.0.x_block.adaLN_modulation.1", "joint_blocks.1.context_block.attn.qkv",
    "final_layer.adaLN_modulation.1", "final_layer.linear",
)  # fmt: skip
CLIP_Q = "encoder.layers.0.self_attn.q_proj"  # transformers 5 has no `text_model.` level


@pytest.fixture(scope="module")
def flow_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    from workstation.engine.loading import load_model, quiet_libraries
    from workstation.engine.tiny import build_tiny_model

    quiet_libraries()
    folder = tmp_path_factory.mktemp("flow-lora-models")
    models = {}
    for arch in ("tiny-flux-dev", "tiny-sd3"):
        models[arch] = load_model(build_tiny_model(folder / arch, architecture=arch), device="cpu")
    return models


@pytest.fixture
def flux(flow_models):
    model = flow_models["tiny-flux-dev"]
    apply_loras(model, [])
    yield model
    apply_loras(model, [])


@pytest.fixture
def sd3(flow_models):
    model = flow_models["tiny-sd3"]
    apply_loras(model, [])
    yield model
    apply_loras(model, [])


def original_state(model) -> dict[str, torch.Tensor]:
    """The transformer's weights in its makers' layout (the family's validated key map)."""
    transformer = model.pipe.transformer
    keys = BY_FAMILY[model.arch.family].transformer_keys(dict(transformer.config))
    return to_original(transformer.state_dict(), keys)


def kohya_lora(model, modules, seed: int) -> dict[str, torch.Tensor]:
    """kohya sd-scripts' names and parts, at the shapes of the model's original weights; every
    other module with alpha 3 (a scale of 0.75, not a power of two)."""
    generator = torch.Generator().manual_seed(seed)
    shapes = {k: v.shape for k, v in original_state(model).items()}
    tensors = {}
    for number, module in enumerate(modules):
        rows, cols = shapes[f"{module}.weight"]
        stem = "lora_unet_" + module.replace(".", "_")
        tensors[f"{stem}.lora_down.weight"] = torch.randn(RANK, cols, generator=generator) * 0.1
        tensors[f"{stem}.lora_up.weight"] = torch.randn(rows, RANK, generator=generator) * 0.1
        tensors[f"{stem}.alpha"] = torch.tensor(float(RANK if number % 2 else 3))
    return tensors


def renamed(tensors: dict[str, torch.Tensor], prefix: str) -> dict[str, torch.Tensor]:
    """kohya's file under BFL/ComfyUI names: `<prefix><original module>.lora_A/lora_B.weight`."""
    from workstation.engine.lora_formats.keys import split_key

    out = {}
    for key, value in tensors.items():
        stem, part = split_key(key)
        module = BY_FAMILY["flux"].lora_key(stem)[1]
        module = _dotted(module)
        name = {"lora_down.weight": "lora_A.weight", "lora_up.weight": "lora_B.weight"}.get(
            part, part
        )
        out[f"{prefix}{module}.{name}"] = value
    return out


def _dotted(flat: str) -> str:
    for module in FLUX_MODULES + SD3_MODULES:
        if module.replace(".", "_") == flat:
            return module
    raise KeyError(flat)


def transformer_weights(model) -> dict[str, torch.Tensor]:
    return {k: v.clone() for k, v in model.pipe.transformer.state_dict().items()}


def apply_file(model, tensors: dict[str, torch.Tensor], path: Path, scale: float = 1.0) -> None:
    save_file({k: v.clone().contiguous() for k, v in tensors.items()}, path)
    apply_loras(model, [LoraSpec(str(path), scale)])


def merged_in_original_layout(model, tensors, modules, converter: str) -> dict[str, torch.Tensor]:
    """W + alpha/rank · up @ down on the fused original weights, converted with diffusers'
    single-file converter (SD 3.5); for Flux, whose converter fixes the real 3072/12288 split,
    with the family's key map, which test_families checks against that converter at full width."""
    from diffusers.loaders import single_file_utils

    from workstation.engine.families.base import to_diffusers

    state = original_state(model)
    for module in modules:
        stem = "lora_unet_" + module.replace(".", "_")
        down, up = tensors[f"{stem}.lora_down.weight"], tensors[f"{stem}.lora_up.weight"]
        scale = float(tensors[f"{stem}.alpha"]) / RANK
        state[f"{module}.weight"] = state[f"{module}.weight"] + scale * (up @ down)
    if converter == "flux":
        transformer = model.pipe.transformer
        keys = BY_FAMILY["flux"].transformer_keys(dict(transformer.config))
        shapes = {k: tuple(v.shape) for k, v in transformer.state_dict().items()}
        return to_diffusers(state, keys, shapes)
    convert = getattr(single_file_utils, f"convert_{converter}_transformer_checkpoint_to_diffusers")
    return convert({f"model.diffusion_model.{k}": v for k, v in state.items()})


def deviation(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> float:
    assert set(a) == set(b)
    return max((a[k] - b[k]).abs().max().item() for k in a)


def test_kohya_flux_lora_merges_as_diffusers_converter_does(flux, tmp_path: Path) -> None:
    from diffusers.loaders.lora_conversion_utils import _convert_kohya_flux_lora_to_diffusers

    base = transformer_weights(flux)
    base_clip = flux.pipe.text_encoder.get_submodule(CLIP_Q).weight.clone()
    # diffusers' converter fixes linear1's split at Flux's real width, and drops the final
    # layer's alpha: those are checked against the single-file converter below.
    modules = [
        m
        for m in FLUX_MODULES
        if m not in ("single_blocks.0.linear1", "final_layer.adaLN_modulation.1")
    ]
    tensors = kohya_lora(flux, modules, seed=1)
    clip = flux.pipe.text_encoder.get_submodule(CLIP_Q).weight
    te = "lora_te1_text_model_" + CLIP_Q.replace(".", "_")  # kohya's name
    tensors[f"{te}.lora_down.weight"] = torch.randn(RANK, clip.shape[1]) * 0.1
    tensors[f"{te}.lora_up.weight"] = torch.randn(clip.shape[0], RANK) * 0.1
    tensors[f"{te}.alpha"] = torch.tensor(2.0)

    apply_file(flux, tensors, tmp_path / "kohya.safetensors")
    ours = transformer_weights(flux)
    ours_clip = clip.clone()
    apply_loras(flux, [])

    converted = _convert_kohya_flux_lora_to_diffusers({k: v.clone() for k, v in tensors.items()})
    converted = {
        k if k.startswith(("transformer.", "text_encoder")) else f"transformer.{k}": v
        for k, v in converted.items()
    }
    assert any(".to_q." in k for k in converted) and any("text_encoder." in k for k in converted)
    apply_file(flux, converted, tmp_path / "diffusers.safetensors")
    theirs = transformer_weights(flux)

    assert deviation(ours, theirs) <= TOLERANCE
    assert (ours_clip - clip).abs().max().item() <= TOLERANCE
    assert not torch.equal(ours_clip, base_clip)
    changed = [k for k in base if not torch.equal(base[k], ours[k])]
    for module in ("attn.to_q", "attn.add_v_proj", "ff_context.net.2", "norm1.linear"):
        assert f"transformer_blocks.0.{module}.weight" in changed
    assert "single_transformer_blocks.0.proj_out.weight" in changed
    assert "time_text_embed.guidance_embedder.linear_1.weight" in changed


@pytest.mark.parametrize("prefix", ["lora_unet_", "diffusion_model.", "transformer."])
def test_fused_flux_modules_split_as_the_checkpoint_converter_splits(
    flux, tmp_path: Path, prefix: str
) -> None:
    """linear1 (q, k, v, MLP in), qkv and the final adaLN (halves swapped) under kohya's and
    BFL/ComfyUI's names: the same as merging into the fused weight and converting the file."""
    modules = FLUX_MODULES
    tensors = kohya_lora(flux, modules, seed=2)
    expected = merged_in_original_layout(flux, tensors, modules, "flux")
    if prefix != "lora_unet_":
        tensors = renamed(tensors, prefix)
    apply_file(flux, tensors, tmp_path / "lora.safetensors")
    ours = transformer_weights(flux)
    assert deviation(ours, expected) <= TOLERANCE
    for piece in ("attn.to_q", "attn.to_v", "proj_mlp"):
        base = flux.pipe.transformer.get_submodule(f"single_transformer_blocks.0.{piece}")
        assert f"single_transformer_blocks.0.{piece}.weight" in ours and base is not None


def test_flux_scale_zero_is_the_base_and_removal_restores_it(flux, tmp_path: Path) -> None:
    base = transformer_weights(flux)
    tensors = kohya_lora(flux, FLUX_MODULES, seed=3)
    path = tmp_path / "lora.safetensors"
    apply_file(flux, tensors, path, scale=0.0)
    assert all(torch.equal(v, transformer_weights(flux)[k]) for k, v in base.items())
    apply_loras(flux, [LoraSpec(str(path), 1.0)])
    full = transformer_weights(flux)
    apply_loras(flux, [LoraSpec(str(path), 0.5)])
    half = transformer_weights(flux)
    key = "single_transformer_blocks.0.proj_mlp.weight"
    assert not torch.equal(full[key], base[key])
    assert (half[key] - (base[key] + full[key]) / 2).abs().max().item() <= TOLERANCE
    apply_loras(flux, [])
    assert all(torch.equal(v, transformer_weights(flux)[k]) for k, v in base.items())


@pytest.mark.parametrize("prefix", ["lora_unet_", "diffusion_model."])
def test_sd3_stability_names_split_as_the_checkpoint_converter_splits(
    sd3, tmp_path: Path, prefix: str
) -> None:
    base = transformer_weights(sd3)
    tensors = kohya_lora(sd3, SD3_MODULES, seed=4)
    expected = merged_in_original_layout(sd3, tensors, SD3_MODULES, "sd3")
    if prefix != "lora_unet_":
        tensors = renamed(tensors, prefix)
    apply_file(sd3, tensors, tmp_path / "lora.safetensors")
    ours = transformer_weights(sd3)
    assert deviation(ours, expected) <= TOLERANCE
    assert not torch.equal(
        ours["transformer_blocks.0.attn2.to_k.weight"],
        base["transformer_blocks.0.attn2.to_k.weight"],
    )
    apply_loras(sd3, [])
    assert all(torch.equal(v, transformer_weights(sd3)[k]) for k, v in base.items())


def test_a_flux_lora_is_refused_on_sd3_and_an_sd3_lora_on_flux(flux, sd3, tmp_path: Path) -> None:
    flux_lora = kohya_lora(flux, FLUX_MODULES[:2], seed=5)
    sd3_lora = renamed(kohya_lora(sd3, SD3_MODULES[:2], seed=6), "diffusion_model.")
    cases = (
        (sd3, flux_lora, "lora_unet_double_blocks_0_img_attn_"),
        (flux, sd3_lora, "diffusion_model.joint_blocks.0.x_block.attn"),
    )
    for model, tensors, name in cases:
        base = transformer_weights(model)
        with pytest.raises(ModelError) as error:
            apply_file(model, tensors, tmp_path / "other.safetensors")
        message = str(error.value)
        assert "LoRA keys apply to no module of this model" in message and name in message
        assert "\n" not in message
        assert model.loras == {}
        assert all(torch.equal(v, transformer_weights(model)[k]) for k, v in base.items())


def test_unknown_and_unsplittable_original_keys_are_refused_by_name(flux, tmp_path: Path) -> None:
    tensors = kohya_lora(flux, FLUX_MODULES[:1], seed=7)
    tensors["lora_unet_double_blocks_0_img_attn_nothing.lora_down.weight"] = torch.zeros(RANK, 32)
    tensors["lora_unet_double_blocks_0_img_attn_nothing.lora_up.weight"] = torch.zeros(32, RANK)
    # LoHa on a fused module: its rows cannot be split into q, k, v (refused, not guessed)
    loha = "lora_unet_double_blocks_0_txt_attn_qkv"
    tensors.update(
        {f"{loha}.hada_w1_a": torch.zeros(96, 2), f"{loha}.hada_w1_b": torch.zeros(2, 32)}
    )
    tensors.update(
        {f"{loha}.hada_w2_a": torch.zeros(96, 2), f"{loha}.hada_w2_b": torch.zeros(2, 32)}
    )
    # an up matrix with rows that are not the fused weight's
    tensors["diffusion_model.single_blocks.0.linear1.lora_A.weight"] = torch.zeros(RANK, 32)
    tensors["diffusion_model.single_blocks.0.linear1.lora_B.weight"] = torch.zeros(100, RANK)
    with pytest.raises(ModelError) as error:
        apply_file(flux, tensors, tmp_path / "odd.safetensors")
    message = str(error.value)
    assert message.count("\n") == 0
    assert "8 LoRA keys apply to no module of this model" in message
    assert "diffusion_model.single_blocks.0.linear1.lora_A.weight" in message


def test_full_width_linear1_split_equals_diffusers_kohya_converter() -> None:
    """At Flux's real width (diffusers' converter fixes 3072/12288), on a meta-device transformer:
    each diffusers module's ΔW from our split equals the one from diffusers' converted file."""
    from diffusers import FluxTransformer2DModel
    from diffusers.loaders.lora_conversion_utils import _convert_kohya_flux_lora_to_diffusers

    from workstation.engine.architectures import BY_NAME
    from workstation.engine.families.flux import FAMILY

    config = dict(
        FluxTransformer2DModel.load_config(BY_NAME["flux-dev"].config_dir / "transformer")
    )
    config.update(num_layers=1, num_single_layers=1)
    with torch.device("meta"):
        transformer = FluxTransformer2DModel.from_config(config)
    index = module_index(SimpleNamespace(transformer=transformer), FAMILY.lora_key)
    generator = torch.Generator().manual_seed(8)
    tensors = {}
    for stem, rows in (
        ("lora_unet_single_blocks_0_linear1", 21504),
        ("lora_unet_double_blocks_0_txt_attn_qkv", 9216),
    ):
        tensors[f"{stem}.lora_down.weight"] = torch.randn(2, 3072, generator=generator)
        tensors[f"{stem}.lora_up.weight"] = torch.randn(rows, 2, generator=generator)
        tensors[f"{stem}.alpha"] = torch.tensor(3.0)
    patches = parse(tensors, index)
    theirs = _convert_kohya_flux_lora_to_diffusers({k: v.clone() for k, v in tensors.items()})
    assert len(patches) == len(theirs) // 2 == 7
    worst = 0.0
    for (_, path), patch in patches.items():
        module = transformer.get_submodule(path)
        a, b = (
            theirs[f"transformer.{path}.lora_A.weight"],
            theirs[f"transformer.{path}.lora_B.weight"],
        )
        ours = patch.delta(module.weight.shape)
        worst = max(worst, ((ours - b @ a).abs().max() / ours.abs().max()).item())
        del ours
    assert worst <= TOLERANCE


def test_lora_info_calls_a_flux_loras_denoiser_the_transformer(flux, tmp_path: Path) -> None:
    from safetensors.torch import save_file

    from workstation.engine.lora import lora_info

    path = tmp_path / "flux-style.safetensors"
    save_file({k: v.contiguous() for k, v in kohya_lora(flux, FLUX_MODULES, seed=4).items()}, path)
    components = {module.component for module in lora_info(path).modules}
    assert components == {"transformer"}
