"""LoRA files: what they were trained on (lora-info), and applying them to a loaded model.

A LoRA is parsed into per-module patches (engine/lora_formats: LoRA/LoCon, LoHa, LoKr, DoRA,
LyCORIS full and norm; kohya, LyCORIS, diffusers and peft key names) and merged into the model's
weights the way A1111's networks and ComfyUI's ModelPatcher do: W' = W + scale · ΔW computed in
float32 and cast back. Several LoRAs can be active at once, each with its own scale. The original
weights of every patched module are kept, so switching scales or LoRAs restores them first and
removing all LoRAs leaves the base model bit for bit as it was; a LoRA at scale 0 is not merged.
A key in a file that no algorithm applies to a module of the model is refused by name.

A LoRA's hashes are read from its bytes when it is loaded (never from the listing cache) and kept
with the adapter while its file's stamp is unchanged, so it is hashed once per load.

A trainer's metadata is text the file's maker chose: a kohya value that does not have its form
(a number that is not one, tag counts that are not a JSON object of folders of counts) is shown as
"unreadable: <reason>", never read further; the rest of the report stands.
"""

from __future__ import annotations

import math
import re
import weakref
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from workstation.core import bounded_json
from workstation.core.errors import ModelError
from workstation.core.params import LoraSpec
from workstation.engine.architectures import context_label
from workstation.engine.families import family_of, lora_family
from workstation.engine.hashing import file_stamp
from workstation.engine.library import inspect
from workstation.engine.loading import LoadedLora, LoadedModel, confirm_stamp, first_line
from workstation.engine.lora_formats import (
    ModuleIndex,
    Patch,
    algorithm_of,
    lycoris_hash,
    module_index,
    parse,
)
from workstation.engine.lora_formats.keys import group
from workstation.engine.safetensors_header import read_header

TRAINING_KEYS = {
    "ss_base_model_version": "base model version",
    "ss_sd_model_name": "base model file",
    "ss_sd_model_hash": "base model hash (legacy)",
    "ss_new_sd_model_hash": "base model SHA-256",
    "ss_num_train_images": "training images (incl. repeats)",
    "ss_num_reg_images": "regularisation images",
    "ss_num_epochs": "epochs",
    "ss_epoch": "epoch of this file",
    "ss_steps": "steps",
    "ss_max_train_steps": "max training steps",
    "ss_resolution": "resolution",
    "ss_network_module": "network module",
    "ss_network_dim": "network dim (rank)",
    "ss_network_alpha": "network alpha",
    "ss_network_args": "network args",
    "ss_learning_rate": "learning rate",
    "ss_optimizer": "optimizer",
    "ss_output_name": "output name",
    "ss_training_comment": "training comment",
    "ss_training_started_at": "training started",
    "ss_training_finished_at": "training finished",
}
NUMBER_KEYS = {
    "ss_num_train_images",
    "ss_num_reg_images",
    "ss_num_epochs",
    "ss_epoch",
    "ss_steps",
    "ss_max_train_steps",
    "ss_network_dim",
    "ss_network_alpha",
    "ss_learning_rate",
    "ss_training_started_at",
    "ss_training_finished_at",
}
MAX_METADATA_JSON_DEPTH = 8  # ss_datasets, the deepest kohya value, nests 4 levels


@dataclass(frozen=True)
class LoraModule:
    name: str
    component: str  # unet | text_encoder | text_encoder_2
    target: str  # layer type, e.g. attn1_to_q, self_attn_q_proj
    rank: int | None
    alpha: float | None
    algorithm: str | None  # LoRA, LoCon, LoHa, LoKr, Full, Norm, "+DoRA"; None: no complete patch


