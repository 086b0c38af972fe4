"""Shared fixtures: real files on disk, and the CLI run the way a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# One CPU thread for every run (engine.runtime): on two shared cores the thread policy would pick
# 1 or 2 by the load of the moment, and a test's images must not depend on that.
os.environ.setdefault("WORKSTATION_THREADS", "1")

REPO = Path(__file__).resolve().parent.parent


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--fuzz",
        action="store_true",
        help="long random property-based runs (hypothesis profile 'fuzz'; default 'ci')",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Property tests: in CI a bounded, derandomised run (the same examples every time, so a
    failure reproduces); `--fuzz` or WORKSTATION_FUZZ=1 for the long random profile."""
    from hypothesis import HealthCheck, settings

    relaxed = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
    settings.register_profile(
        "ci", max_examples=30, deadline=None, derandomize=True, suppress_health_check=relaxed
    )
    settings.register_profile(
        "fuzz", max_examples=2000, deadline=None, suppress_health_check=relaxed, print_blob=True
    )
    fuzz = config.getoption("--fuzz") or os.environ.get("WORKSTATION_FUZZ") == "1"
    settings.load_profile("fuzz" if fuzz else "ci")


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
def one_torch_thread() -> Iterator[None]:
    """Two cores shared with other jobs: one torch thread is fastest for the tiny models, also for
    work outside an entry point's runtime (building them, raw diffusers calls)."""
    from workstation.engine.runtime import Runtime

    with Runtime(threads=1).applied():
        yield


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


@pytest.fixture(scope="session")
def tiny_clip(tmp_path_factory) -> dict[str, Path]:
    """A tiny random-weight open_clip architecture, its checkpoint, and a mismatched one."""
    import open_clip
    import torch
    from safetensors.torch import save_file

    folder = tmp_path_factory.mktemp("tiny-clip")
    text = {"context_length": 77, "vocab_size": 49408, "width": 32, "heads": 2, "layers": 1}
    config = {
        "embed_dim": 32,
        "vision_cfg": {
            "image_size": 32,
            "layers": 1,
            "width": 32,
            "head_width": 16,
            "patch_size": 8,
        },
        "text_cfg": text,
    }
    other = dict(config, embed_dim=24)
    arch = folder / "wstest-tiny-clip.json"
    arch.write_text(json.dumps(config))
    other_arch = folder / "wstest-tiny-clip-other.json"
    other_arch.write_text(json.dumps(other))
    open_clip.add_model_config(arch)
    open_clip.add_model_config(other_arch)

    torch.manual_seed(0)
    model, _, _ = open_clip.create_model_and_transforms("wstest-tiny-clip")
    checkpoint = folder / "tiny.safetensors"
    save_file(model.state_dict(), str(checkpoint))
    torch.manual_seed(1)
    other_model, _, _ = open_clip.create_model_and_transforms("wstest-tiny-clip-other")
    other_checkpoint = folder / "other.safetensors"
    save_file(other_model.state_dict(), str(other_checkpoint))

    model_dir = folder / "model-folder"
    model_dir.mkdir()
    (model_dir / "open_clip_config.json").write_text(json.dumps({"model_cfg": config}))
    save_file(model.state_dict(), str(model_dir / "open_clip_model.safetensors"))
    return {
        "arch": arch,
        "checkpoint": checkpoint,
        "other_arch": other_arch,
        "other_checkpoint": other_checkpoint,
        "folder": model_dir,
    }


@pytest.fixture(scope="module")
def ray():
    """A local Ray with 2 workers for one test module (skipped without Ray), as the workstation
    starts it: usage statistics off, no dashboard, loopback only; shut down after the module."""
    pytest.importorskip("ray")
    from workstation.analysis.ray_executor import start_local

    ray = start_local(num_cpus=2)
    yield ray
    ray.shutdown()
