"""`workstation study trajectory|strength|lora-scale|seeds … --case DIR`: the sweeps, into a case
(app/study.py: one sub-command per study kind, its options from the kind's request).

Every study shows progress on stderr and stops cleanly on Ctrl-C. Each finished image is stored in
the case at once (a generation record); running the same study (or any study needing the same
generation) again reuses those the case proves intact, and the study record is written when the
whole study is done.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from workstation.app.case_writer import CaseWriter
from workstation.app.requests import add_arguments, from_arguments
from workstation.app.study import EXECUTORS, KINDS, SeedsRequest, StudyRequest
from workstation.commands.progress import CtrlC, StepPrinter
from workstation.commands.terminal import json_text, printable
from workstation.core.errors import Cancelled, InputError

EXIT_CANCELLED = 130


def register(subparsers: argparse._SubParsersAction) -> None:
    study = subparsers.add_parser(
        "study",
        help="run a study (trajectory, img2img strength, LoRA scale, seed sweep) into a case",
        description="Generate a series of images that varies one parameter, measure them, and "
        "store images, numbers (CSV, JSON), a plot and a study record in the case. Each image is "
        "stored as soon as it is made: Ctrl-C keeps the finished ones, and running the same "
        "command again reuses them.",
    )
    kinds = study.add_subparsers(dest="study", metavar="STUDY", required=True)
    for kind in KINDS.values():
        parser = kinds.add_parser(kind.name, help=kind.help)
        parser.add_argument("--case", required=True, type=Path, metavar="DIR")
        add_arguments(parser, kind.request)
        if kind.request is SeedsRequest:
            parser.add_argument(
                "--count", type=int, help="this many seeds from --first-seed on (for --seeds)"
            )
            parser.add_argument("--first-seed", type=int, default=1, help="(default 1)")
        parser.add_argument("--json", action="store_true", help="print the study record as JSON")
        add_executor_arguments(parser)
        parser.set_defaults(func=cmd_study, request_type=kind.request)


def add_executor_arguments(
    parser: argparse.ArgumentParser, where: str = "where the images are generated"
) -> None:
    """`--executor` and `--ray-address`: where a long job's items are computed (every long-job
    command takes them; `where` says what its items are)."""
    parser.add_argument(
        "--executor",
        choices=EXECUTORS,
        default="inprocess",
        help=f"{where}: in this process (default), or on Ray workers "
        "(this machine's cores, or the cluster at --ray-address; needs the [scale] extra). "
        "Either way only this process writes to the case",
    )
    parser.add_argument(
        "--ray-address",
        metavar="ADDR",
        help="a running Ray cluster (host:port) for --executor ray; its nodes must see the "
        "model files at the same paths (each worker checks their SHA-256)",
    )


def request_of(args: argparse.Namespace) -> StudyRequest:
    extra: dict[str, Any] = {}
    if getattr(args, "count", None) is not None:
        if args.seeds is not None:
            raise InputError("give --count or --seeds, not both")
        extra["seeds"] = tuple(range(args.first_seed, args.first_seed + args.count))
    return from_arguments(args.request_type, args, **extra)


def cmd_study(args: argparse.Namespace) -> int:
    from workstation.app.study import executor_named, run_study
    from workstation.engine.runtime import Runtime

    request = request_of(args)
    executor = executor_named(args.executor, args.ray_address)
    printer = StepPrinter()
    try:
        with CtrlC() as ctrl_c:
            runtime = Runtime(on_progress=printer, is_cancelled=ctrl_c.is_cancelled)
            outcome = run_study(
                request, writer=CaseWriter(args.case), runtime=runtime, executor=executor
            )
    except Cancelled:
        printer.end_line()
        print(
            "cancelled; no study record was written. The images finished so far are stored "
            "in the case (generation records) and reused when this command runs again.",
            file=sys.stderr,
        )
        return EXIT_CANCELLED
    printer.end_line()
    payload = outcome.payload
    if args.json:
        links = [link.to_list() for link in outcome.record.links]  # as `case records --json`
        shown = {"record_id": outcome.record_id, **payload, "links": links}
        print(json_text(shown))
        return 0
    figures = outcome.figures()
    print(
        f"{printable(str(payload['title']))}: {len(payload['points'])} measurement(s); "
        f"{outcome.generated} image(s) generated, {outcome.reused} reused"
    )
    for key, value in _summary_lines(payload.get("summary", {})):
        print(f"  {printable(str(key))}: {printable(str(value))}")
    shown = ", ".join(
        f"{label} #{figures[label]}"
        for label in ("grid", "plot", "data_csv", "data_json")
        if label in figures
    )
    print(
        f"stored in case {printable(str(args.case))} as study record #{outcome.record_id} ({shown})"
    )
    return 0


def _summary_lines(summary: dict[str, Any]) -> list[tuple[str, str]]:
    lines = []
    for key, value in summary.items():
        if key == "near_duplicate":
            for metric, share in value.items():
                lines.append(
                    (
                        f"in the near-duplicate band by {metric}",
                        f"{share['count']} of {share['of']} ({share['fraction']:.0%}; "
                        f"{share['rule']})",
                    )
                )
        else:
            lines.append((key.replace("_", " "), "—" if value is None else str(value)))
    return lines
