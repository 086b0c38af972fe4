"""The Qt face of the A/B pair (app/pair.py): its events as Qt signals, and its two jobs.

The pair's state and rules are the model's; this adapter turns the model's events into signals
and runs the comparison (`app.compare.compare`, as `workstation compare` does) and the keeping
(`app.compare.keep_comparison`, the record `compare --case` writes) on the job runner.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from workstation.app.clip import ClipChoice
from workstation.app.compare import CompareRequest, compare, keep_comparison
from workstation.app.pair import Pair
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

    def request(self, prompt: str = "") -> CompareRequest | None:
        return self.model.request(prompt, self.clip)

    def run(self, prompt: str = "") -> Job | None:
        """Compare A with B on a worker thread; `report_ready` or `failed` follows."""
        request = self.request(prompt)
        if request is None or self.model.running:
            return None
        clips = self.clips
        job = Job(
            lambda job: compare(request, runtime=job.runtime(), clips=clips).report, "compare"
        )
        job.signals.succeeded.connect(self.model.measured)
        job.signals.failed.connect(self.failed)
        job.signals.finished.connect(lambda: self.model.finished(job))
        self.model.started(job)
        return self.runner.start(job)

    def cancel(self) -> None:
        if self.model.job is not None:
            self.model.job.cancel()

    def store(self) -> Job | None:
        """Keep the current report in the case (pictures and record); `stored` follows."""
        report = self.model.report
        if report is None or self.session.case is None:
            return None
        job = Job(
            lambda job: keep_comparison(report, job.writer),
            "store comparison",
            writer=self.session.writer(),
        )
        job.signals.succeeded.connect(self._stored)
        job.signals.failed.connect(self.failed)
        return self.runner.start(job)

    def _stored(self, record_id: int) -> None:
        self.model.kept(record_id)
        self.session.refresh()
