"""What a finding can be about (app/findings.py `Target`: an artifact or a record, named as the CLI
names them, A3 and R12), as the window lists and labels it.

The same short names appear in the finding dialog's chooser, the Findings table and the CLI's
`finding list`, so an examiner can move between them without translating ids.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from workstation.app.findings import Target
from workstation.core.case import Artifact, Record
from workstation.core.records import Finding
from workstation.gui import labels
from workstation.gui.session import CaseSession

# Records that are themselves the examiner's words: a finding about them would be a second
# finding, not an observation; correct them by withdrawing instead.
NOT_ABOUT = ("finding", "amendment")


def artifact_label(artifact: Artifact) -> str:
    return f"A{artifact.id} {artifact.original_name}"


def record_label(record: Record) -> str:
    """ "R12 comparison — A1 vs A2": id, kind and what it is, in one line."""
    return f"R{record.id} {labels.action(record.kind)} — {record_summary(record)}"


def record_summary(record: Record) -> str:
    body = record.body
    title = getattr(body, "title", None)
    if title:
        return title
    if record.kind == "comparison":
        return " vs ".join(f"A{k.artifact_id}" for k in record.linked("input"))
    prompt = getattr(body, "params", {}).get("prompt")
    if prompt:
        return prompt if len(prompt) <= 60 else prompt[:59] + "…"
    if isinstance(body, Finding):
        return body.text
    linked = sorted({k.label for k in record.links if k.label})
    return ", ".join(linked[:3]) or labels.action(record.kind)


def label(target: Target, session: CaseSession) -> str:
    if target.artifact_id is not None:
        artifact = session.artifact(target.artifact_id)
        return artifact_label(artifact) if artifact else target.code
    record = record_of(target, session)
    return record_label(record) if record else target.code


def record_of(target: Target, session: CaseSession) -> Record | None:
    return next((r for r in session.records() if r.id == target.record_id), None)


def choices(session: CaseSession, keep: Target | None = None) -> list[tuple[str, Target]]:
    """Everything a finding can be about: artifacts, then records. Denoising steps are left out
    (a generation keeps dozens) unless `keep` is one of them."""
    records = session.records()
    steps = {k.artifact_id for r in records for k in r.linked("step")}
    found = [
        (artifact_label(a), Target(artifact_id=a.id))
        for a in session.artifacts()
        if a.id not in steps or Target(artifact_id=a.id) == keep
    ]
    withdrawn = QCoreApplication.translate("Targets", "(withdrawn)")
    for record in records:
        if record.kind in NOT_ABOUT:
            continue
        text = record_label(record) + (f" {withdrawn}" if record.withdrawn else "")
        found.append((text, Target(record_id=record.id)))
    return found


def figures(record: Record) -> list[tuple[str, str]]:
    """(label, link role) of each picture or file the record names, in the record's order: what a
    finding about one figure of it can point at."""
    seen: dict[str, str] = {}
    for link in record.links:
        if link.artifact_id is not None and link.label and link.label not in seen:
            seen[link.label] = link.role
    return list(seen.items())


def figure_artifact(record: Record, figure: str) -> int | None:
    """The artifact a figure label names in this record."""
    return next(
        (k.artifact_id for k in record.links if k.label == figure and k.artifact_id is not None),
        None,
    )
