"""METADATA: how an image says it was made — generator recipes, C2PA, EXIF, XMP, raw fields.

`read_provenance` reads a file (`workstation metadata IMAGE`, the Case panel's Provenance tab);
`sections` chooses what a person is shown, in order, as (label, value) rows that both front ends
render in their own words: the CLI in English, the window through its translations. A label is
one of `LABELS` (translated) or a field name from the file (EXIF, XMP, raw; shown as read).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workstation.analysis.provenance import ImageMetadata, Recipe, read_metadata
from workstation.app.requests import option


@dataclass(frozen=True)
class MetadataRequest:
    image: Path = option(positional=True, metavar="IMAGE", help="the image file to read")


def read_provenance(request: MetadataRequest) -> ImageMetadata:
    """Everything the file says about its making; InputError only when it cannot be read."""
    return read_metadata(request.image)


# The labels `sections` uses, in English as the CLI prints them (the window translates them).
LABELS = (
    "prompt",
    "negative",
    "seed",
    "steps",
    "CFG scale",
    "sampler",
    "size",
    "model",
    "VAE",
    "clip skip",
    "mode",
    "denoising",
    "version",
    "LoRA",
    "embedding",
    "hires",
    "refiner",
    "status",
    "remote URL",
    "claim by",
    "title",
    "signer",
    "issuer",
    "signed at",
    "validation",
    "error",
    "source type",
    "assertion",
    "status code",
)


@dataclass(frozen=True)
class Row:
    label: str
    value: str
    note: str = ""  # raw fields: how the bytes were decoded, when not per spec


@dataclass(frozen=True)
class Section:
    """`kind`: "recipe" (`generator`, `source` set), "c2pa", "exif", "xmp", "raw" or
    "warnings"; a raw row's label is "SOURCE | KEY", a warning row has no label."""

    kind: str
    rows: tuple[Row, ...]
    generator: str = ""
    source: str = ""


def sections(meta: ImageMetadata) -> list[Section]:
    """What the file says, one section per kind of evidence, warnings last."""
    found = [
        Section("recipe", tuple(_recipe(recipe)), recipe.generator, recipe.source)
        for recipe in meta.recipes
    ]
    if meta.c2pa is not None:
        found.append(Section("c2pa", tuple(_c2pa(meta))))
    if meta.exif is not None:
        found.append(Section("exif", tuple(_pairs(_named(vars(meta.exif))))))
    if meta.xmp is not None:
        found.append(Section("xmp", tuple(_pairs(_named(vars(meta.xmp))))))
    if meta.raw:
        raw = (Row(f"{r.source} | {r.key}", r.value, r.note) for r in meta.raw)
        found.append(Section("raw", tuple(raw)))
    if meta.warnings:
        found.append(Section("warnings", tuple(Row("", w) for w in meta.warnings)))
    return found


def _recipe(recipe: Recipe) -> list[Row]:
    sampler = recipe.sampler or "(no A1111 equivalent)"
    if recipe.sampler_recorded and recipe.sampler_recorded != recipe.sampler:
        sampler += f"   recorded as: {recipe.sampler_recorded}"
    model = recipe.model_name or ""
    if recipe.model_hash:
        model += f"  [{recipe.model_hash_kind or 'hash'} {recipe.model_hash}]"
    size = f"{recipe.width}x{recipe.height}" if recipe.width and recipe.height else None
    rows = _pairs(
        {
            "prompt": recipe.prompt,
            "negative": recipe.negative,
            "seed": recipe.seed,
            "steps": recipe.steps,
            "CFG scale": recipe.cfg,
            "sampler": sampler if recipe.sampler_recorded or recipe.sampler else None,
            "size": size,
            "model": model or None,
            "VAE": recipe.vae,
            "clip skip": recipe.clip_skip,
            "mode": recipe.mode,
            "denoising": recipe.denoising_strength,
            "version": recipe.generator_version,
        }
    )
    for lora in recipe.loras:
        te = (
            ""
            if lora.text_encoder_scale == lora.scale
            else f", text encoder {lora.text_encoder_scale}"
        )
        found = f"  hash {lora.hash}" if lora.hash else ""
        rows.append(Row("LoRA", f"{lora.name}  scale {lora.scale}{te}{found}  ({lora.source})"))
    rows += [Row("embedding", f"{name}  hash {short}") for name, short in recipe.embeddings]
    for label, group in (("hires", recipe.hires), ("refiner", recipe.refiner)):
        rows += [Row(label, f"{key}: {value}") for key, value in group]
    return rows


def _c2pa(meta: ImageMetadata) -> list[Row]:
    c2pa = meta.c2pa
    rows = _pairs(
        {
            "status": c2pa.status,
            "remote URL": f"{c2pa.remote_url}  (not fetched)" if c2pa.remote_url else None,
            "claim by": c2pa.claim_generator,
            "title": c2pa.title,
            "signer": c2pa.signer,
            "issuer": c2pa.issuer,
            "signed at": c2pa.signed_at,
            "validation": c2pa.validation_state,
            "error": c2pa.error if c2pa.status != "remote" else None,
        }
    )
    rows += [Row("source type", kind) for kind in c2pa.digital_source_types]
    rows += [Row("assertion", label) for label, _ in c2pa.assertions]
    rows += [Row("status code", f"{code}: {text}") for code, text in c2pa.validation_status]
    return rows


def _named(values: dict[str, Any]) -> dict[str, Any]:
    """EXIF and XMP summary fields by their names as read ("date time original")."""
    return {key.replace("_", " "): value for key, value in values.items()}


def _pairs(values: dict[str, Any]) -> list[Row]:
    """A row for each value the file has (absent and False values are left out)."""
    return [
        Row(label, str(value))
        for label, value in values.items()
        if value is not None and value is not False
    ]
