"""Noise as ComfyUI draws it (``comfy/sample.py``, ``comfy/k_diffusion/sampling.py``, ``nodes.py``).

- Initial noise (``comfy.sample.prepare_noise``): always on the CPU, whatever device samples,
  from one generator seeded with the node's seed for the whole batch. Without a "batch_index"
  in the latent it is one draw of the full [B, C, H, W] latent, image i taking slice i; so image
  1 of a batch of 3 differs from a single run with the same seed. With "batch_index" (set by
  "Latent From Batch", "Rebatch Latents" and the like) it draws [1, C, H, W] once for every index
  from 0 to the largest and keeps the listed ones.
- Latent shape: "Empty Latent Image" is [B, 4, H/8, W/8]; an all-zero latent with another
  channel count than the model's is widened to the model's channels before the noise is drawn
  (``fix_empty_latent_channels``: 16 for SD3/Flux).
- Step noise of ancestral samplers (``default_noise_sampler``): a generator on the latent's own
  device (CPU with ``--cpu``, the CUDA generator on an NVIDIA GPU — reproduce that with "nv"),
  seeded with the same seed as the initial noise; each step draws the whole batch's shape.
- SDE samplers (dpmpp_sde, dpmpp_2m_sde, dpmpp_2m_sde_heun, dpmpp_3m_sde) use a
  BrownianTreeNoiseSampler seeded with that same single seed (one tree for the whole batch,
  torchsde's own generator), built on the CPU; their "_gpu" variants build it on the latent's
  device.
- "ddim" is euler, plus, when inpainting, a second CPU noise seeded with seed + 1.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch

from workstation.core.errors import InputError
from workstation.engine.noise.sources import NoiseStream, Source, randn


def prepare_noise(
    latent_shape: Sequence[int], seed: int, noise_inds: Sequence[int] | None = None
) -> torch.Tensor:
    """``comfy.sample.prepare_noise`` for a latent of ``latent_shape`` [B, C, ...]: CPU float32."""
    shape = tuple(int(n) for n in latent_shape)
    if len(shape) < 3:
        raise InputError(f"a ComfyUI latent is [B, C, H, W] (or 5-D), got {shape}")
    stream = NoiseStream(seed, "cpu")
    if noise_inds is None:
        return stream.randn(shape)
    if len(noise_inds) == 0 or min(noise_inds) < 0:
        raise InputError(f"batch_index must list indexes >= 0, got {list(noise_inds)}")
    wanted = set(int(i) for i in noise_inds)
    drawn = {}
    for i in range(max(wanted) + 1):
        noise = stream.randn((1, *shape[1:]))  # every index up to the largest is drawn
        if i in wanted:
            drawn[i] = noise
    return torch.cat([drawn[int(i)] for i in noise_inds])


def comfy_noise(
    latent_shape: Sequence[int], seed: int, batch_size: int = 1, batch_index: int = 0
) -> torch.Tensor:
    """The initial noise [1, C, H, W] of image ``batch_index`` of a ``batch_size`` batch made by
    an empty-latent node (no "batch_index" list): its slice of one draw for the whole batch.

    ``latent_shape`` is one image's latent, (C, H, W) or (1, C, H, W).
    """
    shape = tuple(int(n) for n in latent_shape)
    if len(shape) == 4 and shape[0] == 1:
        shape = shape[1:]
    if len(shape) != 3:
        raise InputError(f"one image's latent is (C, H, W), got {tuple(latent_shape)}")
    if not 0 <= batch_index < batch_size:
        raise InputError(f"batch_index {batch_index} is outside a batch of {batch_size}")
    noise = prepare_noise((batch_size, *shape), seed)
    return noise[batch_index : batch_index + 1]


def default_noise_sampler(
    x: torch.Tensor, seed: int, source: Source = "cpu"
) -> Callable[[object, object], torch.Tensor]:
    """ComfyUI's step noise for ancestral samplers: ``noise_sampler(sigma, sigma_next)``.

    ``source`` is where ComfyUI sampled: "cpu" (``--cpu``) or "gpu" (CUDA; "nv" on a machine
    without one).
    """
    stream = NoiseStream(seed, source, x.device)
    shape = tuple(x.shape)
    return lambda sigma, sigma_next: stream.randn(shape).to(x.dtype)


def ddim_inpaint_noise(latent_shape: Sequence[int], seed: int) -> torch.Tensor:
    """The extra noise ComfyUI's "ddim" sampler mixes into an inpainting mask (CPU, seed + 1)."""
    return randn(tuple(int(n) for n in latent_shape), int(seed) + 1, "cpu")
