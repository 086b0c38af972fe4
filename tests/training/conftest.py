"""Training tests: the bundled demo model as the base, small captioned folders, one torch thread."""

from __future__ import annotations

from pathlib import Path

import pytest

from workstation.engine.demo_model import DEMO_NAME
from workstation.engine.synthetic_shapes import write_dataset
from workstation.paths import MODELS_DIR

DEMO = MODELS_DIR / DEMO_NAME


@pytest.fixture(scope="session")
def demo_model() -> Path:
    if not (DEMO / "model_index.json").exists():
        pytest.skip(
            f"the demo model is not built ({DEMO}); run resources/models/train_demo_model.py"
        )
    return DEMO


@pytest.fixture(scope="session")
def scenes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six captioned 64 px scenes (same-name .txt captions)."""
    return write_dataset(tmp_path_factory.mktemp("scenes"), 6, seed=3, kind="scene")
