"""The case store: content-addressed copies, immutable rows, migrations, verification."""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import stat
from pathlib import Path

import pytest
from PIL import Image

from workstation.core import schema
from workstation.core.case import DB_NAME, Case
from workstation.core.errors import CaseError, InputError


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_create_makes_a_wal_database_with_schema_and_first_log_entry(case: Case) -> None:
    assert (case.root / DB_NAME).is_file()
    conn = sqlite3.connect(case.root / DB_NAME)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert schema.read_version(conn) == schema.SCHEMA_VERSION
    [entry] = case.audit_entries()
    assert entry.action == "case created"
    assert entry.actor == "Ann Examiner"
    assert entry.details["title"] == "Test case"
    assert entry.details["case_id"] == case.info.case_id


def test_import_copies_into_content_address_and_leaves_original_untouched(
    case: Case, png: Path
) -> None:
    before = (png.read_bytes(), os.stat(png).st_mtime_ns)
    artifact = case.import_file(png, role="reference", note="from the claimant")

    digest = sha256(png)
    stored = case.root / "objects" / digest[:2] / digest
    assert (png.read_bytes(), os.stat(png).st_mtime_ns) == before
    assert stored.read_bytes() == png.read_bytes()
    assert not os.stat(stored).st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert artifact.sha256 == digest
    assert artifact.size == png.stat().st_size
    assert (artifact.media_type, artifact.width, artifact.height) == ("image/png", 40, 30)
    assert artifact.original_path == str(png.absolute())
    assert artifact.original_name == "picture.png"
    assert artifact.role == "reference" and artifact.note == "from the claimant"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", artifact.imported_at)
    assert case.artifacts() == [artifact]
    assert case.audit_entries()[-1].details == artifact.to_dict()
    assert list((case.root / "objects" / "tmp").iterdir()) == []


def test_non_image_files_are_kept_with_their_sniffed_type(case: Case, tmp_path: Path) -> None:
    pdf = tmp_path / "contract.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%fake but typed by its magic number\n")
    artifact = case.import_file(pdf, role="other")
    assert artifact.media_type == "application/pdf"
    assert artifact.width is None


