"""Noise as AUTOMATIC1111's web UI (and Forge, which keeps its code) draws it.

Follows A1111's ``modules/rng.py`` (``ImageRNG``, v1.6 on), ``modules/processing.py`` (seeds per
image) and ``modules/sd_samplers_common.py`` (per-step noise):

- Every image of a batch has its own generator seeded with its own seed; the initial latent noise
  is that generator's first draw of shape (C, H/8, W/8), so a batch of seeds [s, s+1] gives the
  same images as two single runs.
- Variation seed ("Variation seed" / "Variation seed strength" in the infotext): the subseed's
  noise is slerped into the seed's noise with A1111's own :func:`slerp`.
- "Seed resize from": the noise is drawn at the old size and pasted centred into a fresh draw.
- Ancestral and SDE samplers' per-step noise: A1111 replaces k-diffusion's ``torch.randn_like``
  with ``ImageRNG.next()``: later draws of the same per-image generators, or, when "Eta noise seed
  delta" (ENSD) is set, of generators reseeded with seed + ENSD right after the initial noise.
- "RNG" ("Random number generator source"): "GPU" unless the infotext says "CPU" or "NV". A1111
  on a machine without CUDA (or on a Mac) drew "GPU" noise with the CPU generator all the same.
- Hires fix: the second pass makes a new ImageRNG for the upscaled latent with the same seeds
  and takes its ``next()`` as the img2img noise.

Before v1.6 (``create_random_tensors``, no "NV") the same values came from the global generator:
the initial noise, then its continuation or, with ENSD, ``manual_seed(seed + ENSD)`` and one draw
per step. That matches this for one image, and for batches with its default "enable_batch_seeds";
not with "Seed resize from" plus ENSD (it drew step noise at the old size and then fell back to
the global generator).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch

from workstation.core.errors import InputError
from workstation.engine.noise.sources import NoiseStream, Source, randn

_RNG_SOURCES: dict[str, Source] = {"GPU": "gpu", "CPU": "cpu", "NV": "nv"}
_LATENT_FACTOR = 8  # A1111 divides "Seed resize from" by 8 whatever the model's VAE factor


def a1111_source(rng: str | None) -> Source:
    """The noise source an A1111/Forge infotext's "RNG" value names; no "RNG" means GPU."""
    if rng is None:
        return "gpu"
    try:
        return _RNG_SOURCES[rng.strip().upper()]
    except KeyError:
        raise InputError(f'unknown A1111 "RNG" value {rng!r}; expected GPU, CPU or NV') from None


def batch_seeds(
    seed: int, subseed: int, subseed_strength: float, count: int
) -> tuple[list[int], list[int]]:
    """Seeds and subseeds of the images of one A1111 run, as ``process_images`` assigns them.

    Image i gets seed + i, unless a variation is used (strength != 0): then every image keeps the
    seed and the variation seeds count up instead.
    """
    seeds = [int(seed) + (i if subseed_strength == 0 else 0) for i in range(count)]
    subseeds = [int(subseed) + i for i in range(count)]
    return seeds, subseeds


def slerp(val: float, low: torch.Tensor, high: torch.Tensor) -> torch.Tensor:
    """A1111's variation-seed interpolation, operation for operation (bit-identical results).

    Its quirks are kept: norms run over dim 1 (the rows of a (C, H, W) latent), and when the
    two are nearly parallel it falls back to ``low * val + high * (1 - val)``.
    """
    low_unit = low / torch.norm(low, dim=1, keepdim=True)
    high_unit = high / torch.norm(high, dim=1, keepdim=True)
    dot = (low_unit * high_unit).sum(1)
    if dot.mean() > 0.9995:
        return low * val + high * (1 - val)
    omega = torch.acos(dot)
    sin_omega = torch.sin(omega)
    low_weight = (torch.sin((1.0 - val) * omega) / sin_omega).unsqueeze(1)
    high_weight = (torch.sin(val * omega) / sin_omega).unsqueeze(1)
    return low_weight * low + high_weight * high


