"""Seeded normal noise from one of three sources, returned on any device.

- "cpu": torch's CPU generator (Mersenne Twister). Only the low 32 bits of the seed matter to it.
- "gpu": torch's CUDA generator (Philox); needs an NVIDIA GPU.
- "nv": our Philox implementation of the CUDA generator (:mod:`.philox`), so GPU noise can be
  recomputed on a machine without one.

A :class:`NoiseStream` is a seeded generator whose successive draws continue one another, as the
per-step noise of ancestral and SDE samplers does.
"""

from __future__ import annotations

from typing import Literal

import torch

from workstation.core.errors import InputError
from workstation.engine.noise import philox

Source = Literal["cpu", "gpu", "nv"]
SOURCES: tuple[str, ...] = ("cpu", "gpu", "nv")


class NoiseStream:
    """Successive float32 normal draws from one seeded generator of ``source``."""

    def __init__(
        self,
        seed: int,
        source: Source,
        device: torch.device | str = "cpu",
        *,
        nv_threads: int | None = None,
    ):
        _check_source(source)
        if nv_threads is not None and source != "nv":
            raise InputError(f'nv_threads applies to the "nv" source only, not {source!r}')
        self.seed = int(seed)
        self.source = source
        self.device = torch.device(device)
        if source == "nv":
            self._generator = philox.PhiloxGenerator(self.seed, nv_threads)
        else:
            gen_device = "cpu" if source == "cpu" else _cuda_device(self.device)
            try:
                self._generator = torch.Generator(gen_device).manual_seed(self.seed)
            except (ValueError, RuntimeError) as exc:  # torch: "Overflow when unpacking long long"
                raise InputError(f"seed {seed} is outside the 64-bit range torch accepts") from exc

    def randn(self, shape: tuple[int, ...] | torch.Size) -> torch.Tensor:
        shape = tuple(int(n) for n in shape)
        if self.source == "nv":
            return torch.from_numpy(self._generator.randn(shape)).to(self.device)
        values = torch.randn(
            shape, generator=self._generator, device=self._generator.device, dtype=torch.float32
        )
        return values.to(self.device)


def randn(
    shape: tuple[int, ...] | torch.Size,
    seed: int,
    source: Source,
    device: torch.device | str = "cpu",
    *,
    nv_threads: int | None = None,
) -> torch.Tensor:
    """The first draw of a freshly seeded ``source`` generator: float32 ``shape`` on ``device``.

    ``nv_threads``: for "nv", the GPU's SMs × max threads per SM when the tensor is larger than
    that (see :mod:`.philox`); None is one thread per value, as A1111's "NV".
    """
    return NoiseStream(seed, source, device, nv_threads=nv_threads).randn(shape)


def _check_source(source: str) -> None:
    if source not in SOURCES:
        raise InputError(f"unknown noise source {source!r}; use one of: {', '.join(SOURCES)}")


def _cuda_device(device: torch.device) -> torch.device:
    """The CUDA device whose generator "gpu" noise comes from (the target device if it is one)."""
    if not torch.cuda.is_available():
        raise InputError(
            'noise source "gpu" needs an NVIDIA GPU with CUDA; "nv" reproduces it on the CPU'
        )
    return device if device.type == "cuda" else torch.device("cuda")
