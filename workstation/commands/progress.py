"""Progress on stderr, and Ctrl-C as a cancel request, for the commands that run the engine.

The first Ctrl-C only asks: `is_cancelled()` turns True, the engine raises `Cancelled` at its next
check (within one denoising step) and the command cleans up. A second Ctrl-C interrupts at once.
`StepPrinter` prints a runtime's `ProgressEvent`s (core/progress.py).
"""

from __future__ import annotations

import signal
import sys
from typing import Any

from workstation.core.progress import ProgressEvent


class CtrlC:
    """`with CtrlC() as ctrl_c: run(..., runtime=Runtime(is_cancelled=ctrl_c.is_cancelled))`"""

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
    """A runtime's `on_progress` on a terminal: every message on a line of its own (so a log
    shows which items were generated and which reused); otherwise a step counter, with the
    step's value (a training loss) when it has one, where stderr is a terminal."""

    def __init__(self, unit: str = "step") -> None:
        self.unit = unit
        self.tty = sys.stderr.isatty()
        self._counter_shown = False

    def __call__(self, event: ProgressEvent) -> None:
        if event.message:
            self.end_line()
            print(event.message, file=sys.stderr, flush=True)
        elif self.tty and event.total:
            value = f"  {event.value:.4f}" if event.value is not None else ""
            counter = f"\r{self.unit} {event.step}/{event.total}{value}"
            print(counter, end="", file=sys.stderr, flush=True)
            self._counter_shown = True

    event = __call__  # the name the first app/ callers used; same printer

    def end_line(self) -> None:
        if self._counter_shown:
            print(file=sys.stderr)
            self._counter_shown = False
