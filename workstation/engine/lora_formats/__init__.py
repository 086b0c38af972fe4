"""LoRA files parsed into per-module patches, one small module per algorithm.

`parse(tensors, index)` turns a LoRA state dict into {(component, module path): Patch}; every key
must belong to a patch of a module of the model, else ModelError names the keys.
Algorithms: LoRA/LoCon (lora.py), LoHa (loha.py), LoKr (lokr.py), DoRA on any of them (dora.py),
LyCORIS full/diff and norm (full.py). Key naming (kohya, LyCORIS, diffusers, peft) is in keys.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import torch

from workstation.core.errors import ModelError
from workstation.engine.lora_formats import full, loha, lokr, lora, lycoris_hash
from workstation.engine.lora_formats.base import Patch
from workstation.engine.lora_formats.keys import ModuleIndex, group, module_index, split_key

__all__ = [
    "ModuleIndex",
    "Patch",
    "algorithm_of",
    "lycoris_hash",
    "module_index",
    "parse",
    "split_key",
]

MAKERS: tuple[Callable[[str, dict[str, torch.Tensor]], Patch | None], ...] = (
    lora.make,
    loha.make,
    lokr.make,
    full.make,
)
# The parts each algorithm reads; a stem with parts from none of them or from two is refused.
_FAMILIES = {
    "lora": {"lora_down.weight", "lora_up.weight", "lora_mid.weight"},
    "loha": set(loha.PARTS),
    "lokr": set(lokr.PARTS),
    "full": set(full.PARTS),
}
_SHARED = {"alpha", "dora_scale"}


def make_patch(stem: str, parts: dict[str, torch.Tensor]) -> Patch | None:
    """The patch these parts make, or None when they are no complete patch of one algorithm."""
    kinds = [name for name, members in _FAMILIES.items() if members & parts.keys()]
    if len(kinds) != 1 or not parts.keys() <= _FAMILIES[kinds[0]] | _SHARED:
        return None
    for maker in MAKERS:
        patch = maker(stem, parts)
        if patch is not None:
            return patch
    return None


def algorithm_of(parts: Mapping[str, object], shapes: Mapping[str, tuple[int, ...]]) -> str | None:
    """The algorithm name from part names and shapes only (lora-info reads no tensors)."""
    empty = {name: torch.empty(shapes[name], device="meta") for name in parts}
    patch = make_patch("", empty)
    return patch.algorithm if patch else None


def parse(
    tensors: Mapping[str, torch.Tensor],
    index: ModuleIndex,
    metadata: Mapping[str, str] | None = None,
) -> dict[tuple[str, str], Patch]:
    """Every key in `tensors` applied to a module of `index`, or ModelError naming the rest.
    `metadata` is the file's header: diffusers keeps peft's lora_alpha there, not in a tensor.
    Stems in a transformer's original layout are first renamed (fused ones split): index.convert."""
    tensors = index.convert(tensors)
    stems, unapplied = group(tensors)
    configs = peft_configs(metadata or {})
    patches: dict[tuple[str, str], Patch] = {}
    for stem, keys in stems.items():
        target = index.resolve(stem)
        parts = {part: tensors[key] for part, key in keys.items()}
        if target is not None and target[0] in configs and "alpha" not in parts:
            alpha = peft_alpha(configs[target[0]], target[1], parts)
            if alpha is not None:
                parts["alpha"] = torch.tensor(alpha)
        patch = make_patch(stem, parts)
        if target is None or patch is None or target in patches:
            unapplied.extend(keys.values())
            continue
        _check_shapes(patch, index.modules[target])
        patches[target] = patch
    if unapplied:
        unapplied.sort()
        shown = ", ".join(unapplied[:4]) + (", …" if len(unapplied) > 4 else "")
        raise ModelError(f"{len(unapplied)} LoRA keys apply to no module of this model: {shown}")
    return patches


