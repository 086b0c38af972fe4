"""The open case, shared by every panel of the window: a Qt-free model.

The session keeps one connection for reading and a snapshot of what it read (artifacts, records,
audit log). Work that writes (import, verify --record, generate, report) runs in a job with the
session's `writer()`, which opens its own connection on the job's thread; the case is in WAL
mode, so both see each other's commits. When a job has written, `refresh()` re-reads the snapshot
once and `events.changed` tells the panels.

A case only ever grows (artifacts, records and log entries are immutable), so panels can add the
new rows at the end of what they show instead of rebuilding their views (`appended`).

gui/session.py turns `events` into Qt signals and nothing else (napari's model/Qt split).
"""

from __future__ import annotations

from pathlib import Path

from workstation.app.case import CaseInitRequest, create_case
from workstation.app.case_writer import CaseWriter
from workstation.app.events import Event
from workstation.core.audit import AuditEntry
from workstation.core.case import Artifact, Case, Record


class SessionEvents:
    def __init__(self) -> None:
        self.opened = Event()  # another case (or none) is now open
        self.changed = Event()  # the open case has new artifacts, records or log entries


class Session:
    def __init__(self) -> None:
        self.events = SessionEvents()
        self.case: Case | None = None
        self.actor = ""  # the examiner name from the preferences; empty: the case's examiner
        self._artifacts: list[Artifact] = []
        self._records: list[Record] = []
        self._audit: list[AuditEntry] = []

    @property
    def root(self) -> Path | None:
        return self.case.root if self.case else None

    def open(self, root: str | Path) -> Case:
        """Open `root` (raises WorkstationError when it is not a usable case)."""
        case = Case.open(root, actor=self.actor or None)
        self.close(emit=False)
        self.case = case
        self._read()
        self.events.opened.emit()
        return case

    def create(self, root: Path, request: CaseInitRequest) -> Case:
        create_case(root, request)
        return self.open(root)

    def close(self, emit: bool = True) -> None:
        if self.case is not None:
            self.case.close()
            self.case = None
            self._read()
            if emit:
                self.events.opened.emit()

    def refresh(self) -> None:
        """Re-read the case after a job wrote to it, and tell the panels."""
        if self.case is not None:
            self._read()
            self.events.changed.emit()

    def _read(self) -> None:
        case = self.case
        self._artifacts = case.artifacts() if case else []
        self._records = case.records() if case else []
        self._audit = case.audit_entries() if case else []

    def writer(self) -> CaseWriter:
        """What a job needs to write to this case (it opens its own connection with it)."""
        assert self.case is not None, "no case is open"
        return CaseWriter(self.case.root, self.actor or None)

    # The snapshot

    def artifacts(self) -> list[Artifact]:
        return list(self._artifacts)

    def image_artifacts(self) -> list[Artifact]:
        return [a for a in self._artifacts if a.media_type.startswith("image/")]

    def artifact(self, artifact_id: int) -> Artifact | None:
        return next((a for a in self._artifacts if a.id == artifact_id), None)

    def object_path(self, artifact: Artifact) -> Path:
        """Where the case keeps the artifact's bytes (read-only, named by its SHA-256)."""
        assert self.case is not None, "no case is open"
        return self.case.object_path(artifact.sha256)

    def records(self, kind: str | None = None) -> list[Record]:
        """The records of one kind as typed: "lab" includes labs stored as studies before they
        had their own kind, and "study" leaves them out."""
        return [r for r in self._records if kind is None or kind_of(r) == kind]

    def audit_entries(self) -> list[AuditEntry]:
        return list(self._audit)

    def step_artifact_ids(self) -> set[int]:
        """Artifacts that are pictures of denoising steps: linked as "step" by a record."""
        return {
            link.artifact_id
            for record in self._records
            for link in record.linked("step")
            if link.artifact_id is not None
        }


def kind_of(record: Record) -> str:
    """The record's kind as its schema reads it (an old lab was stored as a "study")."""
    return record.body.KIND if record.body is not None else record.kind


def appended(shown: list, current: list) -> list | None:
    """The items of `current` after those already `shown`, or None when `shown` is not a prefix
    of `current` (another case was opened: rebuild)."""
    if len(current) < len(shown) or current[: len(shown)] != shown:
        return None
    return current[len(shown) :]
