"""The tamper suite: each kind of change someone with the database and the files could make is
named by verify, and one that leaves a consistent but shorter or rewritten chain is caught by the
published head. Each test edits a real case the way a determined person would (triggers dropped
and put back, sqlite3 at the file)."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

import pytest
from PIL import Image

from workstation.core import audit, records
from workstation.core.canonical import canonical_json
from workstation.core.case import DB_NAME, Case


@pytest.fixture
def built(tmp_path: Path) -> Case:
    """A case with two images, a comparison linking both, and a finding."""
    images = []
    for name, colour in (("work.png", (200, 10, 10)), ("disputed.png", (10, 10, 200))):
        path = tmp_path / name
        Image.new("RGB", (24, 24), colour).save(path)
        images.append(path)
    case = Case.create(tmp_path / "case", title="Smith v. Example", examiner="Ann")
    work = case.import_file(images[0], role="reference")
    disputed = case.import_file(images[1], role="disputed")
    links = [
        records.Link("input", "image_a", artifact_id=work.id),
        records.Link("input", "image_b", artifact_id=disputed.id),
    ]
    comparison = case.add_record(records.Comparison(report={"ssim": 0.5}), links)
    case.add_finding("check", "Same layout", record_id=comparison)
    assert case.verify().ok
    case.close()
    yield Case.open(tmp_path / "case")


def tamper(case: Case, *statements: str) -> list[str]:
    """Run `statements` with the guards dropped and put back, then verify."""
    conn = sqlite3.connect(case.root / DB_NAME, isolation_level=None)
    triggers = list(conn.execute("SELECT name, sql FROM sqlite_master WHERE type='trigger'"))
    for name, _ in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    for statement in statements:
        conn.execute(statement)
    for _, sql in triggers:
        with contextlib.suppress(sqlite3.OperationalError):
            conn.execute(sql)  # fails where its table became a view: that trigger stays dropped
    conn.close()
    with Case.open(case.root) as reopened:
        return reopened.verify().problems


def test_deleted_artifact_row_is_named(built: Case) -> None:
    problems = tamper(built, "DELETE FROM artifacts WHERE id = 2")
    assert any("artifact #2 (disputed.png)" in p and "row is gone" in p for p in problems)


def test_deleted_record_row_is_named(built: Case) -> None:
    problems = tamper(
        built, "DELETE FROM links WHERE record_id = 2", "DELETE FROM records WHERE id = 2"
    )
    assert any("record #2 (finding)" in p and "row is gone" in p for p in problems)
    assert any("record #2: a logged link" in p for p in problems)


def test_deleted_link_is_named(built: Case) -> None:
    problems = tamper(built, "DELETE FROM links WHERE label = 'image_b'")
    assert problems == ["record #1: a logged link (input 'image_b') is gone"]


def test_a_row_hidden_behind_a_view_is_named(built: Case) -> None:
    problems = tamper(
        built,
        "ALTER TABLE artifacts RENAME TO artifacts_real",
        "CREATE VIEW artifacts AS SELECT * FROM artifacts_real WHERE id <> 2",
    )
    assert any("view 'artifacts' was added" in p for p in problems)
    assert any("table 'artifacts_real' was added" in p for p in problems)
    assert any("artifact #2" in p and "row is gone" in p for p in problems)


@pytest.mark.parametrize("key", ["title", "examiner", "case_id"])
def test_edited_case_property_is_named(built: Case, key: str) -> None:
    recorded = getattr(built.info, key)
    problems = tamper(built, f"UPDATE meta SET value = 'Forged' WHERE key = '{key}'")
    assert problems == [
        f"case property {key!r} reads 'Forged', but the log recorded "
        f"{recorded!r} (amendments are records; the stored value never changes)"
    ]


def test_added_case_property_is_named(built: Case) -> None:
    problems = tamper(built, "INSERT INTO meta VALUES ('judge', 'Forged')")
    assert problems == ["case property 'judge' was added to the database outside the log"]


def test_edited_record_kind_and_time_are_named(built: Case) -> None:
    problems = tamper(built, "UPDATE records SET kind = 'generation' WHERE id = 1")
    assert any("record #1 (generation): its kind was changed" in p for p in problems)
    problems = tamper(
        built, "UPDATE records SET created_at = '2020-01-01T00:00:00.000000Z' WHERE id = 2"
    )
    assert any("record #2 (finding): its creation time was changed" in p for p in problems)


def test_dropped_and_added_triggers_are_named(built: Case) -> None:
    conn = sqlite3.connect(built.root / DB_NAME)
    conn.execute("DROP TRIGGER audit_no_delete")
    conn.execute("CREATE TRIGGER sneaky AFTER INSERT ON artifacts BEGIN SELECT 1; END")
    conn.commit()
    conn.close()
    problems = Case.open(built.root).verify().problems
    assert "database trigger 'audit_no_delete' was dropped" in problems
    assert "database trigger 'sneaky' was added (not part of a case)" in problems


def test_a_payload_that_does_not_fit_its_schema_is_named(built: Case) -> None:
    """Rewritten consistently (payload, its hash, the log entry and every later hash): only the
    schema check and the published head are left to catch it."""
    payload = canonical_json({"report": "not an object"})
    problems = _rewrite_chain(built, record_payload=(1, payload))
    assert problems == [
        "record #1 (comparison): does not fit its schema (field 'report' is not an object)"
    ]


def test_truncated_tail_with_rewritten_head_needs_the_published_head(built: Case) -> None:
    head = built.chain_head()
    # Remove the finding entirely: row, links, log entry, and re-point the stored head.
    problems = tamper(
        built,
        "DELETE FROM links WHERE record_id = 2",
        "DELETE FROM records WHERE id = 2",
        f"DELETE FROM audit WHERE seq = {head[0]}",
        "UPDATE meta SET value = (SELECT seq || ':' || hash FROM audit ORDER BY seq DESC LIMIT 1)"
        " WHERE key = 'audit_head'",
    )
    assert problems == []  # consistent: verify alone cannot see it, and says so
    with Case.open(built.root) as case:
        anchored = case.verify(expect_head=head).problems
    assert anchored == [
        f"the published chain head #{head[0]} is not in this case (its log ends at "
        f"#{head[0] - 1}): entries were removed since"
    ]


def test_a_recomputed_chain_is_caught_by_the_published_head(built: Case) -> None:
    head = built.chain_head()
    assert _rewrite_chain(built, actor="Mallory") == []
    with Case.open(built.root) as case:
        problems = case.verify(expect_head=head).problems
    assert len(problems) == 1 and "the chain was rewritten since" in problems[0]


def _rewrite_chain(
    case: Case, actor: str | None = None, record_payload: tuple[int, str] | None = None
) -> list[str]:
    """Rewrite the log with every hash recomputed, as a forger with the code would."""
    from workstation.core.canonical import sha256_text

    conn = sqlite3.connect(case.root / DB_NAME, isolation_level=None)
    triggers = list(conn.execute("SELECT name, sql FROM sqlite_master WHERE type='trigger'"))
    for name, _ in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    new_digest = None
    if record_payload:
        record_id, text = record_payload
        new_digest = sha256_text(text)
        conn.execute(
            "UPDATE records SET payload = ?, payload_sha256 = ? WHERE id = ?",
            (text, new_digest, record_id),
        )
    rows = conn.execute("SELECT seq, time, actor, action, details FROM audit ORDER BY seq")
    prev = audit.GENESIS_HASH
    for seq, time, who, action, details in rows.fetchall():
        parsed = __import__("json").loads(details)
        if record_payload and parsed.get("record_id") == record_payload[0]:
            parsed["payload_sha256"] = new_digest
        who = actor or who
        digest = audit.entry_hash(prev, seq, time, who, action, parsed)
        conn.execute(
            "UPDATE audit SET actor = ?, details = ?, prev_hash = ?, hash = ? WHERE seq = ?",
            (who, canonical_json(parsed), prev, digest, seq),
        )
        prev = digest
    conn.execute("UPDATE meta SET value = ? WHERE key = 'audit_head'", (f"{seq}:{prev}",))
    for _, sql in triggers:
        conn.execute(sql)
    conn.close()
    with Case.open(case.root) as reopened:
        return reopened.verify().problems


def test_object_deleted_replaced_symlinked_or_planted_is_named(built: Case, tmp_path: Path) -> None:
    work, disputed = built.artifacts()
    stored = built.object_path(work.sha256)
    os.chmod(stored, 0o644)
    stored.write_bytes(b"replaced")
    built.object_path(disputed.sha256).unlink()
    outside = tmp_path / "outside.png"
    outside.write_bytes(b"x")
    # A link standing in for a stored file, even to identical bytes, is not the stored file.
    built.object_path(disputed.sha256).symlink_to(outside)
    planted = built.root / "objects" / "ab" / ("ab" + "0" * 62)
    planted.parent.mkdir()
    planted.write_bytes(b"planted")
    problems = built.verify().problems
    assert any("artifact #1 (work.png): stored file has changed" in p for p in problems)
    assert "artifact #2 (disputed.png): stored file was replaced by a link" in problems
    assert (
        f"objects/ab/{planted.name}: in the object store, but no artifact refers to it" in problems
    )


def test_a_file_of_an_interrupted_import_is_only_noted(built: Case) -> None:
    sha = "cd" + "1" * 62
    (built.root / "objects" / "cd").mkdir()
    (built.root / "objects" / "cd" / sha).write_bytes(b"half-imported")
    (built.root / "objects" / "tmp" / f"{sha}.pending").touch()
    report = built.verify()
    assert report.ok, report.problems
    assert any("import that was interrupted" in n for n in report.notes)
