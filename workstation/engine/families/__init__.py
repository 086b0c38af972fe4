"""The model families the engine knows: one module each, listed here.

Adding a family: a module with a `FAMILY` (see base.Family) and its `ARCHITECTURES`, one config
folder per architecture under resources/configs/, and its name in `FAMILIES` below.
"""

from __future__ import annotations

from workstation.engine.families import flux, sd1, sd2, sd3, sdxl, sdxl_refiner
from workstation.engine.families.base import Architecture, Detection, Family, Shapes

FAMILIES: tuple[Family, ...] = (
    sd1.FAMILY,
    sd2.FAMILY,
    sdxl.FAMILY,
    sdxl_refiner.FAMILY,
    sd3.FAMILY,
    flux.FAMILY,
)
BY_FAMILY = {family.name: family for family in FAMILIES}
BY_KIND = {family.kind: family for family in FAMILIES}
# what a base model's ModelInfo.kind can be; a refiner only takes over a base's denoising
BASE_KINDS = tuple(family.kind for family in FAMILIES if not family.refiner)
REFINER_KINDS = tuple(family.kind for family in FAMILIES if family.refiner)
ARCHITECTURES: tuple[Architecture, ...] = tuple(
    arch for family in FAMILIES for arch in family.architectures
)
BY_NAME = {arch.name: arch for arch in ARCHITECTURES}


def family_of(arch: Architecture | str) -> Family:
    """The family of an architecture (or of its config name)."""
    if isinstance(arch, str):
        arch = BY_NAME[arch]
    return BY_FAMILY[arch.family]


def family_for_kind(kind: str) -> Family | None:
    return BY_KIND.get(kind)


def detect_base(shapes: Shapes) -> Detection | None:
    """The first family that recognises these tensors as its base model, or None."""
    for family in FAMILIES:
        found = family.detect(shapes)
        if found is not None:
            return found
    return None


def lora_family(shapes: Shapes) -> Family | None:
    """The one family a LoRA's tensors fit, when that can be told from them alone."""
    fits = [family for family in FAMILIES if family.lora_fits(shapes)]
    return fits[0] if len(fits) == 1 else None


__all__ = [
    "ARCHITECTURES",
    "BASE_KINDS",
    "BY_FAMILY",
    "BY_KIND",
    "BY_NAME",
    "FAMILIES",
    "REFINER_KINDS",
    "Architecture",
    "Detection",
    "Family",
    "detect_base",
    "family_for_kind",
    "family_of",
    "lora_family",
]
