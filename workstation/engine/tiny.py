"""Tiny random-weight models of each family and LoRAs, built in about a second for tests and demos.

`build_tiny_model(out, format="diffusers" | "single-file", architecture="tiny-sd")` writes either a
diffusers folder or a single .safetensors file in the original key layout, as A1111, ComfyUI and
Civitai distribute checkpoints: LDM for SD1.x; for SD 3.5 ("tiny-sd3") and Flux.1
("tiny-flux-dev", "tiny-flux-schnell") an all-in-one file as ComfyUI saves one, or with
format="transformer" the transformer alone in its makers' layout.
`build_tiny_lora(out, format="diffusers" | "kohya")` writes a LoRA for the SD1.x one.
The weights are random: images are noise, but every code path of a real model is exercised.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from workstation.core.errors import InputError
from workstation.engine.architectures import BY_NAME, clip_tokenizer
from workstation.engine.families import family_of
from workstation.engine.families.base import to_original
from workstation.engine.families.ldm import ldm_unet_key

TINY = BY_NAME["tiny-sd"]
TINY_ARCHITECTURES = ("tiny-sd", "tiny-sd3", "tiny-flux-dev", "tiny-flux-schnell")
# SDXL base and refiner (diffusers folders; the refiner also as a single file): a refiner test pair.
TINY_XL_ARCHITECTURES = ("tiny-sdxl", "tiny-sdxl-refiner")
MODEL_FORMATS = ("diffusers", "single-file", "transformer")
# Where an all-in-one SD 3.5 / Flux.1 file keeps each text encoder (ComfyUI's checkpoint layout).
TEXT_ENCODER_PREFIXES = {
    "text_encoder": "text_encoders.clip_l.transformer.",
    "text_encoder_2": "text_encoders.clip_g.transformer.",
    "text_encoder_3": "text_encoders.t5xxl.transformer.",
}
FLUX_TEXT_ENCODER_PREFIXES = {
    "text_encoder": "text_encoders.clip_l.transformer.",
    "text_encoder_2": "text_encoders.t5xxl.transformer.",
}
LORA_FORMATS = ("diffusers", "kohya")
UNET_TARGETS = ("to_q", "to_k", "to_v", "to_out.0")
TEXT_TARGETS = ("q_proj", "k_proj", "v_proj", "out_proj")


def build_tiny_pipeline(seed: int = 0) -> Any:
    """A StableDiffusionPipeline with random weights from the shipped tiny-sd configs."""
    import torch
    from diffusers import AutoencoderKL, StableDiffusionPipeline, UNet2DConditionModel
    from diffusers.schedulers import PNDMScheduler
    from transformers import CLIPTextConfig, CLIPTextModel

    config = TINY.config_dir
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        unet = UNet2DConditionModel.from_config(UNet2DConditionModel.load_config(config / "unet"))
        torch.manual_seed(seed + 1)
        vae = AutoencoderKL.from_config(AutoencoderKL.load_config(config / "vae"))
        torch.manual_seed(seed + 2)
        text_encoder = CLIPTextModel(CLIPTextConfig.from_pretrained(config / "text_encoder"))
    scheduler = PNDMScheduler.from_config(PNDMScheduler.load_config(config / "scheduler"))
    return StableDiffusionPipeline(
        unet=unet.eval(),
        vae=vae.eval(),
        text_encoder=text_encoder.eval(),
        tokenizer=clip_tokenizer(config / "tokenizer"),
        scheduler=scheduler,
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )


def build_tiny_flow_pipeline(architecture: str = "tiny-sd3", seed: int = 0) -> Any:
    """A StableDiffusion3Pipeline or FluxPipeline with random weights from a tiny config folder."""
    import diffusers
    import torch
    import transformers

    from workstation.engine.loading import tokenizers

    arch = BY_NAME[architecture]
    family = family_of(arch)
    index = json.loads((arch.config_dir / "model_index.json").read_text(encoding="utf-8"))
    components: dict[str, Any] = {}
    with torch.random.fork_rng(devices=[]):
        for number, name in enumerate(("transformer", "vae", *sorted(TEXT_ENCODER_PREFIXES))):
            if name not in index:
                continue
            torch.manual_seed(seed + number)
            folder = arch.config_dir / name
            if name.startswith("text_encoder"):
                model_class = getattr(transformers, index[name][1])
                model = model_class(model_class.config_class.from_pretrained(folder))
            else:
                model_class = getattr(diffusers, index[name][1])
                model = model_class.from_config(model_class.load_config(folder))
            components[name] = model.eval()
    scheduler_class = getattr(diffusers, index["scheduler"][1])
    components["scheduler"] = scheduler_class.from_config(
        scheduler_class.load_config(arch.config_dir / "scheduler")
    )
    pipeline_class = getattr(diffusers, family.txt2img_pipeline)
    return pipeline_class(**components, **tokenizers(arch))


def build_tiny_xl_pipeline(architecture: str = "tiny-sdxl", seed: int = 0) -> Any:
    """A StableDiffusionXLPipeline (tiny-sdxl) or a refiner's StableDiffusionXLImg2ImgPipeline
    (tiny-sdxl-refiner: OpenCLIP-layout encoder only, aesthetic-score conditioning) with random
    weights from the tiny config folders."""
    import diffusers
    import torch
    import transformers

    from workstation.engine.loading import tokenizers

    arch = BY_NAME[architecture]
    folder = arch.config_dir
    index = json.loads((folder / "model_index.json").read_text(encoding="utf-8"))
    components: dict[str, Any] = {}
    with torch.random.fork_rng(devices=[]):
        for number, name in enumerate(("unet", "vae", "text_encoder", "text_encoder_2")):
            library, class_name = index.get(name, (None, None))
            if class_name is None:
                components[name] = None
                continue
            torch.manual_seed(seed + number)
            if library == "transformers":
                model_class = getattr(transformers, class_name)
                model = model_class(model_class.config_class.from_pretrained(folder / name))
            else:
                model_class = getattr(diffusers, class_name)
                model = model_class.from_config(model_class.load_config(folder / name))
            components[name] = model.eval()
    scheduler_class = getattr(diffusers, index["scheduler"][1])
    components["scheduler"] = scheduler_class.from_config(
        scheduler_class.load_config(folder / "scheduler")
    )
    found = tokenizers(arch)
    components["tokenizer"] = found.get("tokenizer")
    components["tokenizer_2"] = found["tokenizer_2"]
    pipeline_class = getattr(diffusers, index["_class_name"])
    options = {"requires_aesthetics_score": True} if index.get("requires_aesthetics_score") else {}
    return pipeline_class(**components, add_watermarker=False, **options)


def build_tiny_model(
    out: str | Path, format: str = "diffusers", seed: int = 0, architecture: str = "tiny-sd"
) -> Path:
    """Write a tiny model; returns the folder (diffusers) or the .safetensors file (single-file,
    transformer)."""
    from safetensors.torch import save_file

    if format not in MODEL_FORMATS:
        raise InputError(f"unknown model format {format!r}; use one of {', '.join(MODEL_FORMATS)}")
    if architecture in TINY_XL_ARCHITECTURES:
        return _build_tiny_xl(Path(out), format, seed, architecture)
    if architecture not in TINY_ARCHITECTURES:
        names = ", ".join(TINY_ARCHITECTURES + TINY_XL_ARCHITECTURES)
        raise InputError(f"unknown tiny architecture {architecture!r}; use one of {names}")
    if format == "transformer" and architecture == "tiny-sd":
        raise InputError("a transformer-only file is for SD 3.5 and Flux.1 models")
    out = Path(out)
    flow = architecture != "tiny-sd"
    pipe = build_tiny_flow_pipeline(architecture, seed) if flow else build_tiny_pipeline(seed)
    if format == "diffusers":
        if out.exists() and any(out.iterdir()):
            raise InputError(f"{out}: folder exists and is not empty")
        pipe.save_pretrained(out, safe_serialization=True)
        return out
    if out.suffix != ".safetensors":
        raise InputError(f"{out}: a single-file model must end in .safetensors")
    if out.exists():
        raise InputError(f"{out}: file exists")
    out.parent.mkdir(parents=True, exist_ok=True)
    if not flow:
        state = to_ldm_state_dict(pipe)
    elif format == "transformer":
        state = to_original_transformer(pipe)
    else:
        state = to_original_checkpoint(pipe)
    save_file(state, out, metadata={"format": "pt"})
    return out


def _build_tiny_xl(out: Path, format: str, seed: int, architecture: str) -> Path:
    from safetensors.torch import save_file

    pipe = build_tiny_xl_pipeline(architecture, seed)
    if format == "diffusers":
        if out.exists() and any(out.iterdir()):
            raise InputError(f"{out}: folder exists and is not empty")
        pipe.save_pretrained(out, safe_serialization=True)
        return out
    if format != "single-file" or architecture != "tiny-sdxl-refiner":
        raise InputError(
            f"{architecture} is built as a diffusers folder (the refiner also as a single file)"
        )
    if out.suffix != ".safetensors":
        raise InputError(f"{out}: a single-file model must end in .safetensors")
    if out.exists():
        raise InputError(f"{out}: file exists")
    out.parent.mkdir(parents=True, exist_ok=True)
    save_file(to_ldm_refiner_state_dict(pipe), out, metadata={"format": "pt"})
    return out


def to_ldm_refiner_state_dict(pipe: Any) -> dict[str, Any]:
    """An SDXL refiner in the original (sgm) layout: the UNet under "model.diffusion_model.",
    the VAE under "first_stage_model.", OpenCLIP bigG under "conditioner.embedders.0.model."
    (fused attention projections, `text_projection` stored transposed)."""
    import torch

    state = {
        key.replace("cond_stage_model.transformer.text_model.", "", 1): value
        for key, value in to_ldm_state_dict(pipe, text=False).items()
    }
    prefix = "conditioner.embedders.0.model."
    encoder = pipe.text_encoder_2.state_dict()
    own = {k.removeprefix("text_model."): v for k, v in encoder.items()}
    state[prefix + "token_embedding.weight"] = own["embeddings.token_embedding.weight"]
    state[prefix + "positional_embedding"] = own["embeddings.position_embedding.weight"]
    state[prefix + "ln_final.weight"] = own["final_layer_norm.weight"]
    state[prefix + "ln_final.bias"] = own["final_layer_norm.bias"]
    state[prefix + "text_projection"] = own["text_projection.weight"].T.contiguous()
    layers = pipe.text_encoder_2.config.num_hidden_layers
    for i in range(layers):
        src, dst = f"encoder.layers.{i}.", f"{prefix}transformer.resblocks.{i}."
        for part in ("weight", "bias"):
            state[f"{dst}attn.in_proj_{part}"] = torch.cat(
                [own[f"{src}self_attn.{p}_proj.{part}"] for p in ("q", "k", "v")]
            ).contiguous()
            for ours, theirs in (
                ("self_attn.out_proj", "attn.out_proj"),
                ("layer_norm1", "ln_1"),
                ("layer_norm2", "ln_2"),
                ("mlp.fc1", "mlp.c_fc"),
                ("mlp.fc2", "mlp.c_proj"),
            ):
                state[f"{dst}{theirs}.{part}"] = own[f"{src}{ours}.{part}"].contiguous()
    return state


def to_original_transformer(pipe: Any) -> dict[str, Any]:
    """An SD 3.5 / Flux.1 transformer in its makers' key layout."""
    family = family_of(_arch_of(pipe))
    keys = family.transformer_keys(dict(pipe.transformer.config))
    return to_original(pipe.transformer.state_dict(), keys)


