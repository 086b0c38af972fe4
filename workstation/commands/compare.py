"""`workstation compare A B`: every similarity metric of a pair, with bands, pictures, sources."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from workstation.app.case_writer import CaseWriter
from workstation.app.compare import CompareRequest, compare
from workstation.app.requests import add_arguments, from_arguments
from workstation.commands.terminal import json_text, printable

if TYPE_CHECKING:
    from workstation.analysis.pair import PairReport


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "compare",
        help="measure how similar two images are, by every similarity metric, with bands",
        description="Compare image A (e.g. the disputed image) with image B (e.g. the reference "
        "work). Prints each metric with the band it falls in and the band's source.",
    )
    add_arguments(parser, CompareRequest)
    parser.add_argument("--json", action="store_true", help="print the full report as JSON")
    parser.add_argument(
        "--case",
        type=Path,
        metavar="DIR",
        help="store the report, the inputs and the pictures in this case",
    )
    parser.set_defaults(func=cmd_compare)


def cmd_compare(args: argparse.Namespace) -> int:
    writer = CaseWriter(args.case) if args.case else None
    compared = compare(from_arguments(CompareRequest, args), writer=writer)
    if args.json:
        print(json_text(compared.report.to_dict()))
        return 0
    print(format_report(compared.report))
    for label, path in compared.written.items():
        print(f"written: {printable(str(path))}  ({label})")
    if compared.record_id is not None:
        print(
            f"stored in case {printable(str(args.case))} as comparison record #{compared.record_id}"
        )
    return 0


def format_report(report: PairReport) -> str:
    from workstation.analysis import bands

    lines = []
    for name, image in (("A", report.image_a), ("B", report.image_b)):
        width, height = image["size"]
        path = printable(str(image["path"]))
        lines.append(f"{name}  {path}  {width}×{height}  sha256 {image['sha256']}")
        lines.extend(f"   {printable(note)}" for note in image["notes"])
    lines.extend(f"   {printable(note)}" for note in report.normalisation)
    lines.append("")

    sources: list[str] = []
    rows = [("metric", "value", "band", "band rule", "src")]
    for reading in report.bands:
        if reading.source not in sources:
            sources.append(reading.source)
        rows.append(
            (
                reading.label,
                _value(reading),
                reading.band,
                reading.rule,
                f"[{sources.index(reading.source) + 1}]",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        lines.append(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
            + "  "
            + row[4]
        )
    lines.append("")

    k = report.keypoints
    lines.append(
        f"keypoints: {k.inliers} inliers of {k.matches} matches ({k.inlier_ratio:.0%}); {k.status}"
    )
    if report.registered_structure:
        r = report.registered_structure
        lines.append(
            f"registered SSIM: {r.ssim:.4f} over {r.compared_fraction:.0%} of A; "
            f"{r.changed_fraction:.1%} of compared pixels changed"
        )
    s = report.structure
    lines.append(
        f"difference: mean {s.mean_abs_difference:.2%} of full scale; "
        f"{s.changed_fraction:.1%} of pixels changed"
    )
    clip = report.clip
    lines.append(f"CLIP: {printable(clip.message)}")
    if clip.prompt and clip.text_similarity_a is not None:
        lines.append(
            f"   prompt {printable(repr(clip.prompt))}: A {clip.text_similarity_a:.4f}, "
            f"B {clip.text_similarity_b:.4f}"
        )
    lines.append("")
    lines.append("sources:")
    lines.extend(f"  [{i + 1}] {source}" for i, source in enumerate(sources))
    lines.append(f"note: {bands.NOTICE}")
    return "\n".join(lines)


def _value(reading) -> str:
    if reading.value is None:
        return "—"
    if float(reading.value).is_integer():
        return str(int(reading.value))
    return f"{reading.value:.4f}"
