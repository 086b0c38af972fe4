"""`workstation finding …`: the examiner's own findings about artifacts, records and figures."""

from __future__ import annotations

import argparse
from pathlib import Path

from workstation.app.examiner_records import findings
from workstation.app.findings import FindingRequest, add_finding
from workstation.app.requests import add_arguments, from_arguments
from workstation.commands.case import writer
from workstation.commands.terminal import json_text, printable
from workstation.core.case import Case


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
    add_arguments(add, FindingRequest)
    add.add_argument("--examiner", help="actor for the log (default: the case's examiner)")
    add.set_defaults(func=cmd_add)

    lst = actions.add_parser("list", help="the case's findings")
    lst.add_argument("dir", type=Path)
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(func=cmd_list)


def cmd_add(args: argparse.Namespace) -> int:
    request = from_arguments(FindingRequest, args)
    made = add_finding(request, writer(args))
    print(f"recorded finding R{made} ({request.status}) about {request.about.code}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with Case.open(args.dir) as case:
        found = findings(case)  # as the Findings panel lists them
    rows = [
        {
            "id": row.record_id,
            "about": row.about.code,
            "figure": row.figure,
            "status": row.status,
            "text": row.text,
            "created_at": row.created_at,
            "actor": row.actor,
            "withdrawn": row.withdrawn,
            "withdrawn_because": row.withdrawal.reason if row.withdrawal else None,
            "geometry": row.geometry,
        }
        for row in found
    ]
    if args.json:
        print(json_text(rows))
        return 0
    for row in rows:
        figure = f" ({row['figure']})" if row["figure"] else ""
        gone = " [withdrawn]" if row["withdrawn"] else ""
        print(
            f"R{row['id']:<4} {row['status']:<8} {row['about']}{figure}: "
            f"{printable(row['text'])}{gone}  — {printable(row['actor'])}"
        )
    return 0
