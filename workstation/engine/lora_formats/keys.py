"""Where a LoRA key points: its stem and part, and the model module the stem names.

Stems come in the trainers' naming schemes:
- kohya / LyCORIS: `lora_unet_<module path with _>`, `lora_te_…` (SD1/SD2), `lora_te1_…` and
  `lora_te2_…` (SDXL); the UNet path either diffusers' (`down_blocks_0_…`, kohya SD1) or the
  original LDM one (`input_blocks_4_1_…`, kohya SDXL).
- diffusers: `unet.<path>`, `text_encoder.<path>`, `text_encoder_2.<path>` (older files put the
  attention processor in the path: `attn1.processor.to_q_lora`).
- peft: `base_model.model.<path>`.

Every component's modules are indexed under diffusers, peft and kohya names (a UNet also under
LDM names); a family whose LoRAs name modules otherwise (Flux's BFL names) passes its
`Family.lora_key` (stem -> (component, module path)), tried last. A transformer whose family has
an original layout (Flux.1, SD 3.5: `Family.transformer_keys`) is also indexed under its original
module names; `ModuleIndex.convert` renames a file's stems in that layout to the diffusers modules,
splitting fused ones (qkv, Flux's linear1) into one LoRA per module (see original.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

# Part name in the file -> the part name the algorithms use.
PART_ALIASES = {
    "lora_down.weight": "lora_down.weight",
    "lora_up.weight": "lora_up.weight",
    "lora_mid.weight": "lora_mid.weight",
    "lora_A.weight": "lora_down.weight",
    "lora_B.weight": "lora_up.weight",
    "lora.down.weight": "lora_down.weight",
    "lora.up.weight": "lora_up.weight",
    "lora_layer.down.weight": "lora_down.weight",
    "lora_layer.up.weight": "lora_up.weight",
    "lora_linear_layer.down.weight": "lora_down.weight",
    "lora_linear_layer.up.weight": "lora_up.weight",
    "alpha": "alpha",
    "dora_scale": "dora_scale",
    "lora_magnitude_vector": "dora_scale",  # peft's DoRA
    **{
        name: name
        for name in (
            "hada_w1_a", "hada_w1_b", "hada_w2_a", "hada_w2_b", "hada_t1", "hada_t2",
            "lokr_w1", "lokr_w1_a", "lokr_w1_b", "lokr_w2", "lokr_w2_a", "lokr_w2_b", "lokr_t2",
            "diff", "diff_b", "w_norm", "b_norm",
        )
    },
}  # fmt: skip
# Older diffusers attention processors: `…attn1.processor.to_q_lora.down.weight`.
PROCESSOR_PARTS = {"_lora.down.weight": "lora_down.weight", "_lora.up.weight": "lora_up.weight"}
KOHYA_PREFIXES = {
    "unet": ("lora_unet_",),
    "transformer": ("lora_unet_", "lora_transformer_"),
    "text_encoder": ("lora_te_", "lora_te1_"),
    "text_encoder_2": ("lora_te2_",),
    "text_encoder_3": ("lora_te3_",),
}
COMPONENTS = tuple(KOHYA_PREFIXES)
# The order LyCORIS's kohya network creates its modules in: text encoders first, then the UNet.
CREATION_ORDER = ("text_encoder", "text_encoder_2", "text_encoder_3", "unet", "transformer")


def split_key(key: str) -> tuple[str, str] | None:
    """(stem, part) for a LoRA tensor name, the part in the algorithms' naming; None if unknown."""
    for suffix, part in PROCESSOR_PARTS.items():
        if key.endswith(suffix):
            return _processor_stem(key[: -len(suffix)]), part
    for suffix in sorted(PART_ALIASES, key=len, reverse=True):
        if key.endswith("." + suffix):
            return key[: -len(suffix) - 1], PART_ALIASES[suffix]
    return None


def _processor_stem(stem: str) -> str:
    stem = stem.replace(".processor.", ".")
    return stem + ".0" if stem.endswith("to_out") else stem


def group(keys: Iterable[str]) -> tuple[dict[str, dict[str, str]], list[str]]:
    """{stem: {part: key}} and the keys that are no LoRA part."""
    stems: dict[str, dict[str, str]] = {}
    unknown = []
    for key in keys:
        split = split_key(key)
        if split is None:
            unknown.append(key)
        else:
            stems.setdefault(split[0], {})[split[1]] = key
    return stems, unknown


