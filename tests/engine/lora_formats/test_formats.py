"""LoRA algorithms and key formats, merged into the tiny model, against the tools that write them.

The files and the merged weights in data/ were made by reference/make_vectors.py with
lycoris-lora 4.1.3 (its kohya network wrote the LyCORIS files and their header hashes; the merges
are its modules' own ΔW and weight decomposition), peft 0.21 (get_delta_weight) and diffusers
(load_lora_weights + fuse_lora of a kohya file).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file, save_file

from workstation.core.errors import ModelError
from workstation.core.params import LoraSpec
from workstation.engine.lora import apply_loras, lora_info
from workstation.engine.lora_formats import lycoris_hash, module_index, parse
from workstation.engine.safetensors_header import read_header

DATA = Path(__file__).parent / "data"
LYCORIS = (
    "locon", "locon_tucker", "locon_norm", "loha", "loha_tucker", "lokr", "lokr_both",
    "lokr_full", "dora", "dora_in", "doha", "dokr",
)  # fmt: skip
TOLERANCE = 1e-6


def expected(name: str) -> dict[str, torch.Tensor]:
    return load_file(DATA / f"{name}.expected.safetensors")


def weights(model) -> dict[str, torch.Tensor]:
    pipe = model.pipe
    return {
        f"{part}.{key}": value.clone()
        for part in ("unet", "text_encoder")
        for key, value in getattr(pipe, part).state_dict().items()
    }


def module(model, key: str) -> torch.nn.Module:
    component, path = key.split("/", 1)
    return getattr(model.pipe, component).get_submodule(path)


@pytest.fixture
def clean(tiny_model):
    """The session's tiny model with no LoRA, before and after the test."""
    apply_loras(tiny_model, [])
    yield tiny_model
    apply_loras(tiny_model, [])


@pytest.mark.parametrize(
    "name", [*LYCORIS, "kohya", "peft_diffusers", "peft_raw", "diffusers_alpha"]
)
def test_merged_weights_equal_the_writing_tools_merge(clean, name: str) -> None:
    base = weights(clean)
    apply_loras(clean, [LoraSpec(str(DATA / f"{name}.safetensors"), 1.0)])
    reference = expected(name)
    checked = 0
    for key, value in reference.items():
        target, _, tag = key.partition("@")
        if tag == "1.0":
            merged = module(clean, target).weight
            assert (merged - value).abs().max().item() <= TOLERANCE, key
            checked += 1
        elif tag == "1.0.bias":
            assert (module(clean, target).bias - value).abs().max() <= TOLERANCE, key
    assert checked >= 3
    apply_loras(clean, [])
    assert all(torch.equal(value, weights(clean)[key]) for key, value in base.items())


def test_full_diff_files_merge_as_lycoris_does(tiny_model) -> None:
    """LyCORIS `full` (diff, diff_b): the library does not list such a file as a LoRA yet, so
    the patches are merged here directly."""
    patches = parse(load_file(DATA / "full.safetensors"), module_index(tiny_model.pipe))
    reference = expected("full")
    for key, value in reference.items():
        target, _, tag = key.partition("@")
        if tag != "1.0":
            continue
        layer = module(tiny_model, target)
        bias = layer.bias.float() if layer.bias is not None else None
        weight, new_bias = patches[tuple(target.split("/", 1))].merge(
            layer.weight.float(), bias, 1.0
        )
        assert (weight - value).abs().max() <= TOLERANCE
        if f"{key}.bias" in reference:
            assert (new_bias - reference[f"{key}.bias"]).abs().max() <= TOLERANCE


@pytest.mark.parametrize("name", ["dora", "dora_in", "doha", "dokr"])
def test_dora_at_other_scales_blends_towards_the_decomposed_weight(clean, name: str) -> None:
    """W + s·(W_dora − W) (ComfyUI's blend; equal to LyCORIS at 1, the base model at 0).
    LyCORIS's own multiplier rescales only the magnitude: at 0.5 it differs, kept for the note."""
    reference = expected(name)
    targets = [key.partition("@")[0] for key in reference if key.endswith("@1.0")]
    base = {target: module(clean, target).weight.clone() for target in targets}
    apply_loras(clean, [LoraSpec(str(DATA / f"{name}.safetensors"), 0.5)])
    for target in targets:
        blend = base[target] + 0.5 * (reference[f"{target}@1.0"] - base[target])
        assert (module(clean, target).weight - blend).abs().max() <= TOLERANCE, target
        own = reference[f"{target}@0.5.lycoris"]
        assert not torch.allclose(module(clean, target).weight, own, atol=1e-4)


