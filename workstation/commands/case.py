"""`workstation case …`: create a case, import evidence, list it, verify it, read its log, and
correct it by amendment."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from workstation.core.case import ROLES, Case
from workstation.core.errors import InputError
from workstation.core.records import CASE_PROPERTIES

# Case properties beyond title and examiner, as CLI options: --case-number, --court, …
EXTRA_PROPERTIES = CASE_PROPERTIES[2:]


def register(subparsers: argparse._SubParsersAction) -> None:
    case = subparsers.add_parser("case", help="create, import into, list and verify a case")
    actions = case.add_subparsers(dest="case_command", metavar="ACTION", required=True)

    init = actions.add_parser("init", help="create a new case folder")
    init.add_argument("dir", type=Path)
    init.add_argument("--title", required=True)
    init.add_argument("--examiner", required=True, help="name recorded as the actor in the log")
    for name in EXTRA_PROPERTIES:
        init.add_argument(f"--{name.replace('_', '-')}", default="", help=_property_help(name))
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

    recs = actions.add_parser("records", help="list the case's records (work done, findings)")
    recs.add_argument("dir", type=Path)
    recs.add_argument("--json", action="store_true")
    recs.set_defaults(func=cmd_records)

    verify = actions.add_parser(
        "verify",
        help="check every object, row and link against the audit chain, both ways",
        description="Reads the case only (it works on read-only media) and exits 0 when "
        "everything matches, 1 when anything does not.",
    )
    verify.add_argument("dir", type=Path)
    verify.add_argument("--json", action="store_true")
    verify.add_argument(
        "--expect-head",
        metavar="SEQ:HASH",
        help="a chain head published earlier (a report prints one): the case must still hold it",
    )
    verify.add_argument(
        "--against",
        type=Path,
        metavar="REPORT.pdf",
        help="a report of this case: the case must still hold the chain head it was made from "
        "(read from the PDF's anchor)",
    )
    verify.add_argument(
        "--record",
        action="store_true",
        help="when it passes, add a 'verified' entry to the log (a failure is never written)",
    )
    _actor_option(verify)
    verify.set_defaults(func=cmd_verify)

    log = actions.add_parser("log", help="print the audit log")
    log.add_argument("dir", type=Path)
    log.add_argument("--json", action="store_true")
    log.set_defaults(func=cmd_log)

    amend = actions.add_parser(
        "amend",
        help="correct a case property, an artifact's role or note, or withdraw a record",
        description="Nothing is edited in place: each change is an audited amendment record; "
        "the report shows the current value and its history.",
    )
    amend.add_argument("dir", type=Path)
    amend.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="PROPERTY=VALUE",
        help=f"a case property ({', '.join(CASE_PROPERTIES)})",
    )
    amend.add_argument("--artifact", type=_artifact_id, metavar="ID", help="artifact to correct")
    amend.add_argument("--role", choices=ROLES, help="its correct role (with --artifact)")
    amend.add_argument("--note", help="its correct note (with --artifact)")
    amend.add_argument("--withdraw", type=_artifact_id, metavar="RECORD", help="withdraw a record")
    amend.add_argument("--reason", default="", help="why (shown in the report's history)")
    _actor_option(amend)
    amend.set_defaults(func=cmd_amend)


def _property_help(name: str) -> str:
    return {
        "organisation": "the examiner's organisation",
        "case_number": "court case number (案号)",
        "court": "court or tribunal",
        "parties": "parties to the dispute",
        "instructing_party": "who instructed the examiner",
        "description": "what the case is about",
    }.get(name, name)


def _actor_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--examiner", help="actor for the log (default: the case's examiner)")


def _artifact_id(text: str) -> int:
    value = text.strip().lstrip("#")
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not an ID (e.g. 3 or #3)")
    return int(value)


def open_case(root: Path, actor: str | None = None) -> Case:
    """Open for the CLI: a write that must wait for another program says so on stderr."""
    return Case.open(root, actor=actor, on_wait=lambda message: print(message, file=sys.stderr))


def cmd_init(args: argparse.Namespace) -> int:
    extra = {name: getattr(args, name) for name in EXTRA_PROPERTIES}
    with Case.create(args.dir, args.title, args.examiner, **extra) as case:
        print(f"created case {case.info.case_id} in {case.root}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    with open_case(args.dir, args.examiner) as case:
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
                f"{a.imported_at[:19]}Z  {_printable(a.original_name)}"
            )
    return 0


def cmd_records(args: argparse.Namespace) -> int:
    with Case.open(args.dir) as case:
        found = case.records()
    if args.json:
        rows = [
            {
                "id": r.id,
                "kind": r.kind,
                "created_at": r.created_at,
                "schema_version": r.schema_version,
                "withdrawn": r.withdrawn,
                "problem": r.problem,
                "links": [link.to_list() for link in r.links],
                "payload": r.payload,
            }
            for r in found
        ]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    for r in found:
        state = " (withdrawn)" if r.withdrawn else f" ({r.problem})" if r.problem else ""
        print(f"R{r.id:<4} {r.kind:<12} {r.created_at[:19]}Z  {_describe(r)}{state}")
    return 0


def _describe(record) -> str:
    body = record.body
    text = (
        getattr(body, "title", None)
        or (f"[{body.status}] {body.text}" if record.kind == "finding" else None)
        or (f"{body.target} {body.field} → {body.value}" if record.kind == "amendment" else None)
        or ", ".join(f"{k.role} {k.label or ''}".strip() for k in record.links[:3])
    )
    return _printable(str(text))[:90]


def _printable(text: str) -> str:
    """Names and notes come from users and files: no escape sequences reach the terminal."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def parse_head(text: str) -> tuple[int, str]:
    match = re.fullmatch(r"\s*#?(\d+):([0-9a-fA-F]{64})\s*", text)
    if not match:
        raise InputError(f"{text!r} is not a chain head; expected SEQ:HASH (64 hex digits)")
    return int(match[1]), match[2].lower()


