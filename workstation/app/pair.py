"""The pair of images under examination, shared by the Compare and Analysis panels: a Qt-free
model.

Choosing A or B in either panel changes it for both. Running the comparison (app/compare.py, as
`workstation compare --case` does) gives `report`, which the Analysis table, the difference heat
map and the keypoint view all show, and the comparison record it was kept as, `record_id`: every
comparison run on a writable case is stored; the examiner withdraws one explicitly (Discard, an
audited amendment), never by forgetting to keep it.

A stored comparison is shown again without measuring anew (`restore`): its numbers are read back
from the record (`stored_report`) and its pictures from the case. A case opens on its newest
comparison that is not withdrawn, so a restart shows what was last measured.

The model holds the state and its rules — which pair a newly opened case starts with, that a
comparison finishing after the pair changed is dropped, that changing the pair stops a running
one — and emits `events`; gui/pair_state.py turns them into Qt signals and runs the jobs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from workstation.app.clip import ClipChoice
from workstation.app.compare import CompareRequest
from workstation.app.events import Event
from workstation.app.session import Session
from workstation.core.case import Artifact, Record

if TYPE_CHECKING:
    from workstation.analysis.pair import PairReport

# The reason a comparison withdrawn with Discard is given (the amendment's, in the log).
DISCARD_REASON = "discarded in the window"


class Cancellable(Protocol):
    def cancel(self) -> None: ...


class PairEvents:
    def __init__(self) -> None:
        self.changed = Event()  # A or B is another artifact (the report was cleared)
        self.running_changed = Event()  # (running: bool)
        self.report_ready = Event()  # (report: PairReport)
        self.stored = Event()  # (record_id: int) the comparison is kept in the case
        self.discarded = Event()  # (record_id: int) its record was withdrawn


class Pair:
    def __init__(self, session: Session):
        self.session = session
        self.events = PairEvents()
        self.a: Artifact | None = None
        self.b: Artifact | None = None
        self.report: PairReport | None = None
        self.record_id: int | None = None  # the comparison record `report` is kept as
        self.discarded_id: int | None = None  # that record, once withdrawn with Discard
        self.restored = False  # `report` was read back from its record, not measured now
        self.job: Cancellable | None = None  # the comparison running now
        session.events.opened.connect(self._case_opened)

    def _case_opened(self) -> None:
        """The newest comparison stored in the case and not withdrawn, shown as stored; in a
        case without one, A starts as the first disputed image and B as the first reference
        (else the first images of the case)."""
        for record in reversed(self.session.records("comparison")):
            if not record.withdrawn and self.restore(record):
                return
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
        self._stop()
        self.report = None
        self.record_id = None
        self.discarded_id = None
        self.restored = False
        self.events.changed.emit()

    def _stop(self) -> None:
        if self.job is not None:  # its result would describe the old pair
            self.job.cancel()
            self.job = None
            self.events.running_changed.emit(False)

    def restore(self, record: Record) -> bool:
        """Show a stored comparison (or a reproduction's) again: its A and B, and its numbers
        and pictures as stored, without measuring anew. False when its images are not in the
        case. A record whose numbers cannot be read back sets the pair, without a report."""
        sides = [_linked(record, label) for label in ("image_a", "image_b")]
        artifacts = [self.session.artifact(i) if i is not None else None for i in sides]
        if None in artifacts:
            return False
        self._stop()
        self.a, self.b = artifacts
        # Set before `changed`: a panel that measures a pair it is shown without numbers sees
        # that this one has them.
        report = stored_report(record, self.session.artifact, self.path)
        shown = (self.a.sha256, self.b.sha256)
        if report is not None and (report.image_a["sha256"], report.image_b["sha256"]) == shown:
            self.report = report  # (numbers about other bytes than its links name are not shown)
        else:
            self.report = None
        self.record_id = record.id if record.kind == "comparison" else None
        self.discarded_id = None
        self.restored = True
        self.events.changed.emit()
        if self.report is not None:
            self.events.report_ready.emit(self.report)
        if self.record_id is not None:
            self.events.stored.emit(self.record_id)
        return True

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

    def measured(self, report: PairReport, record_id: int | None = None) -> None:
        """A comparison's result, and the record it was stored as (None: a case that cannot be
        written): shown unless the pair changed while it ran."""
        if self.a is None or self.b is None:
            return
        if (report.image_a["sha256"], report.image_b["sha256"]) != (self.a.sha256, self.b.sha256):
            return  # finished just before the pair changed (it is stored all the same)
        self.report = report
        self.record_id = None
        self.discarded_id = None
        self.restored = False
        self.events.report_ready.emit(report)
        if record_id is not None:
            self.kept(record_id)

    def kept(self, record_id: int) -> None:
        self.record_id = record_id
        self.events.stored.emit(record_id)

    def discarded(self, record_id: int) -> None:
        """Its record was withdrawn: the reading stays on screen, no longer as a kept record."""
        if self.record_id == record_id:
            self.record_id = None
            self.discarded_id = record_id
        self.events.discarded.emit(record_id)


def _linked(record: Record, label: str) -> int | None:
    """The artifact of a comparison's `image_a`/`image_b` (a reproduction: disputed, then
    regenerated)."""
    if record.kind == "reproduction":
        label = {"image_a": "disputed", "image_b": "regenerated"}[label]
    return next((k.artifact_id for k in record.links if k.label == label), None)


def stored_report(
    record: Record,
    artifact: Callable[[int], Artifact | None],
    path: Callable[[Artifact], Path],
) -> PairReport | None:
    """The PairReport a comparison record (or a reproduction's comparison) keeps, with the
    pictures it stored, as `compare` returned it; None when the record does not hold one this
    version reads (an old or partial payload). What is not stored (the matched points, the
    per-pixel arrays) stays empty: the pictures show them as drawn."""
    import numpy as np
    from PIL import Image

    from workstation.analysis import hashes
    from workstation.analysis.clip_result import ClipModelInfo, ClipResult
    from workstation.analysis.keypoints import KeypointResult
    from workstation.analysis.metrics import Reading
    from workstation.analysis.pair import SCHEMA, PairReport
    from workstation.analysis.structure import StructureResult

    body = record.body
    data = getattr(body, "report", None) if record.kind == "comparison" else None
    if record.kind == "reproduction":
        data = getattr(body, "comparison", None)
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        return None

    def structure(d: dict | None) -> StructureResult | None:
        if d is None:
            return None
        return StructureResult(
            ssim=float("nan") if d["ssim"] is None else d["ssim"],
            size=tuple(d["size"]),
            mean_abs_difference=d["mean_abs_difference"],
            changed_fraction=d["changed_fraction"],
            compared_fraction=d.get("compared_fraction", 1.0),
        )

    try:
        found = [h for h in data["hashes"] if h.get("name") != "crop_resistant"]
        crop = next(h for h in data["hashes"] if h.get("name") == "crop_resistant")
        k, c = data["keypoints"], data["clip"]
        homography = k.get("homography_b_to_a")
        report = PairReport(
            created=data["created"],
            image_a=data["image_a"],
            image_b=data["image_b"],
            normalisation=tuple(data["normalisation"]),
            hashes=tuple(
                hashes.HashDistance(h["name"], h["hex_a"], h["hex_b"], h["bits"], h["distance"])
                for h in found
            ),
            crop_resistant=hashes.CropResistantDistance(
                **{
                    key: crop[key]
                    for key in (
                        "hex_a",
                        "hex_b",
                        "segments_a",
                        "segments_b",
                        "matched_a_in_b",
                        "matched_b_in_a",
                        "score",
                        "bit_error_rate",
                    )
                }
            ),
            structure=structure(data["structure"]),
            keypoints=KeypointResult(
                keypoints_a=k["keypoints_a"],
                keypoints_b=k["keypoints_b"],
                matches=k["matches"],
                inliers=k["inliers"],
                mirrored=k["mirrored"],
                status=k["status"],
                measured=k.get("measured", True),
                homography=tuple(tuple(row) for row in homography) if homography else None,
            ),
            registered_structure=structure(data.get("registered_structure")),
            clip=ClipResult(
                status=c["status"],
                message=c["message"],
                model=ClipModelInfo(**c["model"]) if c.get("model") else None,
                image_similarity=c.get("image_similarity"),
                prompt=c.get("prompt"),
                text_similarity_a=c.get("text_similarity_a"),
                text_similarity_b=c.get("text_similarity_b"),
            ),
            bands=tuple(
                Reading(b["metric"], b["label"], b["value"], b["band"], b["rule"], b["source"])
                for b in data["bands"]
            ),
            versions=data.get("versions", {}),
            timings_ms=data.get("timings_ms", {}),
        )
    except (KeyError, TypeError, ValueError, StopIteration):
        return None
    # The pictures, as the record links them (the label is the picture's name).
    for link in record.linked("figure"):
        stored = artifact(link.artifact_id) if link.artifact_id is not None else None
        if stored is not None and stored.media_type.startswith("image/"):
            with Image.open(path(stored)) as image:
                report.pictures[link.label] = np.asarray(image.convert("RGB"))
    return report
