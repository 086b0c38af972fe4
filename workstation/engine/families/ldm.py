"""Shared by the UNet families (SD 1.x, 2.x, XL): the original (LDM) single-file layout.

Their files hold the UNet under "model.diffusion_model." with numbered input/middle/output
blocks; the families differ by the cross-attention width (text context) and SDXL's
"conditioner.embedders." text encoders.
"""

from __future__ import annotations

import re

from workstation.engine.families.base import Architecture, Detection, Shapes, has_prefix

LDM_UNET = "model.diffusion_model."
CONV_IN = LDM_UNET + "input_blocks.0.0.weight"
_ATTN2_TO_K = re.compile(r"attn2\.to_k\.weight$")
# Text-encoder prefixes an SD1.x-layout file must have (others hold a bare UNet).
TEXT_PREFIX = {"sd1": "cond_stage_model.transformer.", "tiny-sd": "cond_stage_model."}


def unet_context_dim(shapes: Shapes, prefix: str) -> int | None:
    """The cross-attention width of a UNet: in-features of any attn2.to_k weight."""
    for name, shape in shapes.items():
        if name.startswith(prefix) and _ATTN2_TO_K.search(name) and len(shape) == 2:
            return shape[1]
    return None


def detect_ldm(
    shapes: Shapes, kind: str, architectures: tuple[Architecture, ...], is_mine: bool
) -> Detection | None:
    """Detection of an LDM-layout UNet checkpoint for the family that `is_mine` says it is."""
    conv_in = shapes.get(CONV_IN)
    if conv_in is None or not is_mine:
        return None
    context = unet_context_dim(shapes, LDM_UNET)
    has_sdxl_text = has_prefix(shapes, "conditioner.embedders.")
    if conv_in[1] != 4:
        return Detection(kind, None, f"{conv_in[1]}-channel UNet (inpainting or other variant)")
    if has_sdxl_text and context not in {a.context_dim for a in architectures}:
        return Detection(kind, None, f"{kind} variant (text context {context})")
    arch = next(
        (a for a in architectures if (a.context_dim, a.model_channels) == (context, conv_in[0])),
        None,
    )
    if arch is None:
        return Detection(kind, None, f"unknown UNet (text context {context})", context)
    if arch.name in TEXT_PREFIX and not has_prefix(shapes, TEXT_PREFIX[arch.name]):
        return Detection(kind, None, "checkpoint without text encoder", context)
    return Detection(arch.kind, arch, f"{arch.label} checkpoint", context)


# SDXL's refiner holds one text encoder, OpenCLIP bigG, as the base holds its second.
REFINER_TEXT = "conditioner.embedders.0.model."
BASE_SECOND_TEXT = "conditioner.embedders.1."


def ldm_family_of(shapes: Shapes) -> str | None:
    """sd1, sd2, sdxl or sdxl_refiner for an LDM-layout checkpoint, None for other files."""
    if CONV_IN not in shapes:
        return None
    if has_prefix(shapes, "conditioner.embedders."):
        if has_prefix(shapes, REFINER_TEXT) and not has_prefix(shapes, BASE_SECOND_TEXT):
            return "sdxl_refiner"
        return "sdxl"
    context = unet_context_dim(shapes, LDM_UNET)
    return {1024: "sd2", 2048: "sdxl"}.get(context or 0, "sd1")


def lora_context_dim(shapes: Shapes) -> int | None:
    """The text-context width of the model a LoRA was made for, from its tensor shapes."""
    for name, shape in shapes.items():
        flat = name.replace("_", ".")
        if "attn2.to.k" in flat and (".lora.down." in flat or ".lora.A." in flat) and shape:
            return shape[-1] if len(shape) == 2 else shape[1]
    if has_prefix(shapes, "lora_te1_", "lora_te2_", "text_encoder_2."):
        return 2048
    for name, shape in shapes.items():
        flat = name.replace("_", ".")
        is_text = name.startswith(("lora_te_", "text_encoder."))
        if is_text and "q.proj" in flat and (".lora.down." in flat or ".lora.A." in flat):
            return shape[1]
    return None


