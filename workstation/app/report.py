"""REPORT: build the PDF evidence report, store it in the case, export copies, check a copy.

    front end → app.report.build_stored_report → report.build.build_report (re-hash the evidence,
                lay out, anchor; the PDF and its `report` record in one transaction; export)
    front end → app.report.export_stored       → report.build.export_copy (hashed while copied)
    front end → app.report.check_report        → report.anchor (the file, its anchor, its case)

`workstation report` / `report-verify` and the Report panel build these requests. An export goes
only into a folder that exists and replaces a file only when `force` says so, whoever asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from workstation.app.case import parse_id
from workstation.app.case_writer import CaseWriter
from workstation.app.requests import option
from workstation.core.case import Case
from workstation.engine.runtime import Runtime
from workstation.report.options import STYLES, ReportOptions
from workstation.report.strings import LANGUAGES

if TYPE_CHECKING:
    from workstation.report.anchor import ReportCheck
    from workstation.report.build import ReportResult

_DEFAULTS = ReportOptions()


@dataclass(frozen=True, kw_only=True)
class ReportRequest:
    out: Path | None = option(
        _DEFAULTS.out,
        metavar="REPORT.pdf",
        help="also export a copy here (needed when the case is read-only)",
    )
    force: bool = option(_DEFAULTS.force, help="replace an existing export file (and its .sha256)")
    exhibits: tuple[int, ...] = option(
        (),
        parse=parse_id,
        items_after=True,
        metavar="ID",
        help="artifact IDs to show as exhibits, in this order (default: every artifact except "
        "pictures derived for a record, which appear in that record's section, and stored "
        "reports)",
    )
    lang: str = option(_DEFAULTS.lang, choices=LANGUAGES, help="language of titles and labels")
    style: str = option(
        _DEFAULTS.style,
        choices=STYLES,
        help="structure: an expert report (instructions, materials, methods, results, findings, "
        "limitations, declaration and signature) or an appraisal opinion (the sections of a "
        "Chinese 司法鉴定意见书: basic information, case summary, examination, analysis, opinion)",
    )
    title: str | None = option(_DEFAULTS.title, help="report title (default: from the case title)")
    allow_unverified: bool = option(
        _DEFAULTS.allow_unverified,
        help="build even if stored files are missing or altered; they are marked in red",
    )

    def options(self) -> ReportOptions:
        return ReportOptions(
            out=self.out,
            exhibits=self.exhibits or None,
            lang=self.lang,
            style=self.style,
            title=self.title,
            allow_unverified=self.allow_unverified,
            force=self.force,
        )


def build_stored_report(
    request: ReportRequest, writer: CaseWriter, *, runtime: Runtime | None = None
) -> ReportResult:
    """Build the report and store it in the case (a read-only case: export it only)."""
    from workstation.report.build import build_report  # reportlab: only when a report is built

    with writer.open() as case:
        return build_report(case, request.options(), runtime=runtime)


def export_stored(stored: Path, sha256: str, out: Path, *, force: bool = False) -> Path:
    """Copy a report stored in the case to `out`, checking it against its recorded SHA-256;
    returns the `out.sha256` written beside it."""
    from workstation.report.build import export_copy

    return export_copy(stored, out, sha256, force)


@dataclass(frozen=True, kw_only=True)
class ReportCheckRequest:
    pdf: Path = option(positional=True, metavar="REPORT.pdf", help="the report file")
    case: Path | None = option(None, metavar="CASE", help="the case the report is of")


def check_report(request: ReportCheckRequest) -> ReportCheck:
    """The file against its .sha256 and its anchor; with a case, against the case too."""
    from workstation.report.anchor import check_against_case, check_report_file

    check = check_report_file(request.pdf)
    if request.case is not None:
        with Case.open(request.case) as case:
            check_against_case(check, case)
    return check