@dataclass(frozen=True)
class LoraReport:
    path: str
    size: int
    sha256: str
    autov2: str
    addnet: str | None
    detail: str
    base: str | None  # what the shapes say the LoRA was made for
    algorithm: str  # the modules' algorithms, e.g. "LoRA + LoCon", "LoHa+DoRA"
    stored_hash: str | None  # sshs_model_hash from the header (kohya's or LyCORIS's kind)
    stored_hash_kind: str | None  # "kohya" (tensor-data SHA-256) | "LyCORIS" (per-tensor, 0x…)
    stored_hash_matches: bool | None  # None: not recomputable (LyCORIS order unknown)
    training: dict[str, str]  # readable labels -> values from kohya ss_* keys
    dataset_dirs: dict[str, dict[str, Any]]
    tag_frequency: dict[str, int]  # summed over dataset folders, most frequent first
    metadata: dict[str, str]  # the whole header metadata, unparsed
    modules: tuple[LoraModule, ...]
    unreadable: dict[str, str] = field(default_factory=dict)  # ss_* key -> "unreadable: why"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def lora_info(path: str | Path) -> LoraReport:
    path = Path(path)
    if path.suffix.lower() != ".safetensors":
        raise ModelError(f"{path}: lora-info reads .safetensors files only")
    info = inspect(path)
    if info.problem:
        raise ModelError(f"{path}: {info.problem}")
    if info.kind != "LoRA":
        raise ModelError(f"{path}: not a LoRA (looks like {info.kind}: {info.detail})")
    header = read_header(path)
    metadata = header.metadata

    training = {}
    for key, label in TRAINING_KEYS.items():
        if metadata.get(key) not in (None, "", "None"):
            value = metadata[key]
            if key in NUMBER_KEYS and not _is_number(value):
                value = f"unreadable: not a number ({_short(value)})"
            elif key.endswith("_at"):
                value = _utc(value)
            training[label] = value
    unreadable: dict[str, str] = {}
    dataset_dirs: dict[str, dict[str, Any]] = {}
    tags: Counter[str] = Counter()
    try:
        dataset_dirs = _dataset_dirs(_json(metadata.get("ss_dataset_dirs")))
    except ValueError as error:
        unreadable["ss_dataset_dirs"] = f"unreadable: {error}"
    try:
        tags.update(_tag_counts(_json(metadata.get("ss_tag_frequency"))))
        datasets = _json(metadata.get("ss_datasets")) or []  # kohya with a dataset config file
        if not isinstance(datasets, list) or not all(isinstance(d, dict) for d in datasets):
            raise ValueError("ss_datasets is not a list of objects")
        for dataset in datasets:
            tags.update(_tag_counts(dataset.get("tag_frequency")))
    except ValueError as error:
        tags.clear()
        unreadable["ss_tag_frequency"] = f"unreadable: {error}"

    modules = _modules(path, header)
    algorithms = sorted({m.algorithm for m in modules if m.algorithm})
    stored = metadata.get("sshs_model_hash")
    kind, matches = _stored_hash(path, header, stored, info.addnet, info.context_dim)
    return LoraReport(
        path=str(path),
        size=info.size,
        sha256=info.sha256,
        autov2=info.autov2 or "",
        addnet=info.addnet,
        detail=info.detail,
        base=context_label(info.context_dim) if info.context_dim else None,
        algorithm=" + ".join(algorithms) or "unknown",
        stored_hash=stored,
        stored_hash_kind=kind,
        stored_hash_matches=matches,
        training=training,
        dataset_dirs=dataset_dirs,
        tag_frequency=dict(tags.most_common()),
        metadata=dict(metadata),
        modules=modules,
        unreadable=unreadable,
    )


def _stored_hash(
    path: Path, header: Any, stored: str | None, addnet: str | None, context_dim: int | None
) -> tuple[str | None, bool | None]:
    """Which hash the header holds, and whether it is the hash of this file's tensors."""
    if not stored:
        return None, None
    if lycoris_hash.is_lycoris_hash(stored):
        orders = (index.creation_rank for index in _reference_indexes(context_dim))
        return lycoris_hash.KIND, lycoris_hash.verify(path, header, stored, orders)
    return "kohya", (stored.lower() == addnet.lower()) if addnet else None


def _reference_indexes(context_dim: int | None):  # noqa: ANN202 - a generator of ModuleIndex
    """Module orders of the UNet architectures a LoRA may be for, built on the meta device from
    the shipped configs (no weights): the order a trainer walked the model in."""
    import torch
    from diffusers import UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection

    from workstation.engine.families import ARCHITECTURES

    for arch in ARCHITECTURES:
        if arch.context_dim is None or context_dim not in (None, arch.context_dim):
            continue
        folder = arch.config_dir
        if not (folder / "unet").is_dir():
            continue
        with torch.device("meta"):
            pipe = _Components(
                unet=UNet2DConditionModel.from_config(
                    UNet2DConditionModel.load_config(folder / "unet")
                ),
                text_encoder=CLIPTextModel(CLIPTextConfig.from_pretrained(folder / "text_encoder")),
                text_encoder_2=CLIPTextModelWithProjection(
                    CLIPTextConfig.from_pretrained(folder / "text_encoder_2")
                )
                if (folder / "text_encoder_2").is_dir()
                else None,
            )
        yield module_index(pipe)


@dataclass
class _Components:
    unet: Any
    text_encoder: Any
    text_encoder_2: Any


