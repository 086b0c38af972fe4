"""Model examination tests: the tiny random model (32 px images), the bundled demo model for the
real-signal tests, small synthetic scenes, and a case."""

from __future__ import annotations

from pathlib import Path

import pytest

from workstation.engine.demo_model import DEMO_NAME
from workstation.engine.synthetic_shapes import write_dataset
from workstation.paths import MODELS_DIR

DEMO = MODELS_DIR / DEMO_NAME


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from workstation.engine.tiny import build_tiny_model

    return build_tiny_model(
        tmp_path_factory.mktemp("exam-models") / "tiny.safetensors", "single-file"
    )


@pytest.fixture(scope="session")
def tiny_lora(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random LoRA for the tiny model (text context 32: not for the demo model's base)."""
    from workstation.engine.tiny import build_tiny_lora

    return build_tiny_lora(tmp_path_factory.mktemp("exam-lora") / "tiny-lora.safetensors", seed=1)


@pytest.fixture(scope="session")
def demo_model() -> Path:
    if not (DEMO / "model_index.json").exists():
        pytest.skip(f"the demo model is not built ({DEMO})")
    return DEMO


@pytest.fixture(scope="session")
def scenes32(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Six 32 px scenes: two works and four controls for the tiny model."""
    folder = write_dataset(tmp_path_factory.mktemp("scenes32"), 6, seed=5, size=32, kind="scene")
    return sorted(folder.glob("*.png"))


@pytest.fixture
def case_dir(tmp_path: Path) -> Path:
    from workstation.core.case import Case

    root = tmp_path / "case"
    with Case.create(root, "exam tests", "Examiner"):
        pass
    return root
