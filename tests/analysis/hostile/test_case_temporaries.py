"""Temporaries an interrupted import leaves in a case (a kill, a full disk) are swept when the
case is next opened for writing, and the sweep is logged; nothing the case did not make, nothing
a live import still holds, and nothing in a case opened read-only is touched."""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import time
import uuid
from pathlib import Path

import pytest
from PIL import Image

from tests.hostile import assert_clean, case_state, run_main
from workstation.core import case as case_module
from workstation.core.case import SWEEP_ACTION, SWEEP_GRACE_S, Case

OLD = time.time() - SWEEP_GRACE_S - 60


@pytest.fixture
def case_dir(tmp_path) -> Path:
    root = tmp_path / "case"
    with Case.create(root, "Temporaries", "E") as case:
        image = tmp_path / "kept.png"
        Image.new("RGB", (16, 16), (1, 2, 3)).save(image)
        case.import_file(image, "reference")
    return root


def copy_left(case_dir: Path, size: int = 1000, age: float = OLD) -> Path:
    """An import's copy, as a kill leaves it: `<uuid hex>.part` in objects/tmp."""
    path = case_dir / "objects" / "tmp" / f"{uuid.uuid4().hex}.part"
    path.write_bytes(b"x" * size)
    os.utime(path, (age, age))
    return path


def moved_left(case_dir: Path, content: bytes) -> tuple[Path, Path]:
    """A file moved into the store, its `.pending` marker, and no row: killed before commit."""
    import hashlib

    sha256 = hashlib.sha256(content).hexdigest()
    stored = case_dir / "objects" / sha256[:2] / sha256
    stored.parent.mkdir(exist_ok=True)
    stored.write_bytes(content)
    marker = case_dir / "objects" / "tmp" / f"{sha256}.pending"
    marker.touch()
    return stored, marker


def log(case_dir: Path) -> list[dict]:
    outcome = run_main("case", "log", case_dir, "--json")
    assert outcome.code == 0, outcome.err
    return json.loads(outcome.out)


def sweeps(case_dir: Path) -> list[dict]:
    return [entry for entry in log(case_dir) if entry["action"] == SWEEP_ACTION]


def test_what_an_interrupted_import_left_is_swept_and_logged(case_dir):
    with Case.open(case_dir) as case:
        committed_sha = case.artifacts()[0].sha256
    part = copy_left(case_dir, 1234)
    stored, marker = moved_left(case_dir, b"half-imported evidence")
    kept = case_dir / "objects" / "tmp"
    committed_marker = kept / f"{committed_sha}.pending"  # committed, then killed
    committed_marker.touch()
    strangers = {
        kept / "notes.part": b"not ours",
        kept / f"{uuid.uuid4().hex.upper()}.part": b"not our spelling",
        case_dir / f"{uuid.uuid4().hex}.part": b"not in objects/tmp",
    }
    for path, data in strangers.items():
        path.write_bytes(data)
        os.utime(path, (OLD, OLD))
    (kept / f"{uuid.uuid4().hex}.part").symlink_to(case_dir / "case.sqlite")

    assert_clean(run_main("case", "list", case_dir))  # any open for writing sweeps

    assert not part.exists() and not stored.exists() and not marker.exists()
    assert not committed_marker.exists()
    with Case.open(case_dir) as case:
        assert case.object_path(committed_sha).is_file()
    assert all(path.read_bytes() == data for path, data in strangers.items())
    assert len([p for p in kept.iterdir() if p.is_symlink()]) == 1
    (entry,) = sweeps(case_dir)
    removed = {item["path"]: item["size"] for item in entry["details"]["removed"]}
    assert removed == {
        part.relative_to(case_dir).as_posix(): 1234,
        stored.relative_to(case_dir).as_posix(): len(b"half-imported evidence"),
        marker.relative_to(case_dir).as_posix(): 0,
        committed_marker.relative_to(case_dir).as_posix(): 0,
    }
    verify = run_main("case", "verify", case_dir)
    assert verify.code == 0, verify.out + verify.err
    assert_clean(run_main("case", "list", case_dir))  # nothing left: no second entry
    assert len(sweeps(case_dir)) == 1


def test_a_recent_copy_is_left_and_nothing_is_written(case_dir):
    part = copy_left(case_dir, age=time.time() - 5)
    before = case_state(case_dir)
    assert_clean(run_main("case", "list", case_dir))
    assert part.exists() and case_state(case_dir) == before


def test_a_copy_a_live_import_holds_is_left(case_dir):
    part = copy_left(case_dir)
    handle = case_module._hold(part)  # as the importer holds it until its import ends
    try:
        before = case_state(case_dir)
        assert_clean(run_main("case", "list", case_dir))
        assert part.exists() and case_state(case_dir) == before
    finally:
        os.close(handle)
    assert_clean(run_main("case", "list", case_dir))
    assert not part.exists()


def test_no_sweep_while_another_program_writes(case_dir):
    _, marker = moved_left(case_dir, b"being imported right now")
    writer = sqlite3.connect(case_dir / "case.sqlite", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another import, between its move and its commit
    try:
        with Case.open(case_dir) as case:
            assert not case.readonly
        assert marker.exists()
    finally:
        writer.execute("ROLLBACK")
        actions = [row[0] for row in writer.execute("SELECT action FROM audit")]
        writer.close()
    assert SWEEP_ACTION not in actions


def test_a_read_only_case_is_not_swept(case_dir):
    part = copy_left(case_dir)
    moved_left(case_dir, b"left")
    before = case_state(case_dir)
    with Case.open(case_dir, readonly=True) as case:
        assert len(case.artifacts()) == 1
    assert part.exists() and case_state(case_dir) == before


def test_a_full_disk_leaves_no_copy(case_dir, tmp_path, monkeypatch):
    source = tmp_path / "more.png"
    Image.new("RGB", (16, 16), (9, 9, 9)).save(source)

    def full(_: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(case_module.os, "fsync", full)
    with Case.open(case_dir) as case, pytest.raises(OSError):
        case.import_file(source, "reference")
    assert list((case_dir / "objects" / "tmp").iterdir()) == []