def to_original_checkpoint(pipe: Any) -> dict[str, Any]:
    """An all-in-one SD 3.5 / Flux.1 file as ComfyUI saves one: the transformer under
    "model.diffusion_model.", text encoders under "text_encoders.*.transformer.", VAE (LDM
    names) under "first_stage_model."."""
    import torch

    flux = family_of(_arch_of(pipe)).name == "flux"
    state = {f"model.diffusion_model.{k}": v for k, v in to_original_transformer(pipe).items()}
    prefixes = FLUX_TEXT_ENCODER_PREFIXES if flux else TEXT_ENCODER_PREFIXES
    if flux:  # ComfyUI's CLIP-L keeps a projection that Flux does not use
        width = pipe.text_encoder.config.hidden_size
        state["text_encoders.clip_l.transformer.text_projection.weight"] = torch.eye(width)
    for component, prefix in prefixes.items():
        for key, tensor in getattr(pipe, component).state_dict().items():
            if key == "encoder.embed_tokens.weight":  # T5's is `shared.weight`, stored once
                continue
            if "clip" in prefix and not key.startswith(("text_model.", "text_projection.")):
                key = f"text_model.{key}"  # the published layout (transformers 5 drops it)
            state[prefix + key] = tensor.contiguous()
        # ComfyUI's text-encoder wrappers save these too (no diffusers model uses them).
        state[prefix.removesuffix("transformer.") + "logit_scale"] = torch.tensor(4.6055)
    vae_blocks = len(pipe.vae.config.block_out_channels)
    for key, tensor in pipe.vae.state_dict().items():
        name = _ldm_vae_key(key, vae_blocks)
        if ".mid.attn_1." in f".{name}" and name.endswith(".weight") and tensor.ndim == 2:
            tensor = tensor[:, :, None, None]  # LDM keeps these as 1x1 convolutions
        state[f"first_stage_model.{name}"] = tensor.contiguous()
    return state


