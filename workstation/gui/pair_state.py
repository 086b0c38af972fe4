"""The Qt face of the A/B pair (app/pair.py): its events as Qt signals, and its two jobs.

The pair's state and rules are the model's; this adapter turns the model's events into signals
and runs its jobs on the job runner: the comparison (`app.compare.compare` with the session's
writer, as `workstation compare --case` does: measured, then kept by `keep_comparison` with its
pictures, one transaction), and Discard (`app.case.amend` withdrawing the record, as
`workstation case amend --withdraw` does: an amendment in the audit log).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from workstation.app.case import AmendRequest, amend
from workstation.app.clip import ClipChoice
from workstation.app.compare import CompareRequest, compare
from workstation.app.pair import DISCARD_REASON, Pair
from workstation.app.resources import ClipHolder
from workstation.gui.jobs import Job, JobRunner
from workstation.gui.model_adapter import Delegating
from workstation.gui.session import CaseSession


class PairState(Delegating, QObject):
    changed = Signal()  # A or B is another artifact (the report was cleared)
    running_changed = Signal(bool)
    report_ready = Signal(object)  # PairReport
    failed = Signal(str, bool)
    stored = Signal(int)  # record id of the comparison kept in the case
    discarded = Signal(int)  # record id of the comparison withdrawn with Discard

    def __init__(
        self,
        session: CaseSession,
        runner: JobRunner,
        parent: QObject | None = None,
        clips: ClipHolder | None = None,
    ):
        super().__init__(parent)
        self.session = session
        self.runner = runner
        self.clips = clips or ClipHolder()  # the window's: CLIP stays loaded between runs
        self.clip = ClipChoice()  # from the preferences
        self.model = Pair(session.model)
        events = self.model.events
        events.changed.connect(self.changed.emit)
        events.running_changed.connect(self.running_changed.emit)
        events.report_ready.connect(self.report_ready.emit)
        events.stored.connect(self.stored.emit)
        events.discarded.connect(self.discarded.emit)

    def request(self, prompt: str = "") -> CompareRequest | None:
        return self.model.request(prompt, self.clip)

    @property
    def writable(self) -> bool:
        case = self.session.case
        return case is not None and not case.readonly

    def run(self, prompt: str = "") -> Job | None:
        """Compare A with B on a worker thread and keep the comparison in the case when it can be
        written; `report_ready` (then `stored`) or `failed` follows."""
        request = self.request(prompt)
        if request is None or self.model.running:
            return None
        clips = self.clips

        def work(job: Job):
            compared = compare(request, writer=job.writer, runtime=job.runtime(), clips=clips)
            return compared.report, compared.record_id

        # A job with a writer reports what it wrote even when Cancel came too late to stop it.
        job = Job(work, "compare", writer=self.session.writer() if self.writable else None)
        job.signals.succeeded.connect(self._measured)
        job.signals.failed.connect(self.failed)
        job.signals.finished.connect(lambda: self.model.finished(job))
        self.model.started(job)
        return self.runner.start(job)

    def _measured(self, result) -> None:
        report, record_id = result
        if record_id is not None:
            self.session.refresh()  # the record, its pictures and their log entries
        self.model.measured(report, record_id)

    def cancel(self) -> None:
        if self.model.job is not None:
            self.model.job.cancel()

    def discard(self) -> Job | None:
        """Withdraw the shown comparison's record (an amendment, with its reason, in the log);
        `discarded` follows. It stays in the case, greyed, as every withdrawn record does."""
        record_id = self.model.record_id
        if record_id is None or not self.writable:
            return None
        request = AmendRequest(withdraw=record_id, reason=DISCARD_REASON)
        job = Job(
            lambda job: amend(request, job.writer),
            "discard comparison",
            writer=self.session.writer(),
        )
        job.signals.succeeded.connect(lambda made: self._discarded(record_id))
        job.signals.failed.connect(self.failed)
        return self.runner.start(job)

    def _discarded(self, record_id: int) -> None:
        self.session.refresh()
        self.model.discarded(record_id)
