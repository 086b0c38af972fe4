"""Hostile case folders: a database that is not one, a FIFO in its place, a meta table with a
field missing or damaged. Every command that opens a case refuses them in one line naming the
database and the field, and leaves the folder as it was."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest

from tests.hostile import assert_clean, run_main
from workstation.core.case import Case


def files(folder: Path) -> dict[str, str]:
    """Every file by content (SQLite's own -wal and -shm files aside: opening makes them)."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        if p.is_file()
        else "other"
        for p in sorted(folder.rglob("*"))
        if not p.name.startswith("case.sqlite-")
    }


def make_case(root: Path) -> Path:
    Case.create(root, "Hostile", "E").close()
    return root


def meta_change(statement: str):
    def change(root: Path) -> None:
        conn = sqlite3.connect(root / "case.sqlite")
        conn.execute(statement)
        conn.commit()
        conn.close()

    return change


def garbage(root: Path) -> None:
    for path in root.glob("case.sqlite*"):
        path.unlink()
    (root / "case.sqlite").write_bytes(bytes(range(256)) * 20)


def fifo(root: Path) -> None:
    for path in root.glob("case.sqlite*"):
        path.unlink()
    os.mkfifo(root / "case.sqlite")


HOSTILE = {
    "no case id": (meta_change("DELETE FROM meta WHERE key = 'case_id'"), "meta: case_id"),
    "no creation time": (
        meta_change("DELETE FROM meta WHERE key = 'created_at'"),
        "meta: created_at",
    ),
    "schema version not a number": (
        meta_change("UPDATE meta SET value = 'abc' WHERE key = 'schema_version'"),
        "meta: schema_version",
    ),
    "no schema version": (
        meta_change("DELETE FROM meta WHERE key = 'schema_version'"),
        "meta: schema_version",
    ),
    "newer schema": (
        meta_change("UPDATE meta SET value = '999' WHERE key = 'schema_version'"),
        "newer version",
    ),
    "no meta table": (meta_change("DROP TABLE meta"), "not a readable case database"),
    "not a database": (garbage, "not a readable case database"),
    "a FIFO for a database": (fifo, "is not a case"),
}


@pytest.mark.parametrize("kind", HOSTILE)
@pytest.mark.parametrize("command", ["list", "log", "verify"])
def test_a_hostile_case_folder_is_refused_and_left(tmp_path, kind, command):
    damage, words = HOSTILE[kind]
    root = make_case(tmp_path / "case")
    damage(root)
    before = files(root)
    outcome = run_main("case", command, root)
    assert_clean(outcome)
    assert outcome.code == 2 and words in outcome.err
    assert str(root) in outcome.err
    assert files(root) == before
