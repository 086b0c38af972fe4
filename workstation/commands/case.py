"""`workstation case …`: create a case, import evidence, list it, verify it, read its log,
correct it by amendment, and record the provenance of images a case holds without one.

What files and users wrote (names, titles, notes) is printed through `printable`: no escape
sequence or bidi override reaches the terminal raw; `--json` is exact."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workstation.app.case import (
    AmendRequest,
    CaseInitRequest,
    VerifyRequest,
    amend,
    create_case,
    verify_case,
)
from workstation.app.case_writer import CaseWriter
from workstation.app.evidence import ImportRequest, import_evidence
from workstation.app.provenance import ProvenanceRequest, record_missing
from workstation.app.requests import add_arguments, from_arguments
from workstation.commands.terminal import json_text, printable
from workstation.core.case import ROLES, Case
from workstation.core.params import check_text


def register(subparsers: argparse._SubParsersAction) -> None:
    case = subparsers.add_parser("case", help="create, import into, list and verify a case")
    actions = case.add_subparsers(dest="case_command", metavar="ACTION", required=True)

    init = actions.add_parser("init", help="create a new case folder")
    init.add_argument("dir", type=Path)
    add_arguments(init, CaseInitRequest)
    init.set_defaults(func=cmd_init)

    imp = actions.add_parser("import", help="copy files into the case (originals untouched)")
    imp.add_argument("dir", type=Path)
    add_arguments(imp, ImportRequest)
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
    add_arguments(verify, VerifyRequest)
    _actor_option(verify)
    verify.set_defaults(func=cmd_verify)

    log = actions.add_parser("log", help="print the audit log")
    log.add_argument("dir", type=Path)
    log.add_argument("--json", action="store_true")
    log.set_defaults(func=cmd_log)

    amending = actions.add_parser(
        "amend",
        help="correct a case property, an artifact's role or note, or withdraw a record",
        description="Nothing is edited in place: each change is an audited amendment record; "
        "the report shows the current value and its history.",
    )
    amending.add_argument("dir", type=Path)
    add_arguments(amending, AmendRequest)
    _actor_option(amending)
    amending.set_defaults(func=cmd_amend)

    provenance = actions.add_parser(
        "provenance",
        help="record the provenance of images that have no record (cases made before it existed)",
        description="Reads each image's origin signals from its stored copy and keeps them as a "
        "provenance record (one audit entry each), as an import does. Images that have one are "
        "left as they are: a second run adds nothing.",
    )
    provenance.add_argument("dir", type=Path)
    add_arguments(provenance, ProvenanceRequest)
    _actor_option(provenance)
    provenance.set_defaults(func=cmd_provenance)


def _actor_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--examiner", help="actor for the log (default: the case's examiner)")


def say_on_stderr(message: str) -> None:
    """A write that must wait for another program says so on stderr."""
    print(message, file=sys.stderr)


def storable_text(args: argparse.Namespace) -> None:
    """Text the case will record (title, examiner, notes, values) must be UTF-8: a command line
    in another encoding gives lone surrogates, which no database can store. Refused by option."""
    for name, value in vars(args).items():
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str):
                check_text(f"--{name.replace('_', '-')} value", text)


def writer(args: argparse.Namespace) -> CaseWriter:
    return CaseWriter(args.dir, args.examiner, on_wait=say_on_stderr)


def cmd_init(args: argparse.Namespace) -> int:
    storable_text(args)
    info = create_case(args.dir, from_arguments(CaseInitRequest, args))
    print(f"created case {info.case_id} in {printable(str(info.root))}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    storable_text(args)
    for artifact in import_evidence(from_arguments(ImportRequest, args), writer(args)):
        print(f"{artifact.sha256}  {artifact.role:<9}  {printable(artifact.original_name)}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with Case.open(args.dir) as case:
        artifacts = case.artifacts(role=args.role)
        if args.json:
            print(json_text([a.to_dict() for a in artifacts]))
            return 0
        print(f"{printable(case.info.title)} — {len(artifacts)} artifact(s)")
        for a in artifacts:
            size = f"{a.width}x{a.height}" if a.width else a.media_type
            print(
                f"#{a.id:<4} {a.role:<9} {a.sha256[:12]}  {a.size:>10,} B  {size:<11} "
                f"{a.imported_at[:19]}Z  {printable(a.original_name)}"
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
        print(json_text(rows))
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
    return printable(str(text))[:90]


def cmd_verify(args: argparse.Namespace) -> int:
    storable_text(args)
    verified = verify_case(from_arguments(VerifyRequest, args), writer(args))
    report, expect = verified.report, verified.expected
    if args.json:
        print(json_text(report.to_dict()))
    else:
        for problem in report.problems:
            print(f"MISMATCH  {printable(problem)}")
        for note in report.notes:
            print(f"note      {printable(note)}")
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


def cmd_log(args: argparse.Namespace) -> int:
    with Case.open(args.dir) as case:
        entries = case.audit_entries()
    if args.json:
        print(json_text([e.to_dict() for e in entries]))
        return 0
    for e in entries:
        summary, actor = printable(_summary(e.action, e.details)), printable(e.actor)
        action = printable(e.action)
        print(f"#{e.seq:<4} {e.time[:19]}Z  {actor:<16} {action:<16} {summary}  {e.hash[:12]}")
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
    storable_text(args)
    made = amend(from_arguments(AmendRequest, args), writer(args))
    print(f"recorded {len(made)} amendment(s): " + ", ".join(f"R{r}" for r in made))
    return 0


def cmd_provenance(args: argparse.Namespace) -> int:
    storable_text(args)
    done = record_missing(from_arguments(ProvenanceRequest, args), writer(args))
    for item in done:
        a = item.artifact
        what = f"R{item.record_id}" if item.record_id is not None else item.outcome
        print(f"#{a.id:<4} {what:<17} {printable(a.original_name)}")
    added = sum(item.record_id is not None for item in done)
    print(f"recorded the provenance of {added} image(s)" + ("" if added else "; nothing to add"))
    return 0
