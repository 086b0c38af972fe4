"""Reference LoRA files and merged weights for tests/engine/lora_formats, made by the tools that
write them: lycoris-lora (LyCORIS algorithms, its kohya network writes the files and their
`sshs_model_hash`), peft (plain LoRA merge) and diffusers (kohya-file conversion + fuse).

Run from the repository root with lycoris-lora importable (never installed into the project venv):

    pip install --no-deps --target /tmp/lora-ref/site lycoris-lora==4.1.3 einops
    PYTHONPATH=/tmp/lora-ref/site .venv/bin/python \
        tests/engine/lora_formats/reference/make_vectors.py

Writes tests/engine/lora_formats/data/<case>.safetensors (the LoRA file) and
<case>.expected.safetensors: for a few target modules, the merged weight the tool computes at
multiplier 1.0, keyed "<component>/<module path>@1.0" (and "@1.0.bias"); for DoRA also LyCORIS's
own merge at multiplier 0.5 ("@0.5.lycoris").
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors.torch import save_file

from workstation.engine.tiny import build_tiny_pipeline

DATA = Path(__file__).resolve().parents[1] / "data"
# Modules whose merged weights are kept (a linear and a conv of the UNet, a text-encoder linear).
KEEP = (
    ("unet", "down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k"),
    ("unet", "down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_out.0"),
    ("unet", "down_blocks.0.attentions.0.proj_in"),
    ("unet", "down_blocks.0.resnets.0.conv1"),
    ("unet", "up_blocks.1.resnets.0.conv_shortcut"),
    ("unet", "down_blocks.0.resnets.0.norm1"),
    ("text_encoder", "encoder.layers.0.self_attn.q_proj"),
    ("text_encoder", "encoder.layers.0.mlp.fc1"),
    ("text_encoder", "encoder.layers.0.layer_norm1"),
)
CASES = {
    "locon": dict(algo="locon"),
    "locon_tucker": dict(algo="locon", use_tucker=True),
    "locon_norm": dict(algo="locon", train_norm=True),
    "loha": dict(algo="loha"),
    "loha_tucker": dict(algo="loha", use_tucker=True),
    "lokr": dict(algo="lokr", factor=4),
    "lokr_both": dict(algo="lokr", factor=4, decompose_both=True, use_tucker=True),
    "lokr_full": dict(algo="lokr", factor=4, full_matrix=True),
    "full": dict(algo="full"),
    "dora": dict(algo="locon", dora_wd=True),
    "dora_in": dict(algo="locon", dora_wd=True, wd_on_output=False),
    "doha": dict(algo="loha", dora_wd=True),
    "dokr": dict(algo="lokr", factor=4, dora_wd=True),
}


def randomise(module: torch.nn.Module, seed: int, only: str = "") -> None:
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, param in module.named_parameters():
            if only not in name:
                continue
            if name.endswith("dora_scale"):
                # around the original norms, so the decomposition does something
                param.mul_(1 + 0.3 * torch.rand(param.shape, generator=generator))
            elif param.dtype.is_floating_point:
                param.copy_(torch.randn(param.shape, generator=generator) * 0.3)


PRESET = """
enable_conv = true
unet_target_module = []
unet_target_name = [{}]
text_encoder_target_module = []
text_encoder_target_name = [{}]
""".format(
    ", ".join(f'"{path}"' for component, path in KEEP if component == "unet"),
    ", ".join(f'"{path}"' for component, path in KEEP if component == "text_encoder"),
)


def lycoris_case(name: str, kwargs: dict, seed: int) -> None:
    import tempfile

    from lycoris.kohya import create_network

    pipe = build_tiny_pipeline()
    with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as preset:
        preset.write(PRESET)
    network = create_network(
        1.0,
        4,
        2.0,
        None,
        pipe.text_encoder,
        pipe.unet,
        conv_dim=4,
        conv_alpha=1.0,
        preset=preset.name,
        **kwargs,
    )
    network.apply_to(pipe.text_encoder, pipe.unet, apply_text_encoder=True, apply_unet=True)
    randomise(network, seed)
    path = DATA / f"{name}.safetensors"
    network.save_weights(str(path), None, {"ss_network_module": "lycoris.kohya"})

    modules = {lora.lora_name: lora for lora in network.loras}
    fresh = build_tiny_pipeline()
    expected = {}
    for component, module_path in KEEP:
        prefix = "lora_unet" if component == "unet" else "lora_te"
        lora = modules.get(f"{prefix}_{module_path}".replace(".", "_"))
        if lora is None:
            continue
        key = f"{component}/{module_path}"
        with torch.no_grad():
            base = getattr(fresh, component).get_submodule(module_path).weight.detach().clone()
            if hasattr(lora, "w_norm") or hasattr(lora, "_org_weight"):  # norm, full
                for multiplier in (1.0,):
                    weight, bias = lora.get_merged_weight(multiplier=multiplier)
                    expected[f"{key}@{multiplier}"] = weight.float().contiguous()
                    if bias is not None:
                        expected[f"{key}@{multiplier}.bias"] = bias.float().contiguous()
                continue
            # ΔW as the module's own forward() computes it. (In lycoris-lora 4.1.3 LoHa's and
            # LoKr's get_diff_weight multiply get_weight(), which already holds alpha/rank, by
            # alpha/rank again, and get_merged_weight does not reshape a non-Tucker LoHa conv.)
            if hasattr(lora, "make_weight"):  # LoCon: make_weight() is up·down, scale apart
                diff = lora.make_weight().reshape(base.shape) * lora.scale
            else:  # LoHa, LoKr: get_weight() includes alpha/rank
                diff = lora.get_weight(base.shape).reshape(base.shape) * lora.scalar
            if getattr(lora, "wd", False):
                merged = lora.apply_weight_decompose(base + diff, 1.0)
                expected[f"{key}@1.0"] = merged.float().contiguous()
                # LyCORIS's own multiplier: rescales the magnitude of W + ΔW only
                half = lora.apply_weight_decompose(base + diff, 0.5)
                expected[f"{key}@0.5.lycoris"] = half.float().contiguous()
            else:
                for multiplier in (1.0,):
                    merged = base + diff * multiplier
                    expected[f"{key}@{multiplier}"] = merged.float().contiguous()
                if hasattr(lora, "make_weight"):  # LoCon: its merge agrees
                    merged, _ = lora.get_merged_weight(multiplier=1.0)
                    assert torch.allclose(merged.reshape(base.shape), expected[f"{key}@1.0"])
    save_file(expected, DATA / f"{name}.expected.safetensors")
    print(name, len(network.loras), "modules,", path.stat().st_size, "bytes,", len(expected))


def peft_cases() -> None:
    """A diffusers-format and a raw peft file, and the weights peft merges from them."""
    from peft import LoraConfig, get_peft_model_state_dict, inject_adapter_in_model

    pipe = build_tiny_pipeline()
    targets = ["to_q", "to_k", "to_v", "to_out.0", "proj_in", "conv1"]
    config = LoraConfig(r=4, lora_alpha=4, target_modules=targets, init_lora_weights=False)
    unet = inject_adapter_in_model(config, pipe.unet)
    randomise(unet, 7, only="lora_")
    state = get_peft_model_state_dict(unet)
    unet_keys = {f"unet.{k}": v.contiguous() for k, v in state.items()}
    save_file(unet_keys, DATA / "peft_diffusers.safetensors")
    save_file(
        {f"base_model.model.{k}": v.contiguous() for k, v in state.items()},
        DATA / "peft_raw.safetensors",
    )
    expected = {}
    for component, module_path in KEEP:
        if component != "unet":
            continue
        layer = unet.get_submodule(module_path)
        if not hasattr(layer, "get_delta_weight"):
            continue
        with torch.no_grad():
            base = layer.base_layer.weight.detach().clone()
            delta = layer.get_delta_weight("default")
            expected[f"unet/{module_path}@1.0"] = (base + delta).contiguous()
    save_file(expected, DATA / "peft_diffusers.expected.safetensors")
    save_file(expected, DATA / "peft_raw.expected.safetensors")


def diffusers_metadata_case() -> None:
    """A LoRA as the workstation's trainer saves it: diffusers' save_lora_weights with peft's
    lora_alpha (8, rank 4) in the header's lora_adapter_metadata; merged by diffusers' fuse_lora."""
    from diffusers import StableDiffusionPipeline
    from peft import LoraConfig, get_peft_model_state_dict

    pipe = build_tiny_pipeline()
    config = LoraConfig(r=4, lora_alpha=8, target_modules=["to_q", "to_v"], init_lora_weights=False)
    pipe.unet.add_adapter(config)
    randomise(pipe.unet, 11, only="lora_")
    StableDiffusionPipeline.save_lora_weights(
        DATA,
        unet_lora_layers=get_peft_model_state_dict(pipe.unet),
        weight_name="diffusers_alpha.safetensors",
        unet_lora_adapter_metadata={"r": 4, "lora_alpha": 8, "target_modules": ["to_q", "to_v"]},
    )
    fresh = build_tiny_pipeline()
    fresh.load_lora_weights(str(DATA / "diffusers_alpha.safetensors"), adapter_name="d")
    fresh.fuse_lora(lora_scale=1.0)
    expected = {}
    for path, layer in fresh.unet.named_modules():
        if path.startswith("down_blocks.0.") and path.endswith(("to_q", "to_v")):
            weight = getattr(layer, "base_layer", layer).weight.detach().clone()
            expected[f"unet/{path}@1.0"] = weight.contiguous()
    save_file(expected, DATA / "diffusers_alpha.expected.safetensors")


def kohya_case() -> None:
    """A kohya LoRA (alpha 2, rank 4) and what diffusers (peft) fuses from it at scale 1."""
    from workstation.engine.tiny import build_tiny_lora

    path = DATA / "kohya.safetensors"
    build_tiny_lora(path, "kohya", seed=5, rank=4, alpha=2.0)
    pipe = build_tiny_pipeline()
    expected = {}
    for component, module_path in KEEP:
        layer = getattr(pipe, component).get_submodule(module_path)
        expected[f"{component}/{module_path}@base"] = layer.weight.detach().clone()
    base = dict(expected)
    expected.clear()
    pipe.load_lora_weights(str(path), adapter_name="k")
    pipe.fuse_lora(lora_scale=1.0)
    for component, module_path in KEEP:
        layer = getattr(pipe, component).get_submodule(module_path)
        weight = getattr(layer, "base_layer", layer).weight.detach().clone()
        if not torch.equal(weight, base[f"{component}/{module_path}@base"]):
            expected[f"{component}/{module_path}@1.0"] = weight.contiguous()
    save_file(expected, DATA / "kohya.expected.safetensors")


if __name__ == "__main__":
    DATA.mkdir(exist_ok=True)
    for seed, (name, kwargs) in enumerate(CASES.items(), start=100):
        lycoris_case(name, kwargs, seed)
    peft_cases()
    diffusers_metadata_case()
    kohya_case()
    (DATA / "README.json").write_text(
        json.dumps({"made_by": "reference/make_vectors.py", "lycoris-lora": "4.1.3"}, indent=1)
    )
