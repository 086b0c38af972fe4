"""One progress event for every long job, and the cancel check that goes with it.

Engine, analysis and report functions report through `Progress` callables (carried by a
`engine.runtime.Runtime`); the CLI prints the events (commands/progress.py), the window's job
adapter (gui/jobs.py) turns them into Qt signals. A job stops by raising `Cancelled` where
`is_cancelled()` says so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ProgressEvent:
    step: int
    total: int  # 0: not known (a message between stages)
    message: str = ""  # a line for people ("item 3/10 (seed 4): generated in 2.1 s")
    preview: Any = None  # an RGB array or PIL image of the work so far, when there is one
    value: float | None = None  # what the step measured, when it measures one (training: loss)


Progress = Callable[[ProgressEvent], None]
CancelCheck = Callable[[], bool]