def test_same_content_twice_is_stored_once(case: Case, png: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.png"
    copy.write_bytes(png.read_bytes())
    first, second = case.import_files([png, copy], role="reference")
    assert first.sha256 == second.sha256 and first.id != second.id
    assert len(list((case.root / "objects").glob("??/*"))) == 1
    assert case.verify().ok


def test_a_bad_file_in_a_batch_imports_nothing(case: Case, png: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.png"
    bad.write_bytes(png.read_bytes()[:60])
    before = (case.artifacts(), case.audit_entries())
    with pytest.raises(InputError, match="bad.png"):
        case.import_files([png, bad], role="reference")
    assert (case.artifacts(), case.audit_entries()) == before
    assert list((case.root / "objects" / "tmp").iterdir()) == []


def test_rows_and_log_refuse_updates_through_sqlite(case: Case, png: Path) -> None:
    case.import_file(png)
    conn = sqlite3.connect(case.root / DB_NAME)
    for statement in (
        "UPDATE audit SET actor = 'someone else'",
        "DELETE FROM audit",
        "UPDATE artifacts SET role = 'disputed'",
        "DELETE FROM artifacts",
    ):
        with pytest.raises(sqlite3.DatabaseError, match="append-only|immutable"):
            conn.execute(statement)


def _tamper(case: Case, *statements: str) -> None:
    """Edit the database the way a determined person would: drop the guards first."""
    conn = sqlite3.connect(case.root / DB_NAME)
    triggers = [
        row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")
    ]
    for name in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def test_verify_passes_on_an_untouched_case_and_logs_itself(case: Case, png: Path) -> None:
    case.import_file(png)
    report = case.verify()
    assert report.ok, report.problems
    assert report.objects_checked == 1
    last = case.audit_entries()[-1]
    assert last.action == "verify" and last.details["ok"] is True
    assert report.chain_head == last.hash


def test_verify_names_an_altered_object(case: Case, png: Path) -> None:
    artifact = case.import_file(png, role="reference")
    stored = case.object_path(artifact.sha256)
    os.chmod(stored, 0o644)
    stored.write_bytes(stored.read_bytes() + b"x")
    problems = case.verify().problems
    assert len(problems) == 1
    assert f"artifact #{artifact.id} (picture.png): stored file has changed" in problems[0]


def test_verify_names_a_missing_object(case: Case, png: Path) -> None:
    artifact = case.import_file(png)
    case.object_path(artifact.sha256).unlink()
    assert case.verify().problems == [
        f"artifact #{artifact.id} (picture.png): stored file is missing"
    ]


def test_verify_names_an_edited_audit_entry(case: Case, png: Path) -> None:
    case.import_file(png)
    _tamper(case, "UPDATE audit SET actor = 'Mallory' WHERE seq = 2")
    problems = Case.open(case.root).verify().problems
    assert any(p.startswith("audit entry #2 (import): content does not match") for p in problems)


def test_verify_notices_a_removed_last_audit_entry(case: Case, png: Path) -> None:
    case.import_file(png)
    _tamper(case, "DELETE FROM audit WHERE seq = 2")
    problems = Case.open(case.root).verify().problems
    assert any("entries were removed or replaced" in p for p in problems)
    assert any("artifact #1" in p and "differs from its import entry" in p for p in problems)


def test_verify_notices_an_edited_artifact_row(case: Case, png: Path) -> None:
    case.import_file(png, role="reference")
    _tamper(case, "UPDATE artifacts SET role = 'disputed' WHERE id = 1")
    problems = Case.open(case.root).verify().problems
    assert problems == ["artifact #1 (picture.png): its database row differs from its import entry"]


def test_records_are_stored_audited_and_verified(case: Case) -> None:
    record_id = case.add_record("comparison", {"a": 1, "text": "近似"})
    [record] = case.records("comparison")
    assert (record.id, record.payload) == (record_id, {"a": 1, "text": "近似"})
    assert case.audit_entries()[-1].details["payload_sha256"] == record.payload_sha256
    assert case.verify().ok
    _tamper(case, 'UPDATE records SET payload = \'{"a":2,"text":"近似"}\'')
    assert Case.open(case.root).verify().problems == [
        f"record #{record_id} (comparison): content has changed"
    ]


def test_transaction_rolls_back_rows_and_log_together(case: Case, png: Path) -> None:
    before = case.audit_entries()
    with pytest.raises(RuntimeError), case.transaction():
        case.import_file(png)
        case.add_record("generation", {"seed": 1})
        raise RuntimeError("crash in the middle")
    assert case.artifacts() == [] and case.records() == []
    assert case.audit_entries() == before


def test_an_old_schema_is_migrated_and_logged(tmp_path: Path) -> None:
    root = tmp_path / "old"
    (root / "objects").mkdir(parents=True)
    conn = sqlite3.connect(root / DB_NAME, isolation_level=None)
    conn.execute("BEGIN")
    schema.migrate(conn, 0, target=1)
    meta = {
        "format": schema.CASE_FORMAT,
        "case_id": "x",
        "title": "Old",
        "examiner": "E",
        "created_at": "2026-01-01T00:00:00.000000Z",
    }
    conn.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
    conn.execute("COMMIT")
    conn.close()

    with Case.open(root) as case:
        assert case.info.schema_version == schema.SCHEMA_VERSION
        assert case.audit_entries()[-1].action == "schema migrated"
        assert case.audit_entries()[-1].details == {"from": 1, "to": schema.SCHEMA_VERSION}
        case.add_record("generation", {"ok": True})  # the v2 table exists now
        assert case.verify().ok


def test_a_newer_schema_is_refused(case: Case) -> None:
    conn = sqlite3.connect(case.root / DB_NAME)
    conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.commit()
    with pytest.raises(CaseError, match="newer version"):
        Case.open(case.root)


def test_folders_that_are_not_cases_are_refused(tmp_path: Path) -> None:
    with pytest.raises(CaseError, match="not a case"):
        Case.open(tmp_path)
    (tmp_path / DB_NAME).write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(CaseError, match="not a readable case database"):
        Case.open(tmp_path)
    assert not (tmp_path / "objects").exists()


def test_create_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "something.txt").write_text("x")
    with pytest.raises(CaseError, match="not empty"):
        Case.create(tmp_path, title="T", examiner="E")


def test_open_does_not_create_a_database(tmp_path: Path) -> None:
    with pytest.raises(CaseError):
        Case.open(tmp_path / "nowhere")
    assert not (tmp_path / "nowhere").exists()


def test_image_dimensions_come_from_the_content(case: Case, tmp_path: Path) -> None:
    path = tmp_path / "wide.webp"
    Image.new("RGB", (64, 16), (0, 128, 255)).save(path)
    artifact = case.import_file(path, role="disputed")
    assert (artifact.media_type, artifact.width, artifact.height) == ("image/webp", 64, 16)
