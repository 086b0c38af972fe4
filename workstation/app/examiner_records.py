"""The examiner's own records as both front ends list them: findings (`workstation finding
list`, the Findings panel), and the changes amendments made (Case ▸ Properties, a correction's
history).

Each comes with who recorded it and when. A record does not name its author; the audit entry that
created it does (its actor), so the author is read from the log, where verify vouches for it.
They read from an open `Case` or from the window's session snapshot alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from workstation.app.findings import Target
from workstation.core.audit import AuditEntry
from workstation.core.case import Record
from workstation.core.records import Amendment, Finding


class Readable(Protocol):
    """A case as these functions read it: `core.case.Case` or `app.session.Session`."""

    def records(self, kind: str | None = None) -> list[Record]: ...

    def audit_entries(self) -> list[AuditEntry]: ...


@dataclass(frozen=True)
class Change:
    """One amendment: `field` of the case, an artifact or a record went from previous to value."""

    record_id: int
    created_at: str
    actor: str
    target: str  # "case", "artifact" or "record"
    target_id: int | None  # the artifact or record amended; None for the case
    field: str
    previous: Any
    value: Any
    reason: str


@dataclass(frozen=True)
class FindingRow:
    record_id: int
    status: str
    text: str
    about: Target
    figure: str | None
    created_at: str
    actor: str
    withdrawn: bool
    withdrawal: Change | None  # the amendment that withdrew it
    geometry: dict | None = None  # the shape drawn on the artifact (records.check_geometry)


def authors(session: Readable) -> dict[int, str]:
    """Record id -> the actor of the audit entry that created it."""
    found = {}
    for entry in session.audit_entries():
        if isinstance(entry.details, dict) and isinstance(entry.details.get("record_id"), int):
            found.setdefault(entry.details["record_id"], entry.actor)
    return found


def changes(session: Readable, target: str, target_id: int | None = None) -> list[Change]:
    """The amendments of the case (target "case"), of one artifact or of one record, oldest
    first."""
    actors = authors(session)
    found = []
    for record in session.records("amendment"):
        body = record.body
        if not isinstance(body, Amendment) or body.target != target:
            continue
        amended = next(iter(record.linked("amends")), None)
        amended_id = None if amended is None else amended.artifact_id or amended.record_id
        if target_id is not None and amended_id != target_id:
            continue
        found.append(
            Change(
                record.id,
                record.created_at,
                actors.get(record.id, ""),
                body.target,
                amended_id,
                body.field,
                body.previous,
                body.value,
                body.reason,
            )
        )
    return found


def findings(session: Readable) -> list[FindingRow]:
    """Every finding, oldest first, withdrawn ones included (they stay in the case)."""
    actors = authors(session)
    withdrawals = {c.target_id: c for c in changes(session, "record") if c.field == "withdrawn"}
    rows = []
    for record in session.records("finding"):
        body = record.body
        about = next(iter(record.linked("about")), None)
        if not isinstance(body, Finding) or about is None:
            continue  # a malformed record: verify names it
        rows.append(
            FindingRow(
                record.id,
                body.status,
                body.text,
                Target.of_link(about),
                body.figure,
                record.created_at,
                actors.get(record.id, ""),
                record.withdrawn,
                withdrawals.get(record.id),
                body.geometry,
            )
        )
    return rows
