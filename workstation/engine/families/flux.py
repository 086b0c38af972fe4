"""Flux.1 (dev, schnell): a double/single-stream transformer on 16-channel latents packed as 2x2
patches, CLIP-L (pooled) + T5-XXL text, rectified-flow sampling. dev is guidance-distilled (a
guidance embedding, no real CFG, no negative prompt); schnell has neither.

Single files: Black Forest Labs' transformer file ("double_blocks.*"/"single_blocks.*", as
ComfyUI's models/diffusion_models hold it) or an all-in-one checkpoint as ComfyUI saves one
("model.diffusion_model." + "text_encoders.clip_l/t5xxl.transformer." + "first_stage_model.").
"""

from typing import Any

from workstation.engine.families.base import (
    Architecture,
    Detection,
    Family,
    KeyMap,
    Shapes,
    block_count,
    fused,
    has_prefix,
    linear,
    transformer_prefix,
)

# ComfyUI latent_formats.Flux
FLUX_LATENT_RGB = (
    (-0.0346, 0.0244, 0.0681),
    (0.0034, 0.0210, 0.0687),
    (0.0275, -0.0668, -0.0433),
    (-0.0174, 0.0160, 0.0617),
    (0.0859, 0.0721, 0.0329),
    (0.0004, 0.0383, 0.0115),
    (0.0405, 0.0861, 0.0915),
    (-0.0236, -0.0185, -0.0259),
    (-0.0245, 0.0250, 0.1180),
    (0.1008, 0.0755, -0.0421),
    (-0.0515, 0.0201, 0.0011),
    (0.0428, -0.0012, -0.0036),
    (0.0817, 0.0765, 0.0749),
    (-0.1264, -0.0522, -0.1103),
    (-0.0280, -0.0881, -0.0499),
    (-0.1262, -0.0982, -0.0778),
)
# model_channels: hidden size; depth: double blocks. dev and schnell differ by the guidance
# embedding, which the detection tests.
ARCHITECTURES = (
    Architecture("flux-dev", "flux", "Flux.1", "Flux.1 dev", 1024, None, 3072, 19),
    Architecture("flux-schnell", "flux", "Flux.1", "Flux.1 schnell", 1024, None, 3072, 19),
    Architecture(
        "tiny-flux-dev", "flux", "Flux.1", "tiny Flux.1-dev-layout test model", 64, None, 32, 1
    ),
    Architecture(
        "tiny-flux-schnell",
        "flux",
        "Flux.1",
        "tiny Flux.1-schnell-layout test model",
        64,
        None,
        32,
        1,
    ),
)
BLOCK = "double_blocks.0.img_attn.norm.key_norm.scale"
TEXT_ENCODERS = ("text_encoders.clip_l.", "text_encoders.t5xxl.")
VAE = "first_stage_model."


def detect(shapes: Shapes) -> Detection | None:
    prefix = transformer_prefix(shapes, BLOCK)
    if prefix is None:
        return None
    hidden = shapes[prefix + "img_in.weight"][0]
    depth = block_count(shapes, prefix, "double_blocks")
    if shapes[prefix + "img_in.weight"][1] != 64:
        return Detection("Flux.1", None, "Flux.1 Fill/Depth or other variant (not text-to-image)")
    guidance = prefix + "guidance_in.in_layer.weight" in shapes
    arch = next(
        (
            a
            for a in ARCHITECTURES
            if (a.model_channels, a.depth) == (hidden, depth) and a.name.endswith("dev") == guidance
        ),
        None,
    )
    if arch is None:
        return Detection("Flux.1", None, f"unknown Flux transformer ({depth} blocks of {hidden})")
    if not prefix:
        return Detection("Flux.1", arch, f"{arch.label} transformer only")
    if all(has_prefix(shapes, p) for p in TEXT_ENCODERS + (VAE,)):
        return Detection("Flux.1", arch, f"{arch.label} checkpoint")
    missing = [p.split(".")[1] for p in TEXT_ENCODERS if not has_prefix(shapes, p)]
    missing += ["vae"] if not has_prefix(shapes, VAE) else []
    return Detection("Flux.1", arch, f"{arch.label} transformer only (no {', '.join(missing)})")


