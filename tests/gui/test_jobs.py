"""How a job ends when Cancel comes too late: a case write that finished says so."""

from __future__ import annotations

import pytest

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


@pytest.mark.parametrize(("commits", "expected"), [(True, "succeeded 7"), (False, "cancelled")])
def test_a_late_cancel_is_success_only_for_a_job_that_wrote(commits: bool, expected: str) -> None:
    assert ended(Job(late_cancel, "late", commits=commits)) == [expected]


def test_a_job_that_stops_is_cancelled_even_when_it_writes() -> None:
    def stops(job: Job) -> None:
        raise Cancelled("stopped before writing")

    assert ended(Job(stops, "stops", commits=True)) == ["cancelled"]
