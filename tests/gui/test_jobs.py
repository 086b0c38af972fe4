"""How a job ends when Cancel comes too late: a case write that finished says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from workstation.app.case_writer import CaseWriter
from workstation.core.errors import Cancelled
from workstation.gui.jobs import Job


def ended(job: Job) -> list[str]:
    seen: list[str] = []
    job.signals.succeeded.connect(lambda result: seen.append(f"succeeded {result}"))
    job.signals.cancelled.connect(lambda: seen.append("cancelled"))
    job.signals.failed.connect(lambda message, bug: seen.append(f"failed {message}"))
    job.run()  # on this thread: the signals arrive before run() returns
    return seen


def late_cancel(job: Job) -> int:
    job.cancel()  # Cancel pressed after the last check: the work still completes
    return 7


# A job given a case writer is a job that writes (there is no other way to say so).
WRITER = CaseWriter(Path("case"))


@pytest.mark.parametrize(("writer", "expected"), [(WRITER, "succeeded 7"), (None, "cancelled")])
def test_a_late_cancel_is_success_only_for_a_job_that_wrote(writer, expected: str) -> None:
    job = Job(late_cancel, "late", writer=writer)
    assert job.commits == (writer is not None)
    assert ended(job) == [expected]


def test_a_job_that_stops_is_cancelled_even_when_it_writes() -> None:
    def stops(job: Job) -> None:
        raise Cancelled("stopped before writing")

    assert ended(Job(stops, "stops", writer=WRITER)) == ["cancelled"]


def test_progress_events_reach_the_jobs_signals(qtbot) -> None:
    """`job.runtime()` is the one adapter: each event arrives as `progress` with its
    preview as a QImage; Cancel reaches the runtime."""
    import numpy as np
    from PySide6.QtGui import QImage

    from workstation.core.progress import ProgressEvent

    events: list[ProgressEvent] = []

    def work(job: Job) -> int:
        runtime = job.runtime()
        runtime.report(1, 4, preview=np.zeros((8, 8, 3), np.uint8))
        runtime.report(2, 4, "item 1/2: generated")
        job.cancel()
        assert runtime.cancelled()
        return 7

    job = Job(work, "events", writer=WRITER)
    job.signals.progress.connect(events.append)
    assert ended(job) == ["succeeded 7"]
    assert [(e.step, e.total, e.message) for e in events] == [
        (1, 4, ""),
        (2, 4, "item 1/2: generated"),
    ]
    assert isinstance(events[0].preview, QImage) and events[0].preview.width() == 8
