"""LoRAs that name a transformer's modules in its makers' original layout (Flux.1: Black Forest
Labs' `double_blocks`/`single_blocks`; SD 3.5: Stability's `joint_blocks`), as kohya sd-scripts
(`lora_unet_double_blocks_0_img_attn_qkv`), ComfyUI and BFL (`diffusion_model.…`/`transformer.…`
with `lora_A`/`lora_B`) write them.

The family's `transformer_keys` map knows how each original tensor is made of diffusers tensors.
A LoRA on a fused original module (qkv; Flux's single-block `linear1` = q, k, v and the MLP input)
becomes one LoRA per diffusers module: ΔW's rows are `up @ down`'s rows, so `lora_up`/`lora_B`
is split by rows in the proportions of the fused weight, `lora_down`/`lora_A` and `alpha` are
shared (the rank, and so alpha/rank, stays that of the file); a LyCORIS `diff` (and `diff_b`)
and a per-output-row `dora_scale` are split by rows alike. A module stored with its (shift,
scale) halves swapped (the final adaLN) has its rows swapped back. Stems of other algorithms on
a fused module are left as they are, so they are refused by name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

# Parts whose first dimension is the module's output rows; the others are shared as they are.
ROW_PARTS = ("lora_up.weight", "diff", "diff_b", "dora_scale")
SHARED_PARTS = ("lora_down.weight", "alpha")
# A fused stem is converted only when made of these parts (LoRA/LoCon, full diff, DoRA).
CONVERTIBLE = frozenset(ROW_PARTS + SHARED_PARTS)


@dataclass(frozen=True)
class Original:
    """One original module: the diffusers modules its weight's rows are, in order."""

    pieces: tuple[tuple[str, int], ...]  # (diffusers module path, rows)
    swap: bool = False  # rows stored as (scale, shift) halves the other way round

    @property
    def rows(self) -> int:
        return sum(rows for _, rows in self.pieces)


def original_modules(transformer: Any) -> dict[str, Original]:
    """{original module path: Original} for a diffusers transformer whose family has an original
    layout; both dotted (`double_blocks.0.img_attn.qkv`) and kohya's flattened names
    (`double_blocks_0_img_attn_qkv`). Empty for any other model."""
    from workstation.engine.families import FAMILIES

    name = type(transformer).__name__
    family = next(
        (f for f in FAMILIES if f.denoiser_class == name and f.transformer_keys is not None), None
    )
    if family is None:
        return {}
    shapes = {key: tuple(value.shape) for key, value in transformer.state_dict().items()}
    found: dict[str, Original] = {}
    for original, parts, swap in family.transformer_keys(dict(transformer.config)):
        if not original.endswith(".weight") or not all(p.endswith(".weight") for p in parts):
            continue
        if not all(part in shapes for part in parts):
            continue
        module = Original(tuple((p[: -len(".weight")], shapes[p][0]) for p in parts), swap)
        stem = original[: -len(".weight")]
        found[stem] = module
        found.setdefault(stem.replace(".", "_"), module)
    return found


def convert(
    tensors: Mapping[str, Any],
    stems: Mapping[str, Mapping[str, str]],
    locate: Callable[[str], Original | None],
    component: str = "transformer",
) -> dict[str, Any]:
    """`tensors` with every stem that `locate` finds renamed to the diffusers modules (split if
    fused) as `<component>.<diffusers path>.<part>`; other keys are kept as they are. A stem
    whose parts cannot be split, or whose new names are already taken, is kept as it is."""
    import torch

    out = dict(tensors)
    for stem, keys in stems.items():
        module = locate(stem)
        if module is None or not keys.keys() <= CONVERTIBLE:
            continue
        new: dict[str, Any] = {}
        for part, key in keys.items():
            tensor = tensors[key]
            if part in ROW_PARTS and tensor.dim() > 0 and tensor.shape[0] == module.rows:
                if module.swap:
                    first, second = tensor.chunk(2, dim=0)
                    tensor = torch.cat([second, first], dim=0)
                sizes = [rows for _, rows in module.pieces]
                for (path, _), piece in zip(module.pieces, tensor.split(sizes, dim=0), strict=True):
                    new[f"{component}.{path}.{part}"] = piece.contiguous()
            elif part in ROW_PARTS and len(module.pieces) > 1:
                new = {}  # rows that are not the fused weight's: refused under its own name
                break
            else:
                for path, _ in module.pieces:
                    new[f"{component}.{path}.{part}"] = tensor
        if not new or any(name in out for name in new):
            continue
        for key in keys.values():
            del out[key]
        out.update(new)
    return out
