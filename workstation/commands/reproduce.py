"""`workstation reproduce IMAGE --models DIR`: re-run an image's recorded recipe and compare.

Exit status: 0 when the image was regenerated and compared (whether or not it matched exactly: the
comparison is the finding); 1 when a model the metadata names is not in the model folder (the
listing says which hashes were looked for; nothing is generated or stored); 2 for any other
problem (no usable metadata, a recipe the engine cannot run, a bad file); 130 when cancelled.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from workstation.app.case_writer import CaseWriter
from workstation.app.reproduce import ReproduceRequest
from workstation.app.requests import add_arguments, from_arguments
from workstation.commands.progress import CtrlC, StepPrinter
from workstation.commands.terminal import json_text, printable
from workstation.core.errors import Cancelled

if TYPE_CHECKING:
    from workstation.analysis.reproduce import Plan, Reproduction

EXIT_MISSING = 1
EXIT_CANCELLED = 130
HOW = {
    "SHA-256": "by SHA-256",
    "AutoV2": "by AutoV2 hash",
    "AutoV1": "by AutoV1 hash",
    "addnet": "by LoRA (addnet) hash",
    "name": "by name only",
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "reproduce",
        help="regenerate an image from its own metadata and compare the result with it",
        description="Read IMAGE's generation settings, find the checkpoint and LoRAs in the model "
        "folder by their recorded hashes (names as fallback), regenerate, and compare. Exit 1 "
        "lists models that are not in the folder.",
    )
    add_arguments(parser, ReproduceRequest)
    parser.add_argument(
        "--case", type=Path, metavar="DIR", help="store both images and the record in this case"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(func=cmd_reproduce)


def cmd_reproduce(args: argparse.Namespace) -> int:
    # The analysis and engine stacks load here, not when the CLI builds its parser.
    from workstation.app.inputs import check_writer
    from workstation.app.reproduce import plan_for, reproduce
    from workstation.engine.runtime import Runtime

    request = from_arguments(ReproduceRequest, args)
    writer = CaseWriter(args.case) if args.case else None
    check_writer(writer)  # a wrong case folder fails before the model folder is scanned
    print(
        f"looking in {printable(str(request.models))} (hashes cached for this search only; "
        "the files used are hashed again as they load)",
        file=sys.stderr,
        flush=True,
    )
    plan = plan_for(request, writer)
    if plan.missing:
        _print_missing(plan, args.json)
        return EXIT_MISSING
    printer = StepPrinter()
    try:
        with CtrlC() as ctrl_c:
            runtime = Runtime(on_progress=printer, is_cancelled=ctrl_c.is_cancelled)
            done = reproduce(request, plan, writer=writer, runtime=runtime)
    except Cancelled as error:
        printer.end_line()
        print(f"cancelled: {error}; nothing was stored", file=sys.stderr)
        return EXIT_CANCELLED
    printer.end_line()

    if args.json:
        payload = done.result.to_dict()
        payload["record_id"] = done.record_id
        print(json_text(payload))
        return 0
    print("\n".join(printable(line) for line in describe(done.result)))
    if request.out:
        print(f"written: {printable(str(request.out))}")
    if done.record_id is not None:
        print(
            f"stored in case {printable(str(args.case))} as reproduction record #{done.record_id}"
        )
    return 0


def _print_missing(plan: Plan, as_json: bool) -> None:
    if as_json:
        print(json_text({"status": "models missing", **plan.to_dict()}))
        return
    print("\n".join(printable(line) for line in _plan_lines(plan)))
    print(
        f"\n{len(plan.missing)} model(s) not found in {plan.models_dir}: put the files named above "
        "(with the hashes shown) into the folder and run again"
    )


def _plan_lines(plan: Plan) -> list[str]:
    meta = plan.metadata
    lines = [
        f"Disputed    {meta.path}  {meta.width}x{meta.height}  sha256 {meta.sha256}",
        f"Recipe      {plan.generator or '?'}, from {plan.source}",
        f"Models      {plan.models_scanned} file(s) scanned in {plan.models_dir}",
    ]
    for match in plan.matches:
        scale = f" @ {match.scale:g}" if match.scale is not None else ""
        if match.found:
            how = HOW.get(match.matched_by, match.matched_by)
            found = f"-> {match.path}  (matched {how})"
        else:
            found = "-> NOT FOUND"
        lines.append(f"  {match.role:<10} {match.describe_wanted()}{scale}  {found}")
        lines += [f"             {note}" for note in match.notes]
    lines += [f"  note: {note}" for note in plan.notes]
    return lines


def describe(result: Reproduction) -> list[str]:
    from workstation.analysis.structure import CHANGED_LEVEL

    record, pixels = result.record, result.pixels
    lines = _plan_lines(result.plan)
    lines.append(
        f"Regenerated {result.output}  {record['mode']} {record['steps_run']} steps, "
        f"{record['environment']['device']}/{record['environment']['dtype']}, "
        f"{record['seconds']:.1f} s"
    )
    width, height = pixels.disputed_size
    if pixels.exact_match:
        lines.append(f"Result      EXACT MATCH: all {width}x{height} pixels identical")
    elif not pixels.same_size:
        other = pixels.regenerated_size
        lines.append(
            f"Result      different sizes: disputed {width}x{height}, regenerated "
            f"{other[0]}x{other[1]}"
        )
    else:
        psnr = f"{pixels.psnr_db:.2f} dB" if pixels.psnr_db is not None else "∞"
        lines.append(
            f"Result      not identical: {pixels.identical_fraction:.1%} of pixels equal, "
            f"{pixels.changed_fraction:.1%} differ by more than {CHANGED_LEVEL}/255; mean |Δ| "
            f"{pixels.mean_abs:.2f}/255, max {pixels.max_abs}, PSNR {psnr}"
        )
    for reading in result.report.bands:
        if reading.metric in ("phash", "ssim", "registered_ssim", "clip_image"):
            value = f"{reading.value:g}" if reading.value is not None else "—"
            lines.append(f"  {reading.label}: {value} ({reading.band})")
    lines += [f"  note: {note}" for note in result.notes]
    return lines
