"""`case verify`: the audit log against the rows, the rows against the log, and the files.

Everything is read in one snapshot (one read transaction), so a program importing at the same
time can never cause a false alarm; then the stored files are hashed. What is checked:

1. The audit chain: every entry links to the one before and hashes to its stored hash, the
   numbering has no gap, and `meta.audit_head` names the last entry. With `expect_head`
   (a head published earlier, e.g. printed in a report) that entry must still be in the chain.
2. `meta` holds exactly what the "case created" entry recorded (title, examiner, case id, …),
   the schema version of the last migration, and the chain head.
3. `sqlite_master` is exactly the schema of that version: no view, trigger or index added,
   dropped or changed.
4. Every audit entry that created an artifact, a record or a link has its row, equal to what
   the entry recorded; every row has such an entry; every record fits its kind's schema.
5. Every artifact's file is present, a regular file (not a link), and hashes to its name; every
   file in the object store belongs to an artifact (one left by an interrupted import keeps its
   `.pending` marker and is only noted).

What it cannot see: a case rewritten as a whole, chain and all, by someone with write access.
Only a head published before (--expect-head, or a report's anchor) shows that.
"""

from __future__ import annotations

import os
import re
import stat
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workstation.core import audit, records, schema
from workstation.core.canonical import canonical_json, sha256_file, sha256_text
from workstation.core.records import Link, RecordError

if TYPE_CHECKING:
    from workstation.core.case import Case, VerifyReport

HEX64 = re.compile(r"[0-9a-f]{64}")
LEGACY_TIME_SLACK_S = 5  # schema-2 records took their time and their entry's time separately


def verify_case(case: Case, expect_head: tuple[int, str] | None = None) -> VerifyReport:
    from workstation.core.case import VerifyReport

    report = VerifyReport()
    with case.snapshot() as conn:
        state = _read(conn)
        report.problems.extend(audit.verify_chain(conn))
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    if integrity != "ok":
        report.problems.append(f"database integrity check failed: {integrity}")
    entries = state["entries"]
    report.entries_checked = len(entries)
    if entries:
        report.chain_seq, report.chain_head = entries[-1].seq, entries[-1].hash
    if expect_head is not None:
        report.problems.extend(_check_anchor(entries, expect_head))
    expected = _expected_rows(entries, report.problems)
    report.problems.extend(_check_meta(state["meta"], entries))
    report.problems.extend(_check_schema(state["master"], state["meta"]))
    report.problems.extend(_check_artifacts(state["artifacts"], expected["artifacts"]))
    report.records_checked = len(state["records"])
    report.problems.extend(_check_records(state["records"], expected["records"]))
    report.links_checked = len(state["links"])
    report.problems.extend(
        _check_links(state["links"], expected["links"], state["artifacts"], state["records"])
    )
    _check_objects(case, state["artifacts"], report)
    return report


# 1. Reading one snapshot