def kohya_unet_key(key: str) -> tuple[str, str] | None:
    """kohya's flattened names for the UNet families ("lora_unet_down_blocks_0_..." and
    "lora_te_..."): (component, prefix as written); the module path is recovered by lora.py."""
    for prefix, component in (
        ("lora_unet_", "unet"),
        ("lora_te1_", "text_encoder"),
        ("lora_te2_", "text_encoder_2"),
        ("lora_te_", "text_encoder"),
    ):
        if key.startswith(prefix):
            return component, key[len(prefix) :].split(".")[0]
    return None


_RESNET_PARTS = {
    "norm1": "in_layers.0",
    "conv1": "in_layers.2",
    "norm2": "out_layers.0",
    "conv2": "out_layers.3",
    "time_emb_proj": "emb_layers.1",
    "conv_shortcut": "skip_connection",
}
_UNET_FIXED = {
    "conv_in": "input_blocks.0.0",
    "time_embedding.linear_1": "time_embed.0",
    "time_embedding.linear_2": "time_embed.2",
    "conv_norm_out": "out.0",
    "conv_out": "out.2",
    "add_embedding.linear_1": "label_emb.0.0",  # SDXL: pooled text and size conditioning
    "add_embedding.linear_2": "label_emb.0.2",
}


def ldm_unet_key(key: str, layers: int, up_has_attention: list[bool]) -> str:
    """The original (LDM) name of a diffusers UNet parameter: what single files and kohya's
    SDXL LoRAs call it. `layers`: resnets per down block; `up_has_attention` per up block."""
    module, _, param = key.rpartition(".")
    if module in _UNET_FIXED:
        return f"{_UNET_FIXED[module]}.{param}"

    def resnet(rest: str) -> str:
        part, _, tail = rest.partition(".")
        return f"{_RESNET_PARTS[part]}.{tail}" if part in _RESNET_PARTS else rest

    # LDM numbers the UNet's blocks flat: conv_in is input_blocks.0, then per level `layers`
    # (resnet, attention) pairs and a downsampler; going up, `layers + 1` pairs and an upsampler.
    if match := re.match(r"down_blocks\.(\d+)\.resnets\.(\d+)\.(.*)", key):
        number = 1 + int(match[1]) * (layers + 1) + int(match[2])
        return f"input_blocks.{number}.0.{resnet(match[3])}"
    if match := re.match(r"down_blocks\.(\d+)\.attentions\.(\d+)\.(.*)", key):
        number = 1 + int(match[1]) * (layers + 1) + int(match[2])
        return f"input_blocks.{number}.1.{match[3]}"
    if match := re.match(r"down_blocks\.(\d+)\.downsamplers\.0\.conv\.(.*)", key):
        return f"input_blocks.{(int(match[1]) + 1) * (layers + 1)}.0.op.{match[2]}"
    if match := re.match(r"mid_block\.resnets\.(\d+)\.(.*)", key):
        return f"middle_block.{2 * int(match[1])}.{resnet(match[2])}"
    if match := re.match(r"mid_block\.attentions\.0\.(.*)", key):
        return f"middle_block.1.{match[1]}"
    if match := re.match(r"up_blocks\.(\d+)\.resnets\.(\d+)\.(.*)", key):
        number = int(match[1]) * (layers + 1) + int(match[2])
        return f"output_blocks.{number}.0.{resnet(match[3])}"
    if match := re.match(r"up_blocks\.(\d+)\.attentions\.(\d+)\.(.*)", key):
        number = int(match[1]) * (layers + 1) + int(match[2])
        return f"output_blocks.{number}.1.{match[3]}"
    if match := re.match(r"up_blocks\.(\d+)\.upsamplers\.0\.(.*)", key):
        block = int(match[1])
        slot = 2 if up_has_attention[block] else 1
        return f"output_blocks.{block * (layers + 1) + layers}.{slot}.{match[2]}"
    raise ValueError(f"no LDM name for UNet key {key}")
