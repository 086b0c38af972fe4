"""The pair of images under examination, shared by the Compare and Analysis panels: a Qt-free
model.

Choosing A or B in either panel changes it for both. Running the comparison (app/compare.py, as
`workstation compare` does) gives `report`, which the Analysis table, the difference heat map and
the keypoint view all show; keeping it in the case gives `record_id`.

The model holds the state and its rules — which pair a newly opened case starts with, that a
comparison finishing after the pair changed is dropped, that changing the pair stops a running
one — and emits `events`; gui/pair_state.py turns them into Qt signals and runs the jobs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from workstation.app.clip import ClipChoice
from workstation.app.compare import CompareRequest
from workstation.app.events import Event
from workstation.app.session import Session
from workstation.core.case import Artifact

if TYPE_CHECKING:
    from workstation.analysis.pair import PairReport


class Cancellable(Protocol):
    def cancel(self) -> None: ...


class PairEvents:
    def __init__(self) -> None:
        self.changed = Event()  # A or B is another artifact (the report was cleared)
        self.running_changed = Event()  # (running: bool)
        self.report_ready = Event()  # (report: PairReport)
        self.stored = Event()  # (record_id: int) the comparison was kept in the case


class Pair:
    def __init__(self, session: Session):
        self.session = session
        self.events = PairEvents()
        self.a: Artifact | None = None
        self.b: Artifact | None = None
        self.report: PairReport | None = None
        self.record_id: int | None = None  # the comparison record `report` was kept as
        self.job: Cancellable | None = None  # the comparison running now
        session.events.opened.connect(self._case_opened)

    def _case_opened(self) -> None:
        """A starts as the first disputed image, B as the first reference (else the first
        images of the case)."""
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
            self.events.running_changed.emit(False)
        self.report = None
        self.record_id = None
        self.events.changed.emit()

    @property
    def ready(self) -> bool:
        return self.a is not None and self.b is not None and self.session.case is not None

    @property
    def running(self) -> bool:
        return self.job is not None

    def path(self, artifact: Artifact) -> Path:
        return self.session.object_path(artifact)

    def request(self, prompt: str = "", clip: ClipChoice | None = None) -> CompareRequest | None:
        """The comparison of A with B as `workstation compare A B` would run it on the case's
        stored copies; None until both are chosen."""
        if not self.ready:
            return None
        return CompareRequest(
            image_a=self.path(self.a),
            image_b=self.path(self.b),
            prompt=prompt.strip() or None,
            clip=clip or ClipChoice(),
        )

    # What the front end's jobs report

    def started(self, job: Cancellable) -> None:
        self.job = job
        self.events.running_changed.emit(True)

    def finished(self, job: Cancellable) -> None:
        if self.job is job:
            self.job = None
            self.events.running_changed.emit(False)

    def measured(self, report: PairReport) -> None:
        """A comparison's result: shown unless the pair changed while it ran."""
        if self.a is None or self.b is None:
            return
        if (report.image_a["sha256"], report.image_b["sha256"]) != (self.a.sha256, self.b.sha256):
            return  # finished just before the pair changed
        self.report = report
        self.record_id = None  # a new reading, not yet kept
        self.events.report_ready.emit(report)

    def kept(self, record_id: int) -> None:
        self.record_id = record_id
        self.events.stored.emit(record_id)
