"""What every `workstation exam …` sub-command does around its use case: progress on stderr,
Ctrl-C to stop, the result as JSON or as the method's own lines, and where it was stored."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from workstation.app.case_writer import CaseWriter
from workstation.commands.progress import CtrlC, StepPrinter
from workstation.commands.terminal import json_text, printable
from workstation.engine.runtime import Runtime


def run_exam(
    args: argparse.Namespace,
    request: Any,
    use: Callable[..., Any],
    lines: Callable[[dict], list[str]],
    unit: str,
) -> int:
    """Run `use(request, writer, runtime)`; print `lines(result)` (or the JSON) and the record.
    A command with `--executor` (commands/study.add_executor_arguments) passes its executor."""
    extra = {}
    if getattr(args, "executor", None) is not None:
        from workstation.app.exam import executor_named

        extra["executor"] = executor_named(args.executor, args.ray_address)
    writer = CaseWriter(args.case) if args.case else None
    printer = StepPrinter(unit)
    with CtrlC() as ctrl_c:
        runtime = Runtime(deterministic=True, on_progress=printer, is_cancelled=ctrl_c.is_cancelled)
        done = use(request, writer, runtime, **extra)
    printer.end_line()
    if args.json:
        print(json_text(done.result))
    else:
        print("\n".join(printable(line) for line in lines(done.result)))
    if done.record_id is not None:
        print(f"stored in case {printable(str(args.case))} as exam record #{done.record_id}")
    return 0
