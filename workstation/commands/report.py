"""`workstation report CASE [--out REPORT.pdf]`: build the PDF evidence report and store it in the
case; `workstation report-verify REPORT.pdf [--case CASE]`: check a report file."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from workstation.app.case_writer import CaseWriter
from workstation.app.report import (
    ReportCheckRequest,
    ReportRequest,
    build_stored_report,
    check_report,
)
from workstation.app.requests import add_arguments, from_arguments
from workstation.commands.case import say_on_stderr
from workstation.commands.terminal import printable


def register(subparsers: argparse._SubParsersAction) -> None:
    _register_report(subparsers)
    _register_verify(subparsers)


def _register_report(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report",
        help="build the PDF evidence report of a case and store it in the case",
        description="Build a PDF report of the case in one of two structures (--style): an "
        "expert report (instructions and scope, materials examined, methodology, results with "
        "the examiner's findings about each, findings, limitations, declaration and signature, "
        "appendices) or an appraisal opinion in the sections of a Chinese judicial appraisal "
        "opinion on electronic data (basic information, case summary, examination process, "
        "analysis, opinion, signature, attachments; SHA-256 and SM3 check values). The "
        "appendices hold the SHA-256 manifest and the audit log. The PDF is stored in the case "
        "(read-only, named by its SHA-256) with a report record linking to it; it carries the "
        "case ID, its report ID and the chain head it was made from. --out exports a copy, "
        "with its SHA-256 in OUT.sha256. A case on read-only media cannot store it: its report "
        "is written to --out only.",
    )
    parser.add_argument("dir", type=Path, metavar="CASE", help="the case folder")
    add_arguments(parser, ReportRequest)
    parser.add_argument("--examiner", help="actor for the log (default: the case's examiner)")
    parser.set_defaults(func=cmd_report)


def _register_verify(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report-verify",
        help="check a report file: its SHA-256, its anchor, and (with --case) its case",
        description="Alone: print the anchor the report carries (case ID, report ID, chain head) "
        "and compare the file with REPORT.pdf.sha256 beside it, if there is one. With --case: "
        "the case must hold a record of this report with the file's SHA-256 and an intact "
        "stored copy, verify, and still hold the chain head the report was made from. Exits 0 "
        "when everything matches, 1 when anything does not, 2 when the input cannot be used.",
    )
    add_arguments(parser, ReportCheckRequest)
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(func=cmd_report_verify)


def cmd_report(args: argparse.Namespace) -> int:
    writer = CaseWriter(args.dir, args.examiner, on_wait=say_on_stderr)
    result = build_stored_report(from_arguments(ReportRequest, args), writer)
    root = writer.root.absolute()
    for warning in result.warnings:
        print(f"warning: {printable(str(warning))}", file=sys.stderr)
    for item in result.unverified:
        print(f"UNVERIFIED (marked red): {printable(str(item))}", file=sys.stderr)
    print(
        f"built report {result.report_id}: {result.pages} pages, {result.exhibits} exhibit(s); "
        f"SHA-256 {result.sha256}; made from chain head {result.anchor.head_text}"
    )
    if result.stored:
        print(
            f"stored in the case as artifact #{result.artifact_id} "
            f"({result.path.relative_to(root)}), report record #{result.record_id}"
        )
    else:
        print(
            f"NOT stored in the case: {root} is read-only (read-only media or no write "
            "permission); the report exists only as the file below"
        )
    if result.export is not None:
        print(f"exported to {result.export} (SHA-256 in {result.export.name}.sha256)")
    else:
        print(
            f"to export a copy: cp {result.path} REPORT.pdf (or build with --out REPORT.pdf); "
            f"`workstation report-verify REPORT.pdf --case {root}` checks a copy"
        )
    return 0


def cmd_report_verify(args: argparse.Namespace) -> int:
    check = check_report(from_arguments(ReportCheckRequest, args))
    if args.json:
        print(json.dumps(check.to_dict(), indent=2, ensure_ascii=False))
        return 0 if check.ok else 1
    anchor = check.anchor
    print(f"report {anchor.report_id} of case {anchor.case_id}")
    print(f"  made from chain head {anchor.head_text}")
    if anchor.created:
        software = " ".join(str(v) for v in list(anchor.software.values())[:2])
        print(f"  built {anchor.created}" + (f" with {software}" if software else ""))
    print(f"  file SHA-256 {check.sha256}")
    for line in check.passed:
        print(f"OK        {line}")
    for problem in check.problems:
        print(f"MISMATCH  {problem}")
    for note in check.notes:
        print(f"note      {note}")
    if check.ok:
        print("OK" if args.case else "OK (the file alone; --case CASE checks it against its case)")
    else:
        print(f"FAILED ({len(check.problems)} problem(s))")
    return 0 if check.ok else 1
