"""One sampling run in a generator's convention (see the package docstring)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch

from workstation.engine.sampling.brownian import BrownianTreeNoiseSampler
from workstation.engine.sampling.conventions import SamplerChoice, initial_latent
from workstation.engine.sampling.discrete import DiscreteSchedule
from workstation.engine.sampling.registry import SAMPLERS, STOCHASTIC
from workstation.engine.sampling.samplers import NoiseSampler


def sample(
    choice: SamplerChoice,
    denoiser_fn: Callable[..., torch.Tensor],
    noise: torch.Tensor,
    sigmas: torch.Tensor,
    *,
    model: DiscreteSchedule,
    init_latent: torch.Tensor | None = None,
    noise_sampler: NoiseSampler | None = None,
    callback: Callable[[dict[str, Any]], None] | None = None,
    seed: int | Sequence[int] | None = None,
    brownian_span: torch.Tensor | None = None,
    start_timestep: int | None = None,
    extra_args: dict[str, Any] | None = None,
) -> torch.Tensor:
    """Run `choice` from unit `noise` over `sigmas`; returns the final latent.

    denoiser_fn(x, sigma, **extra_args) -> denoised x0, CFG included.
    Brownian (SDE) samplers without a `noise_sampler` build their tree from `seed` over
    `brownian_span` (Plan.brownian_span, default `sigmas`): A1111 seeds one tree per image with
    the batch's seeds (a list; an int is taken as [seed] for a batch of one), ComfyUI one tree
    with its seed. Other stochastic samplers need the caller's `noise_sampler` (the noise
    package: A1111's per-step randn, ComfyUI's seeded generator). `start_timestep` is
    Plan.start_timestep (A1111's DDIM/PLMS img2img).
    """
    if len(sigmas) == 0:
        # ComfyUI returns the latent untouched when a step range leaves nothing to sample.
        return init_latent if init_latent is not None else torch.zeros_like(noise)
    x = initial_latent(choice, noise, sigmas, model, init_latent, start_timestep)
    if noise_sampler is None and choice.brownian:
        if seed is None:
            raise ValueError(f"{choice.sampler} needs the seed for its Brownian noise")
        if choice.convention == "a1111" and isinstance(seed, int):
            if x.shape[0] != 1:
                raise ValueError("A1111's Brownian noise needs one seed per image of the batch")
            seed = [seed]
        span = sigmas if brownian_span is None else brownian_span
        noise_sampler = BrownianTreeNoiseSampler(
            x,
            span[span > 0].min(),
            span.max(),
            seed,
            cpu=choice.convention == "comfyui" and choice.brownian_cpu,
        )
    if noise_sampler is None and choice.sampler in STOCHASTIC:
        raise ValueError(f"{choice.sampler} adds noise at each step: pass a noise_sampler")
    fn = SAMPLERS[choice.sampler]
    return fn(
        denoiser_fn,
        x,
        sigmas,
        extra_args=extra_args,
        callback=callback,
        noise_sampler=noise_sampler,
        **choice.kwargs,
    )
