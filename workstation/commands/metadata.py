"""`workstation metadata IMAGE`: how the image says it was made (recipe, EXIF, XMP, C2PA)."""

from __future__ import annotations

import argparse
import json

from workstation.analysis.provenance import ImageMetadata
from workstation.app.metadata import MetadataRequest, Section, read_provenance, sections
from workstation.app.requests import add_arguments, from_arguments

RAW_SHOWN = 300  # characters of each raw field in the text view; --json has them whole
HEADINGS = {
    "c2pa": "C2PA Content Credentials",
    "watermark": "Invisible watermark",
    "exif": "EXIF",
    "xmp": "XMP",
}


def register(subparsers: argparse._SubParsersAction) -> None:
    metadata = subparsers.add_parser(
        "metadata",
        help="read generator settings, EXIF, XMP and C2PA from an image (offline)",
    )
    add_arguments(metadata, MetadataRequest)
    metadata.add_argument("--json", action="store_true", help="everything, as JSON")
    metadata.set_defaults(func=cmd_metadata)


def cmd_metadata(args: argparse.Namespace) -> int:
    meta = read_provenance(from_arguments(MetadataRequest, args))
    if args.json:
        print(json.dumps(meta.to_dict(), indent=2, ensure_ascii=False))
    else:
        print("\n".join(describe(meta)))
    return 0


def describe(meta: ImageMetadata) -> list[str]:
    """The text view: the file, then one section per kind of evidence, warnings last."""
    size = f"{meta.width}x{meta.height}, " if meta.width else ""
    lines = [
        f"File        {meta.path}",
        f"SHA-256     {meta.sha256}",
        f"Format      {meta.format} {size}{meta.size:,} bytes",
        f"Generator   {meta.generator}",
    ]
    for section in sections(meta):
        lines += ["", _heading(section), *_rows(section)]
    return lines


def _heading(section: Section) -> str:
    count = len(section.rows)
    if section.kind == "recipe":
        return f"Recipe ({section.generator}, from {section.source})"
    if section.kind == "raw":
        return f"Raw fields ({count}, verbatim; --json shows them whole)"
    if section.kind == "warnings":
        return f"Warnings ({count})"
    return HEADINGS[section.kind]


def _rows(section: Section) -> list[str]:
    if section.kind == "warnings":
        return [f"  - {row.value}" for row in section.rows]
    if section.kind == "raw":
        return [_raw(row.label, row.value, row.note) for row in section.rows]
    indent = "\n" + " " * 14  # a value's further lines, under its first
    return [f"  {row.label:<11} {row.value.replace(chr(10), indent)}" for row in section.rows]


def _raw(label: str, value: str, note: str) -> str:
    value = value.replace("\n", "\\n")
    if len(value) > RAW_SHOWN:
        value = f"{value[:RAW_SHOWN]}… (+{len(value) - RAW_SHOWN:,} characters)"
    return f"  {label}: {value}" + (f"  [{note}]" if note else "")
