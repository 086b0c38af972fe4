"""Run state, explicit: threads, determinism, device and dtype, progress and cancel.

Every engine and analysis entry point that computes takes a `Runtime` and runs inside
`runtime.applied()`, which sets torch's state for the run and restores it afterwards, so one
job never changes what the next one records. The thread count is chosen by `thread_policy()`
unless given, and every record that depends on it states the count used.

Why a policy: torch's default uses every core, and intra-op threads that outnumber the free cores
stall at every barrier — on a 2-core machine with two other busy processes, a 20-step generation
took 12.4 s with 2 threads and 0.2 s with 1. The policy counts the cores that are free now.
`WORKSTATION_THREADS=N` fixes the count instead (a shared server, a reproducible test run).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any, Literal

from workstation.core.errors import Cancelled, InputError
from workstation.core.progress import CancelCheck, Progress, ProgressEvent

THREADS_ENV = "WORKSTATION_THREADS"
LegacyForm = Literal["detail", "value", "message"]


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


def _fixed_threads() -> int | None:
    """The count `WORKSTATION_THREADS` asks for, if it is set."""
    text = os.environ.get(THREADS_ENV, "").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) < 1:
        raise InputError(f"{THREADS_ENV}={text!r}: give a whole number of threads, at least 1")
    return int(text)


def thread_policy(samples: int = 5, interval_s: float = 0.01) -> int:
    """CPU threads for a job starting now: the cores not busy with other work (at least 1).

    Busy = runnable processes other than this one, the most seen over a few samples, so a
    short lull does not hand out every core; without /proc, the 1-minute load average.
    `WORKSTATION_THREADS` overrides it."""
    fixed = _fixed_threads()
    if fixed is not None:
        return fixed
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
    deterministic: bool = False  # torch.use_deterministic_algorithms (and cuDNN's) for the run
    on_progress: Progress | None = None
    is_cancelled: CancelCheck | None = None

    @classmethod
    def from_callbacks(
        cls,
        runtime: Runtime | None,
        on_progress: Callable[..., Any] | None = None,
        is_cancelled: CancelCheck | None = None,
        *,
        form: LegacyForm = "detail",
        default: Runtime | None = None,
    ) -> Runtime:
        """The runtime of an entry point that still takes the legacy keyword callables.

        Transition only, while callers move to `runtime=`: a legacy `on_progress` is called in
        its old `form` — "detail": `(step, total, preview or message or None)`; "value":
        `(step, total, value)` (training's loss); "message": `(message)` (the lab's lines).
        `default` is the runtime used when none is given."""
        base = runtime or default or cls()
        if on_progress is not None:
            if base.on_progress is not None:
                raise TypeError("progress given twice: in the runtime and as on_progress")
            base = replace(base, on_progress=_legacy_progress(on_progress, form))
        if is_cancelled is not None:
            if base.is_cancelled is not None:
                raise TypeError("cancel given twice: in the runtime and as is_cancelled")
            base = replace(base, is_cancelled=is_cancelled)
        return base

    def with_threads(self, threads: int | None) -> Runtime:
        return replace(self, threads=threads)

    def report(
        self,
        step: int,
        total: int,
        message: str = "",
        preview: object = None,
        value: float | None = None,
    ) -> None:
        if self.on_progress is not None:
            self.on_progress(ProgressEvent(step, total, message, preview, value))

    def say(self, message: str) -> None:
        """A line between stages (no step count)."""
        self.report(0, 0, message)

    def cancelled(self) -> bool:
        return self.is_cancelled is not None and self.is_cancelled()

    def check_cancelled(self, what: str = "job") -> None:
        if self.cancelled():
            raise Cancelled(f"{what} cancelled")

    @contextlib.contextmanager
    def applied(self) -> Iterator[Runtime]:
        """Set torch's threads and determinism for the run; restore them on exit, whatever
        happens. Yields the runtime with `threads` resolved (what records must state)."""
        import torch

        threads = self.threads or thread_policy()
        cudnn = torch.backends.cudnn
        previous = (
            torch.get_num_threads(),
            torch.are_deterministic_algorithms_enabled(),
            torch.is_deterministic_algorithms_warn_only_enabled(),
            cudnn.deterministic,
            cudnn.benchmark,
        )
        torch.set_num_threads(threads)
        torch.use_deterministic_algorithms(self.deterministic, warn_only=True)
        if self.deterministic:
            cudnn.deterministic, cudnn.benchmark = True, False
        try:
            yield replace(self, threads=threads)
        finally:
            torch.set_num_threads(previous[0])
            torch.use_deterministic_algorithms(previous[1], warn_only=previous[2])
            cudnn.deterministic, cudnn.benchmark = previous[3], previous[4]


def _legacy_progress(callback: Callable[..., Any], form: LegacyForm) -> Progress:
    """A `Progress` that calls a legacy callback in its old form (see `from_callbacks`)."""

    def detail(event: ProgressEvent) -> None:
        shown = event.preview if event.preview is not None else (event.message or None)
        callback(event.step, event.total, shown)

    def value(event: ProgressEvent) -> None:
        if event.value is not None:  # training's loss; its stage messages had no old form
            callback(event.step, event.total, event.value)

    def message(event: ProgressEvent) -> None:
        if event.message:
            callback(event.message)

    return {"detail": detail, "value": value, "message": message}[form]
