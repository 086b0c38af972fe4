"""Run state, explicit: threads, determinism, device and dtype, progress and cancel.

Every engine and analysis entry point that computes takes a `Runtime` and runs inside
`runtime.applied()`, which sets torch's state for the run and restores it afterwards, so one
job never changes what the next one records. The thread count is chosen by `thread_policy()`
unless given, and every record that depends on it states the count used.

Why a policy: torch's default uses every core, and intra-op threads that outnumber the free cores
stall at every barrier — on a 2-core machine with two other busy processes, a 20-step generation
took 12.4 s with 2 threads and 0.2 s with 1. The policy counts the cores that are free now.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace

from workstation.core.errors import Cancelled
from workstation.core.progress import CancelCheck, Progress, ProgressEvent


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def _running_now() -> int | None:
    """Processes runnable right now on this machine (ours included), where the OS says."""
    try:
        with open("/proc/stat", encoding="ascii") as stream:
            for line in stream:
                if line.startswith("procs_running"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def thread_policy(samples: int = 5, interval_s: float = 0.01) -> int:
    """CPU threads for a job starting now: the cores not busy with other work (at least 1).

    Busy = runnable processes other than this one, the most seen over a few samples, so a
    short lull does not hand out every core; without /proc, the 1-minute load average."""
    cores = usable_cores()
    seen = []
    for index in range(samples):
        running = _running_now()
        if running is None:
            break
        seen.append(max(0, running - 1))
        if index + 1 < samples:
            time.sleep(interval_s)
    if seen:
        busy = max(seen)
    elif hasattr(os, "getloadavg"):
        busy = round(os.getloadavg()[0])
    else:
        busy = 0
    return max(1, min(cores, cores - busy))


@dataclass(frozen=True)
class Runtime:
    """How a job runs (not what it computes: that is its request)."""

    device: str = "auto"  # "auto", "cpu", "cuda", "mps"
    dtype: str = "auto"
    threads: int | None = None  # CPU threads; None: `thread_policy()` when the job starts
    deterministic: bool = False  # torch.use_deterministic_algorithms for the run
    on_progress: Progress | None = None
    is_cancelled: CancelCheck | None = None

    def with_threads(self, threads: int | None) -> Runtime:
        return replace(self, threads=threads)

    def report(self, step: int, total: int, message: str = "", preview: object = None) -> None:
        if self.on_progress is not None:
            self.on_progress(ProgressEvent(step, total, message, preview))

    def check_cancelled(self, what: str = "job") -> None:
        if self.is_cancelled is not None and self.is_cancelled():
            raise Cancelled(f"{what} cancelled")

    @contextlib.contextmanager
    def applied(self) -> Iterator[Runtime]:
        """Set torch's threads and determinism for the run; restore both on exit, whatever
        happens. Yields the runtime with `threads` resolved (what records must state)."""
        import torch

        threads = self.threads or thread_policy()
        previous = (torch.get_num_threads(), torch.are_deterministic_algorithms_enabled())
        torch.set_num_threads(threads)
        torch.use_deterministic_algorithms(self.deterministic, warn_only=True)
        try:
            yield replace(self, threads=threads)
        finally:
            torch.set_num_threads(previous[0])
            torch.use_deterministic_algorithms(previous[1], warn_only=True)