def cmd_verify(args: argparse.Namespace) -> int:
    expect = parse_head(args.expect_head) if args.expect_head else None
    with Case.open(args.dir, actor=args.examiner) as case:
        if args.against is not None:
            expect = _head_of_report(case, args.against, expect)
        report = case.verify(log=args.record, expect_head=expect)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        for problem in report.problems:
            print(f"MISMATCH  {_printable(problem)}")
        for note in report.notes:
            print(f"note      {note}")
        verdict = "OK" if report.ok else f"FAILED ({len(report.problems)} problem(s))"
        print(
            f"{verdict}: {report.objects_checked} object(s), {report.records_checked} record(s), "
            f"{report.links_checked} link(s), {report.entries_checked} audit entries checked; "
            f"chain head {report.chain_seq}:{report.chain_head}"
        )
        if report.ok and expect:
            print(f"the case extends the published chain head {expect[0]}:{expect[1][:16]}…")
        elif report.ok:
            print(f"not checked: {report.limits}")
    return 0 if report.ok else 1


def _head_of_report(case: Case, pdf: Path, expect: tuple[int, str] | None) -> tuple[int, str]:
    """The chain head a report of this case embeds (report/anchor.py; pypdf loads only here)."""
    from workstation.report.anchor import expected_head

    if expect is not None:
        raise InputError("give --expect-head or --against, not both")
    return expected_head(case.info.case_id, pdf)


def cmd_log(args: argparse.Namespace) -> int:
    with Case.open(args.dir) as case:
        entries = case.audit_entries()
    if args.json:
        print(json.dumps([e.to_dict() for e in entries], indent=2, ensure_ascii=False))
        return 0
    for e in entries:
        summary = _printable(_summary(e.action, e.details))
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
    if "record_id" in details:
        return f"R{details['record_id']} {len(details.get('links', []))} link(s)"
    return ", ".join(f"{k}={v}" for k, v in list(details.items())[:3])[:80]


def cmd_amend(args: argparse.Namespace) -> int:
    changes = []
    for item in args.set:
        name, sep, value = item.partition("=")
        if not sep or name.strip() not in CASE_PROPERTIES:
            raise InputError(
                f"--set {item!r}: expected PROPERTY=VALUE with one of {', '.join(CASE_PROPERTIES)}"
            )
        changes.append((name.strip(), value))
    if (args.role or args.note is not None) and args.artifact is None:
        raise InputError("--role and --note correct an artifact: name it with --artifact ID")
    if args.artifact is not None and not (args.role or args.note is not None):
        raise InputError("--artifact: say what to correct with --role or --note")
    if not changes and args.artifact is None and args.withdraw is None:
        raise InputError(
            "nothing to amend: use --set, --artifact with --role/--note, or --withdraw"
        )
    with open_case(args.dir, args.examiner) as case, case.transaction():
        made = [case.amend_case(name, value, args.reason) for name, value in changes]
        if args.artifact is not None:
            for name in ("role", "note"):
                if getattr(args, name) is not None:
                    made.append(
                        case.amend_artifact(args.artifact, name, getattr(args, name), args.reason)
                    )
        if args.withdraw is not None:
            made.append(case.withdraw_record(args.withdraw, args.reason))
    print(f"recorded {len(made)} amendment(s): " + ", ".join(f"R{r}" for r in made))
    return 0
