"""Reference data made by reference/make_vectors.py from A1111's and ComfyUI's own code."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def provenance() -> dict:
    return json.loads((DATA / "provenance.json").read_text())


@pytest.fixture(scope="session")
def philox_ref() -> dict[str, np.ndarray]:
    with np.load(DATA / "philox.npz") as data:
        return dict(data)


@pytest.fixture(scope="session")
def a1111_ref() -> dict[str, np.ndarray]:
    with np.load(DATA / "a1111.npz") as data:
        return dict(data)


@pytest.fixture(scope="session")
def comfy_ref() -> dict[str, np.ndarray]:
    with np.load(DATA / "comfyui.npz") as data:
        return dict(data)


def assert_box_muller_close(got, want) -> None:
    """Box–Muller floats: within 1e-6, and bit-identical for all but a rare last-ulp case
    (float64 log/sin may differ by an ulp between numpy builds)."""
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape and got.dtype == want.dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-6)
    assert np.mean(got == want) > 0.999
