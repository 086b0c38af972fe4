"""k-diffusion 0.1.1 `sample_dpm_fast` (DPM-Solver-Fast, Lu et al. 2022): fixed steps in
t = -log(sigma), third order with a second/first order tail, from sigmas[0] down to the last
non-zero sigma (A1111's "DPM fast", ComfyUI's "dpm_fast"; it stops there, it never reaches 0).
A1111 runs it with eta 1 (its ancestral eta), ComfyUI with eta 0.
"""

from __future__ import annotations

import math

import torch

from workstation.engine.sampling.samplers import _noise, _report, get_ancestral_step


def _sigma(t):
    return t.neg().exp()


def _t(sigma):
    return -sigma.log()


@torch.no_grad()
def sample_dpm_fast(
    model, x, sigmas, extra_args=None, callback=None, noise_sampler=None, eta=0.0, s_noise=1.0
):
    extra_args = extra_args or {}
    sigma_min = sigmas[-1] if sigmas[-1] > 0 else sigmas[-2]
    nfe = len(sigmas) - 1
    t_start, t_end = _t(torch.as_tensor(float(sigmas[0]))), _t(torch.as_tensor(float(sigma_min)))

    def eps(cache, key, x, t):
        if key not in cache:
            sigma = _sigma(t) * x.new_ones([x.shape[0]])
            cache[key] = (x - model(x, sigma, **extra_args)) / _sigma(t)
        return cache[key]

    m = math.floor(nfe / 3) + 1
    ts = torch.linspace(t_start, t_end, m + 1)
    orders = [3] * (m - 2) + [2, 1] if nfe % 3 == 0 else [3] * (m - 1) + [nfe % 3]
    for i, order in enumerate(orders):
        cache: dict[str, torch.Tensor] = {}
        t, t_next = ts[i], ts[i + 1]
        if eta:
            sd, _ = get_ancestral_step(_sigma(t), _sigma(t_next), eta)
            t_next_ = torch.minimum(t_end, _t(sd))
            su = (_sigma(t_next) ** 2 - _sigma(t_next_) ** 2) ** 0.5
        else:
            t_next_, su = t_next, 0.0
        e = eps(cache, "eps", x, t)
        _report(callback, i, x, _sigma(t), _sigma(t), x - _sigma(t) * e)
        h = t_next_ - t
        if order == 1:
            x = x - _sigma(t_next_) * h.expm1() * e
        elif order == 2:
            # DPM-Solver-2 with r1 = 1/2
            s1 = t + 0.5 * h
            u1 = x - _sigma(s1) * (0.5 * h).expm1() * e
            e_r1 = eps(cache, "eps_r1", u1, s1)
            x = (
                x
                - _sigma(t_next_) * h.expm1() * e
                - _sigma(t_next_) / (2 * 0.5) * h.expm1() * (e_r1 - e)
            )
        else:
            # DPM-Solver-3 with r1 = 1/3, r2 = 2/3
            r1, r2 = 1 / 3, 2 / 3
            s1, s2 = t + r1 * h, t + r2 * h
            u1 = x - _sigma(s1) * (r1 * h).expm1() * e
            e_r1 = eps(cache, "eps_r1", u1, s1)
            u2 = (
                x
                - _sigma(s2) * (r2 * h).expm1() * e
                - _sigma(s2) * (r2 / r1) * ((r2 * h).expm1() / (r2 * h) - 1) * (e_r1 - e)
            )
            e_r2 = eps(cache, "eps_r2", u2, s2)
            x = (
                x
                - _sigma(t_next_) * h.expm1() * e
                - _sigma(t_next_) / r2 * (h.expm1() / h - 1) * (e_r2 - e)
            )
        if eta:
            x = x + su * s_noise * _noise(noise_sampler, _sigma(t), _sigma(t_next))
    return x