def _arch_of(pipe: Any) -> str:
    config = pipe.transformer.config
    hidden = config.num_attention_heads * config.attention_head_dim
    for arch in TINY_ARCHITECTURES[1:]:
        candidate = BY_NAME[arch]
        guidance = getattr(config, "guidance_embeds", None)
        if (candidate.model_channels, candidate.depth) == (hidden, config.num_layers) and (
            guidance is None or arch.endswith("dev") == guidance
        ):
            return arch
    raise InputError("not a tiny SD 3.5 / Flux.1 pipeline")


def to_ldm_state_dict(pipe: Any, text: bool = True) -> dict[str, Any]:
    """The original Stable Diffusion key layout for an SD1.x-layout diffusers pipeline."""
    unet_config = pipe.unet.config
    up_has_attention = ["CrossAttn" in kind for kind in unet_config.up_block_types]
    layers = unet_config.layers_per_block
    vae_blocks = len(pipe.vae.config.block_out_channels)
    state = {}
    for key, tensor in pipe.unet.state_dict().items():
        name = ldm_unet_key(key, layers, up_has_attention)
        state[f"model.diffusion_model.{name}"] = tensor.contiguous()
    for key, tensor in pipe.vae.state_dict().items():
        name = _ldm_vae_key(key, vae_blocks)
        if ".mid.attn_1." in f".{name}" and name.endswith(".weight") and tensor.ndim == 2:
            tensor = tensor[:, :, None, None]  # LDM keeps these as 1x1 convolutions
        state[f"first_stage_model.{name}"] = tensor.contiguous()
    for key, tensor in pipe.text_encoder.state_dict().items() if text else ():
        state[f"cond_stage_model.transformer.text_model.{key}"] = tensor.contiguous()
    return state


