"""A full `workstation generate` makes no network connection, checked at the system-call level.

Monkeypatching Python's socket module would miss native code (see ../shared/notes/stack.md), so the
CLI runs under `strace -f -e trace=connect`; only AF_UNIX connects (e.g. to nscd) are allowed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from workstation.core.case import Case

STRACE = ["strace", "-f", "--seccomp-bpf", "-e", "trace=connect"]


def connect_families(log: Path) -> tuple[set[str], list[str]]:
    calls = [line for line in log.read_text().splitlines() if "connect(" in line]
    return {m[1] for line in calls if (m := re.search(r"sa_family=(\w+)", line))}, calls


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")
def test_the_trace_sees_a_connection_from_python(tmp_path: Path) -> None:
    """Control: with these strace options, a real TCP connect attempt does show up."""
    log = tmp_path / "strace.log"
    code = "import socket; socket.socket().connect_ex(('127.0.0.1', 9))"
    subprocess.run([*STRACE, "-o", str(log), sys.executable, "-c", code], check=True, timeout=60)
    assert "AF_INET" in connect_families(log)[0]


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")
def test_generate_makes_no_network_connection(
    tmp_path: Path, tiny_file: Path, kohya_lora: Path, private_hash_cache: Path
) -> None:
    Case.create(tmp_path / "case", title="Offline", examiner="Ann").close()
    log = tmp_path / "strace.log"
    env = {**os.environ, "WORKSTATION_CACHE_DIR": str(private_hash_cache), "OMP_NUM_THREADS": "1"}
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        env.pop(name, None)  # the program must set these itself
    command = [
        *STRACE,
        "-o",
        str(log),
        sys.executable,
        "-m",
        "workstation",
        "generate",
        "--model",
        str(tiny_file),
        "--prompt",
        "offline",
        "--seed",
        "3",
        "--steps",
        "3",
        "--lora",
        f"{kohya_lora}:0.5",
        "--out",
        str(tmp_path / "out.png"),
        "--steps-dir",
        str(tmp_path / "steps"),
        "--case",
        str(tmp_path / "case"),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, env=env)
    if result.returncode != 0 and "ptrace" in result.stderr:
        pytest.skip(f"strace cannot trace here: {result.stderr.strip()[:200]}")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out.png").is_file() and len(list((tmp_path / "steps").iterdir())) == 6

    families, calls = connect_families(log)
    assert families <= {"AF_UNIX"}, "\n".join(c for c in calls if "AF_UNIX" not in c)
