"""The model library: find models under a folder and say what each one is.

Kinds are detected from tensor names and shapes, never from file names. Supported layouts:
diffusers folders (model_index.json), single-file checkpoints in the original (LDM) layout as A1111
and Civitai distribute them, LoRA files (kohya and diffusers/peft), CLIP checkpoints (open_clip,
transformers). Pickle files are only opened with torch's weights-only loader.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from workstation.core.errors import ModelError
from workstation.engine.architectures import (
    Architecture,
    architecture,
    context_label,
    kind_for_context,
    unet_context_dim,
)
from workstation.engine.hashing import HashCache, file_hashes, folder_sha256
from workstation.engine.safetensors_header import read_header

KINDS = ("SD1.x", "SD2.x", "SDXL", "LoRA", "CLIP", "unknown")
SAFETENSORS_SUFFIXES = (".safetensors",)
PICKLE_SUFFIXES = (".ckpt", ".pt", ".pth", ".bin")
SUPPORTED_PIPELINES = ("StableDiffusionPipeline", "StableDiffusionXLPipeline")
LDM_UNET = "model.diffusion_model."
LORA_MARKERS = (
    ".lora_down.weight",
    ".lora_up.weight",
    ".lora_A.weight",
    ".lora_B.weight",
    ".lora.down.weight",
    "_lora.down.weight",
    ".hada_w1_a",
    ".lokr_w1",
)


@dataclass(frozen=True)
class ModelInfo:
    path: str
    format: str  # diffusers | safetensors | pickle
    kind: str  # one of KINDS
    architecture: str | None  # config name the engine loads it with, None if it cannot
    detail: str
    size: int
    sha256: str  # of the file; for a diffusers folder, of its file list (see hashing.py)
    autov1: str | None = None
    autov2: str | None = None
    addnet: str | None = None  # LoRA tensor-data hash; A1111 shows its first 12 hex
    context_dim: int | None = None  # for LoRAs: the base model's text-context width
    problem: str | None = None  # why it cannot be used (corrupt, refused pickle, ...)

    @property
    def name(self) -> str:
        return Path(self.path).stem if self.format != "diffusers" else Path(self.path).name

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Detection:
    kind: str
    architecture: Architecture | None
    detail: str
    context_dim: int | None = None


def scan(folder: str | Path, cache: HashCache | None = None) -> list[ModelInfo]:
    """Every model under `folder`; broken files are listed with their problem, not skipped.

    A listing: hashes come through `cache` (the per-user one if none is given), so they are for
    finding files, never for a record; loading a model or LoRA hashes it again.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ModelError(f"{folder}: not a folder")
    own = cache is None
    cache = cache or HashCache()
    try:
        return [inspect(path, cache) for path in _candidates(folder)]
    finally:
        if own:
            cache.save()


def _candidates(folder: Path) -> Iterator[Path]:
    if (folder / "model_index.json").is_file():
        yield folder
        return
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            yield from _candidates(entry)
        elif entry.suffix.lower() in SAFETENSORS_SUFFIXES + PICKLE_SUFFIXES:
            yield entry


def inspect(path: str | Path, cache: HashCache | None = None) -> ModelInfo:
    """What a model file or folder is. Unusable files come back with `problem` set.

    Hashes are read from the bytes now, unless a `cache` is given (listings only).
    """
    path = Path(path)
    fmt, detection, problem = _identify(path)
    if fmt == "diffusers":  # A1111 hashes single files only: a folder has no AutoV1/V2
        size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
        sha256, autov1, autov2, addnet = folder_sha256(path, cache), None, None, None
    else:
        size = path.stat().st_size
        hashes = file_hashes(path, cache)
        sha256, autov1, autov2 = hashes.sha256, hashes.autov1, hashes.autov2
        addnet = hashes.addnet if detection.kind == "LoRA" else None
    return ModelInfo(
        str(path),
        fmt,
        detection.kind,
        detection.architecture.name if detection.architecture else None,
        detection.detail,
        size,
        sha256=sha256,
        autov1=autov1,
        autov2=autov2,
        addnet=addnet,
        context_dim=detection.context_dim,
        problem=problem,
    )


def identify(path: str | Path) -> Detection:
    """Kind and architecture of a model file or folder without hashing it (for defaults such as
    its native size; an unreadable file comes back as "unknown")."""
    return _identify(Path(path))[1]


def _identify(path: Path) -> tuple[str, Detection, str | None]:
    """(format, detection, problem)."""
    if not path.exists():
        raise ModelError(f"{path}: no such file or folder")
    if path.is_dir():
        if not (path / "model_index.json").is_file():
            raise ModelError(f"{path}: folder has no model_index.json (not a diffusers model)")
        return "diffusers", *_detect_folder(path)

    suffix = path.suffix.lower()
    if suffix not in SAFETENSORS_SUFFIXES + PICKLE_SUFFIXES:
        raise ModelError(
            f"{path}: not a model file (expected .safetensors, .ckpt, .pt, .pth, .bin)"
        )
    fmt = "safetensors" if suffix in SAFETENSORS_SUFFIXES else "pickle"
    problem = None
    try:
        shapes = read_header(path).shapes if fmt == "safetensors" else pickle_shapes(path)
        detection = detect(shapes)
    except ModelError as error:
        detection = Detection("unknown", None, "unreadable")
        problem = str(error).removeprefix(f"{path}: ")
    if (
        problem is None
        and detection.kind in ("SD1.x", "SD2.x", "SDXL")
        and not detection.architecture
    ):
        problem = f"unsupported variant: {detection.detail}"
    return fmt, detection, problem


