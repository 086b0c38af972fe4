"""Everything a report shows, read from the case once and checked before a page is laid out.

Every stored file the report embeds is re-hashed here: an artifact whose file is missing or no
longer matches its SHA-256 is *unverified*, and the report refuses it unless asked to mark it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workstation.core.audit import AuditEntry
from workstation.core.canonical import canonical_json, sha256_file, sha256_text
from workstation.core.case import Artifact, Case, CaseInfo, Record, VerifyReport
from workstation.core.errors import InputError
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

    # 3. Which artifacts a record refers to

    def record_artifacts(self, record: Record) -> dict[str, Artifact]:
        """label -> artifact, from the payload's "artifacts" map and any artifact SHA-256 in it."""
        found: dict[str, Artifact] = {}
        for label, value in pl.walk(record.payload.get("artifacts")):
            if not _names_artifact(label):
                continue  # e.g. steps[3].step: a step number, not an artifact ID
            values = value if isinstance(value, list) else [value]
            for index, item in enumerate(values):
                artifact = self.by_id.get(pl.as_int(item))
                if artifact:
                    found[f"{label}[{index}]" if len(values) > 1 else label] = artifact
        for label, value in pl.walk(record.payload):
            if label.endswith("artifact_id") and self.by_id.get(pl.as_int(value)):
                found.setdefault(label, self.by_id[pl.as_int(value)])
            elif pl.is_sha256(value) and value.lower() in self.by_sha:
                found.setdefault(label, self.by_sha[value.lower()])
        return found


def _names_artifact(label: str) -> bool:
    """In an "artifacts" map, which leaves hold artifact IDs: `difference_map: 46`,
    `exhibits: [1, 2]`, `output.id: 5`, `steps[0].id: 6`, `steps.3: 9` (keyed by step) — but
    not a described item's other fields, such as `steps[0].step: 1`."""
    if "." not in label:
        return True
    leaf = label.rsplit(".", 1)[1].split("[", 1)[0]
    return leaf == "id" or leaf.endswith("_id") or leaf.isdigit()


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


# Labels under which a record refers to pictures it produced rather than to evidence.
_DERIVED_WORDS = ("difference", "keypoint", "match", "step", "trajectory", "preview")


# A study's images, plots and tables are all its own products, except what it measured against;
# a reproduction's regenerated image and pictures are, the image it reproduced is not.
_STUDY_INPUTS = ("reference", "source")
_REPRODUCTION_WORDS = (*_DERIVED_WORDS, "regenerated")


def derived_artifacts(evidence: Evidence, record: Record) -> list[Artifact]:
    labels = evidence.record_artifacts(record).items()
    if record.kind in ("study", "sweep"):
        inputs = {a.id for label, a in labels if label.split(".")[-1] in _STUDY_INPUTS}
        return [a for _, a in labels if a.id not in inputs]
    words = {
        "comparison": _DERIVED_WORDS,
        "generation": _DERIVED_WORDS,
        "reproduction": _REPRODUCTION_WORDS,
    }.get(record.kind)
    if words is None:
        return []
    return [artifact for label, artifact in labels if any(w in label.lower() for w in words)]
