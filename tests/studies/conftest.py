"""Tiny models, a reference image and fresh cases for the study tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from workstation.core.case import Case
from workstation.core.params import GenerationParams


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from workstation.engine.tiny import build_tiny_lora, build_tiny_model

    folder = tmp_path_factory.mktemp("models")
    build_tiny_model(folder / "tiny.safetensors", "single-file")
    build_tiny_lora(folder / "kohya.safetensors", "kohya", seed=1)
    return folder


@pytest.fixture(scope="session")
def params(models_dir: Path) -> GenerationParams:
    return GenerationParams(
        model=str(models_dir / "tiny.safetensors"),
        prompt="a lighthouse at dusk",
        seed=1,
        steps=4,
        width=64,
        height=64,
    )


@pytest.fixture(scope="session")
def reference(params: GenerationParams, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What the model makes for seed 2: a seed sweep over 1…4 meets it exactly once."""
    from workstation.engine.generate import generate
    from workstation.engine.loading import load_model
    from workstation.engine.pngmeta import save_png

    model = load_model(params.model, device="cpu")
    result = generate(model, params.replace(seed=2), decode_steps=())
    return save_png(result.image, tmp_path_factory.mktemp("reference") / "reference.png")


@pytest.fixture
def new_case(tmp_path: Path):
    with Case.create(tmp_path / "case", "study tests", "Examiner") as case:
        yield case


def snapshot(case: Case) -> tuple:
    """Everything a case shows: its artifacts, records and audit log."""
    return (case.artifacts(), case.records(), case.audit_entries())
