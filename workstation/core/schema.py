"""The case database schema and its migrations.

A case records `schema_version` in `meta`. Opening an older case runs the missing migrations in
one transaction (and logs it); a case from a newer version is refused rather than misread.
Statements run one by one: sqlite3's executescript() would commit the caller's transaction.
"""

from __future__ import annotations

import sqlite3

CASE_FORMAT = "aigc-evidence-case"


def _immutable(table: str, what: str) -> list[str]:
    return [
        f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table}"
        f" BEGIN SELECT RAISE(ABORT, '{what}'); END"
        for op in ("UPDATE", "DELETE")
    ]


V1 = [
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE artifacts (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        media_type TEXT NOT NULL,
        width INTEGER,
        height INTEGER,
        original_path TEXT NOT NULL,
        original_name TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        role TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX artifacts_sha256 ON artifacts (sha256)",
    """CREATE TABLE audit (
        seq INTEGER PRIMARY KEY,
        time TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        details TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    )""",
    *_immutable("audit", "the audit log is append-only"),
    *_immutable("artifacts", "artifacts are immutable"),
]

# Results of work done on a case: generations, comparisons, studies, reports.
V2 = [
    """CREATE TABLE records (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        created_at TEXT NOT NULL,
        payload TEXT NOT NULL,
        payload_sha256 TEXT NOT NULL
    )""",
    "CREATE INDEX records_kind ON records (kind)",
    *_immutable("records", "records are immutable"),
]

# Typed records (core/records.py) and their links to artifacts and to other records. A record's
# links are written in its transaction and listed in its audit entry, so verify checks them both
# ways. Records from version 2 keep schema version 1 (their payloads predate the schemas); their
# links are read once from their payloads by the migration and logged as one audit entry.
V3 = [
    "ALTER TABLE records ADD COLUMN schema_version INTEGER NOT NULL DEFAULT 1",
    """CREATE TABLE links (
        record_id INTEGER NOT NULL REFERENCES records (id),
        role TEXT NOT NULL,
        label TEXT NOT NULL,
        artifact_id INTEGER REFERENCES artifacts (id),
        target_record_id INTEGER REFERENCES records (id),
        CHECK ((artifact_id IS NULL) <> (target_record_id IS NULL))
    )""",
    "CREATE INDEX links_record ON links (record_id)",
    "CREATE INDEX links_artifact ON links (artifact_id)",
    "CREATE INDEX links_target ON links (target_record_id)",
    *_immutable("links", "links are immutable"),
]

# MIGRATIONS[n] turns a version n-1 database into version n.
MIGRATIONS: dict[int, list[str]] = {1: V1, 2: V2, 3: V3}
SCHEMA_VERSION = max(MIGRATIONS)


def expected_master(version: int = SCHEMA_VERSION) -> set[tuple[str, str, str, str | None]]:
    """(type, name, table, sql) of every schema object a case of `version` has, and no other:
    verify compares `sqlite_master` with this, so an added view or a dropped trigger shows."""
    memory = sqlite3.connect(":memory:")
    try:
        migrate(memory, 0, version)
        return set(memory.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))
    finally:
        memory.close()


def read_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0])


def migrate(conn: sqlite3.Connection, current: int, target: int = SCHEMA_VERSION) -> None:
    """Run migrations current+1 .. target. The caller owns the transaction."""
    for version in range(current + 1, target + 1):
        for statement in MIGRATIONS[version]:
            conn.execute(statement)
        conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)", (str(version),)
        )
