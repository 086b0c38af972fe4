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


@pytest.fixture(scope="session", autouse=True)
def one_torch_thread() -> None:
    """Two cores shared with other jobs: one torch thread is fastest for the tiny models."""
    import torch

    torch.set_num_threads(1)


@pytest.fixture(scope="session", autouse=True)
def private_hash_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Model hashes go to a temporary cache, never the user's."""
    folder = tmp_path_factory.mktemp("hash-cache")
    previous = os.environ.get("WORKSTATION_CACHE_DIR")
    os.environ["WORKSTATION_CACHE_DIR"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("WORKSTATION_CACHE_DIR", None)
    else:
        os.environ["WORKSTATION_CACHE_DIR"] = previous
