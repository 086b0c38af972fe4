"""`workstation metadata IMAGE`: how the image says it was made (recipe, EXIF, XMP, C2PA)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from workstation.analysis.provenance import ImageMetadata, Recipe, read_metadata

RAW_SHOWN = 300  # characters of each raw field in the text view; --json has them whole


def register(subparsers: argparse._SubParsersAction) -> None:
    metadata = subparsers.add_parser(
        "metadata",
        help="read generator settings, EXIF, XMP and C2PA from an image (offline)",
    )
    metadata.add_argument("image", type=Path, metavar="IMAGE")
    metadata.add_argument("--json", action="store_true", help="everything, as JSON")
    metadata.set_defaults(func=cmd_metadata)


def cmd_metadata(args: argparse.Namespace) -> int:
    result = read_metadata(args.image)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        print("\n".join(describe(result)))
    return 0


def describe(meta: ImageMetadata) -> list[str]:
    """The text view: one section per kind of evidence, warnings last."""
    size = f"{meta.width}x{meta.height}, " if meta.width else ""
    lines = [
        f"File        {meta.path}",
        f"SHA-256     {meta.sha256}",
        f"Format      {meta.format} {size}{meta.size:,} bytes",
        f"Generator   {meta.generator}",
    ]
    for recipe in meta.recipes:
        lines += ["", f"Recipe ({recipe.generator}, from {recipe.source})", *_recipe(recipe)]
    if meta.c2pa is not None:
        lines += ["", "C2PA Content Credentials", *_c2pa(meta)]
    if meta.exif is not None:
        lines += ["", "EXIF", *_pairs(vars(meta.exif))]
    if meta.xmp is not None:
        lines += ["", "XMP", *_pairs(vars(meta.xmp))]
    if meta.raw:
        lines += ["", f"Raw fields ({len(meta.raw)}, verbatim; --json shows them whole)"]
        for raw in meta.raw:
            value = raw.value.replace("\n", "\\n")
            if len(value) > RAW_SHOWN:
                value = f"{value[:RAW_SHOWN]}… (+{len(value) - RAW_SHOWN:,} characters)"
            note = f"  [{raw.note}]" if raw.note else ""
            lines.append(f"  {raw.source} | {raw.key}: {value}{note}")
    if meta.warnings:
        lines += ["", f"Warnings ({len(meta.warnings)})", *(f"  - {w}" for w in meta.warnings)]
    return lines


def _recipe(recipe: Recipe) -> list[str]:
    sampler = recipe.sampler or "(no A1111 equivalent)"
    if recipe.sampler_recorded and recipe.sampler_recorded != recipe.sampler:
        sampler += f"   recorded as: {recipe.sampler_recorded}"
    model = recipe.model_name or ""
    if recipe.model_hash:
        model += f"  [{recipe.model_hash_kind or 'hash'} {recipe.model_hash}]"
    size = f"{recipe.width}x{recipe.height}" if recipe.width and recipe.height else None
    lines = _pairs(
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
        lines.append(f"  LoRA        {lora.name}  scale {lora.scale}{te}{found}  ({lora.source})")
    for name, short_hash in recipe.embeddings:
        lines.append(f"  embedding   {name}  hash {short_hash}")
    for label, group in (("hires", recipe.hires), ("refiner", recipe.refiner)):
        lines += [f"  {label:<11} {key}: {value}" for key, value in group]
    return lines


def _c2pa(meta: ImageMetadata) -> list[str]:
    c2pa = meta.c2pa
    lines = _pairs(
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
    lines += [f"  source type {kind}" for kind in c2pa.digital_source_types]
    lines += [f"  assertion   {label}" for label, _ in c2pa.assertions]
    lines += [f"  status code {code}: {text}" for code, text in c2pa.validation_status]
    return lines


def _pairs(values: dict) -> list[str]:
    lines = []
    for key, value in values.items():
        if value is None or value is False:
            continue
        text = str(value).replace("\n", "\n" + " " * 14)
        lines.append(f"  {key.replace('_', ' '):<11} {text}")
    return lines
