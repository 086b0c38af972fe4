"""A case: one folder holding evidence that can be re-verified by anyone who has a copy.

    CASE/case.sqlite            SQLite (WAL): meta, artifacts, records, links, audit log
    CASE/objects/ab/ab12…       read-only files named by their SHA-256
    CASE/objects/tmp/           files being written; never referenced by the database

An import copies the file into a temporary file while hashing it, fsyncs, checks what it is, then
(inside the database transaction) renames it to its content address and commits the database row
together with its audit entry. A process killed at any point leaves either a complete artifact or
nothing visible: a file renamed but not committed keeps its `objects/tmp/<sha>.pending` marker, so
verify can tell it from a planted one.

Records are typed (core/records.py) and name the artifacts and records they used and made through
links, written in the same transaction and listed in the record's audit entry. Nothing is edited
in place: case properties, an artifact's role or note, and records are corrected by amendment
records; readers see the newest value (`info`, `artifacts()`), verify sees the stored rows.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import sqlite3
import stat
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from workstation.core import audit, records, schema
from workstation.core.canonical import CHUNK, canonical_json, sha256_text
from workstation.core.errors import CaseError, InputError
from workstation.core.media import MediaInfo, probe
from workstation.core.records import Link, RecordBody, RecordError
from workstation.core.timeutil import utc_now

try:
    import fcntl
except ImportError:  # Windows: no flock; the sweep goes by age alone
    fcntl = None  # type: ignore[assignment]

DB_NAME = "case.sqlite"
ROLES = ("reference", "disputed", "generated", "other")  # roles a user gives on import
ALL_ROLES = (*ROLES, "report")  # "report": a report PDF the workstation stored itself
IMAGE_ROLES = ("reference", "disputed", "generated")
LOCK_WAIT_S = float(os.environ.get("WORKSTATION_LOCK_WAIT", "30"))
# Audit actions that create no rows; every other action must have created what it names.
SWEEP_ACTION = "temporaries swept"
PLAIN_ACTIONS = ("verify", "verified", SWEEP_ACTION)
# The temporaries a case makes itself, all in objects/tmp: an import's copy (`<uuid hex>.part`,
# held locked by its importer while it lives) and the marker of a file it moved into the store
# but has not committed yet (`<sha256>.pending`). Opening a writable case sweeps those a kill or
# a full disk left behind: a copy older than SWEEP_GRACE_S that no importer holds, and a marker
# while the sweep holds the write lock (so no import is under way); nothing else is touched.
TEMP_COPY = re.compile(r"[0-9a-f]{32}\.part")
TEMP_MARKER = re.compile(r"([0-9a-f]{64})\.pending")
SWEEP_GRACE_S = 10 * 60
WaitNotice = Callable[[str], None]


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
    schema_version: int = records.LEGACY_VERSION
    body: RecordBody | None = None  # the typed record; None when `problem` says why not
    problem: str | None = None
    links: tuple[Link, ...] = ()
    withdrawn: bool = False  # an amendment withdrew it; it stays in the case and its log

    def linked(self, *roles: str) -> list[Link]:
        return [link for link in self.links if not roles or link.role in roles]


@dataclass(frozen=True)
class CaseInfo:
    case_id: str
    title: str
    examiner: str
    organisation: str
    created_at: str
    schema_version: int
    root: Path
    case_number: str = ""
    court: str = ""
    parties: str = ""
    instructing_party: str = ""
    description: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "root": str(self.root)}


@dataclass
class VerifyReport:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    objects_checked: int = 0
    records_checked: int = 0
    links_checked: int = 0
    entries_checked: int = 0
    chain_head: str = audit.GENESIS_HASH
    chain_seq: int = 0
    # What verify cannot see by itself; printed with every OK so nobody reads more into it.
    limits: str = (
        "a case rewritten as a whole, chain included, by someone with write access verifies "
        "too: compare its chain head with one published earlier (--expect-head, --against REPORT)"
    )

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


def _hold(path: Path) -> int:
    """A descriptor holding a shared lock on `path` (no lock where the system has no flock)."""
    handle = os.open(path, os.O_RDONLY)
    if fcntl is not None:
        fcntl.flock(handle, fcntl.LOCK_SH)
    return handle


def _held(path: Path) -> bool:
    """Whether a live importer holds `path` (see `_hold`); without flock only the age tells."""
    if fcntl is None:
        return False
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return True  # cannot tell: leave it
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(handle)
    return False


def _connect(db_path: Path, create: bool, readonly: bool = False) -> sqlite3.Connection:
    mode = "rwc" if create else "rw"
    if readonly:
        # Read-only media: nobody writes there. Without a -wal file SQLite must be told the file
        # is immutable (it cannot make a -shm file); with one, plain read-only reads it too.
        wal = db_path.with_name(db_path.name + "-wal").exists()
        mode = "ro" if wal else "ro&immutable=1"
    conn = sqlite3.connect(
        f"file:{db_path}?mode={mode}", uri=True, isolation_level=None, check_same_thread=False
    )
    conn.execute("PRAGMA busy_timeout=2000")
    if not readonly:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")  # a committed import survives a power cut
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def _writable(root: Path) -> bool:
    db = root / DB_NAME
    return os.access(root, os.W_OK) and os.access(db, os.W_OK)


class Case:
    """An open case. Use `Case.create` or `Case.open`; close with `close()` or a `with` block."""

    def __init__(
        self,
        root: Path,
        conn: sqlite3.Connection,
        actor: str | None,
        readonly: bool = False,
        on_wait: WaitNotice | None = None,
    ):
        self.root = root
        self._conn = conn
        self._depth = 0
        self._markers: list[Path] = []  # `.pending` markers of files this transaction placed
        self.readonly = readonly
        self.on_wait = on_wait  # told once when a write waits for another program's lock
        self.actor = actor or self.info.examiner

    # 1. Creating and opening

    @classmethod
    def create(
        cls,
        root: str | Path,
        title: str,
        examiner: str,
        organisation: str = "",
        **properties: str,
    ) -> Case:
        """A new case in a new or empty folder. `properties`: case_number, court, parties,
        instructing_party, description. On any failure (a full disk) nothing is left behind."""
        root = Path(root).absolute()
        if not title.strip() or not examiner.strip():
            raise InputError("a case needs a non-empty title and examiner name")
        unknown = set(properties) - set(records.CASE_PROPERTIES)
        if unknown:
            raise InputError(f"unknown case properties: {', '.join(sorted(unknown))}")
        if root.exists() and not root.is_dir():
            raise CaseError(f"{root} exists and is not a folder")
        if (root / DB_NAME).exists():
            raise CaseError(f"{root} is already a case")
        if root.exists() and any(root.iterdir()):
            raise CaseError(f"{root} is not empty; choose a new or empty folder for the case")
        made_root = not root.exists()
        conn = None
        try:
            (root / "objects" / "tmp").mkdir(parents=True, exist_ok=True)
            conn = _connect(root / DB_NAME, create=True)
            meta = {
                "format": schema.CASE_FORMAT,
                "case_id": str(uuid.uuid4()),
                "title": title,
                "examiner": examiner,
                "organisation": organisation,
                "created_at": utc_now(),
                **{key: str(properties.get(key, "")) for key in records.CASE_PROPERTIES[3:]},
            }
            conn.execute("BEGIN IMMEDIATE")
            schema.migrate(conn, 0)
            conn.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", meta.items())
            audit.append(
                conn, examiner, "case created", {**meta, "schema_version": schema.SCHEMA_VERSION}
            )
            conn.execute("COMMIT")
            return cls(root, conn, examiner)
        except (OSError, sqlite3.Error) as error:
            # A full disk or a vanished folder: leave no half-made case behind.
            if conn is not None:
                conn.close()
            _remove_partial_case(root, made_root)
            reason = getattr(error, "strerror", None) or str(error)
            raise CaseError(f"cannot create a case in {root}: {reason}") from None

    @classmethod
    def open(
        cls,
        root: str | Path,
        actor: str | None = None,
        readonly: bool | None = None,
        on_wait: WaitNotice | None = None,
    ) -> Case:
        """Open a case; `readonly=None` opens read-only when the folder cannot be written to
        (read-only media), which lists, verifies and reports but changes nothing."""
        root = Path(root).absolute()
        if not root.is_dir():
            raise CaseError(f"{root} is not a folder")
        db_path = root / DB_NAME
        if not db_path.is_file():
            raise CaseError(
                f"{root} is not a case (no {DB_NAME}); create one with `workstation case init`"
            )
        if readonly is None:
            readonly = not _writable(root)
        try:
            conn = _connect(db_path, create=False, readonly=readonly)
            row = conn.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
        except sqlite3.DatabaseError as error:
            raise CaseError(f"{db_path} is not a readable case database ({error})") from None
        if row is None or row[0] != schema.CASE_FORMAT:
            conn.close()
            raise CaseError(f"{db_path} is a database, but not a workstation case")
        meta = dict(conn.execute("SELECT key, value FROM meta"))
        try:
            version = int(meta["schema_version"])
            meta["case_id"], meta["created_at"]  # what every reader of the case needs
        except (KeyError, TypeError, ValueError) as error:
            conn.close()
            field = error.args[0] if isinstance(error, KeyError) else "schema_version"
            raise CaseError(f"{db_path}: meta: {field}: missing or damaged") from None
        if version > schema.SCHEMA_VERSION:
            conn.close()
            raise CaseError(
                f"{root} was written by a newer version of the workstation (case schema "
                f"{version}; this version reads up to {schema.SCHEMA_VERSION}); please upgrade"
            )
        case = cls(root, conn, actor, readonly, on_wait)
        if version < schema.SCHEMA_VERSION and not readonly:
            case._migrate(version)
        if not readonly:
            case._sweep_temporaries()
        return case

    def _migrate(self, version: int) -> None:
        with self.transaction():
            version = schema.read_version(self._conn)  # another program may have done it
            if version >= schema.SCHEMA_VERSION:
                return
            schema.migrate(self._conn, version)
            details: dict[str, Any] = {"from": version, "to": schema.SCHEMA_VERSION}
            if version < 3:
                details["links"] = self._backfill_links()
            audit.append(self._conn, self.actor, "schema migrated", details)

    def _backfill_links(self) -> dict[str, list]:
        """Links of the records written before links existed, read once from their payloads."""
        ids = {row[0] for row in self._conn.execute("SELECT id FROM artifacts")}
        written: dict[str, list] = {}
        rows = self._conn.execute("SELECT id, payload FROM records ORDER BY id").fetchall()
        for record_id, text in rows:
            links = records.legacy_links(_loads(text), ids)
            self._insert_links(record_id, links)
            if links:
                written[str(record_id)] = [link.to_list() for link in links]
        return written

    def _sweep_temporaries(self) -> None:
        """Remove what interrupted imports left in objects/tmp (see TEMP_COPY), and log each
        file with its size in one audit entry. Skipped while another program writes."""
        tmp_dir = self.root / "objects" / "tmp"
        try:
            names = sorted(
                entry.name for entry in os.scandir(tmp_dir) if entry.is_file(follow_symlinks=False)
            )
        except OSError:
            return
        if not any(TEMP_COPY.fullmatch(n) or TEMP_MARKER.fullmatch(n) for n in names):
            return
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            return  # another program is writing: its files are not stale; sweep another time
        try:
            removed = []
            for name in names:
                for path in self._stale(tmp_dir / name):
                    with contextlib.suppress(FileNotFoundError):
                        size = path.lstat().st_size
                        path.unlink()
                        removed.append(
                            {"path": path.relative_to(self.root).as_posix(), "size": size}
                        )
            if removed:
                audit.append(self._conn, self.actor, SWEEP_ACTION, {"removed": removed})
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def _stale(self, path: Path) -> list[Path]:
        """The files `path` stands for if it is an abandoned temporary (called holding the write
        lock): an old copy no importer holds; a marker, with the stored file it marks unless an
        artifact refers to that file (the import committed, then died before removing it)."""
        marker = TEMP_MARKER.fullmatch(path.name)
        if marker:
            sha256 = marker[1]
            stored = self.object_path(sha256)
            if self.find_artifact(sha256) is None and stored.is_file() and not stored.is_symlink():
                return [stored, path]
            return [path]
        if not TEMP_COPY.fullmatch(path.name):
            return []
        with contextlib.suppress(FileNotFoundError):
            if time.time() - path.lstat().st_mtime > SWEEP_GRACE_S and not _held(path):
                return [path]
        return []

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Case:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def info(self) -> CaseInfo:
        """The case's properties as they stand now (amendments applied, whoever wrote them)."""
        return self._read_info()

    def _read_info(self) -> CaseInfo:
        meta = dict(self._conn.execute("SELECT key, value FROM meta"))
        values = {key: meta.get(key, "") for key in records.CASE_PROPERTIES}
        for amendment in self._amendments("case"):
            values[amendment.field] = str(amendment.value)
        return CaseInfo(
            case_id=meta["case_id"],
            created_at=meta["created_at"],
            schema_version=int(meta["schema_version"]),
            root=self.root,
            **values,
        )

    # 2. Transactions

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Case]:
        """All-or-nothing: every row and audit entry inside commits together or not at all.

        Object files placed inside are removed again if it rolls back.
        """
        outermost = self._depth == 0
        if outermost:
            self._begin_write()
        self._depth += 1
        try:
            yield self
        except BaseException:
            self._depth -= 1
            if outermost:
                self._conn.execute("ROLLBACK")
                self._rolled_back()
            raise
        self._depth -= 1
        if outermost:
            self._conn.execute("COMMIT")
            self._committed()

    def _begin_write(self) -> None:
        """BEGIN IMMEDIATE, waiting (and saying so once) while another program writes."""
        if self.readonly:
            raise CaseError(
                f"{self.root} is opened read-only (read-only media or no write permission): it "
                "can be listed, verified and reported, but not changed"
            )
        deadline = time.monotonic() + LOCK_WAIT_S
        told = False
        while True:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) and "busy" not in str(error):
                    raise CaseError(f"cannot write to the case: {error}") from None
                if not told and self.on_wait:
                    self.on_wait("the case is being written by another program; waiting…")
                told = True
                if time.monotonic() >= deadline:
                    raise CaseError(
                        f"the case is locked by another program writing to it (waited "
                        f"{LOCK_WAIT_S:g} s); try again when it has finished"
                    ) from None
                time.sleep(0.1)

    def _rolled_back(self) -> None:
        """Remove the files this transaction placed: nothing refers to them. (Another writer
        cannot have reused one meanwhile: it places its files only while holding the lock.)"""
        for marker in self._markers:
            sha256 = marker.name.removesuffix(".pending")
            if self.find_artifact(sha256) is None:
                self.object_path(sha256).unlink(missing_ok=True)
            marker.unlink(missing_ok=True)
        self._markers = []

    def _committed(self) -> None:
        """After a commit: the objects it made are referenced now, their markers can go."""
        for marker in self._markers:
            marker.unlink(missing_ok=True)
        self._markers = []

    def log_action(self, action: str, details: dict[str, Any]) -> audit.AuditEntry:
        with self.transaction():
            return audit.append(self._conn, self.actor, action, details)

    # 3. Objects

    def object_path(self, sha256: str) -> Path:
        return self.root / "objects" / sha256[:2] / sha256

    def _copy_to_tmp(self, source: Path, held: list[int]) -> tuple[Path, str, int]:
        """Copy `source` into objects/tmp while hashing; return (temp path, sha256, size). The
        copy is locked (its descriptor added to `held`) until the import ends, so the sweep of
        another program's open sees it is not abandoned."""
        tmp_dir = self.root / "objects" / "tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        tmp = tmp_dir / f"{uuid.uuid4().hex}.part"
        digest, size = hashlib.sha256(), 0
        try:
            with open(source, "rb") as src, open(tmp, "xb") as dst:
                held.append(_hold(tmp))
                while chunk := src.read(CHUNK):
                    digest.update(chunk)
                    dst.write(chunk)
                    size += len(chunk)
                dst.flush()
                os.fsync(dst.fileno())
        except BaseException:  # a full disk, a vanished source: no partial copy is left
            tmp.unlink(missing_ok=True)
            raise
        return tmp, digest.hexdigest(), size

    def _commit_object(self, tmp: Path, sha256: str) -> None:
        """Move a staged file to its address, inside the caller's transaction."""
        final = self.object_path(sha256)
        final.parent.mkdir(exist_ok=True)
        if final.exists():
            tmp.unlink()  # same content already stored (and verified separately)
            return
        # The marker says "an import is putting this here"; it goes once the rows are committed.
        marker = self.root / "objects" / "tmp" / f"{sha256}.pending"
        marker.touch()
        self._markers.append(marker)
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
        if role not in ALL_ROLES:
            raise InputError(f"unknown role {role!r}; choose one of: {', '.join(ROLES)}")
        if self.readonly:
            self._begin_write()  # raises the read-only error before anything is copied
        sources = [_check_source(Path(p)) for p in paths]
        temps: list[Path] = []
        held: list[int] = []
        staged: list[tuple[Path, Path, str, int, MediaInfo]] = []
        try:
            for source in sources:
                tmp, sha256, size = self._copy_to_tmp(source, held)
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
            for handle in held:
                os.close(handle)

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
        """Every artifact with its current role and note (amendments applied)."""
        changes = self._artifact_changes()  # read once, not once per artifact
        current = [self._amended(a, changes) for a in self._stored_artifacts()]
        return [a for a in current if role is None or a.role == role]

    def _stored_artifacts(self) -> list[Artifact]:
        rows = self._conn.execute(f"SELECT {_ARTIFACT_COLUMNS} FROM artifacts ORDER BY id")
        return [Artifact(*row) for row in rows]

    def artifact(self, artifact_id: int) -> Artifact:
        row = self._conn.execute(
            f"SELECT {_ARTIFACT_COLUMNS} FROM artifacts WHERE id = ?", (artifact_id,)
        ).fetchone()
        if row is None:
            raise InputError(f"the case has no artifact #{artifact_id}")
        return self._amended(Artifact(*row))

    def _artifact_changes(self) -> dict[int | None, dict[str, str]]:
        """artifact id -> its amended fields, newest value last-wins."""
        changes: dict[int | None, dict[str, str]] = {}
        for amendment, target in self._amendment_targets("artifact"):
            changes.setdefault(target, {})[amendment.field] = str(amendment.value)
        return changes

    def _amended(
        self, artifact: Artifact, changes: dict[int | None, dict[str, str]] | None = None
    ) -> Artifact:
        changes = self._artifact_changes() if changes is None else changes
        fields = changes.get(artifact.id)
        return replace(artifact, **fields) if fields else artifact

    def find_artifact(self, sha256: str) -> Artifact | None:
        """The first artifact holding these bytes, if the case has them."""
        row = self._conn.execute(
            f"SELECT {_ARTIFACT_COLUMNS} FROM artifacts WHERE sha256 = ? ORDER BY id LIMIT 1",
            (sha256,),
        ).fetchone()
        return self._amended(Artifact(*row)) if row else None

    # 5. Records of work done, and their links

    def add_record(self, body: RecordBody, links: Sequence[Link] = ()) -> int:
        """Store a typed record and its links in one transaction; returns the record's id."""
        if not isinstance(body, RecordBody):
            raise TypeError("add_record takes a typed record from workstation.core.records")
        payload = json.loads(canonical_json(body.to_payload()))
        try:  # what is stored must read back as the same kind
            records.parse(body.KIND, body.VERSION, payload)
        except RecordError as error:
            raise InputError(f"cannot store this {body.KIND} record: {error}") from None
        text = canonical_json(payload)
        digest = sha256_text(text)
        created = utc_now()
        with self.transaction():
            cursor = self._conn.execute(
                "INSERT INTO records (kind, created_at, payload, payload_sha256, schema_version)"
                " VALUES (?, ?, ?, ?, ?)",
                (body.KIND, created, text, digest, body.VERSION),
            )
            record_id = int(cursor.lastrowid or 0)
            self._insert_links(record_id, links)
            audit.append(
                self._conn,
                self.actor,
                body.KIND,
                {
                    "record_id": record_id,
                    "kind": body.KIND,
                    "schema_version": body.VERSION,
                    "created_at": created,
                    "payload_sha256": digest,
                    "links": [link.to_list() for link in links],
                },
            )
        return record_id

    def _insert_links(self, record_id: int, links: Sequence[Link]) -> None:
        self._conn.executemany(
            "INSERT INTO links (record_id, role, label, artifact_id, target_record_id)"
            " VALUES (?, ?, ?, ?, ?)",
            [(record_id, k.role, k.label, k.artifact_id, k.record_id) for k in links],
        )

    def records(self, kind: str | None = None) -> list[Record]:
        """Every record, typed, with its links, oldest first. A record that does not fit its
        schema comes back with `body=None` and `problem` saying why (verify reports it)."""
        if not self._has_table("records"):
            return []  # a schema-1 case opened read-only
        links = self._links() if self._has_table("links") else {}
        withdrawn = {target for _, target in self._amendment_targets("record")}
        columns = _RECORD_COLUMNS if self._has_table("links") else _LEGACY_RECORD_COLUMNS
        found = []
        for row in self._conn.execute(f"SELECT {columns} FROM records ORDER BY id"):
            record = _record(row, links.get(row[0], ()), row[0] in withdrawn)
            if kind is None or record.kind == kind or _typed_kind(record) == kind:
                found.append(record)
        return found

    def record(self, record_id: int) -> Record:
        columns = _RECORD_COLUMNS if self._has_table("links") else _LEGACY_RECORD_COLUMNS
        row = None
        if self._has_table("records"):
            row = self._conn.execute(
                f"SELECT {columns} FROM records WHERE id = ?", (record_id,)
            ).fetchone()
        if row is None:
            raise InputError(f"the case has no record #{record_id}")
        links = self._links(record_id).get(record_id, ()) if self._has_table("links") else ()
        withdrawn = any(t == record_id for _, t in self._amendment_targets("record"))
        return _record(row, links, withdrawn)

    def _links(self, record_id: int | None = None) -> dict[int, tuple[Link, ...]]:
        """Links by record, of every record or of one."""
        found: dict[int, list[Link]] = {}
        where, args = ("WHERE record_id = ?", (record_id,)) if record_id is not None else ("", ())
        rows = self._conn.execute(
            "SELECT record_id, role, label, artifact_id, target_record_id FROM links"
            f" {where} ORDER BY rowid",
            args,
        )
        for record_id, role, label, artifact_id, target in rows:
            try:
                link = Link(role, label, artifact_id, target)
            except ValueError:
                continue  # a tampered row: verify reports it
            found.setdefault(record_id, []).append(link)
        return {key: tuple(value) for key, value in found.items()}

    def records_about(self, artifact_id: int | None = None, record_id: int | None = None):
        """Records that link to this artifact or record (findings, amendments, users)."""
        return [
            r
            for r in self.records()
            if any(
                (artifact_id is not None and k.artifact_id == artifact_id)
                or (record_id is not None and k.record_id == record_id)
                for k in r.links
            )
        ]

    # 6. The examiner's words: findings and amendments

    def add_finding(
        self,
        status: str,
        text: str,
        artifact_id: int | None = None,
        record_id: int | None = None,
        figure: str | None = None,
        geometry: dict | None = None,
    ) -> int:
        """A finding about one artifact or one record (or one figure of a record); `geometry`:
        a shape drawn on the artifact, in its pixels (records.check_geometry)."""
        if (artifact_id is None) == (record_id is None):
            raise InputError("a finding is about one artifact or one record")
        if geometry is not None and artifact_id is None:
            raise InputError("a finding's geometry is drawn on an artifact: name the artifact")
        if artifact_id is not None:
            artifact = self.artifact(artifact_id)
            image = geometry.get("image") if isinstance(geometry, dict) else None
            size = (artifact.width, artifact.height)
            drawn = (image.get("width"), image.get("height")) if isinstance(image, dict) else None
            if drawn is not None and None not in size and drawn != size:
                raise InputError(
                    f"the geometry was drawn on a {drawn[0]} × {drawn[1]} image; "
                    f"A{artifact_id} is {size[0]} × {size[1]}"
                )
        else:
            record = self.record(record_id)  # type: ignore[arg-type]
            if figure and figure not in {k.label for k in record.links}:
                labels = ", ".join(sorted({k.label for k in record.links if k.label})) or "none"
                raise InputError(
                    f"record #{record_id} has no figure {figure!r} (its figures: {labels})"
                )
        try:
            body = records.Finding(
                status=status, text=text.strip(), figure=figure, geometry=geometry
            )
        except RecordError as error:
            raise InputError(str(error)) from None
        link = Link("about", "", artifact_id=artifact_id, record_id=record_id)
        return self.add_record(body, [link])

    def amend_case(self, name: str, value: str, reason: str = "") -> int:
        previous = getattr(self.info, name, None)
        if name in ("title", "examiner") and not value.strip():
            raise InputError(f"the case {name} cannot be empty")
        return self._amend(records.Amendment("case", name, value, previous, reason), [])

    def amend_artifact(self, artifact_id: int, name: str, value: str, reason: str = "") -> int:
        artifact = self.artifact(artifact_id)
        if name == "role" and value not in ROLES:
            raise InputError(f"unknown role {value!r}; choose one of: {', '.join(ROLES)}")
        previous = getattr(artifact, name, None)
        body = records.Amendment("artifact", name, value, previous, reason)
        return self._amend(body, [Link("amends", name, artifact_id=artifact_id)])

    def withdraw_record(self, record_id: int, reason: str) -> int:
        self.record(record_id)
        if not reason.strip():
            raise InputError("say why the record is withdrawn")
        body = records.Amendment("record", "withdrawn", True, False, reason)
        return self._amend(body, [Link("amends", "withdrawn", record_id=record_id)])

    def _amend(self, body: records.Amendment, links: list[Link]) -> int:
        try:
            records.parse(body.KIND, body.VERSION, body.to_payload())
        except RecordError as error:
            raise InputError(str(error)) from None
        return self.add_record(body, links)

    def _amendments(self, target: str) -> list[records.Amendment]:
        return [a for a, _ in self._amendment_targets(target)]

    def _amendment_targets(self, target: str) -> list[tuple[records.Amendment, int | None]]:
        """(amendment, id it amends) for one target kind, oldest first."""
        if not self._has_table("links"):
            return []
        rows = self._conn.execute(
            "SELECT r.id, r.payload, l.artifact_id, l.target_record_id FROM records r"
            " LEFT JOIN links l ON l.record_id = r.id AND l.role = 'amends'"
            " WHERE r.kind = 'amendment' ORDER BY r.id"
        ).fetchall()
        found = []
        for _, text, artifact_id, record_id in rows:
            try:
                body = records.parse("amendment", 2, _loads(text))
            except RecordError:
                continue  # verify reports it
            if isinstance(body, records.Amendment) and body.target == target:
                found.append((body, artifact_id if target == "artifact" else record_id))
        return found

    def _has_table(self, name: str) -> bool:
        row = self._conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        ).fetchone()
        return row is not None

    # 7. Audit log and verification

    def audit_entries(self) -> list[audit.AuditEntry]:
        return audit.entries(self._conn)

    def chain_head(self) -> tuple[int, str]:
        return audit.head(self._conn)

    def verify(self, log: bool = False, expect_head: tuple[int, str] | None = None):
        """Check everything both ways from one snapshot of the database (see core/verify.py).

        Nothing is written unless `log` is set and the case verified: a failed verify is
        reported to whoever ran it; writing it into a case that fails would bury the evidence.
        """
        from workstation.core.verify import verify_case

        report = verify_case(self, expect_head)
        if log and report.ok and not self.readonly:
            entry = self.log_action(
                "verified",
                {
                    "head_before": f"{report.chain_seq}:{report.chain_head}",
                    "objects": report.objects_checked,
                },
            )
            report.chain_seq, report.chain_head = entry.seq, entry.hash
        return report

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """One read transaction: everything read inside sees the same state of the case."""
        if self._depth:
            yield self._conn  # already inside our own transaction
            return
        self._conn.execute("BEGIN")
        try:
            self._conn.execute("SELECT count(*) FROM meta").fetchone()  # starts the snapshot
            yield self._conn
        finally:
            self._conn.execute("COMMIT")