def _read(conn: Any) -> dict[str, Any]:
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    columns = "id, kind, created_at, payload, payload_sha256"
    versioned = "links" in tables
    state: dict[str, Any] = {
        "entries": audit.entries(conn),
        "meta": dict(conn.execute("SELECT key, value FROM meta")),
        "master": set(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master")),
        "artifacts": {
            row[0]: row
            for row in conn.execute(
                "SELECT id, sha256, size, media_type, width, height, original_path,"
                " original_name, imported_at, role, note FROM artifacts"
            )
        },
        "records": {},
        "links": [],
    }
    if "records" in tables:
        extra = ", schema_version" if versioned else ", 1"
        for row in conn.execute(f"SELECT {columns}{extra} FROM records"):
            state["records"][row[0]] = row
    if versioned:
        state["links"] = list(
            conn.execute("SELECT record_id, role, label, artifact_id, target_record_id FROM links")
        )
    return state


# 2. What the log says must exist


def _expected_rows(entries: list[audit.AuditEntry], problems: list[str]) -> dict[str, Any]:
    artifacts: dict[int, dict] = {}
    record_entries: dict[int, audit.AuditEntry] = {}
    links: Counter = Counter()
    for entry in entries:
        details = entry.details if isinstance(entry.details, dict) else {}
        if entry.action == "import":
            ident = details.get("id")
            if ident in artifacts:
                problems.append(f"audit entry #{entry.seq}: a second import of artifact #{ident}")
            artifacts[ident] = details
        elif "record_id" in details and entry.action not in ("verify", "verified"):
            ident = details["record_id"]
            if ident in record_entries:
                problems.append(f"audit entry #{entry.seq}: a second entry for record #{ident}")
            record_entries[ident] = entry
            for item in details.get("links", []):
                links[(ident, *_link_key(item))] += 1
        elif entry.action == "schema migrated":
            for ident, items in (details.get("links") or {}).items():
                for item in items:
                    links[(int(ident), *_link_key(item))] += 1
        elif entry.action not in ("case created", "verify", "verified", "temporaries swept"):
            problems.append(f"audit entry #{entry.seq}: unknown action {entry.action!r}")
    return {"artifacts": artifacts, "records": record_entries, "links": links}


def _link_key(item: Any) -> tuple:
    try:
        link = Link.from_list(item)
    except (TypeError, ValueError):
        return ("?", str(item), None, None)  # a tampered entry: the chain check reports it
    return (link.role, link.label, link.artifact_id, link.record_id)


# 3. The checks


def _check_anchor(entries: list[audit.AuditEntry], expect: tuple[int, str]) -> list[str]:
    seq, digest = expect
    found = next((e for e in entries if e.seq == seq), None)
    if found is None:
        last = entries[-1].seq if entries else 0
        return [
            f"the published chain head #{seq} is not in this case (its log ends at #{last}): "
            "entries were removed since"
        ]
    if found.hash != digest.lower():
        return [
            f"audit entry #{seq} hashes to {found.hash}, but {digest} was published for it: "
            "the chain was rewritten since"
        ]
    return []


def _check_meta(meta: dict[str, str], entries: list[audit.AuditEntry]) -> list[str]:
    created = entries[0] if entries and entries[0].action == "case created" else None
    if created is None or not isinstance(created.details, dict):
        return ["the audit log does not start with the case's creation"]
    expected = {k: str(v) for k, v in created.details.items() if k != "schema_version"}
    version = created.details.get("schema_version")
    for entry in entries:
        if entry.action == "schema migrated" and isinstance(entry.details, dict):
            version = entry.details.get("to", version)
    expected["schema_version"] = str(version)
    problems = []
    for key in sorted(set(expected) | set(meta)):
        if key == "audit_head":
            continue  # checked with the chain
        if key not in meta:
            problems.append(f"case property {key!r} was removed from the database")
        elif key not in expected:
            problems.append(f"case property {key!r} was added to the database outside the log")
        elif meta[key] != expected[key]:
            problems.append(
                f"case property {key!r} reads {meta[key]!r}, but the log recorded "
                f"{expected[key]!r} (amendments are records; the stored value never changes)"
            )
    return problems


def _check_schema(master: set, meta: dict[str, str]) -> list[str]:
    try:
        version = int(meta.get("schema_version", "0"))
        expected = schema.expected_master(version)
    except (ValueError, KeyError):
        return ["the case's schema version is not one this version knows"]
    problems = []
    for kind, name, _, _ in sorted(master - expected, key=str):
        if (kind, name) in {(k, n) for k, n, _, _ in expected}:
            problems.append(f"database {kind} {name!r} was changed from its definition")
        else:
            problems.append(f"database {kind} {name!r} was added (not part of a case)")
    present = {(k, n) for k, n, _, _ in master}
    for kind, name, _, _ in sorted(expected - master, key=str):
        if (kind, name) not in present:
            problems.append(f"database {kind} {name!r} was dropped")
    return problems


def _check_artifacts(rows: dict[int, tuple], expected: dict[Any, dict]) -> list[str]:
    from workstation.core.case import Artifact

    problems = []
    for ident, row in sorted(rows.items()):
        artifact = Artifact(*row)
        label = f"artifact #{ident} ({artifact.original_name})"
        logged = expected.get(ident)
        if logged is None:
            problems.append(f"{label}: has no import entry in the log (added to the database)")
        elif logged != artifact.to_dict():
            problems.append(f"{label}: its database row differs from its import entry")
    for ident in sorted(set(expected) - set(rows), key=str):
        name = expected[ident].get("original_name", "?")
        problems.append(
            f"artifact #{ident} ({name}): imported according to the log, but its database row "
            "is gone"
        )
    return problems


def _check_records(rows: dict[int, tuple], expected: dict[int, audit.AuditEntry]) -> list[str]:
    problems = []
    for ident, (_, kind, created, text, digest, version) in sorted(rows.items()):
        label = f"record #{ident} ({kind})"
        entry = expected.get(ident)
        if entry is None:
            problems.append(f"{label}: has no audit entry (added to the database)")
            continue
        details = entry.details
        if sha256_text(str(text)) != digest or details.get("payload_sha256") != digest:
            problems.append(f"{label}: content has changed")
        if details.get("kind") != kind or entry.action != kind:
            problems.append(f"{label}: its kind was changed (logged as {details.get('kind')!r})")
        if details.get("schema_version", records.LEGACY_VERSION) != version:
            problems.append(f"{label}: its schema version was changed")
        if not _same_time(created, details.get("created_at"), entry.time):
            problems.append(f"{label}: its creation time was changed")
        try:
            payload = _loads(text)
            if canonical_json(payload) != text:
                raise RecordError("its payload is not in canonical form")
            records.parse(kind, version, payload)
        except RecordError as error:
            problems.append(f"{label}: does not fit its schema ({error})")
    for ident in sorted(set(expected) - set(rows)):
        kind = expected[ident].details.get("kind", "?")
        problems.append(
            f"record #{ident} ({kind}): written according to the log, but its database row is gone"
        )
    return problems


def _same_time(created: str, logged: str | None, entry_time: str) -> bool:
    if logged is not None:
        return created == logged
    try:  # schema-2 record: its entry was written microseconds after it
        delta = _parse_time(created) - _parse_time(entry_time)
    except ValueError:
        return False
    return abs(delta.total_seconds()) <= LEGACY_TIME_SLACK_S


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(str(text).replace("Z", "+00:00"))


def _check_links(
    rows: list[tuple], expected: Counter, artifacts: dict[int, tuple], record_rows: dict
) -> list[str]:
    actual = Counter(rows)
    problems = []
    for key in sorted(actual - expected, key=str):
        problems.append(f"record #{key[0]}: a link ({key[1]} {key[2]!r}) is not in the log")
    for key in sorted(expected - actual, key=str):
        problems.append(f"record #{key[0]}: a logged link ({key[1]} {key[2]!r}) is gone")
    for record_id, role, label, artifact_id, target in rows:
        if artifact_id is not None and artifact_id not in artifacts:
            problems.append(f"record #{record_id}: link {role} {label!r} names no artifact")
        if target is not None and target not in record_rows:
            problems.append(f"record #{record_id}: link {role} {label!r} names no record")
    return problems


def _check_objects(case: Case, rows: dict[int, tuple], report: VerifyReport) -> None:
    objects = case.root / "objects"
    names = {row[0]: row[7] for row in rows.values()}
    shas: dict[str, list[int]] = {}
    for ident, row in rows.items():
        shas.setdefault(row[1], []).append(ident)
    for sha, idents in sorted(shas.items()):
        label = ", ".join(f"artifact #{i} ({names[i]})" for i in sorted(idents))
        path = case.object_path(sha) if HEX64.fullmatch(sha) else None
        problem = _object_problem(path, sha)
        report.objects_checked += 1
        if problem:
            report.problems.append(f"{label}: {problem}")
    planted, interrupted = [], 0
    for entry in sorted(objects.iterdir()) if objects.is_dir() else []:
        if entry.name == "tmp":
            continue
        if not entry.is_dir() or entry.is_symlink() or not re.fullmatch(r"[0-9a-f]{2}", entry.name):
            planted.append(entry)
            continue
        for item in sorted(entry.iterdir()):
            if item.name in shas and item.name.startswith(entry.name):
                continue
            # An import renames its file only after making its marker, and removes the marker
            # only after its commit: so a file seen here has its marker, or its row by now.
            if (objects / "tmp" / f"{item.name}.pending").exists():
                interrupted += 1
            elif not case.find_artifact(item.name):
                planted.append(item)
    for item in planted:
        report.problems.append(
            f"{item.relative_to(case.root)}: in the object store, but no artifact refers to it"
        )
    if interrupted:
        report.notes.append(
            f"{interrupted} stored file(s) from an import that was interrupted or is running now "
            "(not part of the case)"
        )
    leftovers = list((objects / "tmp").glob("*.part"))
    if leftovers:
        report.notes.append(
            f"{len(leftovers)} temporary file(s) from interrupted imports in objects/tmp "
            "(not part of the case)"
        )


def _object_problem(path: Path | None, sha: str) -> str | None:
    if path is None:
        return f"its recorded SHA-256 {sha!r} is not a SHA-256"
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return "stored file is missing"
    except OSError as error:
        return f"stored file cannot be read ({error.strerror})"
    if stat.S_ISLNK(mode):
        return "stored file was replaced by a link"
    if not stat.S_ISREG(mode):
        return "stored file is not a regular file"
    try:
        actual = sha256_file(path)
    except OSError as error:
        return f"stored file cannot be read ({error.strerror})"
    if actual != sha:
        return f"stored file has changed (SHA-256 {actual}, recorded {sha})"
    return None


def _loads(text: Any) -> Any:
    import json

    try:
        return json.loads(text)
    except (TypeError, ValueError):
        raise RecordError("its payload is not JSON") from None