def test_several_loras_switch_and_restore_bit_exactly(clean, kohya_lora: Path) -> None:
    base = weights(clean)
    specs = [
        LoraSpec(str(DATA / "dora.safetensors"), 0.7),
        LoraSpec(str(DATA / "loha.safetensors"), 1.0),
        LoraSpec(str(kohya_lora), -0.5),
    ]
    together = apply_loras(clean, specs)
    assert [scale for _, scale in together] == [0.7, 1.0, -0.5]
    merged = weights(clean)
    assert not all(torch.equal(value, merged[key]) for key, value in base.items())
    # each LoRA's modules hold the base plus its own change only, in the order given
    apply_loras(clean, specs[1:2])
    loha_only = weights(clean)
    apply_loras(clean, specs)
    assert all(torch.equal(value, weights(clean)[key]) for key, value in merged.items())
    apply_loras(clean, [LoraSpec(spec.path, 0.0) for spec in specs])
    assert all(torch.equal(value, weights(clean)[key]) for key, value in base.items())
    assert len(clean.loras) == 3
    apply_loras(clean, specs[1:2])
    assert all(torch.equal(value, weights(clean)[key]) for key, value in loha_only.items())
    apply_loras(clean, [])
    assert clean.loras == {}
    assert all(torch.equal(value, weights(clean)[key]) for key, value in base.items())


def test_keys_no_algorithm_applies_are_refused_by_name(clean, kohya_lora: Path, tmp_path) -> None:
    base = weights(clean)
    tensors = load_file(kohya_lora)
    stem = "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q"
    tensors["lora_unet_no_such_module.lora_down.weight"] = torch.zeros(4, 32)
    tensors["lora_unet_no_such_module.lora_up.weight"] = torch.zeros(32, 4)
    tensors[f"{stem}.hada_w1_a"] = torch.zeros(32, 4)  # two algorithms on one module
    tensors["something_else.weight"] = torch.zeros(1)
    odd = tmp_path / "odd.safetensors"
    save_file(tensors, odd)
    with pytest.raises(ModelError) as error:
        apply_loras(clean, [LoraSpec(str(odd))])
    message = str(error.value)
    assert "7 LoRA keys apply to no module of this model" in message
    assert "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q.alpha" in message
    assert "\n" not in message
    assert clean.loras == {}
    assert all(torch.equal(value, weights(clean)[key]) for key, value in base.items())


def test_a_lycoris_lora_for_another_base_is_refused(clean, tmp_path: Path) -> None:
    stem = "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k"
    sd15 = tmp_path / "loha_sd15.safetensors"
    parts = {"hada_w1_a": (320, 4), "hada_w1_b": (4, 768), "hada_w2_a": (320, 4)}
    tensors = {f"{stem}.{part}": torch.ones(shape) for part, shape in parts.items()}
    tensors[f"{stem}.hada_w2_b"] = torch.ones(4, 768)
    save_file(tensors, sd15)
    with pytest.raises(
        ModelError,
        match=r"attn2_to_k: the LoRA.s change has shape \(320, 768\), the model.s weight \(32, 32",
    ):
        apply_loras(clean, [LoraSpec(str(sd15))])


