"""Which connections a study makes, seen at the system-call level (strace, as
tests/engine/test_offline.py): in-process none at all; on a local Ray, loopback only."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.engine.test_offline import STRACE, connect_families
from workstation.core.case import Case

pytestmark = pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")
LOOPBACK = re.compile(
    r'inet_addr\("127\.0\.0\.1"\)|inet_pton\(AF_INET6, "(::1|::ffff:127\.0\.0\.1)"'
)


def _study(tmp_path: Path, models_dir: Path, reference: Path, *extra: str) -> tuple[set, list]:
    case = tmp_path / "case"
    Case.create(case, title="Offline", examiner="Ann").close()
    log = tmp_path / "strace.log"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "WORKSTATION_THREADS": "1"}
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "RAY_USAGE_STATS_ENABLED"):
        env.pop(name, None)  # the program must set these itself
    command = [
        *STRACE,
        "-o",
        str(log),
        sys.executable,
        "-m",
        "workstation",
        *("study", "seeds", "--case", str(case), "--prompt", "offline", "--count", "2"),
        *("--model", str(models_dir / "tiny.safetensors"), "--reference", str(reference)),
        *("--steps", "2", "--width", "64", "--height", "64", *extra),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, env=env)
    if result.returncode != 0 and "ptrace" in result.stderr:
        pytest.skip(f"strace cannot trace here: {result.stderr.strip()[:200]}")
    assert result.returncode == 0, result.stderr
    assert "2 image(s) generated" in result.stdout
    return connect_families(log)


def test_an_in_process_study_makes_no_network_connection(tmp_path, models_dir, reference):
    families, calls = _study(tmp_path, models_dir, reference)
    assert families <= {"AF_UNIX"}, "\n".join(c for c in calls if "AF_UNIX" not in c)


@pytest.mark.slow
def test_a_study_on_local_ray_connects_to_loopback_only(tmp_path, models_dir, reference):
    pytest.importorskip("ray")
    families, calls = _study(tmp_path, models_dir, reference, "--executor", "ray")
    network = [c for c in calls if "AF_INET" in c]
    assert network, "Ray's processes talk over TCP on loopback: the trace should see it"
    assert all(LOOPBACK.search(c) for c in network), "\n".join(
        c for c in network if not LOOPBACK.search(c)
    )
