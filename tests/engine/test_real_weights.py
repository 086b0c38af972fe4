"""Real checkpoints, when an examiner's machine has them: WORKSTATION_REAL_MODELS=/path/to/models.

Every base model found there is loaded offline and generates a small image twice, identically.
Skipped when the variable is not set (the CI has no real weights).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from workstation.core.params import GenerationParams

REAL = os.environ.get("WORKSTATION_REAL_MODELS")
pytestmark = [
    pytest.mark.real_weights,
    pytest.mark.skipif(not REAL, reason="set WORKSTATION_REAL_MODELS to a folder of real models"),
]


def test_every_real_base_model_loads_and_repeats() -> None:
    from workstation.engine.generate import txt2img
    from workstation.engine.library import scan
    from workstation.engine.loading import load_model

    bases = [m for m in scan(Path(REAL)) if m.kind in ("SD1.x", "SD2.x", "SDXL") and not m.problem]
    assert bases, f"no usable base model under {REAL}"
    for info in bases:
        model = load_model(info.path)
        params = GenerationParams(
            model=info.path, prompt="a lighthouse", seed=1, steps=2, width=256, height=256
        )
        first = txt2img(model, params, decode_steps=())
        again = txt2img(model, params, decode_steps=())
        assert np.array_equal(np.asarray(first.image), np.asarray(again.image)), info.path
