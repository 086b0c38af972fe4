"""The model library: find models under a folder and say what each one is.

Kinds are detected from tensor names and shapes, never from file names. Supported layouts:
diffusers folders (model_index.json), single-file checkpoints in the original layout as A1111,
ComfyUI and Civitai distribute them (each family in engine/families/ recognises its own), LoRA
files (kohya and diffusers/peft), CLIP checkpoints (open_clip, transformers). Pickle files are
only opened with torch's weights-only loader.

Hostile files and folders: a symlink is recorded and hashed as its target (the bytes a loader
reads); a model folder with a link that leads out of it is refused (its hash would not cover what
is loaded); a scan follows each real folder once (symlink loops end) and lists every file or
folder it cannot read as unreadable with the reason, then goes on. A diffusers folder's JSON is
read through bounded_json and checked field by field before any library sees it.
"""

from __future__ import annotations

import os
import re
import stat
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from workstation.core import bounded_json
from workstation.core.errors import ModelError
from workstation.engine.architectures import architecture, context_label, kind_for_context
from workstation.engine.families import (
    BASE_KINDS,
    FAMILIES,
    REFINER_KINDS,
    Detection,
    detect_base,
    flux,
    sd3,
)
from workstation.engine.families.ldm import CONV_IN, lora_context_dim
from workstation.engine.hashing import HashCache, file_hashes, folder_files, folder_sha256
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
# Dimensions a LoRA part must have for any algorithm to read it (lora_formats), by the ends of
# its names in every naming (kohya, LyCORIS, diffusers, peft: lora_formats/keys.py).
LORA_PART_DIMS = {
    **dict.fromkeys(("lora_down.weight", "lora_up.weight", "lora_A.weight"), (2, 4)),
    **dict.fromkeys(("lora_B.weight", "lora.down.weight", "lora.up.weight"), (2, 4)),
    **dict.fromkeys(("layer.down.weight", "layer.up.weight"), (2, 4)),
    **dict.fromkeys((".hada_w1_a", ".hada_w1_b", ".hada_w2_a", ".hada_w2_b"), (2,)),
    **dict.fromkeys((".lokr_w1_a", ".lokr_w1_b", ".lokr_w2_a", ".lokr_w2_b"), (2,)),
    **dict.fromkeys((".lokr_w1", ".lokr_w2"), (2, 4)),
    **dict.fromkeys((".lora_mid.weight", ".hada_t1", ".hada_t2", ".lokr_t2"), (4,)),
}
# The base-model tensors the families' detection reads, with the dimensions it reads them at; a
# transformer block key makes its family read the other tensor (under the same prefix).
MODEL_TENSOR_DIMS = {CONV_IN: (4,)}
TRANSFORMER_TENSORS = {
    flux.BLOCK: ("img_in.weight", (2,)),
    sd3.BLOCK: ("x_embedder.proj.weight", (4,)),
}
TRANSFORMER_PREFIXES = ("model.diffusion_model.", "")
# A diffusers folder's JSON files (model_index.json, each component's configs and tokenizer).
MAX_CONFIG_BYTES = 32 * 1024 * 1024  # a T5 tokenizer.json is 2.4 MB
MAX_CONFIG_INT = 1 << 24  # any integer in a component's config.json (widths, layers, vocab)


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
    link: str | None = None  # the symlink named for it (path is then the link's target)

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
    found = []
    try:
        for path, problem in _candidates(folder, set()):
            try:
                if problem is not None:
                    raise ModelError(f"{path}: {problem}")
                found.append(inspect(path, cache))
            except ModelError as error:
                found.append(_unreadable(path, str(error).removeprefix(f"{path}: ")))
        return found
    finally:
        if own:
            cache.save()


def _unreadable(path: Path, problem: str) -> ModelInfo:
    """A listing's entry for a file or folder that could not be read or hashed."""
    fmt = "diffusers" if path.is_dir() else "pickle"
    if path.suffix.lower() in SAFETENSORS_SUFFIXES:
        fmt = "safetensors"
    return ModelInfo(str(path), fmt, "unknown", None, "unreadable", 0, "", problem=problem)


