"""`workstation compare A B`: every similarity metric of a pair, with bands, pictures, sources."""

from __future__ import annotations

import argparse
import contextlib
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from workstation.core.case import Case

if TYPE_CHECKING:
    from workstation.analysis.pair import PairReport

# The CLIP model setting: the command-line options win, then these environment variables.
CLIP_MODEL_ENV = "WORKSTATION_CLIP_MODEL"
CLIP_ARCH_ENV = "WORKSTATION_CLIP_ARCH"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "compare",
        help="measure how similar two images are (hashes, SSIM, keypoints, CLIP)",
        description="Compare image A (e.g. the disputed image) with image B (e.g. the reference "
        "work). Prints each metric with the band it falls in and the band's source.",
    )
    parser.add_argument("a", type=Path, metavar="A", help="first image (e.g. the disputed image)")
    parser.add_argument("b", type=Path, metavar="B", help="second image (e.g. the reference work)")
    parser.add_argument("--prompt", help="also measure CLIP text–image similarity of this text")
    add_clip_options(parser)
    parser.add_argument("--json", action="store_true", help="print the full report as JSON")
    parser.add_argument(
        "--case",
        type=Path,
        metavar="DIR",
        help="store the report, the inputs and the pictures in this case",
    )
    parser.add_argument(
        "--out-dir",
        type=Path,
        metavar="DIR",
        help="write the difference map, keypoint picture and report JSON here",
    )
    parser.set_defaults(func=cmd_compare)


def add_clip_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--clip-model",
        metavar="PATH",
        help="local open_clip checkpoint file, or a folder with open_clip_config.json "
        f"(default: ${CLIP_MODEL_ENV}); nothing is downloaded",
    )
    parser.add_argument(
        "--clip-arch",
        metavar="NAME",
        help="open_clip architecture of a checkpoint file, e.g. ViT-B-32, or an architecture "
        f".json (default: ${CLIP_ARCH_ENV}, else ViT-B-32)",
    )


def load_clip(args: argparse.Namespace):
    """The configured CLIP model, or None when none is configured."""
    location = args.clip_model or os.environ.get(CLIP_MODEL_ENV)
    if not location:
        return None
    from workstation.analysis.clip import ClipModel  # imports torch: only when asked for

    return ClipModel.load(location, args.clip_arch or os.environ.get(CLIP_ARCH_ENV))


def cmd_compare(args: argparse.Namespace) -> int:
    # The analysis stack (scipy, OpenCV) loads here, not when the CLI builds its parser.
    from workstation.analysis.casefile import store_in_case, write_outputs
    from workstation.analysis.images import load_image
    from workstation.analysis.pair import compare_images

    with contextlib.ExitStack() as stack:
        # The case is opened first, so a wrong folder fails before the measuring, not after.
        case = stack.enter_context(Case.open(args.case)) if args.case else None
        a, b = load_image(args.a), load_image(args.b)
        report = compare_images(a, b, clip_model=load_clip(args), prompt=args.prompt)

        written: dict[str, Path] = {}
        if args.out_dir:
            written = write_outputs(report, args.out_dir)
        record_id = None
        if case is not None:
            pictures = written or write_outputs(
                report, Path(stack.enter_context(tempfile.TemporaryDirectory()))
            )
            record_id = store_in_case(case, report, pictures, args.a, args.b)

    if args.json:
        print(report.to_json())
    else:
        print(format_report(report))
        for label, path in written.items():
            print(f"written: {path}  ({label})")
        if record_id is not None:
            print(f"stored in case {args.case} as comparison record #{record_id}")
    return 0


def format_report(report: PairReport) -> str:
    from workstation.analysis import bands

    lines = []
    for name, image in (("A", report.image_a), ("B", report.image_b)):
        width, height = image["size"]
        lines.append(f"{name}  {image['path']}  {width}×{height}  sha256 {image['sha256']}")
        lines.extend(f"   {note}" for note in image["notes"])
    lines.extend(f"   {note}" for note in report.normalisation)
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
    lines.append(f"CLIP: {clip.message}")
    if clip.prompt and clip.text_similarity_a is not None:
        lines.append(
            f"   prompt {clip.prompt!r}: A {clip.text_similarity_a:.4f}, "
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
