"""Shared fixtures: real files on disk, and the CLI run the way a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "resources" / "samples"


def run_cli(*args: str, check: bool = False, **kwargs) -> subprocess.CompletedProcess:
    """Run `python -m workstation ARGS` in a subprocess, as a user's shell would."""
    result = subprocess.run(
        [sys.executable, "-m", "workstation", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=600,
        **kwargs,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"exit {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture
def samples() -> Path:
    return SAMPLES
