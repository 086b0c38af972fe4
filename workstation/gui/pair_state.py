"""The pair of images under examination, shared by the Compare and Analysis panels.

Choosing A or B in either panel changes it for both; running the comparison
(`analysis.pair.compare_images`, the function `workstation compare` calls) fills `report`, which
the Analysis table, the difference heat map and the keypoint view all show.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from workstation.analysis.casefile import store_in_case, write_outputs
from workstation.core.case import Artifact
from workstation.gui.jobs import Job, JobRunner
from workstation.gui.session import CaseSession


class PairState(QObject):
    changed = Signal()  # A or B is another artifact (the report was cleared)
    running_changed = Signal(bool)
    report_ready = Signal(object)  # PairReport
    failed = Signal(str, bool)
    stored = Signal(int)  # record id of the comparison kept in the case

    def __init__(self, session: CaseSession, runner: JobRunner, parent: QObject | None = None):
        super().__init__(parent)
        self.session = session
        self.runner = runner
        self.a: Artifact | None = None
        self.b: Artifact | None = None
        self.report = None
        self.record_id: int | None = None  # the comparison record `report` was kept as
        self.job: Job | None = None
        self.clip_model = ""  # path from the preferences; empty: no CLIP
        session.opened.connect(self._case_opened)

    def _case_opened(self) -> None:
        images = self.session.image_artifacts()
        disputed = [a for a in images if a.role == "disputed"]
        references = [a for a in images if a.role == "reference"]
        first = (disputed + images)[:1]
        second = [a for a in references + images if a not in first][:1]
        self.a = first[0] if first else None
        self.b = second[0] if second else None
        self._reset()

    def set_side(self, side: str, artifact: Artifact | None) -> None:
        if side == "a":
            self.a = artifact
        else:
            self.b = artifact
        self._reset()

    def swap(self) -> None:
        self.a, self.b = self.b, self.a
        self._reset()

    def _reset(self) -> None:
        if self.job is not None:  # its result would describe the old pair
            self.job.cancel()
            self.job = None
            self.running_changed.emit(False)
        self.report = None
        self.record_id = None
        self.changed.emit()

    @property
    def ready(self) -> bool:
        return self.a is not None and self.b is not None and self.session.case is not None

    @property
    def running(self) -> bool:
        return self.job is not None

    def path(self, artifact: Artifact) -> str:
        return str(self.session.case.object_path(artifact.sha256))

    def run(self, prompt: str = "") -> Job | None:
        """Compare A with B on a worker thread; `report_ready` or `failed` follows."""
        if not self.ready or self.running:
            return None
        path_a, path_b = self.path(self.a), self.path(self.b)
        clip_location, prompt = self.clip_model, prompt.strip() or None

        def work(job: Job):
            from workstation.analysis.images import load_image
            from workstation.analysis.pair import compare_images

            clip_model = None
            if clip_location:
                from workstation.analysis.clip import ClipModel

                clip_model = ClipModel.load(clip_location, None)
            return compare_images(load_image(path_a), load_image(path_b), clip_model, prompt)

        job = Job(work, "compare")
        job.signals.succeeded.connect(self._finished)
        job.signals.failed.connect(self.failed)
        job.signals.finished.connect(lambda: self._job_done(job))
        self.job = self.runner.start(job)
        self.running_changed.emit(True)
        return job

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def store(self) -> Job | None:
        """Keep the current report in the case (pictures and record); `stored` follows."""
        if self.report is None or self.session.case is None:
            return None
        report, opener = self.report, self.session.opener()

        def work(job: Job) -> int:
            with tempfile.TemporaryDirectory() as scratch, opener() as case:
                return store_comparison(case, report, Path(scratch))

        job = Job(work, "store comparison", commits=True)
        job.signals.succeeded.connect(self._stored)
        job.signals.failed.connect(self.failed)
        return self.runner.start(job)

    def _stored(self, record_id: int) -> None:
        self.record_id = record_id
        self.stored.emit(record_id)
        self.session.refresh()

    def _finished(self, report) -> None:
        if self.a is None or self.b is None:
            return
        if (report.image_a["sha256"], report.image_b["sha256"]) != (self.a.sha256, self.b.sha256):
            return  # finished just before the pair changed
        self.report = report
        self.record_id = None  # a new reading, not yet kept
        self.report_ready.emit(report)

    def _job_done(self, job: Job) -> None:
        if self.job is job:
            self.job = None
            self.running_changed.emit(False)


def store_comparison(case, report, folder: Path) -> int:
    """Keep a comparison of two case artifacts in the case: pictures and report, one transaction
    (the same record `workstation compare --case` writes)."""
    return store_in_case(case, report, write_outputs(report, folder))
