"""Stable Diffusion 3.5 (medium, large): an MMDiT transformer on 16-channel latents, three text
encoders (CLIP-L, CLIP-G, T5-XXL), rectified-flow sampling.

Single files come in the layout of Stability's own checkpoints (as ComfyUI saves them too): the
transformer under "model.diffusion_model." ("joint_blocks.*"), text encoders under
"text_encoders.clip_l/clip_g/t5xxl.transformer.", the VAE under "first_stage_model.". A file
with only the transformer (the prefix optional) is recognised as such.
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

# ComfyUI latent_formats.SD3
SD3_LATENT_RGB = (
    (-0.0922, -0.0175, 0.0749),
    (0.0311, 0.0633, 0.0954),
    (0.1994, 0.0927, 0.0458),
    (0.0856, 0.0339, 0.0902),
    (0.0587, 0.0272, -0.0496),
    (-0.0006, 0.1104, 0.0309),
    (0.0978, 0.0306, 0.0427),
    (-0.0042, 0.1038, 0.1358),
    (-0.0194, 0.0020, 0.0669),
    (-0.0488, 0.0130, -0.0268),
    (0.0922, 0.0988, 0.0951),
    (-0.0278, 0.0524, -0.0542),
    (0.0332, 0.0456, 0.0895),
    (-0.0069, -0.0030, -0.0810),
    (-0.0596, -0.0465, -0.0293),
    (-0.1448, -0.1463, -0.1189),
)
# model_channels: the transformer's hidden size; depth: its number of joint blocks. As in every
# MMDiT (and as ComfyUI assumes), the hidden size is 64 x depth.
ARCHITECTURES = (
    Architecture("sd3.5-medium", "sd3", "SD3", "Stable Diffusion 3.5 Medium", 1024, None, 1536, 24),
    Architecture("sd3.5-large", "sd3", "SD3", "Stable Diffusion 3.5 Large", 1024, None, 2432, 38),
    Architecture("tiny-sd3", "sd3", "SD3", "tiny SD3.5-layout test model", 64, None, 128, 2),
)
BLOCK = "joint_blocks.0.context_block.adaLN_modulation.1.bias"
TEXT_ENCODERS = ("text_encoders.clip_l.", "text_encoders.clip_g.", "text_encoders.t5xxl.")
VAE = "first_stage_model."


def detect(shapes: Shapes) -> Detection | None:
    prefix = transformer_prefix(shapes, BLOCK)
    if prefix is None:
        return None
    hidden = shapes[prefix + "x_embedder.proj.weight"][0]
    depth = block_count(shapes, prefix, "joint_blocks")
    arch = next((a for a in ARCHITECTURES if (a.model_channels, a.depth) == (hidden, depth)), None)
    if arch is None:
        what = (
            "SD 3 Medium (3.0)" if (hidden, depth) == (1536, 24) else f"{depth} blocks of {hidden}"
        )
        return Detection("SD3", None, f"unknown SD3 transformer ({what})")
    if not prefix:
        return Detection("SD3", arch, f"{arch.label} transformer only")
    if all(has_prefix(shapes, p) for p in TEXT_ENCODERS + (VAE,)):
        return Detection("SD3", arch, f"{arch.label} checkpoint")
    missing = [p.split(".")[1] for p in TEXT_ENCODERS if not has_prefix(shapes, p)]
    missing += ["vae"] if not has_prefix(shapes, VAE) else []
    return Detection("SD3", arch, f"{arch.label} transformer only (no {', '.join(missing)})")


def transformer_keys(config: dict[str, Any]) -> KeyMap:
    """Stability's (MMDiT) names for SD3Transformer2DModel's tensors."""
    keys: KeyMap = [("pos_embed", ("pos_embed.pos_embed",), False)]
    keys += linear("x_embedder.proj", "pos_embed.proj")
    keys += linear("t_embedder.mlp.0", "time_text_embed.timestep_embedder.linear_1")
    keys += linear("t_embedder.mlp.2", "time_text_embed.timestep_embedder.linear_2")
    keys += linear("context_embedder", "context_embedder")
    keys += linear("y_embedder.mlp.0", "time_text_embed.text_embedder.linear_1")
    keys += linear("y_embedder.mlp.2", "time_text_embed.text_embedder.linear_2")
    qk_norm = config.get("qk_norm") is not None
    last = config["num_layers"] - 1
    for i in range(config["num_layers"]):
        old, new = f"joint_blocks.{i}.", f"transformer_blocks.{i}."
        x, context = old + "x_block.", old + "context_block."
        keys += fused(x + "attn.qkv", tuple(new + f"attn.to_{p}" for p in "qkv"))
        keys += fused(context + "attn.qkv", tuple(new + f"attn.add_{p}_proj" for p in "qkv"))
        if qk_norm:
            for norm in ("q", "k"):
                keys.append(
                    (f"{x}attn.ln_{norm}.weight", (f"{new}attn.norm_{norm}.weight",), False)
                )
                keys.append(
                    (
                        f"{context}attn.ln_{norm}.weight",
                        (f"{new}attn.norm_added_{norm}.weight",),
                        False,
                    )
                )
        keys += linear(x + "attn.proj", new + "attn.to_out.0")
        if i in config.get("dual_attention_layers", ()):
            keys += fused(x + "attn2.qkv", tuple(new + f"attn2.to_{p}" for p in "qkv"))
            if qk_norm:
                for norm in ("q", "k"):
                    keys.append(
                        (f"{x}attn2.ln_{norm}.weight", (f"{new}attn2.norm_{norm}.weight",), False)
                    )
            keys += linear(x + "attn2.proj", new + "attn2.to_out.0")
        keys += linear(x + "adaLN_modulation.1", new + "norm1.linear")
        keys += fused(
            context + "adaLN_modulation.1", (new + "norm1_context.linear",), swap=i == last
        )
        keys += linear(x + "mlp.fc1", new + "ff.net.0.proj")
        keys += linear(x + "mlp.fc2", new + "ff.net.2")
        if i != last:  # the last block's context stream ends before its attention output
            keys += linear(context + "attn.proj", new + "attn.to_add_out")
            keys += linear(context + "mlp.fc1", new + "ff_context.net.0.proj")
            keys += linear(context + "mlp.fc2", new + "ff_context.net.2")
    keys += linear("final_layer.linear", "proj_out")
    keys += fused("final_layer.adaLN_modulation.1", ("norm_out.linear",), swap=True)
    return keys


def lora_fits(shapes: Shapes) -> bool | None:
    """kohya/ComfyUI ("joint_blocks") or diffusers/peft ("transformer_blocks" without Flux's
    single-stream blocks, at an SD 3.5 width)."""
    if has_prefix(
        shapes,
        "lora_unet_joint_blocks_",
        "diffusion_model.joint_blocks.",
        "transformer.joint_blocks.",
    ):
        return True
    if has_prefix(shapes, "transformer.single_transformer_blocks.", "lora_unet_single_blocks_"):
        return False
    widths = {arch.model_channels for arch in ARCHITECTURES}
    return any(
        name.startswith(("transformer.transformer_blocks.", "base_model.model.transformer_blocks."))
        and name.endswith(("attn.to_q.lora_A.weight", "attn.to_q.lora.down.weight"))
        and shape[-1] in widths
        for name, shape in shapes.items()
    )


def lora_key(key: str) -> tuple[str, str] | None:
    """A LoRA stem's component and module path after its prefix: Stability's names (kohya
    flattens them with `_`) are renamed, fused qkv split, by lora_formats.original."""
    for prefix, component in (
        ("lora_unet_", "transformer"),
        ("transformer.", "transformer"),
        ("diffusion_model.", "transformer"),
        ("lora_te1_", "text_encoder"),
        ("lora_te2_", "text_encoder_2"),
        ("lora_te3_", "text_encoder_3"),
    ):
        if key.startswith(prefix):
            return component, key[len(prefix) :].split(".lora")[0]
    return None


FAMILY = Family(
    name="sd3",
    kind="SD3",
    label="Stable Diffusion 3.5",
    latent_channels=16,
    size_multiple=16,
    native_size=1024,
    text_encoders=("clip-l", "clip-g", "t5-xxl"),
    supports_cfg=True,
    supports_negative=True,
    supports_clip_skip=True,
    latent_rgb=SD3_LATENT_RGB,
    latent_rgb_bias=(0.2394, 0.2135, 0.1925),
    denoiser_class="SD3Transformer2DModel",
    txt2img_pipeline="StableDiffusion3Pipeline",
    img2img_pipeline="StableDiffusion3Img2ImgPipeline",
    sampling="flow",
    architectures=ARCHITECTURES,
    detect=detect,
    folder_pipelines=("StableDiffusion3Pipeline",),
    lora_fits=lora_fits,
    lora_key=lora_key,
    transformer_keys=transformer_keys,
)