def detect(shapes: dict[str, tuple[int, ...]]) -> Detection:
    """Kind and architecture from tensor names and shapes."""
    names = shapes.keys()
    if any(name.endswith(LORA_MARKERS) for name in names):
        return _detect_lora(shapes)

    conv_in = shapes.get(LDM_UNET + "input_blocks.0.0.weight")
    if conv_in is not None:
        context = unet_context_dim(shapes, LDM_UNET)
        has_sdxl_text = any(name.startswith("conditioner.embedders.") for name in names)
        kind = "SDXL" if has_sdxl_text else kind_for_context(context)
        if conv_in[1] != 4:
            return Detection(kind, None, f"{conv_in[1]}-channel UNet (inpainting or other variant)")
        if has_sdxl_text and context != 2048:
            return Detection(kind, None, f"SDXL refiner or other variant (text context {context})")
        arch = architecture(context, conv_in[0]) if context else None
        text_prefix = {"sd1": "cond_stage_model.transformer.", "tiny-sd": "cond_stage_model."}
        if (
            arch
            and arch.name in text_prefix
            and not any(name.startswith(text_prefix[arch.name]) for name in names)
        ):
            return Detection(kind, None, "checkpoint without text encoder", context)
        if arch is None:
            return Detection(kind, None, f"unknown UNet (text context {context})", context)
        return Detection(arch.kind, arch, f"{arch.label} checkpoint", context)

    if any(name.startswith(("visual.", "vision_model.")) for name in names) and any(
        name.startswith(("token_embedding.", "text_model.", "transformer.")) for name in names
    ):
        return Detection("CLIP", None, "CLIP image-text model")
    if any(name.startswith("text_model.encoder.") for name in names):
        return Detection("CLIP", None, "CLIP text encoder")
    if "encoder.conv_in.weight" in names and "decoder.conv_out.weight" in names:
        return Detection("unknown", None, "VAE (not loadable on its own)")
    if any(name.startswith(("down_blocks.", "mid_block.")) for name in names):
        return Detection("unknown", None, "diffusers component file (load its whole folder)")
    return Detection("unknown", None, f"unrecognised tensors ({len(shapes)})")


def _detect_lora(shapes: dict[str, tuple[int, ...]]) -> Detection:
    names = list(shapes)
    if any(name.endswith((".hada_w1_a", ".lokr_w1")) for name in names):
        style = "LyCORIS"
    elif any(name.startswith(("lora_unet_", "lora_te")) for name in names):
        style = "kohya"
    else:
        style = "diffusers/peft"
    context = lora_context_dim(shapes)
    detail = f"{style} LoRA for {context_label(context)}" if context else f"{style} LoRA"
    return Detection("LoRA", None, detail, context)


def lora_context_dim(shapes: dict[str, tuple[int, ...]]) -> int | None:
    """The text-context width of the model a LoRA was made for, from its tensor shapes."""
    for name, shape in shapes.items():
        flat = name.replace("_", ".")
        if "attn2.to.k" in flat and (".lora.down." in flat or ".lora.A." in flat) and shape:
            return shape[-1] if len(shape) == 2 else shape[1]
    names = list(shapes)
    if any(name.startswith(("lora_te1_", "lora_te2_", "text_encoder_2.")) for name in names):
        return 2048
    for name, shape in shapes.items():
        flat = name.replace("_", ".")
        is_text = name.startswith(("lora_te_", "text_encoder."))
        if is_text and "q.proj" in flat and (".lora.down." in flat or ".lora.A." in flat):
            return shape[1]
    return None


def _detect_folder(path: Path) -> tuple[Detection, str | None]:
    try:
        index = json.loads((path / "model_index.json").read_text(encoding="utf-8"))
        unet = json.loads((path / "unet" / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return Detection("unknown", None, "broken diffusers folder"), f"cannot read config: {error}"
    pipeline = index.get("_class_name", "?")
    context = unet.get("cross_attention_dim")
    channels = (unet.get("block_out_channels") or [None])[0]
    kind = "SDXL" if "XL" in pipeline else kind_for_context(context)
    arch = architecture(context, channels)
    detail = f"diffusers {pipeline}" + (f", {arch.label}" if arch else "")
    if pipeline not in SUPPORTED_PIPELINES:
        return Detection(kind, None, detail, context), f"pipeline {pipeline} is not supported"
    if not any(path.glob("unet/*.safetensors")):
        return Detection(
            kind, arch, detail, context
        ), "no .safetensors weights (pickles not loaded)"
    return Detection(kind, arch, detail, context), None


def pickle_shapes(path: Path) -> dict[str, tuple[int, ...]]:
    """Tensor shapes of a pickle checkpoint, read with torch's weights-only unpickler."""
    state = load_pickle_weights_only(path)
    while isinstance(state, dict) and isinstance(state.get("state_dict"), dict):
        state = state["state_dict"]
    if not isinstance(state, dict):
        raise ModelError(f"{path}: pickle holds a {type(state).__name__}, not a state dict")
    return {str(k): tuple(v.shape) for k, v in state.items() if hasattr(v, "shape")}


def load_pickle_weights_only(path: Path) -> Any:
    """torch.load with weights_only=True: plain tensors and containers only, never code."""
    import pickle

    import torch

    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as error:
        found = re.search(r"Unsupported global: GLOBAL (\S+)", str(error))
        reason = f"it calls {found[1]}" if found else "it holds more than plain weights"
        raise ModelError(
            f"{path}: refused pickle checkpoint: {reason}; it was not executed. "
            "Convert it to .safetensors with a tool you trust"
        ) from None
    except (RuntimeError, EOFError, OSError, ValueError) as error:
        raise ModelError(f"{path}: corrupt or unreadable checkpoint ({error})") from None
