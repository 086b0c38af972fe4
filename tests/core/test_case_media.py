"""A case under real conditions: another program importing while verify runs, read-only media,
a lock held by another writer, a disk that fills up while a case is created."""

from __future__ import annotations

import os
import resource
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import run_cli
from workstation.core import case as case_module
from workstation.core.case import DB_NAME, Case
from workstation.core.errors import CaseError

IMPORTER = """
import sys
from pathlib import Path
from workstation.core.case import Case
case = Case.open(sys.argv[1])
for path in sorted(Path(sys.argv[2]).iterdir()):
    case.import_file(path, role="other")
print("done", flush=True)
"""


def test_verify_never_raises_a_false_alarm_while_another_program_imports(tmp_path: Path) -> None:
    folder = tmp_path / "incoming"
    folder.mkdir()
    for i in range(200):
        Image.new("RGB", (8, 8), (i, 255 - i, 7)).save(folder / f"{i:03}.png")
    root = tmp_path / "case"
    Case.create(root, "Busy", "E").close()
    importer = subprocess.Popen(
        [sys.executable, "-c", IMPORTER, str(root), str(folder)],
        stdout=subprocess.PIPE,
        text=True,
    )
    runs, seen = 0, set()
    with Case.open(root) as case:
        while importer.poll() is None or runs == 0:
            report = case.verify()
            assert report.ok, report.problems
            runs += 1
            seen.add(report.objects_checked)
    assert importer.wait() == 0
    with Case.open(root) as case:
        final = case.verify()
    assert final.ok and final.objects_checked == 200
    assert runs >= 5 and len(seen) >= 3  # it really ran while the case grew


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    root = tmp_path / "case"
    image = tmp_path / "work.png"
    Image.new("RGB", (16, 16), "red").save(image)
    with Case.create(root, "Read-only", "E") as case:
        case.import_file(image, role="reference")
    return root


def _freeze(root: Path) -> dict[str, tuple[int, int]]:
    """Make the folder read-only, as on a DVD or a write-protected stick; return its state."""
    for path in [root, *root.rglob("*")]:
        mode = path.stat().st_mode
        os.chmod(path, mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*")}


def test_a_case_on_read_only_media_lists_verifies_and_refuses_writes(
    filled: Path, tmp_path: Path
) -> None:
    before = _freeze(filled)
    try:
        # Root may write anywhere; read-only media refuse even root, so say it explicitly here.
        readonly = None if os.geteuid() != 0 else True
        with Case.open(filled, readonly=readonly) as case:
            assert case.readonly
            assert [a.original_name for a in case.artifacts()] == ["work.png"]
            report = case.verify(log=True)  # nothing to log on read-only media
            assert report.ok, report.problems
            with pytest.raises(CaseError, match="read-only"):
                case.import_file(tmp_path / "work.png")
            with pytest.raises(CaseError, match="read-only"):
                case.amend_case("court", "x")
        after = {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in filled.rglob("*")}
        assert after == before
    finally:
        for path in [filled, *filled.rglob("*")]:
            os.chmod(path, path.stat().st_mode | stat.S_IWUSR)


def test_a_locked_case_waits_with_a_message_then_fails_in_one_line(
    filled: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    holder = sqlite3.connect(filled / DB_NAME, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program writing, for as long as it likes
    try:
        monkeypatch.setattr(case_module, "LOCK_WAIT_S", 0.5)
        told: list[str] = []
        with Case.open(filled, on_wait=told.append) as case:
            started = time.monotonic()
            with pytest.raises(CaseError, match="locked by another program"):
                case.amend_case("court", "Court")
            assert time.monotonic() - started >= 0.5
        assert told == ["the case is being written by another program; waiting…"]

        env = {**os.environ, "WORKSTATION_LOCK_WAIT": "1"}
        result = run_cli("case", "import", filled, tmp_path / "work.png", env=env)
        assert result.returncode == 2
        assert "waiting" in result.stderr and "Traceback" not in result.stderr
        assert result.stderr.strip().splitlines()[-1].startswith("error: the case is locked")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with Case.open(filled) as case:
        assert len(case.artifacts()) == 1 and case.verify().ok


def _full_disk() -> None:
    """In the child: files may not grow past 8 KiB, as on a disk that is full."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))


def test_case_init_on_a_full_disk_leaves_no_half_made_case(tmp_path: Path) -> None:
    root = tmp_path / "case"
    for existing in (False, True):
        if existing:
            root.mkdir()  # an empty folder chosen for the case stays, and stays empty
        result = subprocess.run(
            [sys.executable, "-m", "workstation", "case", "init", str(root)]
            + ["--title", "T", "--examiner", "E"],
            capture_output=True,
            text=True,
            preexec_fn=_full_disk,
        )
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith(f"error: cannot create a case in {root}")
        assert len(result.stderr.strip().splitlines()) == 1
        assert root.exists() == existing
        assert not existing or list(root.iterdir()) == []
