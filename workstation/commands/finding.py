"""`workstation finding …`: the examiner's own findings about artifacts, records and figures."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from workstation.commands.case import _printable, open_case
from workstation.core.case import Case
from workstation.core.errors import InputError
from workstation.core.records import FINDING_STATUSES, Finding


def register(subparsers: argparse._SubParsersAction) -> None:
    finding = subparsers.add_parser("finding", help="record and list the examiner's findings")
    actions = finding.add_subparsers(dest="finding_command", metavar="ACTION", required=True)

    add = actions.add_parser(
        "add",
        help="a finding about an artifact, a record or one figure of a record",
        description="ABOUT is an artifact (A3, #3 or 3) or a record (R12; `workstation case "
        "records CASE` lists them). Findings are records: audited, never edited; correct one "
        "by withdrawing it (`case amend --withdraw`) and adding another.",
    )
    add.add_argument("dir", type=Path)
    add.add_argument("--about", required=True, metavar="A3|R12")
    add.add_argument("--status", required=True, choices=FINDING_STATUSES)
    add.add_argument("--text", required=True)
    add.add_argument("--figure", help="a figure of the record (its link label, e.g. plot)")
    add.add_argument("--examiner", help="actor for the log (default: the case's examiner)")
    add.set_defaults(func=cmd_add)

    lst = actions.add_parser("list", help="the case's findings")
    lst.add_argument("dir", type=Path)
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(func=cmd_list)


def parse_about(text: str) -> tuple[int | None, int | None]:
    """'A3', '#3', '3' -> (3, None); 'R12' -> (None, 12)."""
    match = re.fullmatch(r"\s*([AaRr#]?)(\d+)\s*", text)
    if not match:
        raise InputError(f"--about {text!r}: expected an artifact (A3 or #3) or a record (R12)")
    number = int(match[2])
    return (None, number) if match[1] in "Rr" and match[1] else (number, None)


def cmd_add(args: argparse.Namespace) -> int:
    artifact_id, record_id = parse_about(args.about)
    if args.figure and record_id is None:
        raise InputError("--figure names a figure of a record: use --about R<id>")
    with open_case(args.dir, args.examiner) as case:
        made = case.add_finding(args.status, args.text, artifact_id, record_id, args.figure)
    print(f"recorded finding R{made} ({args.status}) about {args.about}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with Case.open(args.dir) as case:
        findings = [r for r in case.records("finding") if isinstance(r.body, Finding)]
    rows = []
    for record in findings:
        [about] = record.linked("about")
        target = f"A{about.artifact_id}" if about.artifact_id else f"R{about.record_id}"
        rows.append(
            {
                "id": record.id,
                "about": target,
                "figure": record.body.figure,
                "status": record.body.status,
                "text": record.body.text,
                "created_at": record.created_at,
                "withdrawn": record.withdrawn,
            }
        )
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    for row in rows:
        figure = f" ({row['figure']})" if row["figure"] else ""
        gone = " [withdrawn]" if row["withdrawn"] else ""
        print(
            f"R{row['id']:<4} {row['status']:<8} {row['about']}{figure}: "
            f"{_printable(row['text'])}{gone}"
        )
    return 0
