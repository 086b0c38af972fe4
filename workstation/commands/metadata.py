"""`workstation metadata IMAGE`: how the image says it was made (recipe, EXIF, XMP, C2PA).

`workstation metadata --case DIR --artifact ID` shows instead what the case recorded about one of
its images when it was imported (its provenance record), and says so.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from workstation.analysis.provenance import ImageMetadata
from workstation.app.case import parse_id
from workstation.app.metadata import MetadataRequest, Section, read_provenance, sections
from workstation.app.provenance import show_recorded
from workstation.app.requests import from_arguments
from workstation.commands.terminal import json_text, printable
from workstation.core.errors import InputError

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
    # MetadataRequest's IMAGE, optional here: --case and --artifact name a stored image instead
    metadata.add_argument("image", nargs="?", type=Path, metavar="IMAGE", help="the image to read")
    metadata.add_argument(
        "--case", type=Path, metavar="DIR", help="with --artifact: the case holding the image"
    )
    metadata.add_argument(
        "--artifact",
        type=parse_id,
        metavar="ID",
        help="show the provenance the case recorded when it imported this image",
    )
    metadata.add_argument("--json", action="store_true", help="everything, as JSON")
    metadata.set_defaults(func=cmd_metadata)


def cmd_metadata(args: argparse.Namespace) -> int:
    stored = args.case is not None or args.artifact is not None
    if (args.image is None) != stored or (stored and None in (args.case, args.artifact)):
        raise InputError("give an IMAGE, or --case DIR with --artifact ID")
    if args.case is None:
        meta, shown = read_provenance(from_arguments(MetadataRequest, args)), {}
    else:
        found = show_recorded(args.case, args.artifact)
        meta, record = found.metadata, found.record
        shown = {"record_id": record.id, "artifact_id": found.artifact.id}
        shown["recorded_at"] = record.created_at
    if args.json:
        print(json_text({**shown, **meta.to_dict()}))
        return 0
    if shown:
        print(
            f"Shown       recorded at import, {shown['recorded_at'][:19]}Z (record "
            f"R{shown['record_id']} about artifact #{shown['artifact_id']}), not read now"
        )
    print("\n".join(describe(meta)))
    return 0


def describe(meta: ImageMetadata) -> list[str]:
    """The text view: the file, then one section per kind of evidence, warnings last."""
    size = f"{meta.width}x{meta.height}, " if meta.width else ""
    lines = [
        f"File        {printable(meta.path)}",
        f"SHA-256     {meta.sha256}",
        f"Format      {printable(meta.format)} {size}{meta.size:,} bytes",
        f"Generator   {printable(meta.generator)}",
    ]
    for section in sections(meta):
        lines += ["", printable(_heading(section)), *_rows(section)]
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
        return [f"  - {printable(row.value)}" for row in section.rows]
    if section.kind == "raw":
        return [_raw(row.label, row.value, row.note) for row in section.rows]
    indent = " " * 14  # a value's further lines, under its first
    return [f"  {printable(row.label):<11} {printable(row.value, indent)}" for row in section.rows]


def _raw(label: str, value: str, note: str) -> str:
    """One line: newlines shown as \\n, like every other control character."""
    shown = printable(value[:RAW_SHOWN])
    if len(value) > RAW_SHOWN:
        shown += f"… (+{len(value) - RAW_SHOWN:,} characters)"
    return f"  {printable(label)}: {shown}" + (f"  [{printable(note)}]" if note else "")