_ARTIFACT_COLUMNS = (
    "id, sha256, size, media_type, width, height, original_path, original_name, imported_at, "
    "role, note"
)
_RECORD_COLUMNS = "id, kind, created_at, payload, payload_sha256, schema_version"
_LEGACY_RECORD_COLUMNS = "id, kind, created_at, payload, payload_sha256, 1"


def _loads(text: Any) -> Any:
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return None


def _record(row: tuple, links: Sequence[Link], withdrawn: bool) -> Record:
    record_id, kind, created, text, digest, version = row
    payload = _loads(text)
    body, problem = None, None
    try:
        body = records.parse(kind, version, payload)
    except RecordError as error:
        problem = str(error)
    return Record(
        record_id,
        kind,
        created,
        payload if isinstance(payload, dict) else {},
        digest,
        version,
        body,
        problem,
        tuple(links),
        withdrawn,
    )


def _typed_kind(record: Record) -> str | None:
    return record.body.KIND if record.body is not None else None


def _remove_partial_case(root: Path, made_root: bool) -> None:
    if made_root:
        shutil.rmtree(root, ignore_errors=True)
        return
    for name in (DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm", f"{DB_NAME}-journal", "objects"):
        target = root / name
        if target.is_dir():
            shutil.rmtree(target, ignore_errors=True)
        else:
            target.unlink(missing_ok=True)


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
