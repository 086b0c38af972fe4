"""A process killed with SIGKILL in the middle of an import leaves a case that verifies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from workstation.core.case import Case

# Imports files one by one, each in its own transaction, and reports progress on stdout.
IMPORTER = """
import sys
from workstation.core.case import Case
case = Case.open(sys.argv[1])
for path in sys.argv[2:]:
    case.import_file(path, role="other")
    print("imported", path, flush=True)
"""


@pytest.fixture(scope="module")
def big_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("big")
    files = []
    for i in range(12):
        path = folder / f"blob{i:02}.bin"
        path.write_bytes(os.urandom(8 << 20))  # 8 MiB each: copies and fsyncs take a while
        files.append(path)
    return files


def _kill_after_lines(args: list[str], lines: int) -> int:
    """Start `args`, SIGKILL it right after it printed `lines` progress lines; return the count."""
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    seen = 0
    while seen < lines and process.stdout.readline():
        seen += 1
    process.send_signal(signal.SIGKILL)
    process.communicate()
    return seen


def _kill_when_staged(args: list[str], tmp_dir: Path, staged: int) -> None:
    """SIGKILL `args` once `staged` files are being copied into the case (mid-import)."""
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if len(list(tmp_dir.glob("*.part"))) >= staged:
            break
        time.sleep(0.002)
    process.send_signal(signal.SIGKILL)
    process.wait()


def _assert_consistent(root: Path, sources: list[Path]) -> int:
    with Case.open(root) as case:
        report = case.verify()
        assert report.ok, report.problems
        artifacts = case.artifacts()
        by_name = {p.name: p for p in sources}
        for artifact in artifacts:  # every visible artifact is complete and correct
            assert (
                case.object_path(artifact.sha256).read_bytes()
                == by_name[artifact.original_name].read_bytes()
            )
        return len(artifacts)


@pytest.mark.parametrize("after", [1, 4, 7])
def test_killed_file_by_file_import_leaves_only_complete_artifacts(
    tmp_path: Path, big_files: list[Path], after: int
) -> None:
    root = tmp_path / "case"
    Case.create(root, title="Crash", examiner="E").close()
    args = [sys.executable, "-c", IMPORTER, str(root), *map(str, big_files)]
    reported = _kill_after_lines(args, after)
    count = _assert_consistent(root, big_files)
    assert reported <= count <= reported + 1  # the one in flight may have committed unreported
    assert count < len(big_files), "the import finished before the kill; use a longer input"


@pytest.mark.parametrize("staged", [1, 6])
def test_killed_batch_import_is_all_or_nothing(
    tmp_path: Path, big_files: list[Path], staged: int
) -> None:
    root = tmp_path / "case"
    Case.create(root, title="Crash", examiner="E").close()
    args = [sys.executable, "-m", "workstation", "case", "import", str(root), *map(str, big_files)]
    _kill_when_staged(args, root / "objects" / "tmp", staged)
    assert list((root / "objects" / "tmp").glob("*.part")), "killed too late to test anything"
    assert _assert_consistent(root, big_files) == 0  # the batch never committed