def test_kohya_ldm_and_sdxl_names_reach_the_same_modules(clean, kohya_lora: Path, tmp_path) -> None:
    """kohya's SDXL files name UNet modules in the original LDM layout (input_blocks_…) and the
    text encoders lora_te1_/lora_te2_; renamed so, the same tensors merge to the same weights."""
    from workstation.engine.families.ldm import ldm_unet_key

    unet = clean.pipe.unet
    up_attention = ["CrossAttn" in kind for kind in unet.config.up_block_types]
    flat_to_ldm = {
        "lora_unet_" + path.replace(".", "_"): "lora_unet_"
        + ldm_unet_key(f"{path}.weight", unet.config.layers_per_block, up_attention)[:-7].replace(
            ".", "_"
        )
        for path, _ in unet.named_modules()
        if path.endswith(("to_q", "to_k", "to_v", "to_out.0"))
    }
    renamed = {}
    for key, value in load_file(kohya_lora).items():
        stem, _, part = key.partition(".")
        stem = flat_to_ldm.get(stem, stem).replace("lora_te_", "lora_te1_")
        renamed[f"{stem}.{part}"] = value
    assert any(key.startswith("lora_unet_input_blocks_1_1_") for key in renamed)
    ldm = tmp_path / "ldm_named.safetensors"
    save_file(renamed, ldm)

    apply_loras(clean, [LoraSpec(str(kohya_lora))])
    diffusers_named = weights(clean)
    apply_loras(clean, [LoraSpec(str(ldm))])
    assert all(torch.equal(value, weights(clean)[key]) for key, value in diffusers_named.items())


@pytest.mark.parametrize("name", LYCORIS)
def test_lycoris_header_hash_is_recognised_and_verified(name: str) -> None:
    report = lora_info(DATA / f"{name}.safetensors")
    assert report.stored_hash.startswith("0x")
    assert report.stored_hash_kind == "LyCORIS"
    assert report.stored_hash_matches is True


def test_lycoris_hash_needs_the_training_order_and_the_same_bytes(tmp_path: Path) -> None:
    path = DATA / "locon.safetensors"
    header = read_header(path)
    stored = header.metadata["sshs_model_hash"]
    # the file's own (sorted) order is not the order LyCORIS hashed in
    assert lycoris_hash.verify(path, header, stored) is None
    # one tensor byte changed, header untouched: no longer verified
    changed = tmp_path / "changed.safetensors"
    shutil.copyfile(path, changed)
    data = bytearray(changed.read_bytes())
    data[header.data_offset + 5] ^= 0x01
    changed.write_bytes(bytes(data))
    assert lora_info(changed).stored_hash_matches is not True


def test_lora_info_names_each_algorithm(kohya_lora: Path, peft_lora: Path) -> None:
    for name, algorithm in [
        ("loha", "LoHa"),
        ("lokr", "LoKr"),
        ("doha", "LoHa+DoRA"),
        ("locon", "LoCon + LoRA"),
        ("dora", "LoCon+DoRA + LoRA+DoRA"),
        ("locon_norm", "LoCon + LoRA + Norm"),
    ]:
        report = lora_info(DATA / f"{name}.safetensors")
        assert report.algorithm == algorithm, name
        assert all(m.algorithm for m in report.modules)
        ranked = [m for m in report.modules if m.algorithm.startswith(("LoRA", "LoCon", "LoHa"))]
        assert all(m.rank == 4 for m in ranked)
    assert lora_info(kohya_lora).algorithm == "LoRA"
    assert lora_info(kohya_lora).stored_hash_kind == "kohya"
    assert lora_info(peft_lora).algorithm == "LoRA"


def test_a_sequentially_offloaded_model_is_patched_where_its_weights_live(
    tiny_file: Path, kohya_lora: Path, tiny_model
) -> None:
    """accelerate's sequential CPU offload leaves parameters on the meta device and loads them
    from its hook's copy at each forward: that copy is what gets merged and restored."""
    from accelerate import cpu_offload

    from workstation.engine.loading import load_model

    apply_loras(tiny_model, [LoraSpec(str(kohya_lora), 0.8)])
    reference = {k: v.clone() for k, v in tiny_model.pipe.unet.state_dict().items()}
    apply_loras(tiny_model, [])
    model = load_model(tiny_file, device="cpu")
    base = {k: v.clone() for k, v in model.pipe.unet.state_dict().items()}
    cpu_offload(model.pipe.unet, execution_device=torch.device("cpu"))
    layer = "down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q"
    hook = model.pipe.unet.get_submodule(layer)._hf_hook

    apply_loras(model, [LoraSpec(str(kohya_lora), 0.8)])
    assert torch.equal(hook.weights_map["weight"], reference[f"{layer}.weight"])
    assert not torch.equal(hook.weights_map["weight"], base[f"{layer}.weight"])
    apply_loras(model, [])
    assert torch.equal(hook.weights_map["weight"], base[f"{layer}.weight"])
