"""A1111's "Restart" sampler (Xu et al. 2023, "Restart Sampling for Improving Generative
Processes"), as A1111 1.10 `modules/sd_samplers_extra.py` `restart_sampler` defines it: Heun steps
down a Karras schedule; with 20+ steps, at sigma ~0.1 it adds noise back up to sigma ~2 and
descends again (once, or twice with 36+ steps), the Karras schedule shortened to keep the count.
"""

from __future__ import annotations

import torch

from workstation.engine.sampling.samplers import _noise, _report, to_d
from workstation.engine.sampling.schedules import karras


def _nearest(sigmas: torch.Tensor, value: float) -> int:
    return int(torch.argmin(abs(sigmas - value), dim=0))


def _step_list(sigmas: torch.Tensor) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """The (sigma, sigma_next) pairs to run, restart segments included."""
    steps = sigmas.shape[0] - 1
    restarts: dict[float, tuple[int, int, float]] = {}
    if steps >= 20:
        restart_steps, restart_times = (steps // 4, 2) if steps >= 36 else (9, 1)
        sigmas = karras(steps - restart_steps * restart_times, sigmas[-2].item(), sigmas[0].item())
        restarts = {0.1: (restart_steps + 1, restart_times, 2.0)}
    at = {_nearest(sigmas, key): value for key, value in restarts.items()}
    pairs = []
    for i in range(len(sigmas) - 1):
        pairs.append((sigmas[i], sigmas[i + 1]))
        if i + 1 in at:
            restart_steps, restart_times, restart_max = at[i + 1]
            min_idx, max_idx = i + 1, _nearest(sigmas, restart_max)
            if max_idx < min_idx:
                up = karras(restart_steps, sigmas[min_idx].item(), sigmas[max_idx].item())[:-1]
                pairs.extend(list(zip(up[:-1], up[1:], strict=True)) * restart_times)
    return pairs


@torch.no_grad()
def sample_restart(
    model, x, sigmas, extra_args=None, callback=None, noise_sampler=None, s_noise=1.0
):
    extra_args = extra_args or {}
    s_in = x.new_ones([x.shape[0]])
    last_sigma = None
    for step, (sigma, sigma_next) in enumerate(_step_list(sigmas)):
        if last_sigma is not None and last_sigma < sigma:
            # A restart: back up to sigma with fresh noise (A1111 draws it with randn_like).
            noise = _noise(noise_sampler, last_sigma, sigma)
            x = x + noise * s_noise * (sigma**2 - last_sigma**2) ** 0.5
        denoised = model(x, sigma * s_in, **extra_args)
        d = to_d(x, sigma, denoised)
        _report(callback, step, x, sigma_next, sigma, denoised)
        dt = sigma_next - sigma
        if sigma_next == 0:
            x = x + d * dt
        else:
            x_2 = x + d * dt
            d_2 = to_d(x_2, sigma_next, model(x_2, sigma_next * s_in, **extra_args))
            x = x + (d + d_2) / 2 * dt
        last_sigma = sigma_next
    return x
