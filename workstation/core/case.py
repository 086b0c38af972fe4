"""A case: one folder holding evidence that can be re-verified by anyone who has a copy.

    CASE/case.sqlite            SQLite (WAL): meta, artifacts, records, audit log
    CASE/objects/ab/ab12…       read-only files named by their SHA-256
    CASE/objects/tmp/           files being written; never referenced by the database

An import copies the file into a temporary file while hashing it, fsyncs, checks what it is, then
renames it to its content address and commits the database row together with its audit entry.
A process killed at any point leaves either a complete artifact or nothing visible.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import stat
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from workstation.core import audit, schema
from workstation.core.canonical import CHUNK, canonical_json, sha256_file, sha256_text
from workstation.core.errors import CaseError, InputError
from workstation.core.media import MediaInfo, probe
from workstation.core.timeutil import utc_now

DB_NAME = "case.sqlite"
ROLES = ("reference", "disputed", "generated", "other")
IMAGE_ROLES = ("reference", "disputed", "generated")


@dataclass(frozen=True)
class Artifact:
    id: int
    sha256: str
    size: int
    media_type: str
    width: int | None
    height: int | None
    original_path: str
    original_name: str
    imported_at: str
    role: str
    note: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Record:
    id: int
    kind: str
    created_at: str
    payload: dict[str, Any]
    payload_sha256: str


@dataclass(frozen=True)
class CaseInfo:
    case_id: str
    title: str
    examiner: str
    organisation: str
    created_at: str
    schema_version: int
    root: Path

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "root": str(self.root)}


@dataclass
class VerifyReport:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    objects_checked: int = 0
    records_checked: int = 0
    entries_checked: int = 0
    chain_head: str = audit.GENESIS_HASH

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _connect(db_path: Path, create: bool) -> sqlite3.Connection:
    mode = "rwc" if create else "rw"
    conn = sqlite3.connect(
        f"file:{db_path}?mode={mode}", uri=True, isolation_level=None, check_same_thread=False
    )
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")  # a committed import survives a power cut
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


class Case:
    """An open case. Use `Case.create` or `Case.open`; close with `close()` or a `with` block."""

    def __init__(self, root: Path, conn: sqlite3.Connection, actor: str | None):
        self.root = root
        self._conn = conn
        self._depth = 0
        self.info = self._read_info()
        self.actor = actor or self.info.examiner

    # 1. Creating and opening

    @classmethod
    def create(cls, root: str | Path, title: str, examiner: str, organisation: str = "") -> Case:
        root = Path(root).absolute()
        if not title.strip() or not examiner.strip():
            raise InputError("a case needs a non-empty title and examiner name")
        if root.exists() and not root.is_dir():
            raise CaseError(f"{root} exists and is not a folder")
        if (root / DB_NAME).exists():
            raise CaseError(f"{root} is already a case")
        if root.exists() and any(root.iterdir()):
            raise CaseError(f"{root} is not empty; choose a new or empty folder for the case")
        try:
            (root / "objects" / "tmp").mkdir(parents=True, exist_ok=True)
            conn = _connect(root / DB_NAME, create=True)
        except OSError as error:
            raise CaseError(f"cannot create a case in {root}: {error.strerror}") from None
        case_id = str(uuid.uuid4())
        created = utc_now()
        conn.execute("BEGIN IMMEDIATE")
        schema.migrate(conn, 0)
        meta = {
            "format": schema.CASE_FORMAT,
            "case_id": case_id,
            "title": title,
            "examiner": examiner,
            "organisation": organisation,
            "created_at": created,
        }
        conn.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", meta.items())
        audit.append(
            conn,
            examiner,
            "case created",
            {**meta, "schema_version": schema.SCHEMA_VERSION},
        )
        conn.execute("COMMIT")
        return cls(root, conn, examiner)

    @classmethod
    def open(cls, root: str | Path, actor: str | None = None) -> Case:
        root = Path(root).absolute()
        if not root.is_dir():
            raise CaseError(f"{root} is not a folder")
        db_path = root / DB_NAME
        if not db_path.is_file():
            raise CaseError(
                f"{root} is not a case (no {DB_NAME}); create one with `workstation case init`"
            )
        try:
            conn = _connect(db_path, create=False)
            row = conn.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
        except sqlite3.DatabaseError as error:
            raise CaseError(f"{db_path} is not a readable case database ({error})") from None
        if row is None or row[0] != schema.CASE_FORMAT:
            conn.close()
            raise CaseError(f"{db_path} is a database, but not a workstation case")
        version = schema.read_version(conn)
        if version > schema.SCHEMA_VERSION:
            conn.close()
            raise CaseError(
                f"{root} was written by a newer version of the workstation (case schema "
                f"{version}; this version reads up to {schema.SCHEMA_VERSION}); please upgrade"
            )
        if version < schema.SCHEMA_VERSION:
            conn.execute("BEGIN IMMEDIATE")
            schema.migrate(conn, version)
            examiner = conn.execute("SELECT value FROM meta WHERE key='examiner'").fetchone()[0]
            audit.append(
                conn,
                actor or examiner,
                "schema migrated",
                {"from": version, "to": schema.SCHEMA_VERSION},
            )
            conn.execute("COMMIT")
        return cls(root, conn, actor)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Case:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _read_info(self) -> CaseInfo:
        meta = dict(self._conn.execute("SELECT key, value FROM meta"))
        return CaseInfo(
            case_id=meta["case_id"],
            title=meta["title"],
            examiner=meta["examiner"],
            organisation=meta.get("organisation", ""),
            created_at=meta["created_at"],
            schema_version=int(meta["schema_version"]),
            root=self.root,
        )

    # 2. Transactions

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Case]:
        """All-or-nothing: every row and audit entry inside commits together or not at all.

        Object files written inside stay on disk if it rolls back, but no row refers to them.
        """
        outermost = self._depth == 0
        if outermost:
            self._conn.execute("BEGIN IMMEDIATE")
        self._depth += 1
        try:
            yield self
        except BaseException:
            self._depth -= 1
            if outermost:
                self._conn.execute("ROLLBACK")
            raise
        self._depth -= 1
        if outermost:
            self._conn.execute("COMMIT")

    def log_action(self, action: str, details: dict[str, Any]) -> audit.AuditEntry:
        with self.transaction():
            return audit.append(self._conn, self.actor, action, details)

    # 3. Objects

    def object_path(self, sha256: str) -> Path:
        return self.root / "objects" / sha256[:2] / sha256

    def _copy_to_tmp(self, source: Path) -> tuple[Path, str, int]:
        """Copy `source` into objects/tmp while hashing; return (temp path, sha256, size)."""
        tmp_dir = self.root / "objects" / "tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        tmp = tmp_dir / f"{uuid.uuid4().hex}.part"
        digest, size = hashlib.sha256(), 0
        with open(source, "rb") as src, open(tmp, "xb") as dst:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                dst.write(chunk)
                size += len(chunk)
            dst.flush()
            os.fsync(dst.fileno())
        return tmp, digest.hexdigest(), size

    def _commit_object(self, tmp: Path, sha256: str) -> None:
        final = self.object_path(sha256)
        final.parent.mkdir(exist_ok=True)
        if final.exists():
            tmp.unlink()  # same content already stored (and verified separately)
            return
        os.chmod(tmp, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        os.replace(tmp, final)
        _fsync_dir(final.parent)

    # 4. Artifacts

    def import_file(self, path: str | Path, role: str = "other", note: str = "") -> Artifact:
        return self.import_files([path], role, note)[0]

    def import_files(
        self, paths: Iterable[str | Path], role: str = "other", note: str = ""
    ) -> list[Artifact]:
        """Import files as one batch: all of them become artifacts, or (on any error) none."""
        if role not in ROLES:
            raise InputError(f"unknown role {role!r}; choose one of: {', '.join(ROLES)}")
        sources = [_check_source(Path(p)) for p in paths]
        temps: list[Path] = []
        staged: list[tuple[Path, Path, str, int, MediaInfo]] = []
        try:
            for source in sources:
                tmp, sha256, size = self._copy_to_tmp(source)
                temps.append(tmp)
                # Probe the copy, not the original: the record then describes the stored bytes.
                info = probe(tmp, shown_as=source)
                if role in IMAGE_ROLES and not info.is_image:
                    raise InputError(
                        f"{source}: role '{role}' needs an image, but this is {info.media_type}"
                    )
                staged.append((source, tmp, sha256, size, info))
            with self.transaction():
                artifacts = []
                for source, tmp, sha256, size, info in staged:
                    self._commit_object(tmp, sha256)
                    artifacts.append(self._insert_artifact(source, sha256, size, info, role, note))
            return artifacts
        finally:
            for tmp in temps:
                tmp.unlink(missing_ok=True)

    def _insert_artifact(
        self, source: Path, sha256: str, size: int, info: MediaInfo, role: str, note: str
    ) -> Artifact:
        values = {
            "sha256": sha256,
            "size": size,
            "media_type": info.media_type,
            "width": info.width,
            "height": info.height,
            "original_path": str(source),
            "original_name": source.name,
            "imported_at": utc_now(),
            "role": role,
            "note": note,
        }
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cursor = self._conn.execute(
            f"INSERT INTO artifacts ({columns}) VALUES ({marks})", tuple(values.values())
        )
        artifact = Artifact(id=int(cursor.lastrowid or 0), **values)
        audit.append(self._conn, self.actor, "import", artifact.to_dict())
        return artifact

    def artifacts(self, role: str | None = None) -> list[Artifact]:
        query, args = f"SELECT {_ARTIFACT_COLUMNS} FROM artifacts", ()
        if role is not None:
            query, args = query + " WHERE role = ?", (role,)
        return [Artifact(*row) for row in self._conn.execute(query + " ORDER BY id", args)]

    def artifact(self, artifact_id: int) -> Artifact:
        row = self._conn.execute(
            f"SELECT {_ARTIFACT_COLUMNS} FROM artifacts WHERE id = ?", (artifact_id,)
        ).fetchone()
        if row is None:
            raise InputError(f"the case has no artifact #{artifact_id}")
        return Artifact(*row)

    # 5. Records of work done (generations, comparisons, studies, reports)

    def add_record(self, kind: str, payload: dict[str, Any]) -> int:
        text = canonical_json(payload)
        digest = sha256_text(text)
        with self.transaction():
            cursor = self._conn.execute(
                "INSERT INTO records (kind, created_at, payload, payload_sha256)"
                " VALUES (?, ?, ?, ?)",
                (kind, utc_now(), text, digest),
            )
            record_id = int(cursor.lastrowid or 0)
            audit.append(
                self._conn,
                self.actor,
                kind,
                {"record_id": record_id, "kind": kind, "payload_sha256": digest},
            )
        return record_id

    def records(self, kind: str | None = None) -> list[Record]:
        query, args = "SELECT id, kind, created_at, payload, payload_sha256 FROM records", ()
        if kind is not None:
            query, args = query + " WHERE kind = ?", (kind,)
        return [
            Record(rid, k, created, json.loads(payload), digest)
            for rid, k, created, payload, digest in self._conn.execute(query + " ORDER BY id", args)
        ]

    # 6. Audit log and verification

    def audit_entries(self) -> list[audit.AuditEntry]:
        return audit.entries(self._conn)

    def chain_head(self) -> tuple[int, str]:
        return audit.head(self._conn)

    def verify(self, log: bool = True) -> VerifyReport:
        """Re-hash every object, re-check every record and the audit chain; log the result."""
        report = VerifyReport()
        imports = {}
        record_entries = {}
        entries = self.audit_entries()
        report.entries_checked = len(entries)
        for entry in entries:
            if entry.action == "import" and isinstance(entry.details, dict):
                imports[entry.details.get("id")] = entry
            elif isinstance(entry.details, dict) and "record_id" in entry.details:
                record_entries[entry.details["record_id"]] = entry

        hashed: dict[str, str | None] = {}
        for artifact in self.artifacts():
            label = f"artifact #{artifact.id} ({artifact.original_name})"
            entry = imports.get(artifact.id)
            if entry is None or entry.details != artifact.to_dict():
                report.problems.append(f"{label}: its database row differs from its import entry")
            if artifact.sha256 not in hashed:
                path = self.object_path(artifact.sha256)
                hashed[artifact.sha256] = sha256_file(path) if path.is_file() else None
                report.objects_checked += 1
            actual = hashed[artifact.sha256]
            if actual is None:
                report.problems.append(f"{label}: stored file is missing")
            elif actual != artifact.sha256:
                report.problems.append(
                    f"{label}: stored file has changed (SHA-256 {actual}, recorded "
                    f"{artifact.sha256})"
                )

        for record in self.records():
            report.records_checked += 1
            entry = record_entries.get(record.id)
            logged = entry.details.get("payload_sha256") if entry else None
            if sha256_text(canonical_json(record.payload)) != record.payload_sha256 or (
                logged != record.payload_sha256
            ):
                report.problems.append(f"record #{record.id} ({record.kind}): content has changed")

        report.problems.extend(audit.verify_chain(self._conn))
        integrity = self._conn.execute("PRAGMA integrity_check").fetchone()[0]
        if integrity != "ok":
            report.problems.append(f"database integrity check failed: {integrity}")

        leftovers = list((self.root / "objects" / "tmp").glob("*.part"))
        if leftovers:
            report.notes.append(
                f"{len(leftovers)} temporary file(s) from interrupted imports in objects/tmp "
                "(not part of the case)"
            )
        referenced = {a.sha256 for a in self.artifacts()}
        orphans = [
            p
            for p in (self.root / "objects").glob("??/*")
            if p.parent.name != "tmp" and p.name not in referenced
        ]
        if orphans:
            report.notes.append(
                f"{len(orphans)} stored file(s) not referenced by any artifact "
                "(left by an interrupted or refused import; not part of the case)"
            )
        if log:
            entry = self.log_action(
                "verify",
                {"ok": report.ok, "problems": report.problems, "objects": report.objects_checked},
            )
            report.chain_head = entry.hash
        else:
            report.chain_head = self.chain_head()[1]
        return report


_ARTIFACT_COLUMNS = (
    "id, sha256, size, media_type, width, height, original_path, original_name, imported_at, "
    "role, note"
)


def _check_source(path: Path) -> Path:
    try:
        mode = path.stat().st_mode
        if stat.S_ISREG(mode):
            with open(path, "rb"):
                pass
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({error.strerror})") from None
    if stat.S_ISDIR(mode):
        raise InputError(f"{path}: is a folder, not a file")
    if not stat.S_ISREG(mode):
        raise InputError(f"{path}: not a regular file")
    return path.absolute()