class ModuleIndex:
    """The modules a LoRA may patch, under every name the trainers give them."""

    def __init__(
        self,
        names: dict[str, tuple[str, str]],
        modules: dict[tuple[str, str], Any],
        family_key: Callable[[str], tuple[str, str] | None] | None = None,
        originals: dict[str, Any] | None = None,
    ):
        self.names = names
        self.modules = modules  # (component, path) -> torch module, in named_modules order
        self.family_key = family_key  # a family's own naming (Family.lora_key), tried last
        # the transformer's modules under their original names (original.Original), if any
        self.originals = originals or {}
        self._positions = {target: position for position, target in enumerate(modules)}

    def convert(self, tensors: Any) -> Any:
        """`tensors` with the stems that name the transformer's modules in its original layout
        renamed to the diffusers modules, fused ones split (original.convert); the mapping
        itself when there is nothing to rename."""
        if not self.originals or self.family_key is None:
            return tensors
        from workstation.engine.lora_formats.original import convert

        stems, _ = group(tensors)
        located = {stem: self.original(stem) for stem in stems}
        if not any(located.values()):
            return tensors
        return convert(tensors, stems, located.get)

    def original(self, stem: str) -> Any:
        """The original module (original.Original) a stem names, when no other name fits it."""
        if self.family_key is None or self.resolve(stem) is not None:
            return None
        found = self.family_key(stem)
        if found is None or found[0] != "transformer":
            return None
        path = found[1]
        return self.originals.get(path) or self.originals.get(path.replace(".", "_"))

    def resolve(self, stem: str) -> tuple[str, str] | None:
        if stem in self.names:
            return self.names[stem]
        if stem.startswith("base_model.model."):  # peft, saved from the component itself
            rest = stem[len("base_model.model.") :]
            for component in COMPONENTS:
                if f"{component}.{rest}" in self.names:
                    return self.names[f"{component}.{rest}"]
        found = self.family_key(stem) if self.family_key else None
        if found is not None:
            component, path = found
            if found in self.modules:
                return found
            return self.names.get(f"{component}.{path}") or self.names.get(
                f"{component}.{path}".replace(".", "_")
            )
        return None

    def creation_rank(self, stem: str) -> tuple[int, int] | None:
        """Where a trainer walking the model (text encoders, then the UNet) meets this module."""
        target = self.resolve(stem)
        if target is None or target[0] not in CREATION_ORDER:
            return None
        return CREATION_ORDER.index(target[0]), self._positions[target]


def sd_names(
    pipe: Any, family_key: Callable[[str], tuple[str, str] | None] | None = None
) -> ModuleIndex:
    """The pipeline's denoiser (a UNet, or a transformer: diffusers names only so far) and text
    encoders, under diffusers, peft and kohya names; a UNet also under its LDM names."""
    names: dict[str, tuple[str, str]] = {}
    modules: dict[tuple[str, str], Any] = {}
    originals: dict[str, Any] = {}
    for component in COMPONENTS:
        model = getattr(pipe, component, None)
        if model is None:
            continue
        if component == "unet":
            aliases = _unet_aliases(model)
        elif component.startswith("text_encoder"):
            aliases = _text_aliases
        else:
            aliases = _own_name
            if family_key is not None:
                from workstation.engine.lora_formats.original import original_modules

                originals = original_modules(model)
        for path, module in model.named_modules():
            if not isinstance(getattr(module, "weight", None), _tensor_type()):
                continue
            target = (component, path)
            modules[target] = module
            for alias in aliases(path):
                names.setdefault(f"{component}.{alias}", target)
                names.setdefault(f"{component}_{alias}".replace(".", "_"), target)
                for prefix in KOHYA_PREFIXES[component]:
                    names.setdefault(prefix + alias.replace(".", "_"), target)
    return ModuleIndex(names, modules, family_key, originals)


def _own_name(path: str) -> tuple[str, ...]:
    return (path,)


def _tensor_type() -> type:
    import torch

    return torch.Tensor


# Older diffusers text-encoder LoRAs (and diffusers' kohya Flux converter) name CLIP's attention
# projections as attention processors did: `self_attn.to_q_lora.down.weight` for q_proj.
_TEXT_PROCESSOR_NAMES = {
    "q_proj": "to_q",
    "k_proj": "to_k",
    "v_proj": "to_v",
    "out_proj": "to_out.0",
}


def _text_aliases(path: str) -> tuple[str, ...]:
    # transformers 5 drops the `text_model.` level its checkpoints and LoRAs still name
    if path.startswith("text_model."):
        paths = [path, path[len("text_model.") :]]
    else:
        paths = [path, "text_model." + path]
    head, _, last = path.rpartition(".")
    if head.endswith("self_attn") and last in _TEXT_PROCESSOR_NAMES:
        paths += [p[: -len(last)] + _TEXT_PROCESSOR_NAMES[last] for p in paths]
    return tuple(paths)


def _unet_aliases(unet: Any) -> Callable[[str], tuple[str, ...]]:
    from workstation.engine.families.ldm import ldm_unet_key

    config = unet.config
    up_has_attention = ["CrossAttn" in kind for kind in config.up_block_types]
    layers = config.layers_per_block

    def aliases(path: str) -> tuple[str, ...]:
        try:
            ldm = ldm_unet_key(f"{path}.weight", layers, up_has_attention)
        except (ValueError, KeyError, IndexError, TypeError):
            return (path,)
        return path, re.sub(r"\.weight$", "", ldm)

    return aliases


def module_index(
    pipe: Any, family_key: Callable[[str], tuple[str, str] | None] | None = None
) -> ModuleIndex:
    """Every module of the pipeline a LoRA may patch, under the names LoRA files give it.
    `family_key` is the model family's own mapping (Family.lora_key), tried after these."""
    return sd_names(pipe, family_key)
