"""The over-fitting lab's settings (analysis/overfit_lab.py runs them), kept apart so that the
command line and the window can show their defaults without importing the analysis stack."""

from __future__ import annotations

from dataclasses import dataclass

from workstation.core.errors import InputError


@dataclass(frozen=True)
class LabSettings:
    sizes: tuple[int, ...] = (1, 5, 50, 500)
    steps: int = 600  # the same training budget for every size
    batch_size: int = 16
    learning_rate: float = 1e-3
    # base: every size starts from the base model's UNet (it can already draw shapes, so the
    # budget goes into learning the training set); scratch: from random weights.
    init: str = "base"
    noise_offset: float | None = None  # None: automatic, see engine.training.auto_noise_offset
    samples: int = 8  # generated per size
    sample_steps: int = 20
    cfg: float = 5.0
    sampler: str = "Euler"
    seed: int = 0
    near_copy_l2: float = 0.2
    threads: int | None = None  # legacy (give `Runtime(threads=N)`); recorded as torch_threads


def parse_sizes(text: str) -> tuple[int, ...]:
    """ "1, 5, 50, 500" → (1, 5, 50, 500), sorted, each size once (the CLI's and the GUI's form)."""
    try:
        sizes = {int(part) for part in text.replace(";", ",").split(",") if part.strip()}
    except ValueError:
        raise InputError(
            f"training-set sizes are whole numbers separated by commas, such as 1,5,50,500, "
            f"not {text!r}"
        ) from None
    if not sizes or min(sizes) < 1:
        raise InputError("give at least one training-set size, each 1 or more")
    return tuple(sorted(sizes))