def transformer_keys(config: dict[str, Any]) -> KeyMap:
    """Black Forest Labs' names for FluxTransformer2DModel's tensors."""
    keys = linear("time_in.in_layer", "time_text_embed.timestep_embedder.linear_1")
    keys += linear("time_in.out_layer", "time_text_embed.timestep_embedder.linear_2")
    keys += linear("vector_in.in_layer", "time_text_embed.text_embedder.linear_1")
    keys += linear("vector_in.out_layer", "time_text_embed.text_embedder.linear_2")
    if config.get("guidance_embeds"):
        keys += linear("guidance_in.in_layer", "time_text_embed.guidance_embedder.linear_1")
        keys += linear("guidance_in.out_layer", "time_text_embed.guidance_embedder.linear_2")
    keys += linear("txt_in", "context_embedder") + linear("img_in", "x_embedder")
    for i in range(config["num_layers"]):
        old, new = f"double_blocks.{i}.", f"transformer_blocks.{i}."
        keys += linear(old + "img_mod.lin", new + "norm1.linear")
        keys += linear(old + "txt_mod.lin", new + "norm1_context.linear")
        keys += fused(old + "img_attn.qkv", tuple(new + f"attn.to_{x}" for x in "qkv"))
        keys += fused(old + "txt_attn.qkv", tuple(new + f"attn.add_{x}_proj" for x in "qkv"))
        for side, added in (("img", ""), ("txt", "added_")):
            for norm in ("q", "k"):
                original = f"{old}{side}_attn.norm.{'query' if norm == 'q' else 'key'}_norm.scale"
                keys.append((original, (f"{new}attn.norm_{added}{norm}.weight",), False))
        keys += linear(old + "img_mlp.0", new + "ff.net.0.proj")
        keys += linear(old + "img_mlp.2", new + "ff.net.2")
        keys += linear(old + "txt_mlp.0", new + "ff_context.net.0.proj")
        keys += linear(old + "txt_mlp.2", new + "ff_context.net.2")
        keys += linear(old + "img_attn.proj", new + "attn.to_out.0")
        keys += linear(old + "txt_attn.proj", new + "attn.to_add_out")
    for i in range(config["num_single_layers"]):
        old, new = f"single_blocks.{i}.", f"single_transformer_blocks.{i}."
        keys += linear(old + "modulation.lin", new + "norm.linear")
        parts = (*(new + f"attn.to_{x}" for x in "qkv"), new + "proj_mlp")
        keys += fused(old + "linear1", parts)
        keys.append((old + "norm.query_norm.scale", (new + "attn.norm_q.weight",), False))
        keys.append((old + "norm.key_norm.scale", (new + "attn.norm_k.weight",), False))
        keys += linear(old + "linear2", new + "proj_out")
    keys += linear("final_layer.linear", "proj_out")
    keys += fused("final_layer.adaLN_modulation.1", ("norm_out.linear",), swap=True)
    return keys


def lora_fits(shapes: Shapes) -> bool | None:
    """BFL/ComfyUI/kohya names ("double_blocks", "single_blocks") or diffusers/peft ones with
    Flux's single-stream blocks or at Flux's width."""
    if has_prefix(
        shapes,
        "lora_unet_double_blocks_",
        "lora_unet_single_blocks_",
        "diffusion_model.double_blocks.",
        "diffusion_model.single_blocks.",
        "transformer.double_blocks.",
        "transformer.single_blocks.",
        "transformer.single_transformer_blocks.",
        "base_model.model.single_transformer_blocks.",
    ):
        return True
    return any(
        name.startswith(("transformer.transformer_blocks.", "base_model.model.transformer_blocks."))
        and name.endswith(("attn.to_q.lora_A.weight", "attn.to_q.lora.down.weight"))
        and shape[-1] == 3072
        for name, shape in shapes.items()
    )


def lora_key(key: str) -> tuple[str, str] | None:
    """A LoRA stem's component and module path after its prefix: BFL's names (kohya flattens
    them with `_`) are renamed, fused ones split, by the LoRA key naming (lora_formats.original)."""
    for prefix, component in (
        ("lora_unet_", "transformer"),
        ("transformer.", "transformer"),
        ("diffusion_model.", "transformer"),
        ("lora_te1_", "text_encoder"),
        ("lora_te_", "text_encoder"),
    ):
        if key.startswith(prefix):
            return component, key[len(prefix) :].split(".lora")[0]
    return None


FAMILY = Family(
    name="flux",
    kind="Flux.1",
    label="Flux.1",
    latent_channels=16,
    size_multiple=16,
    native_size=1024,
    text_encoders=("clip-l", "t5-xxl"),
    supports_cfg=False,  # dev's guidance is an input of the model, not classifier-free guidance
    supports_negative=False,
    supports_clip_skip=False,
    latent_rgb=FLUX_LATENT_RGB,
    latent_rgb_bias=(-0.0329, -0.0718, -0.0851),
    denoiser_class="FluxTransformer2DModel",
    txt2img_pipeline="FluxPipeline",
    img2img_pipeline="FluxImg2ImgPipeline",
    sampling="flow",
    architectures=ARCHITECTURES,
    packed_latents=True,
    detect=detect,
    folder_pipelines=("FluxPipeline",),
    lora_fits=lora_fits,
    lora_key=lora_key,
    transformer_keys=transformer_keys,
)