def _candidates(folder: Path, seen: set[str]) -> Iterator[tuple[Path, str | None]]:
    """(path, None) for each model file or folder under `folder`, (path, reason) for one that
    cannot be listed. Each real folder is visited once, so symlink loops end."""
    real = os.path.realpath(folder)
    if real in seen:
        return
    seen.add(real)
    if (folder / "model_index.json").is_file():
        yield folder, None
        return
    try:
        entries = sorted(folder.iterdir())
    except OSError as error:
        yield folder, f"cannot list folder ({error.strerror or error})"
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            yield from _candidates(entry, seen)
        elif entry.suffix.lower() in SAFETENSORS_SUFFIXES + PICKLE_SUFFIXES:
            yield entry, None


def inspect(path: str | Path, cache: HashCache | None = None) -> ModelInfo:
    """What a model file or folder is. Unusable files come back with `problem` set.

    Hashes are read from the bytes now, unless a `cache` is given (listings only).
    """
    path, link = _target(Path(path))
    fmt, detection, problem = _identify(path)
    if fmt == "diffusers":  # A1111 hashes single files only: a folder has no AutoV1/V2
        files = folder_files(path)
        size = sum(file.stat().st_size for _, file in files)
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
        link=link,
    )


def _target(path: Path) -> tuple[Path, str | None]:
    """(what is read, the symlink named for it or None): a link is recorded as its target."""
    if not path.is_symlink():
        return path, None
    target = Path(os.path.realpath(path))
    if not target.exists():
        raise ModelError(f"{path}: symlink to {target}, which does not exist (or loops)")
    return target, str(path)


def identify(path: str | Path) -> Detection:
    """Kind and architecture of a model file or folder without hashing it (for defaults such as
    its native size; an unreadable file comes back as "unknown")."""
    return _identify(Path(path))[1]


def _identify(path: Path) -> tuple[str, Detection, str | None]:
    """(format, detection, problem)."""
    if not path.exists():
        raise ModelError(f"{path}: no such file or folder")
    if not (path.is_dir() or stat.S_ISREG(path.stat().st_mode)):
        raise ModelError(f"{path}: not a regular file")
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
        check_dimensions(shapes)
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


def check_dimensions(shapes: dict[str, tuple[int, ...]]) -> None:
    """ModelError naming the first tensor whose number of dimensions no reader of it could use:
    a LoRA part (a 1-D down weight), or a base-model tensor detection reads (conv_in not 4-D)."""

    def check(name: str, dims: tuple[int, ...]) -> None:
        if name in shapes and len(shapes[name]) not in dims:
            wanted = " or ".join(f"{n}-D" for n in dims)
            raise ModelError(
                f"tensor {name!r} has shape {shapes[name]}, a {wanted} weight is needed"
            )

    for name in shapes:
        for suffix, dims in LORA_PART_DIMS.items():
            if name.endswith(suffix):
                check(name, dims)
        flat = name.replace("_", ".")  # how the families read a LoRA's text-context width
        if ".lora.down." in flat or ".lora.A." in flat:
            check(name, (2, 4))
    for name, dims in MODEL_TENSOR_DIMS.items():
        check(name, dims)
    for block, (name, dims) in TRANSFORMER_TENSORS.items():
        for prefix in TRANSFORMER_PREFIXES:
            if prefix + block in shapes:
                if prefix + name not in shapes:
                    raise ModelError(f"tensor {prefix + block!r} without {prefix + name!r}")
                check(prefix + name, dims)
                break


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
        index, denoiser, config = folder_configs(path)
    except ModelError as error:
        return Detection("unknown", None, "broken diffusers folder"), str(error)
    pipeline = index["_class_name"]
    families = [f for f in FAMILIES if pipeline in f.folder_pipelines]
    context = config.get("cross_attention_dim")
    if isinstance(context, list):  # one per block: a single width when they agree
        context = context[0] if len(set(context)) == 1 else None
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


