"""The over-fitting lab's items for the executors (`analysis/executors.py`): one training-set size
each.

The lab's coordinator (`overfit_lab.run_overfit_lab`) reads the captioned folder, loads the base
model once for the calibration and makes a `SizeItem` of each size; `train_size` (in this process
or on a Ray worker) trains a fresh UNet from the base with the lab's budget on the first n images,
generates the samples and matches each against those images, and returns numbers and the
samples' pixels (`SizeOutcome`). The coordinator adds CLIP (its model is loaded there), builds
each size's grid from the samples and its own copy of the training images, and stores the lab.

An item names the base model and every training image by path *and* by the SHA-256 the
coordinator hashed; the worker refuses a file whose bytes changed since (a one-line `ModelError`
for the model, `InputError` for an image), so the lab fails and the case is untouched. The trained
models go to the lab's `work` folder when one is kept (on a cluster: a path every node sees), else
to a temporary folder of the worker, removed when the size is done.
"""

from __future__ import annotations

import math
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from workstation.analysis.executors import read_sha256, require_sha256, worker_cache
from workstation.analysis.hashes import image_hashes
from workstation.analysis.lab_settings import LabSettings
from workstation.analysis.overfit_lab import SampleMatch, match_sample, training_reporter
from workstation.core.errors import Cancelled, InputError
from workstation.engine.runtime import Runtime


@dataclass(frozen=True)
class SizeItem:
    """One training-set size, complete: what a worker needs, and nothing of the case."""

    index: int  # in the lab's sizes, smallest first
    label: str  # "8 training images"
    threads: int  # torch's CPU threads for training and sampling
    size: int
    settings: LabSettings
    base: str  # the base model (a diffusers folder), and the SHA-256 the coordinator hashed
    base_sha256: str
    folder: str  # the captioned images: the first `size` of the folder, each with its SHA-256
    files: tuple[str, ...]
    captions: tuple[str, ...]
    file_sha256: tuple[str, ...]
    resolution: int
    out: str | None  # where the trained model is kept; None: a temporary folder of the worker

    @property
    def cost(self) -> int:  # training steps and samples (the lab reports lines, not steps)
        return self.settings.steps + self.settings.samples

    @property
    def device(self) -> str:  # the lab trains and samples on the CPU
        return "cpu"


@dataclass(frozen=True)
class SizeOutcome:
    """What a worker returns for a size: numbers, and the samples' pixels (H×W×3 uint8)."""

    size: int
    train_seconds: float
    final_loss: float
    noise_offset_used: float
    threads: int  # torch's CPU threads the size ran with
    matches: tuple[SampleMatch, ...]  # without CLIP (the coordinator measures it)
    nearest: tuple[int, ...]  # each sample's nearest training image, by index
    samples: tuple[np.ndarray, ...]


_BASES = worker_cache()  # the worker's base model (VAE, text encoder, UNet), kept for its next size


def cached_components(base: str, sha256: str) -> dict[str, Any]:
    """The base model's components, loaded or kept, checked against the SHA-256 the coordinator
    hashed (loading hashes the bytes it loads; a kept copy was checked when it was loaded)."""
    from workstation.engine.training import load_components

    components = _BASES.get((base, sha256), lambda: load_components(base))
    actual = str(components["base_sha256"])
    if actual.lower() != sha256.lower():
        _BASES.clear()
        require_sha256(base, "base model", sha256, actual, "lab")
    return components


def verified_images(item: SizeItem) -> Any:
    """The item's training images, each file still holding the bytes the coordinator hashed."""
    from workstation.engine.training import CaptionedImages

    for name, expected in zip(item.files, item.file_sha256, strict=True):
        path = Path(item.folder) / name
        actual = read_sha256(path, InputError)
        require_sha256(path, "training image", expected, actual, "lab", InputError)
    return CaptionedImages(item.folder, item.files, item.captions, item.file_sha256)


def train_size(item: SizeItem, runtime: Runtime) -> SizeOutcome:
    """One size, in the worker: verify the files, train a fresh UNet, sample, match."""
    with replace(runtime, threads=item.threads).applied() as run:
        data = verified_images(item)
        components = cached_components(item.base, item.base_sha256)
        if item.out is not None:
            return _train_and_sample(item, data, components, Path(item.out), run)
        with tempfile.TemporaryDirectory(
            prefix="overfit-lab-", ignore_cleanup_errors=True
        ) as scratch:
            return _train_and_sample(item, data, components, Path(scratch) / f"n{item.size}", run)


def _train_and_sample(
    item: SizeItem, data: Any, components: dict[str, Any], out: Path, run: Runtime
) -> SizeOutcome:
    from workstation.core.params import GenerationParams
    from workstation.engine.generate import txt2img
    from workstation.engine.loading import load_model
    from workstation.engine.training import TrainSettings, load_pixels, train_unet

    settings, size = item.settings, item.size
    # 1. Train a fresh UNet on the first `size` images, same budget for every size.
    run.say(f"size {size}: training {settings.steps} steps")
    train = TrainSettings(
        steps=settings.steps,
        batch_size=settings.batch_size,
        learning_rate=settings.learning_rate,
        warmup_steps=min(50, settings.steps // 10),
        seed=settings.seed,
        resolution=item.resolution,
        checkpoint_every=0,
        init_unet=settings.init,
        noise_offset=settings.noise_offset,
    )
    trained = train_unet(
        data, out, components, train, runtime=replace(run, on_progress=training_reporter(run, size))
    )

    # 2. Sample with training captions and seeds that training never used.
    run.say(f"size {size}: generating {settings.samples} samples")
    model = load_model(out, device="cpu", dtype="float32")
    pixels = load_pixels(data, item.resolution)
    training = ((pixels.permute(0, 2, 3, 1).numpy() + 1) * 127.5).round().astype(np.uint8)
    phashes = [image_hashes(image, ("phash",))["phash"] for image in training]
    matches, nearest, samples = [], [], []
    for index in range(settings.samples):
        if run.cancelled():
            raise Cancelled(f"lab cancelled at size {size}")
        params = GenerationParams(
            model=str(out),
            prompt=data.captions[index % size],
            seed=10_000 + settings.seed * 1000 + index,
            steps=settings.sample_steps,
            cfg=settings.cfg,
            sampler=settings.sampler,
            width=item.resolution,
            height=item.resolution,
        )
        # Sampling steps are not lab lines: the runtime without its progress.
        made = txt2img(model, params, runtime=replace(run, on_progress=None), decode_steps=())
        sample = np.asarray(made.image.convert("RGB"))
        near_index, l2, ssim, phash, near = match_sample(
            sample, training, phashes, data.files, settings.near_copy_l2
        )
        matches.append(
            SampleMatch(params.prompt, params.seed, data.files[near_index], l2, ssim, phash, near)
        )
        nearest.append(near_index)
        samples.append(sample)
    return SizeOutcome(
        size,
        trained.seconds,
        trained.losses[-1] if trained.losses else math.nan,
        trained.record.get("noise_offset_used", 0.0),
        int(run.threads or 1),
        tuple(matches),
        tuple(nearest),
        tuple(samples),
    )
