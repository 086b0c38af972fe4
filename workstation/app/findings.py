"""FINDINGS: the examiner's own words about an artifact, a record, or one figure of a record.

    front end → app.findings.add_finding → core.case.Case.add_finding (a `finding` record linked
                "about" its target, audited)

A finding is never edited: it is withdrawn by an amendment (app/case.py) and another is added.
Targets are named as the CLI and the window both show them: A3 (artifact), R12 (record).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from workstation.app.case_writer import CaseWriter
from workstation.app.requests import option
from workstation.core.errors import InputError
from workstation.core.records import FINDING_STATUSES, Link, RecordError, check_geometry


@dataclass(frozen=True)
class Target:
    """What a finding is about: an artifact or a record."""

    artifact_id: int | None = None
    record_id: int | None = None

    @property
    def code(self) -> str:
        return f"A{self.artifact_id}" if self.artifact_id is not None else f"R{self.record_id}"

    @classmethod
    def of_link(cls, link: Link) -> Target:
        return cls(link.artifact_id, link.record_id)

    @classmethod
    def parse(cls, text: str) -> Target:
        """'A3', '#3', '3' -> artifact 3; 'R12' -> record 12."""
        match = re.fullmatch(r"\s*([AaRr#]?)(\d+)\s*", text)
        if not match:
            raise InputError(f"{text!r}: expected an artifact (A3 or #3) or a record (R12)")
        number = int(match[2])
        return cls(record_id=number) if match[1] in ("R", "r") else cls(artifact_id=number)


def parse_geometry(text: str) -> dict:
    """`--geometry JSON`: a shape drawn on the artifact, in its pixels, e.g.
    {"shape": "box", "points": [[120, 80], [184, 120]], "image": {"width": 512, "height": 512}}."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise InputError("--geometry takes a JSON object (shape, points, image)") from None
    try:
        check_geometry(value)
    except RecordError as error:
        raise InputError(str(error)) from None
    return value


@dataclass(frozen=True, kw_only=True)
class FindingRequest:
    about: Target = option(
        parse=Target.parse,
        metavar="A3|R12",
        help="an artifact (A3, #3 or 3) or a record (R12)",
    )
    status: str = option(choices=FINDING_STATUSES, help="how the examiner marks it")
    text: str = option(help="the finding, in the examiner's words")
    figure: str | None = option(None, help="a figure of the record (its link label, e.g. plot)")
    geometry: dict | None = option(
        None,
        parse=parse_geometry,
        metavar="JSON",
        help='a shape drawn on the artifact, in its pixels: {"shape": arrow|box|callout|distance|'
        'angle|region, "points": [[x, y], ...], "text": …, "image": {"width": W, "height": H}}',
    )


def add_finding(request: FindingRequest, writer: CaseWriter) -> int:
    """The new finding's record id."""
    about = request.about
    if request.figure and about.record_id is None:
        raise InputError("a figure belongs to a record: name the record (R<id>), not an artifact")
    with writer.open() as case:
        return case.add_finding(
            request.status,
            request.text,
            about.artifact_id,
            about.record_id,
            request.figure,
            request.geometry,
        )