_VAE_ATTENTION = {
    "group_norm": "norm",
    "to_q": "q",
    "to_k": "k",
    "to_v": "v",
    "to_out.0": "proj_out",
}


def _ldm_vae_key(key: str, blocks: int) -> str:
    key = key.replace("conv_shortcut", "nin_shortcut").replace("conv_norm_out", "norm_out")
    if match := re.match(r"encoder\.down_blocks\.(\d+)\.resnets\.(\d+)\.(.*)", key):
        return f"encoder.down.{match[1]}.block.{match[2]}.{match[3]}"
    if match := re.match(r"encoder\.down_blocks\.(\d+)\.downsamplers\.0\.(.*)", key):
        return f"encoder.down.{match[1]}.downsample.{match[2]}"
    if match := re.match(r"decoder\.up_blocks\.(\d+)\.resnets\.(\d+)\.(.*)", key):
        return f"decoder.up.{blocks - 1 - int(match[1])}.block.{match[2]}.{match[3]}"
    if match := re.match(r"decoder\.up_blocks\.(\d+)\.upsamplers\.0\.(.*)", key):
        return f"decoder.up.{blocks - 1 - int(match[1])}.upsample.{match[2]}"
    if match := re.match(r"(encoder|decoder)\.mid_block\.resnets\.(\d+)\.(.*)", key):
        return f"{match[1]}.mid.block_{int(match[2]) + 1}.{match[3]}"
    if match := re.match(r"(encoder|decoder)\.mid_block\.attentions\.0\.(.*)\.(weight|bias)", key):
        return f"{match[1]}.mid.attn_1.{_VAE_ATTENTION[match[2]]}.{match[3]}"
    return key


