"""`workstation report DIR --out REPORT.pdf`: the PDF evidence report of a case."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workstation.core.case import Case
from workstation.report.strings import LANGUAGES


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report",
        help="write the PDF evidence report of a case",
        description="Write a PDF report of the case: cover, contents, exhibits, comparisons, "
        "generations, studies, methodology, and an appendix with the SHA-256 manifest and the "
        "audit log. The report's SHA-256 is written to OUT.sha256 and recorded in the case.",
    )
    parser.add_argument("dir", type=Path, metavar="DIR", help="the case folder")
    parser.add_argument("--out", type=Path, required=True, metavar="REPORT.pdf")
    parser.add_argument(
        "--exhibits",
        nargs="+",
        metavar="ID",
        help="artifact IDs to show as exhibits, in this order (default: every artifact except "
        "pictures derived for a record, which appear in that record's section)",
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


def cmd_report(args: argparse.Namespace) -> int:
    from workstation.report import ReportOptions, build_report

    options = ReportOptions(
        out=args.out,
        exhibits=args.exhibits,
        lang=args.lang,
        title=args.title,
        allow_unverified=args.allow_unverified,
    )
    with Case.open(args.dir, actor=args.examiner) as case:
        result = build_report(case, options)
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for item in result.unverified:
        print(f"UNVERIFIED (marked red): {item}", file=sys.stderr)
    print(
        f"wrote {result.path}: {result.pages} pages, {result.exhibits} exhibit(s), "
        f"report ID {result.report_id}"
    )
    print(
        f"SHA-256 {result.sha256} (in {result.sha256_path.name}); recorded in the case as "
        f"report record #{result.record_id}"
    )
    return 0
