"""`workstation generate`: txt2img or img2img on a local model, written to a file, kept in a case,
or both (app/generate.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workstation.app.case_writer import CaseWriter
from workstation.app.generate import KEEP_ALL, GenerateRequest
from workstation.app.requests import add_arguments, from_arguments
from workstation.commands.terminal import json_text, printable


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "generate",
        help="generate an image on a local model (txt2img, or img2img with --init)",
        description="Generate an image offline. The same arguments on the same device give the "
        "same image, bit for bit. Width and height default to the model's native size. Give "
        "--out, --case or both.",
    )
    add_arguments(parser, GenerateRequest)
    parser.add_argument("--case", type=Path, help="store inputs, output, steps and record here")
    parser.add_argument("--json", action="store_true", help="print the generation record")
    parser.set_defaults(func=cmd_generate)


def request_of(args: argparse.Namespace) -> GenerateRequest:
    # --steps-dir alone keeps every step, as it always did.
    keep = args.keep_steps or (KEEP_ALL if args.steps_dir else None)
    return from_arguments(GenerateRequest, args, **({"keep_steps": keep} if keep else {}))


def cmd_generate(args: argparse.Namespace) -> int:
    from workstation.app.generate import generate
    from workstation.engine.runtime import Runtime

    writer = CaseWriter(args.case) if args.case else None
    done = generate(request_of(args), writer=writer, runtime=Runtime(on_progress=_progress))
    if sys.stderr.isatty():
        print(file=sys.stderr)
    if done.record_id is not None:
        print(f"stored in case {printable(str(args.case))} as generation record #{done.record_id}")
    record = done.record
    if args.json:
        print(json_text(record))
        return 0
    params = record["params"]
    print(
        f"{printable(str(done.out or 'image'))}  {record['mode']} "
        f"{params['width']}x{params['height']} seed {params['seed']}, {record['steps_run']} steps, "
        f"{record['environment']['device']}/"
        f"{record['environment']['dtype']}, {record['seconds']:.1f} s"
    )
    if args.steps_dir:
        print(f"steps written to {printable(str(args.steps_dir))}")
    return 0


def _progress(event) -> None:
    if sys.stderr.isatty():
        print(f"\rstep {event.step}/{event.total}", end="", file=sys.stderr, flush=True)