def build_tiny_lora(
    out: str | Path, format: str = "kohya", seed: int = 1, rank: int = 4, alpha: float = 4.0
) -> Path:
    """Write a random LoRA for the tiny model (UNet attention and text-encoder attention)."""
    import torch
    from safetensors.torch import save, save_file

    from workstation.engine.hashing import compute_hashes

    if format not in LORA_FORMATS:
        raise InputError(f"unknown LoRA format {format!r}; use one of {', '.join(LORA_FORMATS)}")
    out = Path(out)
    if out.suffix != ".safetensors":
        raise InputError(f"{out}: a LoRA file must end in .safetensors")
    out.parent.mkdir(parents=True, exist_ok=True)
    pipe = build_tiny_pipeline()
    generator = torch.Generator().manual_seed(seed)

    def pair(module: torch.nn.Linear) -> tuple[torch.Tensor, torch.Tensor]:
        down = torch.randn(rank, module.in_features, generator=generator) * 0.5
        up = torch.randn(module.out_features, rank, generator=generator) * 0.5
        return down, up

    state: dict[str, torch.Tensor] = {}
    for component, model, targets in (
        ("unet", pipe.unet, UNET_TARGETS),
        ("text_encoder", pipe.text_encoder, TEXT_TARGETS),
    ):
        for name, module in model.named_modules():
            if not name.endswith(targets) or not isinstance(module, torch.nn.Linear):
                continue
            down, up = pair(module)
            if format == "diffusers":
                state[f"{component}.{name}.lora_A.weight"] = down
                state[f"{component}.{name}.lora_B.weight"] = up
            else:
                prefix = "lora_unet_" if component == "unet" else "lora_te_text_model_"
                stem = prefix + name.replace(".", "_")
                state[f"{stem}.lora_down.weight"] = down
                state[f"{stem}.lora_up.weight"] = up
                state[f"{stem}.alpha"] = torch.tensor(float(alpha))

    if format == "diffusers":
        save_file(state, out, metadata={"format": "pt"})
        return out
    metadata = _kohya_metadata(out.stem, rank, alpha)
    save_file(state, out, metadata=metadata)
    # kohya stores the tensor-data hash in the header; it does not depend on the header itself.
    metadata["sshs_model_hash"] = compute_hashes(out).addnet or ""
    out.write_bytes(save(state, metadata=metadata))
    return out


def _kohya_metadata(name: str, rank: int, alpha: float) -> dict[str, str]:
    tags = {"10_tiny": {"tiny": 12, "noise": 9, "test pattern": 3}}
    return {
        "ss_base_model_version": "sd_v1",
        "ss_sd_model_name": "tiny-sd",
        "ss_network_module": "networks.lora",
        "ss_network_dim": str(rank),
        "ss_network_alpha": str(alpha),
        "ss_output_name": name,
        "ss_num_train_images": "120",
        "ss_num_reg_images": "0",
        "ss_num_epochs": "3",
        "ss_epoch": "3",
        "ss_max_train_steps": "360",
        "ss_resolution": "(64, 64)",
        "ss_learning_rate": "0.0001",
        "ss_training_started_at": "1764000000.0",
        "ss_training_finished_at": "1764000360.0",
        "ss_dataset_dirs": json.dumps({"10_tiny": {"n_repeats": 10, "img_count": 12}}),
        "ss_tag_frequency": json.dumps(tags),
    }
