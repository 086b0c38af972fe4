"""Progress on stderr, and Ctrl-C as a cancel request, for the commands that run the engine.

The first Ctrl-C only asks: `is_cancelled()` turns True, the engine raises `Cancelled` at its next
check (within one denoising step) and the command cleans up. A second Ctrl-C interrupts at once.
"""

from __future__ import annotations

import signal
import sys
from typing import Any


class CtrlC:
    """`with CtrlC() as ctrl_c: run(..., is_cancelled=ctrl_c.is_cancelled)`"""

    def __init__(self) -> None:
        self._asked = False
        self._previous: Any = None

    def __enter__(self) -> CtrlC:
        self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        signal.signal(signal.SIGINT, self._previous)

    def _handle(self, signum: int, frame: Any) -> None:
        if self._asked:
            raise KeyboardInterrupt
        self._asked = True
        print("\nstopping after the current step (Ctrl-C again to quit at once)", file=sys.stderr)

    def is_cancelled(self) -> bool:
        return self._asked


class StepPrinter:
    """`on_progress(step, total, detail)`: a step counter on a terminal; text details always
    (one line each, so a log shows which items were generated and which reused)."""

    def __init__(self, unit: str = "step") -> None:
        self.unit = unit
        self.tty = sys.stderr.isatty()
        self._counter_shown = False

    def __call__(self, step: int, total: int, detail: Any = None) -> None:
        if isinstance(detail, str):
            self.end_line()
            print(detail, file=sys.stderr, flush=True)
        elif self.tty:
            print(f"\r{self.unit} {step}/{total}", end="", file=sys.stderr, flush=True)
            self._counter_shown = True

    def end_line(self) -> None:
        if self._counter_shown:
            print(file=sys.stderr)
            self._counter_shown = False
