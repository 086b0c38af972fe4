"""A model attribution's items for the executors (`analysis/executors.py`).

    calibration     one item per model: its fit and held-out generations (the recorded seeds),
                    the SHA-256 of its VAE's tensors and the VAE's size factor
    reconstruction  one item per distinct VAE: the reconstruction distance of each image given
                    (every calibration image, the non-generated ones, the questioned image)

The coordinator (`attribute.calibrate`) checks the inputs, hashes each model file (or folder),
makes the items, groups the models by the VAE hashes that come back, and fits the thresholds,
measures the error rates and ranks the questioned image from the distances, exactly as it did
before executors existed; it alone writes (app/exam_attribute.py).

An item names the model by path, the device and dtype and the SHA-256 the coordinator hashed; a
worker loads it (or keeps the one it has: `worker_cache()`) and refuses a model whose bytes
changed, or whose VAE is not the one hashed (a one-line `ModelError`). A worker keeps the VAE of
each model it generated with, one per VAE, for the reconstruction item of that VAE: in this
process the attribution so loads every model once, as before (the coordinator lets the VAEs go
when the job ends).

A worker applies the item's own threads and determinism, so the numbers are the same on either
executor with the same thread count.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from workstation.analysis.executors import require_sha256
from workstation.analysis.model_exam.executors import ModelRef, cached_model
from workstation.engine.runtime import Runtime

# VAEs kept from the generations for the reconstruction items, by (VAE SHA-256, device, dtype);
# the job's token first: a new job lets the last one's go.
_KEPT: dict[str, Any] = {"job": None, "vaes": {}}


def release() -> None:
    """Let the kept VAEs go (the coordinator, when an attribution ends in this process)."""
    _KEPT["job"] = None
    _KEPT["vaes"] = {}


def _kept(job: str) -> dict[tuple[str, str, str], Any]:
    if _KEPT["job"] != job:
        _KEPT["job"], _KEPT["vaes"] = job, {}
    return _KEPT["vaes"]


@contextlib.contextmanager
def _applied(runtime: Runtime, threads: int, deterministic: bool) -> Iterator[Runtime]:
    with replace(runtime, threads=threads, deterministic=deterministic).applied() as run:
        yield run


# 1. Calibration: one model per item


@dataclass(frozen=True)
class CalibrationItem:
    index: int  # the model's place in the list
    label: str  # the model's file or folder name
    model: ModelRef
    settings: Any  # attribute.CalibrationSettings
    image_size: tuple[int, int] | None  # the questioned image's, refused before generating
    job: str  # the attribution's token (which kept VAEs belong to it)
    deterministic: bool
    threads: int

    @property
    def seeds(self) -> tuple[int, ...]:
        fit, held_out = self.settings.generation_seeds()
        return fit + held_out

    @property
    def cost(self) -> int:
        return len(self.seeds)

    @property
    def device(self) -> str:
        return self.model.device


@dataclass(frozen=True)
class CalibrationResult:
    images: list  # H×W×3 uint8: the fit generations, then the held-out ones
    vae_sha256: str
    factor: int  # the VAE's size factor
    threads: int


def calibration_item(item: CalibrationItem, runtime: Runtime) -> CalibrationResult:
    """One model's calibration generations, in the worker: verify and load the model (or keep
    it), hash its VAE, refuse a questioned image too small for it, generate each seed."""
    from workstation.analysis.model_exam.attribute import (
        _generate,
        check_size,
        vae_factor,
        vae_sha256,
    )

    model = cached_model(item.model)
    vae = model.pipe.vae
    factor = vae_factor(vae)
    if item.image_size is not None:  # refused before generating
        check_size(item.image_size, factor)
    key = vae_sha256(vae)
    _kept(item.job).setdefault((key, item.model.device, item.model.dtype), vae)
    size = item.settings.size or model.native_size
    seeds = item.seeds
    name = Path(item.model.path).name
    images = []
    with _applied(runtime, item.threads, item.deterministic) as run:
        for index, seed in enumerate(seeds):
            run.check_cancelled("attribution")
            image = _generate(model, item.settings, size, index, seed, run)
            images.append(np.asarray(image, dtype=np.uint8))
            run.report(
                index + 1, len(seeds), f"calibration: {name}, image {index + 1}/{len(seeds)}"
            )
        return CalibrationResult(images, key, factor, run.threads or item.threads)


# 2. Reconstruction: one VAE per item


@dataclass(frozen=True)
class ReconstructionItem:
    index: int  # the VAE group's place (from 0)
    label: str  # "VAE 1"
    model: ModelRef  # the first model of the group, whose VAE is used
    vae_sha256: str  # of the VAE's tensors, as the calibration hashed them
    images: tuple  # H×W×3 uint8 arrays
    job: str
    deterministic: bool
    threads: int

    @property
    def cost(self) -> int:
        return 1

    @property
    def device(self) -> str:
        return self.model.device


@dataclass(frozen=True)
class ReconstructionResult:
    distances: list[float]  # one per image, in order
    threads: int


def reconstruction_item(item: ReconstructionItem, runtime: Runtime) -> ReconstructionResult:
    """Each image's distance through one VAE, in the worker: the VAE kept from the generations,
    or the model loaded and verified again, its VAE checked against the hash."""
    from PIL import Image

    from workstation.analysis.model_exam.attribute import reconstruction_distance, vae_sha256

    vaes = _kept(item.job)
    vae = vaes.pop((item.vae_sha256, item.model.device, item.model.dtype), None)
    if vae is None:
        vae = cached_model(item.model).pipe.vae
        require_sha256(item.model.path, "VAE", item.vae_sha256, vae_sha256(vae), "attribution")
    with _applied(runtime, item.threads, item.deterministic) as run:
        distances = []
        for image in item.images:
            run.check_cancelled("attribution")
            distances.append(reconstruction_distance(vae, Image.fromarray(image)))
        return ReconstructionResult(distances, run.threads or item.threads)
