"""`workstation report CASE [--out REPORT.pdf]`: build the PDF evidence report and store it in the
case; `workstation report-verify REPORT.pdf [--case CASE]`: check a report file."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from workstation.core.case import Case
from workstation.report.strings import LANGUAGES


def register(subparsers: argparse._SubParsersAction) -> None:
    _register_report(subparsers)
    _register_verify(subparsers)


def _register_report(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report",
        help="build the PDF evidence report of a case and store it in the case",
        description="Build a PDF report of the case: cover, contents, exhibits, comparisons, "
        "generations, studies, methodology, and an appendix with the SHA-256 manifest and the "
        "audit log. The PDF is stored in the case (read-only, named by its SHA-256) with a "
        "report record linking to it; it carries the case ID, its report ID and the chain head "
        "it was made from. --out exports a copy, with its SHA-256 in OUT.sha256. A case on "
        "read-only media cannot store it: its report is written to --out only.",
    )
    parser.add_argument("dir", type=Path, metavar="CASE", help="the case folder")
    parser.add_argument(
        "--out",
        type=Path,
        metavar="REPORT.pdf",
        help="also export a copy here (needed when the case is read-only)",
    )
    parser.add_argument(
        "--force", action="store_true", help="replace an existing export file (and its .sha256)"
    )
    parser.add_argument(
        "--exhibits",
        nargs="+",
        metavar="ID",
        help="artifact IDs to show as exhibits, in this order (default: every artifact except "
        "pictures derived for a record, which appear in that record's section, and stored reports)",
    )
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default="en",
        help="language of titles and labels (default: en)",
    )
    parser.add_argument("--title", help="report title (default: from the case title)")
    parser.add_argument(
        "--allow-unverified",
        action="store_true",
        help="build even if stored files are missing or altered; they are marked in red",
    )
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
    parser.add_argument("pdf", type=Path, metavar="REPORT.pdf")
    parser.add_argument("--case", type=Path, metavar="CASE", help="the case the report is of")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(func=cmd_report_verify)


def cmd_report(args: argparse.Namespace) -> int:
    from workstation.report import ReportOptions, build_report

    options = ReportOptions(
        out=args.out,
        exhibits=args.exhibits,
        lang=args.lang,
        title=args.title,
        allow_unverified=args.allow_unverified,
        force=args.force,
    )
    with Case.open(args.dir, actor=args.examiner) as case:
        result = build_report(case, options)
        root = case.root
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for item in result.unverified:
        print(f"UNVERIFIED (marked red): {item}", file=sys.stderr)
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
    from workstation.report.anchor import check_against_case, check_report_file

    check = check_report_file(args.pdf)
    if args.case is not None:
        with Case.open(args.case) as case:
            check_against_case(check, case)
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
