"""The model library: find models under a folder and say what each one is.

Kinds are detected from tensor names and shapes, never from file names. Supported layouts:
diffusers folders (model_index.json), single-file checkpoints in the original layout as A1111,
ComfyUI and Civitai distribute them (each family in engine/families/ recognises its own), LoRA
files (kohya and diffusers/peft), CLIP checkpoints (open_clip, transformers). Pickle files are
only opened with torch's weights-only loader.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from workstation.core.errors import ModelError
from workstation.engine.architectures import architecture, context_label, kind_for_context
from workstation.engine.families import BASE_KINDS, FAMILIES, REFINER_KINDS, Detection, detect_base
from workstation.engine.families.ldm import lora_context_dim
from workstation.engine.hashing import HashCache, file_hashes, folder_sha256
from workstation.engine.safetensors_header import read_header

KINDS = (*BASE_KINDS, *REFINER_KINDS, "LoRA", "CLIP", "unknown")
SAFETENSORS_SUFFIXES = (".safetensors",)
PICKLE_SUFFIXES = (".ckpt", ".pt", ".pth", ".bin")
SUPPORTED_PIPELINES = tuple({p: None for f in FAMILIES for p in f.folder_pipelines})
LORA_MARKERS = (
    ".lora_down.weight",
    ".lora_up.weight",
    ".lora_A.weight",
    ".lora_B.weight",
    ".lora.down.weight",
    "_lora.down.weight",
    ".hada_w1_a",
    ".hada_w1_b",
    ".lokr_w1",
    ".lokr_w1_a",
    ".lokr_w2",
    ".lokr_w2_a",
    ".dora_scale",
)
# LyCORIS "full" and "norm" modules: generic suffixes, so only under a LoRA module prefix.
LORA_PREFIXES = ("lora_unet_", "lora_te_", "lora_te1_", "lora_te2_", "lora_te3_")
LORA_GENERIC_MARKERS = (".diff", ".diff_b", ".w_norm", ".b_norm")


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
        and detection.kind in (*BASE_KINDS, *REFINER_KINDS)
        and not detection.architecture
    ):
        problem = f"unsupported variant: {detection.detail}"
    return fmt, detection, problem


def detect(shapes: dict[str, tuple[int, ...]]) -> Detection:
    """Kind and architecture from tensor names and shapes."""
    names = shapes.keys()
    if any(name.endswith(LORA_MARKERS) for name in names) or any(
        name.startswith(LORA_PREFIXES) and name.endswith(LORA_GENERIC_MARKERS) for name in names
    ):
        return _detect_lora(shapes)

    base = detect_base(shapes)
    if base is not None:
        return base

    if any(name.startswith(("visual.", "vision_model.")) for name in names) and any(
        name.startswith(("token_embedding.", "text_model.", "transformer.")) for name in names
    ):
        return Detection("CLIP", None, "CLIP image-text model")
    if any(name.startswith("text_model.encoder.") for name in names):
        return Detection("CLIP", None, "CLIP text encoder")
    if "encoder.block.0.layer.0.SelfAttention.q.weight" in names:
        return Detection("unknown", None, "T5 text encoder (a component of SD 3.5 / Flux.1)")
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


def _detect_folder(path: Path) -> tuple[Detection, str | None]:
    try:
        index = json.loads((path / "model_index.json").read_text(encoding="utf-8"))
        denoiser = "transformer" if (path / "transformer").is_dir() else "unet"
        config = json.loads((path / denoiser / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return Detection("unknown", None, "broken diffusers folder"), f"cannot read config: {error}"
    pipeline = index.get("_class_name", "?")
    families = [f for f in FAMILIES if pipeline in f.folder_pipelines]
    context = config.get("cross_attention_dim")
    if denoiser == "unet":
        channels = (config.get("block_out_channels") or [None])[0]
        arch = architecture(context, channels)
        by_context = kind_for_context(context)
        kinds = [f.kind for f in families]
        kind = by_context if by_context in kinds or not kinds else kinds[0]
    else:  # SD 3.5 / Flux.1 transformer: hidden size, depth (and Flux's guidance embedding)
        context = None
        hidden = config.get("num_attention_heads", 0) * config.get("attention_head_dim", 0)
        depth = config.get("num_layers")
        guidance = config.get("guidance_embeds")
        arch = next(
            (
                a
                for f in families
                for a in f.architectures
                if (a.model_channels, a.depth) == (hidden, depth)
                and (guidance is None or a.name.endswith("dev") == guidance)
            ),
            None,
        )
        kind = families[0].kind if families else "unknown"
    if arch is not None:
        kind = arch.kind
    detail = f"diffusers {pipeline}" + (f", {arch.label}" if arch else "")
    if not families:
        return Detection(kind, None, detail, context), f"pipeline {pipeline} is not supported"
    if not any(path.glob(f"{denoiser}/*.safetensors")):
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