def _modules(path: Path, header: Any) -> tuple[LoraModule, ...]:
    from safetensors import SafetensorError, safe_open

    stems, _ = group(header.tensors)
    alpha_names = [parts["alpha"] for parts in stems.values() if "alpha" in parts]
    alphas = {}
    for name in alpha_names:
        shape = header.tensors[name].shape
        if math.prod(shape) != 1:
            raise ModelError(f"{path}: tensor {name!r}: an alpha of shape {shape}, not one number")
    if alpha_names:
        try:
            with safe_open(str(path), framework="pt") as handle:
                alphas = {name: handle.get_tensor(name).float().item() for name in alpha_names}
        except SafetensorError as error:
            raise ModelError(f"{path}: cannot read alpha: {first_line(error)}") from None
    # Flux's and SD 3.5's denoiser is a transformer, whatever prefix the file's keys carry.
    family = lora_family(header.shapes)
    denoiser = "transformer" if family and family.sampling == "flow" else "unet"
    modules = []
    for stem, parts in sorted(stems.items()):
        shapes = {part: header.tensors[key].shape for part, key in parts.items()}
        down = shapes.get("lora_down.weight")
        flat = stem.replace(".", "_")
        if flat.startswith(("lora_te2_", "text_encoder_2_")):
            component = "text_encoder_2"
        elif flat.startswith(("lora_te", "text_encoder_")):
            component = "text_encoder"
        else:
            component = denoiser
        target = re.split(r"_\d+_", flat)[-1]
        rank = down[0] if down else _rank(shapes)
        modules.append(
            LoraModule(
                name=stem,
                component=component,
                target=target,
                rank=rank,
                alpha=alphas.get(parts.get("alpha", "")),
                algorithm=algorithm_of(parts, shapes),
            )
        )
    return tuple(modules)


def _rank(shapes: dict[str, tuple[int, ...]]) -> int | None:
    for part in ("hada_w1_b", "lokr_w1_b", "lokr_w2_b"):
        if part in shapes:
            return shapes[part][0]
    return None


def _json(text: str | None) -> Any:
    """A kohya JSON value (ValueError saying why it cannot be read); None when absent."""
    if not text or text == "None":
        return None
    return bounded_json.loads(text, max_depth=MAX_METADATA_JSON_DEPTH)


def _dataset_dirs(value: Any) -> dict[str, dict[str, Any]]:
    """kohya's {folder: {"n_repeats": n, "img_count": n}}."""
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise ValueError("not a JSON object of folders")
    for folder, entry in value.items():
        for key in ("n_repeats", "img_count"):
            if key in entry and not _is_count(entry[key]):
                raise ValueError(f"folder {_short(folder)}: {key} is not a count")
    return value


def _tag_counts(value: Any) -> Counter[str]:
    """kohya's {folder: {tag: count}}, summed over the folders."""
    counts: Counter[str] = Counter()
    if value is None:
        return counts
    if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
        raise ValueError("not a JSON object of folders of tag counts")
    for folder, folder_tags in value.items():
        for tag, count in folder_tags.items():
            if not _is_count(count):
                raise ValueError(f"folder {_short(folder)}: tag {_short(tag)} has no count")
            counts[tag.strip()] += count
    return counts


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _short(text: object) -> str:
    shown = repr(text)
    return shown if len(shown) <= 40 else shown[:37] + "..."


def _utc(value: str) -> str:
    try:
        moment = datetime.fromtimestamp(float(value), tz=timezone.utc)
    except (ValueError, OverflowError, OSError):
        return value
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class _Patched:
    """What one pipeline's weights hold: the LoRAs parsed for it and the originals they replace."""

    index: ModuleIndex
    patches: dict[str, dict[tuple[str, str], Patch]] = field(default_factory=dict)  # by adapter
    originals: dict[tuple[str, str], tuple[Any, Any]] = field(default_factory=dict)
    # (adapter, denoiser scale, text-encoder scale) now in the weights
    merged: tuple[tuple[str, float, float], ...] = ()


_PATCHED: weakref.WeakKeyDictionary[Any, _Patched] = weakref.WeakKeyDictionary()


def apply_loras(model: LoadedModel, specs: Sequence[LoraSpec]) -> list[tuple[LoadedLora, float]]:
    """Make exactly `specs` active on `model`, merging and restoring weights as needed."""
    wanted = [(_check_lora(model, spec), spec.scale) for spec in specs]
    adapters = [lora.adapter for lora, _ in wanted]
    if len(set(adapters)) != len(adapters):
        raise ModelError("the same LoRA file is given more than once")

    state = _PATCHED.get(model.pipe)
    if state is None:
        family_key = family_of(model.arch).lora_key if model.arch else None
        state = _PATCHED[model.pipe] = _Patched(module_index(model.pipe, family_key))
    for lora, _ in wanted:
        if lora.adapter not in state.patches:
            state.patches[lora.adapter] = _read(state.index, lora)
    merged = tuple(
        (lora.adapter, *spec.scales)
        for (lora, _), spec in zip(wanted, specs, strict=True)
        if any(spec.scales)
    )
    _merge(state, merged)
    for name in [name for name in state.patches if name not in adapters]:
        del state.patches[name]
    model.loras.clear()
    model.loras.update({lora.adapter: lora for lora, _ in wanted})  # the newer stamps
    return wanted


