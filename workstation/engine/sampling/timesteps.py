"""A1111's timestep samplers "DDIM" and "PLMS" (A1111 1.10 `modules/sd_samplers_timesteps.py`
`CompVisSampler`, `modules/sd_samplers_timesteps_impl.py` `ddim`, `plms`).

They step through training timesteps 1, 1+1000//steps, ... in variance-preserving space: txt2img
starts from the unit noise itself, img2img from init * sqrt(a) + noise * sqrt(1 - a) at the
timestep one above the first one sampled, and the run ends at timestep 1 (never at 0): A1111
decodes that latent. Here they take the sigmas of those timesteps (descending) and a denoiser in
sigma space, from which the noise prediction at each timestep is recovered.
"""

from __future__ import annotations

import torch

from workstation.engine.sampling.discrete import DiscreteSchedule
from workstation.engine.sampling.samplers import _noise, _report


def a1111_timesteps(steps: int) -> torch.Tensor:
    """CompVisSampler.get_timesteps: every (1000 // steps)-th step from 1."""
    return torch.clip(torch.asarray(list(range(0, 1000, 1000 // steps))) + 1, 0, 999)


def timestep_sigmas(model: DiscreteSchedule, timesteps: torch.Tensor) -> torch.Tensor:
    """The (A1111 float32) training sigmas of `timesteps`, highest first."""
    return model.as_convention("a1111").sigmas[timesteps].flip(0)


def _alpha(sigma: torch.Tensor) -> float:
    # alphas_cumprod recovered from the float32 sigma, in float64 (A1111 reads the float32 value).
    return float(torch.tensor(1.0, dtype=torch.float64) / (1 + sigma.double() ** 2))


def _eps(model, x, sigma, s_in, extra_args):
    """The noise prediction at the VP latent x, through the sigma-space denoiser."""
    x_k = x * (sigma**2 + 1.0) ** 0.5
    return (x_k - model(x_k, sigma * s_in, **extra_args)) / sigma


@torch.no_grad()
def sample_a1111_ddim(
    model, x, sigmas, extra_args=None, callback=None, noise_sampler=None, eta=0.0
):
    extra_args = extra_args or {}
    s_in = x.new_ones([x.shape[0]])
    s_x = x.new_ones((x.shape[0], 1, 1, 1))
    for i in range(len(sigmas) - 1):
        a, a_next = _alpha(sigmas[i]), _alpha(sigmas[i + 1])
        e_t = _eps(model, x, sigmas[i], s_in, extra_args)
        sigma_t = eta * ((1 - a_next) / (1 - a) * (1 - a / a_next)) ** 0.5
        a_t, a_prev = torch.tensor(a, dtype=x.dtype) * s_x, a_next * s_x
        pred_x0 = (x - torch.sqrt(1 - torch.tensor(a, dtype=x.dtype)) * s_x * e_t) / a_t.sqrt()
        dir_xt = (1.0 - a_prev - (sigma_t * s_x) ** 2).sqrt() * e_t
        x = a_prev.sqrt() * pred_x0 + dir_xt
        if eta:
            x = x + sigma_t * s_x * _noise(noise_sampler, sigmas[i], sigmas[i + 1])
        _report(callback, i, x, sigmas[i], sigmas[i], pred_x0)
    return x


@torch.no_grad()
def sample_a1111_plms(model, x, sigmas, extra_args=None, callback=None, noise_sampler=None):
    extra_args = extra_args or {}
    s_in = x.new_ones([x.shape[0]])
    s_x = x.new_ones((x.shape[0], 1, 1, 1))
    old_eps: list[torch.Tensor] = []

    def step(x, e_t, i):
        a = _alpha(sigmas[i])
        a_t, a_prev = torch.tensor(a, dtype=x.dtype) * s_x, _alpha(sigmas[i + 1]) * s_x
        pred_x0 = (x - torch.sqrt(1 - torch.tensor(a, dtype=x.dtype)) * s_x * e_t) / a_t.sqrt()
        return a_prev.sqrt() * pred_x0 + (1.0 - a_prev).sqrt() * e_t, pred_x0

    for i in range(len(sigmas) - 1):
        e_t = _eps(model, x, sigmas[i], s_in, extra_args)
        if not old_eps:
            # Pseudo improved Euler: average with the prediction at the next timestep.
            x_prev, _ = step(x, e_t, i)
            e_t_prime = (e_t + _eps(model, x_prev, sigmas[i + 1], s_in, extra_args)) / 2
        elif len(old_eps) == 1:
            e_t_prime = (3 * e_t - old_eps[-1]) / 2
        elif len(old_eps) == 2:
            e_t_prime = (23 * e_t - 16 * old_eps[-1] + 5 * old_eps[-2]) / 12
        else:
            e_t_prime = (55 * e_t - 59 * old_eps[-1] + 37 * old_eps[-2] - 9 * old_eps[-3]) / 24
        x, pred_x0 = step(x, e_t_prime, i)
        old_eps.append(e_t)
        if len(old_eps) >= 4:
            old_eps.pop(0)
        _report(callback, i, x, sigmas[i], sigmas[i], pred_x0)
    return x
