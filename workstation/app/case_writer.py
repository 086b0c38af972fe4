"""`CaseWriter`: what a use case needs to write to a case.

A use case that writes takes one and opens its own connection with `open()`, on the thread it
runs on (a connection belongs to one thread; the case is in WAL mode, so the window's reading
connection sees the commit). The CLI makes one from its arguments; the window's session makes one
for the open case, and a job given a writer is a job that writes (gui/jobs.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from workstation.core.case import Case


@dataclass(frozen=True)
class CaseWriter:
    root: Path
    actor: str | None = None  # who the log names; None: the case's examiner
    # Told once when another program holds the write lock (the CLI prints it on stderr).
    on_wait: Callable[[str], None] | None = field(default=None, compare=False)

    def open(self) -> Case:
        return Case.open(self.root, actor=self.actor, on_wait=self.on_wait)
