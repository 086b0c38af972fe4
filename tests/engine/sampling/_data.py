"""Reference vectors made by reference/make_vectors.py from k-diffusion, A1111 and ComfyUI code."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import torch

DATA = Path(__file__).parent / "data"


@cache
def load_json(name: str) -> Any:
    return json.loads((DATA / name).read_text())


@cache
def trajectories() -> dict[str, np.ndarray]:
    with np.load(DATA / "trajectories.npz") as f:
        return {k: f[k] for k in f.files}


def tensor(name: str) -> torch.Tensor:
    return torch.from_numpy(trajectories()[name].copy())


def rel_err(ours: torch.Tensor, ref: torch.Tensor) -> float:
    """Largest |ours - ref| relative to the reference's largest magnitude."""
    ref = torch.as_tensor(ref, dtype=torch.float64)
    ours = torch.as_tensor(ours, dtype=torch.float64)
    if ref.numel() == 0:
        return 0.0 if ours.numel() == 0 else float("inf")
    return float((ours - ref).abs().max() / ref.abs().max().clamp(min=1e-12))


def toy_denoiser(x: torch.Tensor, sigma: torch.Tensor) -> torch.Tensor:
    """Same function as make_vectors.toy_denoiser."""
    mean = tensor("mean")
    s = sigma.view(-1, 1, 1, 1)
    return (x + mean * s**2) / (1 + s**2) * 0.95 + 0.02 * torch.sin(x)


def toy_output(x_in: torch.Tensor, t: torch.Tensor, cond: Any) -> torch.Tensor:
    """Same function as make_vectors.toy_output."""
    return torch.sin(x_in * 1.3) * (t.view(-1, 1, 1, 1).float() / 1000.0) + 0.1 * x_in