def _check_shapes(patch: Patch, module: torch.nn.Module) -> None:
    """The patch fits the module: computed on the meta device, so nothing is multiplied."""
    meta = type(patch)(
        patch.stem,
        patch.algorithm,
        {k: v if k == "alpha" else v.to("meta") for k, v in patch.parts.items()},
    )
    weight = torch.empty(module.weight.shape, device="meta")
    bias = getattr(module, "bias", None)
    try:
        meta.merge(weight, None if bias is None else torch.empty(bias.shape, device="meta"), 1.0)
    except RuntimeError:  # shapes that do not multiply or broadcast
        raise ModelError(
            f"{patch.stem}: its change does not fit the model's {tuple(weight.shape)} weight"
        ) from None


MAX_ALPHA_PATTERN = 200  # characters of one peft alpha_pattern key (a module path or regex)


def peft_configs(metadata: Mapping[str, str]) -> dict[str, dict]:
    """diffusers' `lora_adapter_metadata` header: peft's LoraConfig per component
    ({"unet.r": 4, "unet.lora_alpha": 8, …}), as diffusers' save_lora_weights writes it. The
    values read (lora_alpha, alpha_pattern, use_rslora) must have their types, else ModelError."""

    from workstation.core import bounded_json

    try:
        packed = bounded_json.loads(metadata.get("lora_adapter_metadata") or "{}")
    except ValueError as error:
        raise ModelError(f"lora_adapter_metadata: {error}") from None
    if not isinstance(packed, dict):
        raise ModelError("lora_adapter_metadata: not a JSON object")
    configs: dict[str, dict] = {}
    for key, value in packed.items():
        component, _, name = key.partition(".")
        configs.setdefault(component, {})[name] = value
    for component, config in configs.items():
        where = f"lora_adapter_metadata: {component}"
        alpha = config.get("lora_alpha")
        if "lora_alpha" in config and not _is_number(alpha):
            raise ModelError(f"{where}.lora_alpha: not a number")
        if not isinstance(config.get("use_rslora", False), bool):
            raise ModelError(f"{where}.use_rslora: not true or false")
        patterns = config.get("alpha_pattern") or {}
        if not isinstance(patterns, dict):
            raise ModelError(f"{where}.alpha_pattern: not an object")
        for pattern, value in patterns.items():
            if len(pattern) > MAX_ALPHA_PATTERN or not _is_number(value):
                raise ModelError(f"{where}.alpha_pattern: {pattern[:40]!r}: not a module and alpha")
            try:
                re.compile(pattern)
            except re.error as error:
                raise ModelError(f"{where}.alpha_pattern: {pattern[:40]!r}: {error}") from None
            if not _bounded_pattern(pattern):
                raise ModelError(
                    f"{where}.alpha_pattern: {pattern[:40]!r}: a repeated group or more than "
                    f"{MAX_PATTERN_REPEATS} repeats; a module pattern needs neither"
                )
    return configs


# A pattern is matched against every module path: a quantified group, or many quantifiers in a
# row, can take exponential or high-polynomial time on a crafted file (catastrophic backtracking).
MAX_PATTERN_REPEATS = 3
_QUANTIFIED_GROUP = re.compile(r"\)[*+?{]")
_QUANTIFIER = re.compile(r"(?<!\\)[*+{]|(?<![\\(*+?}])\?")


def _bounded_pattern(pattern: str) -> bool:
    return not _QUANTIFIED_GROUP.search(pattern) and (
        len(_QUANTIFIER.findall(pattern)) <= MAX_PATTERN_REPEATS
    )


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def peft_alpha(config: dict, path: str, parts: Mapping[str, torch.Tensor]) -> float | None:
    """peft's scale as an alpha over the rank in the file: lora_alpha (or its alpha_pattern
    entry for this module) / r, or / sqrt(r) with use_rslora."""
    import math

    if "lora_down.weight" not in parts or "lora_alpha" not in config:
        return None
    alpha = float(config["lora_alpha"])
    for pattern, value in (config.get("alpha_pattern") or {}).items():
        if re.fullmatch(rf"(.*\.)?{pattern}", path):
            alpha = float(value)
    rank = parts["lora_down.weight"].shape[0]
    return alpha * math.sqrt(rank) if config.get("use_rslora") else alpha
