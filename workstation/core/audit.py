"""The append-only, hash-chained audit log of a case.

Each entry's hash is SHA-256(prev_hash + canonical JSON of {seq, time, actor, action, details}),
so editing, inserting or deleting any row breaks every hash after it. Triggers refuse UPDATE and
DELETE through SQLite; someone who drops them still cannot hide the change from `verify`. The newest
hash (the chain head) is also kept in `meta` and printed in reports so it can be anchored outside.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from workstation.core.canonical import canonical_json, sha256_text
from workstation.core.timeutil import utc_now

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    time: str
    actor: str
    action: str
    details: dict[str, Any]
    prev_hash: str
    hash: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "time": self.time,
            "actor": self.actor,
            "action": self.action,
            "details": self.details,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


def entry_hash(prev_hash: str, seq: int, time: str, actor: str, action: str, details: Any) -> str:
    body = {"seq": seq, "time": time, "actor": actor, "action": action, "details": details}
    return sha256_text(prev_hash + canonical_json(body))


def head(conn: sqlite3.Connection) -> tuple[int, str]:
    row = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    return (row[0], row[1]) if row else (0, GENESIS_HASH)


def append(
    conn: sqlite3.Connection, actor: str, action: str, details: dict[str, Any]
) -> AuditEntry:
    """Append one entry. The caller owns the transaction, so the entry commits with its action."""
    last_seq, prev_hash = head(conn)
    seq, time = last_seq + 1, utc_now()
    details = json.loads(canonical_json(details))  # store exactly what was hashed
    digest = entry_hash(prev_hash, seq, time, actor, action, details)
    conn.execute(
        "INSERT INTO audit (seq, time, actor, action, details, prev_hash, hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (seq, time, actor, action, canonical_json(details), prev_hash, digest),
    )
    conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('audit_head', ?)", (f"{seq}:{digest}",)
    )
    return AuditEntry(seq, time, actor, action, details, prev_hash, digest)


def entries(conn: sqlite3.Connection) -> list[AuditEntry]:
    rows = conn.execute(
        "SELECT seq, time, actor, action, details, prev_hash, hash FROM audit ORDER BY seq"
    )
    return [
        AuditEntry(seq, time, actor, action, _parse_details(details), prev, digest)
        for seq, time, actor, action, details, prev, digest in rows
    ]


def _parse_details(text: str) -> Any:
    try:
        return json.loads(text)
    except (TypeError, json.JSONDecodeError):
        return text  # a tampered row; verify reports it through the hash mismatch


def verify_chain(conn: sqlite3.Connection) -> list[str]:
    """Return one message per broken link; an empty list means the chain is intact."""
    problems: list[str] = []
    expected_prev, expected_seq = GENESIS_HASH, 1
    rows = conn.execute(
        "SELECT seq, time, actor, action, details, prev_hash, hash FROM audit ORDER BY seq"
    ).fetchall()
    for seq, time, actor, action, details, prev_hash, digest in rows:
        if seq != expected_seq:
            problems.append(f"audit entry #{expected_seq} is missing (next entry is #{seq})")
        if prev_hash != expected_prev:
            problems.append(f"audit entry #{seq} ({action}): does not link to the entry before it")
        recomputed = entry_hash(prev_hash, seq, time, actor, action, _parse_details(details))
        if recomputed != digest:
            problems.append(f"audit entry #{seq} ({action}): content does not match its hash")
        expected_prev, expected_seq = digest, seq + 1

    stored = conn.execute("SELECT value FROM meta WHERE key = 'audit_head'").fetchone()
    actual = f"{expected_seq - 1}:{expected_prev}"
    if rows and (stored is None or stored[0] != actual):
        problems.append(
            f"audit log ends at entry #{expected_seq - 1}, but the case recorded its last entry as "
            f"#{(stored[0] if stored else '?').split(':')[0]}: entries were removed or replaced"
        )
    return problems
