"""LoRA files: what they were trained on (lora-info), and applying them to a loaded model.

Several LoRAs can be active at once, each with its own scale, as named diffusers adapters. They are
switched and removed without reloading the base model; with none requested the adapter layers are
unloaded entirely, so the base model computes exactly what it computed before.

A LoRA's hashes are read from its bytes when it is loaded (never from the listing cache) and kept
with the adapter while its file's stamp is unchanged, so it is hashed once per load.
"""

from __future__ import annotations

import json
import re
import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from workstation.core.errors import ModelError
from workstation.core.params import LoraSpec
from workstation.engine.architectures import context_label
from workstation.engine.hashing import file_stamp
from workstation.engine.library import inspect
from workstation.engine.loading import (
    LOAD_ERRORS,
    LoadedLora,
    LoadedModel,
    confirm_stamp,
    first_line,
)
from workstation.engine.safetensors_header import read_header

LORA_SUFFIXES = (
    ".lora_down.weight",
    ".lora_up.weight",
    ".lora_A.weight",
    ".lora_B.weight",
    ".lora_mid.weight",
    ".alpha",
    ".dora_scale",
)
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


@dataclass(frozen=True)
class LoraModule:
    name: str
    component: str  # unet | text_encoder | text_encoder_2
    target: str  # layer type, e.g. attn1_to_q, self_attn_q_proj
    rank: int | None
    alpha: float | None


@dataclass(frozen=True)
class LoraReport:
    path: str
    size: int
    sha256: str
    autov2: str
    addnet: str | None
    detail: str
    base: str | None  # what the shapes say the LoRA was made for
    stored_hash: str | None  # kohya's sshs_model_hash from the header, for comparison
    training: dict[str, str]  # readable labels -> values from kohya ss_* keys
    dataset_dirs: dict[str, Any]
    tag_frequency: dict[str, int]  # summed over dataset folders, most frequent first
    metadata: dict[str, str]  # the whole header metadata, unparsed
    modules: tuple[LoraModule, ...]

    @property
    def stored_hash_matches(self) -> bool | None:
        if not self.stored_hash or not self.addnet:
            return None
        return self.stored_hash.lower() == self.addnet.lower()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["stored_hash_matches"] = self.stored_hash_matches
        return data


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
            if key.endswith("_at"):
                value = _utc(value)
            training[label] = value
    dataset_dirs = _json(metadata.get("ss_dataset_dirs")) or {}
    tags: Counter[str] = Counter()
    for folder_tags in (_json(metadata.get("ss_tag_frequency")) or {}).values():
        tags.update({str(tag).strip(): int(count) for tag, count in folder_tags.items()})
    for dataset in _json(metadata.get("ss_datasets")) or []:  # kohya with a dataset config file
        for folder_tags in (dataset.get("tag_frequency") or {}).values():
            tags.update({str(tag).strip(): int(count) for tag, count in folder_tags.items()})

    return LoraReport(
        path=str(path),
        size=info.size,
        sha256=info.sha256,
        autov2=info.autov2 or "",
        addnet=info.addnet,
        detail=info.detail,
        base=context_label(info.context_dim) if info.context_dim else None,
        stored_hash=metadata.get("sshs_model_hash"),
        training=training,
        dataset_dirs=dataset_dirs,
        tag_frequency=dict(tags.most_common()),
        metadata=dict(metadata),
        modules=_modules(path, header),
    )


def _modules(path: Path, header: Any) -> tuple[LoraModule, ...]:
    from safetensors import safe_open

    stems: dict[str, dict[str, Any]] = {}
    for name, tensor in header.tensors.items():
        for suffix in LORA_SUFFIXES:
            if name.endswith(suffix):
                stems.setdefault(name[: -len(suffix)], {})[suffix] = tensor
                break
    alphas = {}
    alpha_names = [stem + ".alpha" for stem, parts in stems.items() if ".alpha" in parts]
    if alpha_names:
        with safe_open(str(path), framework="numpy") as handle:
            alphas = {name: float(handle.get_tensor(name)) for name in alpha_names}
    modules = []
    for stem, parts in sorted(stems.items()):
        down = parts.get(".lora_down.weight") or parts.get(".lora_A.weight")
        flat = stem.replace(".", "_")
        if flat.startswith(("lora_te2_", "text_encoder_2_")):
            component = "text_encoder_2"
        elif flat.startswith(("lora_te", "text_encoder_")):
            component = "text_encoder"
        else:
            component = "unet"
        target = re.split(r"_\d+_", flat)[-1]
        modules.append(
            LoraModule(
                name=stem,
                component=component,
                target=target,
                rank=down.shape[0] if down else None,
                alpha=alphas.get(stem + ".alpha"),
            )
        )
    return tuple(modules)


def _json(text: str | None) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def _utc(value: str) -> str:
    try:
        moment = datetime.fromtimestamp(float(value), tz=timezone.utc)
    except (ValueError, OverflowError, OSError):
        return value
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def apply_loras(model: LoadedModel, specs: Sequence[LoraSpec]) -> list[tuple[LoadedLora, float]]:
    """Make exactly `specs` active on `model`, loading and removing adapters as needed."""
    wanted = [(_check_lora(model, spec), spec.scale) for spec in specs]
    adapters = [lora.adapter for lora, _ in wanted]
    if len(set(adapters)) != len(adapters):
        raise ModelError("the same LoRA file is given more than once")

    pipe = model.pipe
    if not wanted:
        if model.loras:
            pipe.unload_lora_weights()
            model.loras.clear()
        return []
    stale = [name for name in model.loras if name not in adapters]
    if stale:
        pipe.delete_adapters(stale)
        for name in stale:
            del model.loras[name]
    for lora, _ in wanted:
        if lora.adapter not in model.loras:
            _load_adapter(pipe, lora)
        model.loras[lora.adapter] = lora  # a held adapter keeps the newer stamp
    pipe.set_adapters(adapters, adapter_weights=[float(scale) for _, scale in wanted])
    return wanted


def _load_adapter(pipe: Any, lora: LoadedLora) -> None:
    try:
        with warnings.catch_warnings():
            # peft's notice that a second adapter joins the first: that is the point here
            warnings.filterwarnings("ignore", "Already found a `peft_config`", UserWarning)
            pipe.load_lora_weights(lora.path, adapter_name=lora.adapter)
    except LOAD_ERRORS as error:
        raise ModelError(f"{lora.path}: cannot load LoRA: {first_line(error)}") from None
    try:
        confirm_stamp(lora.path, lora.stamp)
    except ModelError:
        pipe.delete_adapters([lora.adapter])  # its weights are of unknown bytes
        raise


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
        if lora.path == str(path) and lora.stamp == file_stamp(path):
            return lora
    return None


def _hashed(model: LoadedModel, path: Path) -> LoadedLora:
    """A LoRA hashed from its bytes now; `_load_adapter` checks the stamp again once loaded."""
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
