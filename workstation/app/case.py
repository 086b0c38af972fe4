"""CASE: create a case, verify it, and correct it by amendment.

    front end → app.case.create_case → core.case.Case.create (folder, database, first log entry)
    front end → app.case.verify_case → core.verify (one snapshot, every file hashed)
                                     → report.anchor (the chain head a report was made from)
    front end → app.case.amend       → core.case amend_case / amend_artifact / withdraw_record
                                       (amendment records, one transaction)

`workstation case init|verify|amend` and the window (New Case, Verify, Case Properties, Correct
Role or Note, Withdraw) build these requests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from pathlib import Path

from workstation.app.case_writer import CaseWriter
from workstation.app.requests import option
from workstation.core.case import ROLES, Case, CaseInfo, VerifyReport
from workstation.core.errors import InputError
from workstation.core.records import CASE_PROPERTIES

# 1. Creating


@dataclass(frozen=True, kw_only=True)
class CaseInitRequest:
    title: str = option(help="the case's title")
    examiner: str = option(help="name recorded as the actor in the log")
    organisation: str = option("", help="the examiner's organisation")
    case_number: str = option("", help="court case number (案号)")
    court: str = option("", help="court or tribunal")
    parties: str = option("", help="parties to the dispute")
    instructing_party: str = option("", help="who instructed the examiner")
    description: str = option("", help="what the case is about")


def create_case(root: Path, request: CaseInitRequest) -> CaseInfo:
    """A new case in a new or empty folder (nothing is left behind when it fails)."""
    values = {f.name: getattr(request, f.name) for f in fields(request)}
    title, examiner = values.pop("title"), values.pop("examiner")
    with Case.create(root, title, examiner, **values) as case:
        return case.info


# 2. Verifying


def parse_head(text: str) -> tuple[int, str]:
    """'SEQ:HASH' (64 hex digits), as a report prints its chain head."""
    match = re.fullmatch(r"\s*#?(\d+):([0-9a-fA-F]{64})\s*", text)
    if not match:
        raise InputError(f"{text!r} is not a chain head; expected SEQ:HASH (64 hex digits)")
    return int(match[1]), match[2].lower()


@dataclass(frozen=True, kw_only=True)
class VerifyRequest:
    expect_head: tuple[int, str] | None = option(
        None,
        metavar="SEQ:HASH",
        parse=parse_head,
        repeat=False,
        help="a chain head published earlier (a report prints one): the case must still hold it",
    )
    against: Path | None = option(
        None,
        metavar="REPORT.pdf",
        help="a report of this case: the case must still hold the chain head it was made from "
        "(read from the PDF's anchor)",
    )
    record: bool = option(
        False, help="when it passes, add a 'verified' entry to the log (a failure is never written)"
    )


@dataclass(frozen=True)
class Verified:
    report: VerifyReport
    expected: tuple[int, str] | None  # the published head the case was checked against


def verify_case(request: VerifyRequest, writer: CaseWriter) -> Verified:
    """Reads only, unless `record` asks for a 'verified' entry after a pass."""
    if request.expect_head is not None and request.against is not None:
        raise InputError("give --expect-head or --against, not both")
    with writer.open() as case:
        expected = request.expect_head
        if request.against is not None:
            from workstation.report.anchor import expected_head  # pypdf: only when asked

            expected = expected_head(case.info.case_id, request.against)
        return Verified(case.verify(log=request.record, expect_head=expected), expected)


# 3. Amending


def parse_id(text: str) -> int:
    """An artifact or record ID: 3 or #3."""
    value = text.strip().lstrip("#")
    if not value.isdigit():
        raise InputError(f"{text!r} is not an ID (e.g. 3 or #3)")
    return int(value)


def parse_property(text: str) -> tuple[str, str]:
    """'PROPERTY=VALUE' for one of the case's properties."""
    name, sep, value = text.partition("=")
    if not sep or name.strip() not in CASE_PROPERTIES:
        raise InputError(
            f"{text!r}: expected PROPERTY=VALUE with one of {', '.join(CASE_PROPERTIES)}"
        )
    return name.strip(), value


@dataclass(frozen=True, kw_only=True)
class AmendRequest:
    properties: tuple[tuple[str, str], ...] = option(
        (),
        flag="--set",
        parse=parse_property,
        metavar="PROPERTY=VALUE",
        help=f"a case property ({', '.join(CASE_PROPERTIES)})",
    )
    artifact: int | None = option(None, parse=parse_id, metavar="ID", help="artifact to correct")
    role: str | None = option(None, choices=ROLES, help="its correct role (with --artifact)")
    note: str | None = option(None, help="its correct note (with --artifact)")
    withdraw: int | None = option(None, parse=parse_id, metavar="RECORD", help="withdraw a record")
    reason: str = option("", help="why (shown in the report's history)")


def amend(request: AmendRequest, writer: CaseWriter) -> tuple[int, ...]:
    """Every change asked for, as amendment records in one transaction; their ids."""
    corrects = request.role is not None or request.note is not None
    if corrects and request.artifact is None:
        raise InputError("--role and --note correct an artifact: name it with --artifact ID")
    if request.artifact is not None and not corrects:
        raise InputError("--artifact: say what to correct with --role or --note")
    if not request.properties and request.artifact is None and request.withdraw is None:
        raise InputError(
            "nothing to amend: use --set, --artifact with --role/--note, or --withdraw"
        )
    reason = request.reason
    with writer.open() as case, case.transaction():
        made = [case.amend_case(name, value, reason) for name, value in request.properties]
        for name in ("role", "note"):
            if getattr(request, name) is not None:
                made.append(
                    case.amend_artifact(request.artifact, name, getattr(request, name), reason)
                )
        if request.withdraw is not None:
            made.append(case.withdraw_record(request.withdraw, reason))
    return tuple(made)