def folder_configs(path: Path) -> tuple[dict[str, Any], str, dict[str, Any]]:
    """A diffusers folder's model_index.json, its denoiser ("unet" or "transformer") and that
    denoiser's config.json, checked field by field; every JSON file of every component the index
    names is parsed within its limits first (the libraries that load them later trust them)."""
    index_file = path / "model_index.json"
    index = read_json_file(index_file)
    if not isinstance(index.get("_class_name"), str):
        raise ModelError(f"{index_file}: field _class_name: {_found(index, '_class_name')}")
    for name, entry in index.items():
        if name.startswith("_"):
            continue
        if isinstance(entry, dict):
            raise ModelError(f"{index_file}: field {name!r}: an object, not a component or option")
        if not isinstance(entry, list):  # a pipeline option (requires_safety_checker, …)
            continue
        if not re.fullmatch(r"[A-Za-z0-9_]+", name):
            raise ModelError(f"{index_file}: field {name!r}: not a component folder name")
        if len(entry) != 2 or not all(part is None or isinstance(part, str) for part in entry):
            raise ModelError(f"{index_file}: field {name}: not a [library, class] pair")
        for file in sorted((path / name).glob("*.json")):
            value = read_json_file(file)
            if file.name.endswith("config.json") and file.name != "tokenizer_config.json":
                _check_numbers(file, value)
    denoiser = "transformer" if (path / "transformer").is_dir() else "unet"
    config_file = path / denoiser / "config.json"
    config = read_json_file(config_file)
    _check_numbers(config_file, config)
    if denoiser == "unet":
        fields = {"cross_attention_dim": "width", "block_out_channels": "widths"}
    else:
        fields = dict.fromkeys(("num_attention_heads", "attention_head_dim", "num_layers"), "count")
        fields["guidance_embeds"] = "flag"
    for name, kind in fields.items():
        value = config.get(name)
        if value is None:
            continue
        widths = isinstance(value, list) and value and all(map(_is_positive, value))
        good = {
            "width": _is_positive(value) or widths,
            "widths": widths,
            "count": _is_positive(value),
            "flag": isinstance(value, bool),
        }[kind]
        if not good:
            wanted = {
                "width": "a positive integer or a list of them",
                "widths": "a list of positive integers",
                "count": "a positive integer",
                "flag": "true or false",
            }[kind]
            raise ModelError(f"{config_file}: field {name}: {_found(config, name)}; {wanted}")
    return index, denoiser, config


def read_json_file(path: Path) -> dict[str, Any]:
    """A JSON object from a config file, within MAX_CONFIG_BYTES and bounded_json's limits;
    ModelError naming the file otherwise."""
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            raise ModelError(f"{path}: not a regular file")
        if st.st_size > MAX_CONFIG_BYTES:
            raise ModelError(
                f"{path}: {st.st_size} bytes, more than a config file has "
                f"(at most {MAX_CONFIG_BYTES})"
            )
        raw = path.read_bytes()
    except OSError as error:
        raise ModelError(f"{path}: cannot read ({error.strerror or error})") from None
    try:
        value = bounded_json.loads(raw)
    except ValueError as error:
        raise ModelError(f"{path}: {error}") from None
    if not isinstance(value, dict):
        raise ModelError(f"{path}: a JSON {type(value).__name__}, not an object")
    return value


def _check_numbers(path: Path, value: Any, where: str = "") -> None:
    """Every integer in a config within ±MAX_CONFIG_INT (a width of 10^12 would be allocated)."""
    if isinstance(value, dict):
        for key, item in value.items():
            _check_numbers(path, item, f"{where}.{key}" if where else key)
    elif isinstance(value, list):
        for position, item in enumerate(value):
            _check_numbers(path, item, f"{where}[{position}]")
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_CONFIG_INT:
        shown = value if abs(value) < 10**18 else "more than 10^18"
        raise ModelError(f"{path}: field {where}: {shown} is too large (at most {MAX_CONFIG_INT})")


def _is_positive(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _found(config: dict[str, Any], name: str) -> str:
    if name not in config:
        return "missing"
    text = repr(config[name])
    return f"found {text if len(text) <= 40 else text[:37] + '...'}"


def pickle_shapes(path: Path) -> dict[str, tuple[int, ...]]:
    """Tensor shapes of a pickle checkpoint, read with torch's weights-only unpickler."""
    state = load_pickle_weights_only(path)
    seen = set()  # a pickle can hold a dict that is its own state_dict
    while isinstance(state, dict) and isinstance(state.get("state_dict"), dict):
        if id(state) in seen:
            raise ModelError(f"{path}: its state_dict contains itself")
        seen.add(id(state))
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
    except (
        RuntimeError,  # RecursionError too
        EOFError,
        OSError,
        ValueError,
        IndexError,
        KeyError,
        TypeError,
        AttributeError,
        AssertionError,
        struct.error,
        zipfile.BadZipFile,
    ) as error:
        reason = str(error)[:200] or type(error).__name__
        raise ModelError(f"{path}: corrupt or unreadable checkpoint ({reason})") from None
