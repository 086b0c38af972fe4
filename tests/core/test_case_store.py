"""The case store: content-addressed copies, immutable rows, migrations, verification."""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import stat
import tarfile
from pathlib import Path

import pytest
from PIL import Image

from workstation.core import records, schema
from workstation.core.case import DB_NAME, Case
from workstation.core.errors import CaseError, InputError

DATA = Path(__file__).parent / "data"


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
    """Edit the database the way a determined person would: drop the guards, edit, put them
    back (so only the edit itself is left to find)."""
    conn = sqlite3.connect(case.root / DB_NAME)
    triggers = list(conn.execute("SELECT name, sql FROM sqlite_master WHERE type='trigger'"))
    for name, _ in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    for statement in statements:
        conn.execute(statement)
    for _, sql in triggers:
        conn.execute(sql)
    conn.commit()
    conn.close()


def test_verify_passes_on_an_untouched_case_and_writes_nothing(case: Case, png: Path) -> None:
    case.import_file(png)
    before = case.audit_entries()
    report = case.verify()
    assert report.ok, report.problems
    assert report.objects_checked == 1
    assert case.audit_entries() == before  # a verify is a read
    assert (report.chain_seq, report.chain_head) == case.chain_head()
    assert "--expect-head" in report.limits


def test_a_recorded_verify_is_logged_only_when_it_passes(case: Case, png: Path) -> None:
    artifact = case.import_file(png)
    report = case.verify(log=True)
    last = case.audit_entries()[-1]
    assert last.action == "verified" and report.chain_head == last.hash
    case.object_path(artifact.sha256).unlink()
    before = case.audit_entries()
    assert not case.verify(log=True).ok
    assert case.audit_entries() == before


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
    assert any("artifact #1" in p and "has no import entry" in p for p in problems)


def test_verify_notices_an_edited_artifact_row(case: Case, png: Path) -> None:
    case.import_file(png, role="reference")
    _tamper(case, "UPDATE artifacts SET role = 'disputed' WHERE id = 1")
    problems = Case.open(case.root).verify().problems
    assert problems == ["artifact #1 (picture.png): its database row differs from its import entry"]


def test_records_are_typed_stored_audited_and_verified(case: Case, png: Path) -> None:
    artifact = case.import_file(png, role="reference")
    body = records.Comparison(report={"a": 1, "text": "近似"})
    link = records.Link("input", "image_a", artifact_id=artifact.id)
    record_id = case.add_record(body, [link])
    [record] = case.records("comparison")
    assert (record.id, record.body, record.links) == (record_id, body, (link,))
    entry = case.audit_entries()[-1]
    assert entry.details["payload_sha256"] == record.payload_sha256
    assert entry.details["links"] == [["input", "image_a", "artifact", artifact.id]]
    assert case.verify().ok
    _tamper(case, 'UPDATE records SET payload = \'{"report":{"a":2,"text":"近似"}}\'')
    assert Case.open(case.root).verify().problems == [
        f"record #{record_id} (comparison): content has changed"
    ]


def test_a_record_that_does_not_fit_its_schema_is_refused(case: Case, png: Path) -> None:
    artifact = case.import_file(png)
    with pytest.raises(TypeError):
        case.add_record("comparison", {"a": 1})  # type: ignore[arg-type]
    with pytest.raises(InputError, match="not an object"):
        case.add_record(records.Comparison(report=[1, 2]))  # type: ignore[arg-type]
    with pytest.raises(InputError, match="status"):
        case.add_finding("maybe", "text", artifact_id=artifact.id)
    with pytest.raises(InputError, match="needs some text"):
        case.add_finding("ok", "  ", artifact_id=artifact.id)
    assert case.records() == []


def test_transaction_rolls_back_rows_and_log_together(case: Case, png: Path) -> None:
    before = case.audit_entries()
    with pytest.raises(RuntimeError), case.transaction():
        artifact = case.import_file(png)
        case.add_record(
            records.Comparison(report={}), [records.Link("input", "a", artifact_id=artifact.id)]
        )
        raise RuntimeError("crash in the middle")
    assert case.artifacts() == [] and case.records() == []
    assert case.audit_entries() == before
    assert not list((case.root / "objects").glob("??/*"))
    assert case.verify().ok


def test_findings_and_amendments_never_edit_in_place(case: Case, png: Path) -> None:
    artifact = case.import_file(png, role="reference", note="from the claimnat")
    rows_before = sqlite3.connect(case.root / DB_NAME).execute("SELECT * FROM artifacts").fetchall()
    case.amend_artifact(artifact.id, "note", "from the claimant", reason="typo")
    case.amend_artifact(artifact.id, "role", "disputed", reason="wrong role at import")
    case.amend_case("court", "Beijing Internet Court", reason="assigned")
    finding = case.add_finding("warning", "Same composition", artifact_id=artifact.id)
    assert case.artifact(artifact.id).note == "from the claimant"
    assert case.artifacts("disputed")[0].role == "disputed"
    assert Case.open(case.root).info.court == "Beijing Internet Court"
    rows = sqlite3.connect(case.root / DB_NAME).execute("SELECT * FROM artifacts").fetchall()
    assert rows == rows_before  # the stored row is untouched
    [about] = case.records_about(artifact_id=artifact.id)[-1:]
    assert about.id == finding and about.body.status == "warning"
    with pytest.raises(InputError, match="role"):
        case.amend_artifact(artifact.id, "role", "suspect")
    with pytest.raises(InputError, match="cannot amend"):
        case.amend_case("case_id", "x")
    assert case.verify().ok


def test_case_properties_are_set_at_creation(tmp_path: Path) -> None:
    with Case.create(
        tmp_path / "c", "Li v. Example", "E", case_number="(2026)京0491民初123号", court="BIC"
    ) as case:
        assert (case.info.case_number, case.info.court) == ("(2026)京0491民初123号", "BIC")
        assert case.audit_entries()[0].details["case_number"] == "(2026)京0491民初123号"
        assert case.verify().ok
    with pytest.raises(InputError, match="unknown case properties"):
        Case.create(tmp_path / "d", "T", "E", judge="x")


def test_a_case_of_the_previous_release_migrates_and_verifies(tmp_path: Path) -> None:
    """A case written by release aff9bde (schema 2): import, comparison, generation with its
    steps, seed study and report. It opens, migrates once (logged, with the links read from the
    old records) and verifies; its records read back typed."""
    with tarfile.open(DATA / "case-v2-aff9bde.tar.gz") as archive:
        archive.extractall(tmp_path, filter="data")
    root = tmp_path / "case"
    with Case.open(root, readonly=True) as old:  # read-only: seen as it is, not migrated
        assert old.info.schema_version == 2
        assert old.verify().ok
    with Case.open(root) as case:
        assert case.info.schema_version == schema.SCHEMA_VERSION
        entry = case.audit_entries()[-1]
        assert entry.action == "schema migrated" and entry.details["from"] == 2
        kinds = [r.kind for r in case.records()]
        assert kinds == ["comparison", "generation", "study", "report"]
        assert all(r.problem is None and r.schema_version == 1 for r in case.records())
        comparison = case.records("comparison")[0]
        assert {k.label for k in comparison.linked("input")} == {"image_a", "image_b"}
        assert len(case.records("generation")[0].linked("step")) == 8
        report = case.verify()
        assert report.ok, report.problems
        assert report.links_checked == sum(len(r.links) for r in case.records())
    with Case.open(root) as again:  # migrated once only
        assert again.audit_entries()[-1].action == "schema migrated"


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
