"""Every bad input: one clear line on stderr, non-zero exit, no traceback, the case unchanged."""

from __future__ import annotations

import os
import shutil
import sqlite3
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import run_cli
from tests.hostile import case_state


@pytest.fixture(scope="module")
def case_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bad") / "case"
    run_cli("case", "init", root, "--title", "Bad inputs", "--examiner", "E", check=True)
    return root


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def make_bomb(path: Path) -> None:
    """A 30000 x 30000 PNG header over a few hundred bytes of data: a decompression bomb."""
    header = struct.pack(">IIBBBBB", 30000, 30000, 1, 0, 0, 0, 0)
    row = b"\x00" + b"\x00" * (30000 // 8 + 1)
    data = zlib.compress(row * 64, 9)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", data)
        + png_chunk(b"IEND", b"")
    )


def bad_inputs(tmp: Path) -> dict[str, tuple[list[str], str]]:
    good = tmp / "good.png"
    Image.new("RGB", (32, 32), (1, 2, 3)).save(good)
    truncated = tmp / "truncated.png"
    truncated.write_bytes(good.read_bytes()[:-30])
    liar = tmp / "liar.png"
    Image.new("RGB", (32, 32)).save(liar, format="JPEG")
    text = tmp / "notes.txt"
    text.write_text("not an image")
    text_as_png = tmp / "text.png"
    text_as_png.write_text("not an image either")
    bomb = tmp / "bomb.png"
    make_bomb(bomb)
    fifo = tmp / "pipe"
    os.mkfifo(fifo)
    return {
        "missing path": ([str(tmp / "absent.png")], "no such file"),
        "directory": ([str(tmp)], "is a folder"),
        "not a regular file": ([str(fifo)], "not a regular file"),
        "non-image as evidence image": ([str(text), "--role", "disputed"], "needs an image"),
        "truncated png": ([str(truncated), "--role", "reference"], "truncated"),
        "extension lies": ([str(liar)], "the name says image/png but the content is image/jpeg"),
        "text named .png": ([str(text_as_png)], "content is not an image"),
        "decompression bomb": ([str(bomb), "--role", "reference"], "decompression bomb"),
        "good file then bad file": ([str(good), str(truncated)], "truncated"),
    }


CASES = [
    "missing path",
    "directory",
    "not a regular file",
    "non-image as evidence image",
    "truncated png",
    "extension lies",
    "text named .png",
    "decompression bomb",
    "good file then bad file",
]


@pytest.mark.parametrize("name", CASES)
def test_bad_import_is_refused_and_case_unchanged(name: str, case_dir: Path, tmp_path: Path):
    args, message = bad_inputs(tmp_path)[name]
    before = case_state(case_dir)
    result = run_cli("case", "import", case_dir, *args)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert message in lines[0]
    assert case_state(case_dir) == before


def test_unreadable_file_is_refused(case_dir: Path, tmp_path: Path) -> None:
    tmp_path = Path(tempfile.mkdtemp(prefix="ws-unreadable-"))
    os.chmod(tmp_path, 0o755)
    secret = tmp_path / "secret.png"
    Image.new("RGB", (8, 8)).save(secret)
    os.chmod(secret, 0)
    before = case_state(case_dir)
    if os.geteuid() == 0:
        # root reads anything: run the import as an unprivileged user instead
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("setpriv is needed to drop root for this test")
        probe = subprocess.run(
            [
                setpriv,
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                sys.executable,
                "-c",
                "import workstation",
            ],
            capture_output=True,
            cwd="/",
        )
        if probe.returncode != 0:
            pytest.skip("an unprivileged user cannot run this checkout's Python (folder modes)")
        shared = tmp_path / "case"
        shutil.copytree(case_dir, shared)
        for path in [shared, *shared.rglob("*")]:
            os.chmod(path, 0o777 if path.is_dir() else 0o666)
        before = case_state(shared)
        result = run_cli_as_nobody(setpriv, sys.executable, shared, secret)
        target = shared
    else:
        result = run_cli("case", "import", case_dir, secret)
        target = case_dir
    assert result.returncode == 2, result.stderr
    assert "cannot be read" in result.stderr and "Traceback" not in result.stderr
    assert case_state(target) == before
    shutil.rmtree(tmp_path)


def run_cli_as_nobody(setpriv: str, python: str, case: Path, file: Path):
    import subprocess

    return subprocess.run(
        [
            setpriv,
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            python,
            "-m",
            "workstation",
            "case",
            "import",
            str(case),
            str(file),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd="/",
        env={**os.environ, "HOME": "/tmp"},
    )


def test_folder_that_is_not_a_case(tmp_path: Path) -> None:
    result = run_cli("case", "list", tmp_path)
    assert result.returncode == 2
    assert "is not a case" in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_case_from_a_newer_schema(case_dir: Path, tmp_path: Path) -> None:
    newer = tmp_path / "newer"
    shutil.copytree(case_dir, newer)
    conn = sqlite3.connect(newer / "case.sqlite")
    conn.execute("UPDATE meta SET value = '42' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    before = case_state(newer)
    result = run_cli("case", "import", newer, str(tmp_path))
    assert result.returncode == 2
    assert "newer version of the workstation" in result.stderr
    assert case_state(newer) == before


def test_unknown_role_is_a_usage_error(case_dir: Path) -> None:
    result = run_cli("case", "import", case_dir, "x.png", "--role", "stolen")
    assert result.returncode == 2 and "invalid choice" in result.stderr
