"""`workstation case …`: create a case, import evidence, list it, verify it, read its log."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from workstation.core.case import ROLES, Case


def register(subparsers: argparse._SubParsersAction) -> None:
    case = subparsers.add_parser("case", help="create, import into, list and verify a case")
    actions = case.add_subparsers(dest="case_command", metavar="ACTION", required=True)

    init = actions.add_parser("init", help="create a new case folder")
    init.add_argument("dir", type=Path)
    init.add_argument("--title", required=True)
    init.add_argument("--examiner", required=True, help="name recorded as the actor in the log")
    init.add_argument("--organisation", default="")
    init.set_defaults(func=cmd_init)

    imp = actions.add_parser("import", help="copy files into the case (originals untouched)")
    imp.add_argument("dir", type=Path)
    imp.add_argument("files", type=Path, nargs="+", metavar="FILE")
    imp.add_argument("--role", choices=ROLES, default="other")
    imp.add_argument("--note", default="")
    _actor_option(imp)
    imp.set_defaults(func=cmd_import)

    lst = actions.add_parser("list", help="list the case's artifacts")
    lst.add_argument("dir", type=Path)
    lst.add_argument("--role", choices=ROLES)
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(func=cmd_list)

    verify = actions.add_parser("verify", help="re-hash every object and check the audit chain")
    verify.add_argument("dir", type=Path)
    verify.add_argument("--json", action="store_true")
    _actor_option(verify)
    verify.set_defaults(func=cmd_verify)

    log = actions.add_parser("log", help="print the audit log")
    log.add_argument("dir", type=Path)
    log.add_argument("--json", action="store_true")
    log.set_defaults(func=cmd_log)


def _actor_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--examiner", help="actor for the log (default: the case's examiner)")


def cmd_init(args: argparse.Namespace) -> int:
    with Case.create(args.dir, args.title, args.examiner, args.organisation) as case:
        print(f"created case {case.info.case_id} in {case.root}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    with Case.open(args.dir, actor=args.examiner) as case:
        for artifact in case.import_files(args.files, role=args.role, note=args.note):
            print(f"{artifact.sha256}  {artifact.role:<9}  {artifact.original_name}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with Case.open(args.dir) as case:
        artifacts = case.artifacts(role=args.role)
        if args.json:
            print(json.dumps([a.to_dict() for a in artifacts], indent=2, ensure_ascii=False))
            return 0
        print(f"{case.info.title} — {len(artifacts)} artifact(s)")
        for a in artifacts:
            size = f"{a.width}x{a.height}" if a.width else a.media_type
            print(
                f"#{a.id:<4} {a.role:<9} {a.sha256[:12]}  {a.size:>10,} B  {size:<11} "
                f"{a.imported_at[:19]}Z  {a.original_name}"
            )
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    with Case.open(args.dir, actor=args.examiner) as case:
        report = case.verify()
    if args.json:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        for problem in report.problems:
            print(f"MISMATCH  {problem}")
        for note in report.notes:
            print(f"note      {note}")
        verdict = "OK" if report.ok else f"FAILED ({len(report.problems)} problem(s))"
        print(
            f"{verdict}: {report.objects_checked} object(s), {report.records_checked} record(s), "
            f"{report.entries_checked} audit entries checked; chain head {report.chain_head}"
        )
    return 0 if report.ok else 1


def cmd_log(args: argparse.Namespace) -> int:
    with Case.open(args.dir) as case:
        entries = case.audit_entries()
    if args.json:
        print(json.dumps([e.to_dict() for e in entries], indent=2, ensure_ascii=False))
        return 0
    for e in entries:
        summary = _summary(e.action, e.details)
        print(f"#{e.seq:<4} {e.time[:19]}Z  {e.actor:<16} {e.action:<16} {summary}  {e.hash[:12]}")
    return 0


def _summary(action: str, details: object) -> str:
    if not isinstance(details, dict):
        return str(details)[:60]
    if action == "import":
        return f"#{details.get('id')} {details.get('role')} {details.get('original_name')}"
    if action == "case created":
        return str(details.get("title"))
    if action == "verify":
        return "ok" if details.get("ok") else f"FAILED: {len(details.get('problems', []))}"
    return ", ".join(f"{k}={v}" for k, v in list(details.items())[:3])[:80]
