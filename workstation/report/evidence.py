"""Everything a report shows, read from the case once and checked before a page is laid out.

Every stored file the report embeds is re-hashed here: an artifact whose file is missing or no
longer matches its SHA-256 is *unverified*, and the report refuses it unless asked to mark it.
Which artifacts a record used and made is read from its links and their roles, nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workstation.core.audit import AuditEntry
from workstation.core.canonical import canonical_json, sha256_file, sha256_text
from workstation.core.case import Artifact, Case, CaseInfo, Record, VerifyReport
from workstation.core.errors import InputError
from workstation.core.records import LEGACY_VERSION, Generation, Lab, Link
from workstation.report import payload as pl

OK, MISSING, ALTERED = "ok", "missing", "altered"


@dataclass(frozen=True)
class StoredFile:
    """A file of the object store as found now."""

    sha256: str  # its name: the SHA-256 recorded when it was stored
    path: Path
    state: str  # OK, MISSING or ALTERED
    actual_sha256: str | None = None  # what the file hashes to now, when ALTERED

    @property
    def ok(self) -> bool:
        return self.state == OK


@dataclass
class Evidence:
    info: CaseInfo
    artifacts: list[Artifact]
    records: list[Record]
    audit: list[AuditEntry]
    chain_head: tuple[int, str]
    verification: VerifyReport
    objects_dir: Path
    files: dict[str, StoredFile] = field(default_factory=dict)
    import_entries: dict[int, AuditEntry] = field(default_factory=dict)
    record_entries: dict[int, AuditEntry] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_id = {a.id: a for a in self.artifacts}
        self.by_sha: dict[str, Artifact] = {}
        for artifact in self.artifacts:
            self.by_sha.setdefault(artifact.sha256, artifact)

    # 1. Stored files

    def file(self, sha256: str) -> StoredFile:
        """The stored file named `sha256`, hashed once per report."""
        sha256 = sha256.lower()
        if sha256 not in self.files:
            path = self.objects_dir / sha256[:2] / sha256
            if not path.is_file():
                self.files[sha256] = StoredFile(sha256, path, MISSING)
            else:
                actual = sha256_file(path)
                state = OK if actual == sha256 else ALTERED
                self.files[sha256] = StoredFile(sha256, path, state, actual)
        return self.files[sha256]

    # 2. What is wrong, per artifact and per record

    def artifact_problem(self, artifact: Artifact) -> str | None:
        """None when the artifact checks out; else MISSING, ALTERED or "row" (row ≠ import log)."""
        stored = self.file(artifact.sha256)
        if not stored.ok:
            return stored.state
        entry = self.import_entries.get(artifact.id)
        if entry is None or entry.details != artifact.to_dict():
            return "row"
        return None

    def unverified_artifacts(self) -> list[Artifact]:
        return [a for a in self.artifacts if self.artifact_problem(a)]

    def record_changed(self, record: Record) -> bool:
        entry = self.record_entries.get(record.id)
        logged = entry.details.get("payload_sha256") if entry else None
        digest = sha256_text(canonical_json(record.payload))
        return digest != record.payload_sha256 or logged != record.payload_sha256

    # 3. Which artifacts a record refers to: its links, nothing else

    def record_artifacts(self, record: Record) -> dict[str, Artifact]:
        """label -> artifact, for every artifact the record links to (any role)."""
        found: dict[str, Artifact] = {}
        for link in artifact_links(record):
            artifact = self.by_id.get(link.artifact_id or 0)
            if artifact is None:
                continue
            label = link.label or link.role
            if label in found and found[label].id != artifact.id:
                label = f"{label} ({link.role})"  # two roles under one label: keep both
            found.setdefault(label, artifact)
        return found

    def linked(self, record: Record, *roles: str) -> dict[str, Artifact]:
        """label -> artifact of the record's links with these roles, in link order."""
        found: dict[str, Artifact] = {}
        for link in artifact_links(record):
            artifact = self.by_id.get(link.artifact_id or 0)
            if artifact is not None and (not roles or link.role in roles):
                found.setdefault(link.label, artifact)
        return found

    def study_items(self) -> set[int]:
        """The records a study links as its items (one generation per image it made): the
        study's section shows them, so they get no section of their own."""
        return {
            link.record_id
            for record in self.records
            for link in record.linked("item")
            if link.record_id is not None
        }


def artifact_links(record: Record) -> list[Link]:
    """The record's links to artifacts. A lab record written before links existed named its
    per-size grids only in its points (`artifact_id`): those are read as its figures."""
    links = [link for link in record.links if link.artifact_id is not None]
    body = record.body
    if isinstance(body, Lab) and record.schema_version == LEGACY_VERSION:
        for point in body.points:
            ident = point.get("artifact_id") if isinstance(point, dict) else None
            if isinstance(ident, int) and not isinstance(ident, bool):
                size = point.get("training_images")
                links.append(Link("figure", f"grid n={size}", artifact_id=ident))
    return links


def gather(case: Case) -> Evidence:
    """Read the case and check it, without writing anything to it."""
    entries = case.audit_entries()
    evidence = Evidence(
        info=case.info,
        artifacts=case.artifacts(),
        records=case.records(),
        audit=entries,
        chain_head=case.chain_head(),
        verification=case.verify(log=False),
        objects_dir=case.root / "objects",
    )
    for entry in entries:
        if not isinstance(entry.details, dict):
            continue
        if entry.action == "import":
            evidence.import_entries.setdefault(pl.as_int(entry.details.get("id")), entry)
        elif "record_id" in entry.details:
            evidence.record_entries.setdefault(pl.as_int(entry.details["record_id"]), entry)
    return evidence


def select_exhibits(evidence: Evidence, wanted: list[Any] | None) -> list[Artifact]:
    """The artifacts shown as exhibits, in exhibit order.

    `wanted`: artifact IDs as given by the user (3 or "#3"), in the order to number them; None
    means every artifact except the pictures the workstation derived for a record (difference
    maps, keypoint pictures, kept denoising steps), which are shown inside that record's section,
    and the case's stored reports (listed in the appendix, never exhibits of a later report).
    """
    if wanted is None:
        derived = {a.id for record in evidence.records for a in derived_artifacts(evidence, record)}
        return [a for a in evidence.artifacts if a.id not in derived and a.role != "report"]
    chosen: list[Artifact] = []
    for item in wanted:
        artifact_id = pl.as_int(item)
        if artifact_id is None:
            raise InputError(f"{item!r} is not an artifact ID (IDs are numbers, e.g. 3 or #3)")
        artifact = evidence.by_id.get(artifact_id)
        if artifact is None:
            raise InputError(
                f"the case has no artifact #{artifact_id} "
                "(`workstation case list` shows its artifacts)"
            )
        if artifact not in chosen:
            chosen.append(artifact)
    return chosen


# Roles of what the workstation made for a record, shown in that record's section rather than as
# exhibits. A generation's output is the exception: the image an examiner generated is evidence.
_DERIVED_ROLES = ("output", "step", "figure", "document")


def derived_artifacts(evidence: Evidence, record: Record) -> list[Artifact]:
    roles = _DERIVED_ROLES
    if isinstance(record.body, Generation) or record.kind == "generation":
        roles = tuple(role for role in roles if role != "output")
    found = (
        evidence.by_id.get(k.artifact_id or 0) for k in artifact_links(record) if k.role in roles
    )
    return [artifact for artifact in found if artifact is not None]