class ImageRNG:
    """The noise of one A1111 batch: :meth:`first` (initial latent) and :meth:`next` (per step).

    ``shape`` is one image's latent (C, H, W); every result is float32 [len(seeds), C, H, W] on
    ``device``. ``ensd`` is the "Eta noise seed delta" setting (infotext "ENSD").
    """

    def __init__(
        self,
        shape: Sequence[int],
        seeds: Sequence[int],
        *,
        subseeds: Sequence[int] | None = None,
        subseed_strength: float = 0.0,
        seed_resize_from_h: int = 0,
        seed_resize_from_w: int = 0,
        source: Source = "gpu",
        ensd: int = 0,
        device: torch.device | str = "cpu",
    ):
        self.shape = tuple(int(n) for n in shape)
        if len(self.shape) != 3:
            raise InputError(
                f"A1111 noise needs one image's latent shape (C, H, W), got {self.shape}"
            )
        if not seeds:
            raise InputError("A1111 noise needs at least one seed")
        self.seeds = [int(s) for s in seeds]
        self.subseeds = None if subseeds is None else [int(s) for s in subseeds]
        self.subseed_strength = float(subseed_strength)
        self.seed_resize_from_h = int(seed_resize_from_h)
        self.seed_resize_from_w = int(seed_resize_from_w)
        self.source = source
        self.ensd = int(ensd)
        self.device = torch.device(device)
        self._streams = [NoiseStream(s, source, self.device) for s in self.seeds]
        self._first_done = False

    def first(self) -> torch.Tensor:
        """The initial latent noise (unit variance; the sampler scales it by its first sigma)."""
        resized = self.seed_resize_from_h > 0 and self.seed_resize_from_w > 0
        noise_shape = self.shape
        if resized:
            noise_shape = (
                self.shape[0],
                self.seed_resize_from_h // _LATENT_FACTOR,
                self.seed_resize_from_w // _LATENT_FACTOR,
            )
        use_variation = self.subseeds is not None and self.subseed_strength != 0
        images = []
        for i, (seed, stream) in enumerate(zip(self.seeds, self._streams, strict=True)):
            # Variation and resized noise come from freshly seeded generators (A1111's global
            # one); only the image's own generator advances, once, either way.
            if noise_shape != self.shape:
                noise = randn(noise_shape, seed, self.source, self.device)
            else:
                noise = stream.randn(self.shape)
            if use_variation:
                subseed = self.subseeds[i] if i < len(self.subseeds) else 0
                subnoise = randn(noise_shape, subseed, self.source, self.device)
                noise = slerp(self.subseed_strength, noise, subnoise)
            if noise_shape != self.shape:
                noise = _paste_centred(noise, stream.randn(self.shape))
            images.append(noise)

        if self.ensd:
            self._streams = [
                NoiseStream(s + self.ensd, self.source, self.device) for s in self.seeds
            ]
        self._first_done = True
        return torch.stack(images)

    def next(self) -> torch.Tensor:
        """The next noise A1111 hands a sampler: the initial noise first, then per-step noise."""
        if not self._first_done:
            return self.first()
        return torch.stack([stream.randn(self.shape) for stream in self._streams])

    def noise_sampler(self, x: torch.Tensor) -> Callable[[object, object], torch.Tensor]:
        """A k-diffusion ``noise_sampler(sigma, sigma_next)``: A1111's step noise for ``x``."""
        expected = (len(self.seeds), *self.shape)
        if tuple(x.shape) != expected:
            raise InputError(
                f"latent of shape {tuple(x.shape)} does not match the noise {expected}"
            )
        return lambda sigma, sigma_next: self.next()


def brownian_randn(source: Source) -> Callable[..., torch.Tensor]:
    """torchsde's ``_randn(size, dtype, device, seed)`` as A1111 replaces it.

    A1111's SDE samplers ("DPM++ SDE", "DPM++ 2M SDE", "DPM++ 3M SDE") take k-diffusion's
    BrownianTreeNoiseSampler seeded with the batch's per-image seeds (no ENSD), and patch
    torchsde so that the tree's normal draws come from the "RNG" source too.
    """

    def _randn(size, dtype, device, seed):
        return randn(tuple(size), seed, source, "cpu").to(device=device, dtype=dtype)

    return _randn


def _paste_centred(noise: torch.Tensor, canvas: torch.Tensor) -> torch.Tensor:
    """A1111's seed-resize window: ``noise`` centred on ``canvas``, cropped where larger."""
    dx = (canvas.shape[2] - noise.shape[2]) // 2
    dy = (canvas.shape[1] - noise.shape[1]) // 2
    w = noise.shape[2] if dx >= 0 else noise.shape[2] + 2 * dx
    h = noise.shape[1] if dy >= 0 else noise.shape[1] + 2 * dy
    tx, ty = max(dx, 0), max(dy, 0)
    sx, sy = max(-dx, 0), max(-dy, 0)
    canvas[:, ty : ty + h, tx : tx + w] = noise[:, sy : sy + h, sx : sx + w]
    return canvas
