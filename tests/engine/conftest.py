"""Tiny random-weight models built once per test session, and a private hash cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from workstation.core.params import GenerationParams


# diffusers' schedulers hand torch tensors to numpy; with numpy 2, torch answers with these
# warnings once per step. They are not ours and drown the report.
@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tiny (diffusers folder), tiny.safetensors (single file), kohya and diffusers LoRAs."""
    from workstation.engine.tiny import build_tiny_lora, build_tiny_model

    folder = tmp_path_factory.mktemp("models")
    build_tiny_model(folder / "tiny", "diffusers")
    build_tiny_model(folder / "tiny.safetensors", "single-file")
    build_tiny_lora(folder / "kohya.safetensors", "kohya", seed=1)
    build_tiny_lora(folder / "peft.safetensors", "diffusers", seed=2)
    return folder


@pytest.fixture(scope="session")
def tiny_file(models_dir: Path) -> Path:
    return models_dir / "tiny.safetensors"


@pytest.fixture(scope="session")
def kohya_lora(models_dir: Path) -> Path:
    return models_dir / "kohya.safetensors"


@pytest.fixture(scope="session")
def peft_lora(models_dir: Path) -> Path:
    return models_dir / "peft.safetensors"


@pytest.fixture(scope="session")
def tiny_model(tiny_file: Path):
    """The single-file tiny model loaded on the CPU. Every generation resets its LoRAs."""
    from workstation.engine.loading import load_model

    return load_model(tiny_file, device="cpu")


@pytest.fixture
def params(tiny_file: Path) -> GenerationParams:
    return GenerationParams(
        model=str(tiny_file),
        prompt="a lighthouse at dusk",
        negative="blurry",
        seed=1234,
        steps=6,
        cfg=7.0,
        sampler="Euler a",
        width=64,
        height=64,
    )