def _read(index: ModuleIndex, lora: LoadedLora) -> dict[tuple[str, str], Patch]:
    """The LoRA's patches for this model, from bytes that are still those that were hashed."""
    try:
        tensors = _read_tensors(lora.path)
        metadata = read_header(lora.path).metadata
    except (OSError, ValueError, RuntimeError) as error:
        raise ModelError(f"{lora.path}: cannot read LoRA: {first_line(error)}") from None
    try:
        patches = parse(tensors, index, metadata)
    except ModelError as error:
        raise ModelError(f"{lora.path}: {error}") from None
    confirm_stamp(lora.path, lora.stamp)
    return patches


def _read_tensors(path: str) -> dict[str, Any]:
    from safetensors.torch import load_file

    return load_file(path)


def _merge(state: _Patched, merged: tuple[tuple[str, float, float], ...]) -> None:
    """Restore every patched weight, then merge `merged` in order (float32, cast back)."""
    import torch

    if merged == state.merged:
        return
    with torch.no_grad():
        for target, (weight, bias) in state.originals.items():
            module = state.index.modules[target]
            _stored(module, "weight").copy_(weight)
            if bias is not None:
                _stored(module, "bias").copy_(bias)
        state.merged = ()
        targets = dict.fromkeys(t for adapter, *_ in merged for t in state.patches[adapter])
        state.originals = {t: state.originals[t] for t in targets if t in state.originals}
        for target in targets:
            module = state.index.modules[target]
            weight_param, bias_param = _stored(module, "weight"), _stored(module, "bias")
            if target not in state.originals:
                state.originals[target] = (
                    weight_param.detach().to("cpu", copy=True),
                    None if bias_param is None else bias_param.detach().to("cpu", copy=True),
                )
            weight = weight_param.detach().to(torch.float32)
            bias = None if bias_param is None else bias_param.detach().to(torch.float32)
            text_encoder = target[0].startswith("text_encoder")
            for adapter, scale, te_scale in merged:
                patch = state.patches[adapter].get(target)
                if patch is not None:
                    weight, bias = patch.merge(weight, bias, te_scale if text_encoder else scale)
            weight_param.copy_(weight.to(weight_param.dtype))
            if bias is not None:
                bias_param.copy_(bias.to(bias_param.dtype))
    state.merged = merged


def _stored(module: Any, name: str) -> Any:
    """The tensor that holds a module's parameter: the parameter itself, or under sequential CPU
    offload (accelerate leaves the parameter on the meta device) the copy its hook loads from."""
    tensor = getattr(module, name, None)
    hook = getattr(module, "_hf_hook", None)
    if tensor is not None and tensor.device.type == "meta" and hasattr(hook, "weights_map"):
        return hook.weights_map[name]
    return tensor


def _check_lora(model: LoadedModel, spec: LoraSpec) -> LoadedLora:
    path = Path(spec.path)
    if path.suffix.lower() != ".safetensors":
        raise ModelError(f"{path}: LoRAs are loaded from .safetensors files only")
    lora = _held(model, path) or _hashed(model, path)
    if spec.sha256 and spec.sha256.lower() != lora.sha256:
        raise ModelError(
            f"{path}: SHA-256 {lora.sha256[:12]}… differs from the requested {spec.sha256[:12]}…"
        )
    return lora


def _held(model: LoadedModel, path: Path) -> LoadedLora | None:
    """The adapter already loaded from this file, if the file is unchanged since it was hashed."""
    for lora in model.loras.values():
        named = str(path) in (lora.path, lora.info.link)  # a symlink is held as its target
        if named and lora.stamp == file_stamp(path):
            return lora
    return None


def _hashed(model: LoadedModel, path: Path) -> LoadedLora:
    """A LoRA hashed from its bytes now; `_read` checks the stamp again once it is read."""
    before = file_stamp(path)
    info = inspect(path)
    if info.problem:
        raise ModelError(f"{path}: {info.problem}")
    if info.kind != "LoRA":
        raise ModelError(f"{path}: not a LoRA (looks like {info.kind}: {info.detail})")
    if info.context_dim and model.context_dim and info.context_dim != model.context_dim:
        raise ModelError(
            f"{path}: LoRA made for {context_label(info.context_dim)}, "
            f"but the model is {context_label(model.context_dim)}"
        )
    return LoadedLora(info, f"lora_{info.sha256[:16]}", before)
