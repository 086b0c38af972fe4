"""Sampler algorithms by their k-diffusion names, written from k-diffusion 0.1.1 `sampling.py`
(what A1111/Forge run) and checked against ComfyUI v0.3.64's `comfy/k_diffusion/sampling.py`
(same algorithms for epsilon/v models, rearranged: it writes `x = denoised` on the last step and
its SDE steps in alpha/half-log-SNR form; the results agree to float rounding - except LMS, whose
last step ComfyUI replaces by x0: `denoised_last_step`).

Every sampler: `sample_x(model, x, sigmas, extra_args=None, callback=None, noise_sampler=None,
**options) -> x`, where `model(x, sigma, **extra_args)` returns the denoised x0,
`noise_sampler(sigma, sigma_next)` returns unit-variance noise (the caller owns the RNG: A1111's
per-step `randn_like`, ComfyUI's seeded generator, or a Brownian tree), and `callback` receives
dict(i, x, sigma, sigma_hat, denoised) once per step. Stochastic samplers raise without a
noise_sampler; deterministic ones take none.

ComfyUI's own additions: "ddim" (euler, its sampler_object), "lcm", "ddpm".
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

NoiseSampler = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def _noise(
    noise_sampler: NoiseSampler | None, sigma: torch.Tensor, sigma_next: torch.Tensor
) -> torch.Tensor:
    if noise_sampler is None:
        raise ValueError("this sampler adds noise at each step: pass a noise_sampler")
    return noise_sampler(sigma, sigma_next)


def to_d(x: torch.Tensor, sigma: torch.Tensor, denoised: torch.Tensor) -> torch.Tensor:
    """The Karras ODE derivative dx/dsigma."""
    return (x - denoised) / sigma


def get_ancestral_step(sigma_from, sigma_to, eta=1.0):
    """sigma_down to step to deterministically, sigma_up of fresh noise to add after."""
    if not eta:
        return sigma_to, 0.0
    sigma_up = min(
        sigma_to, eta * (sigma_to**2 * (sigma_from**2 - sigma_to**2) / sigma_from**2) ** 0.5
    )
    sigma_down = (sigma_to**2 - sigma_up**2) ** 0.5
    return sigma_down, sigma_up


def _report(callback, i, x, sigma, sigma_hat, denoised) -> None:
    if callback is not None:
        callback({"i": i, "x": x, "sigma": sigma, "sigma_hat": sigma_hat, "denoised": denoised})


def _churn(x, sigmas, i, noise_sampler, s_churn, s_tmin, s_tmax, s_noise):
    """Karras 'churn': raise the noise level to sigma_hat before the step (off by default)."""
    if s_churn <= 0:
        return x, sigmas[i]
    gamma = min(s_churn / (len(sigmas) - 1), 2**0.5 - 1) if s_tmin <= sigmas[i] <= s_tmax else 0.0
    sigma_hat = sigmas[i] * (gamma + 1)
    if gamma > 0:
        eps = _noise(noise_sampler, sigmas[i], sigmas[i + 1]) * s_noise
        x = x + eps * (sigma_hat**2 - sigmas[i] ** 2) ** 0.5
    return x, sigma_hat


@torch.no_grad()
def sample_euler(
    model,
    x,
    sigmas,
    extra_args=None,
    callback=None,
    noise_sampler=None,
    s_churn=0.0,
    s_tmin=0.0,
    s_tmax=float("inf"),
    s_noise=1.0,
):
    extra_args = extra_args or {}
    s_in = x.new_ones([x.shape[0]])
    for i in range(len(sigmas) - 1):
        x, sigma_hat = _churn(x, sigmas, i, noise_sampler, s_churn, s_tmin, s_tmax, s_noise)
        denoised = model(x, sigma_hat * s_in, **extra_args)
        d = to_d(x, sigma_hat, denoised)
        _report(callback, i, x, sigmas[i], sigma_hat, denoised)
        x = x + d * (sigmas[i + 1] - sigma_hat)
    return x


@torch.no_grad()
def sample_euler_ancestral(
    model, x, sigmas, extra_args=None, callback=None, noise_sampler=None, eta=1.0, s_noise=1.0
):
    extra_args = extra_args or {}
    s_in = x.new_ones([x.shape[0]])
    for i in range(len(sigmas) - 1):
        denoised = model(x, sigmas[i] * s_in, **extra_args)
        sigma_down, sigma_up = get_ancestral_step(sigmas[i], sigmas[i + 1], eta=eta)
        _report(callback, i, x, sigmas[i], sigmas[i], denoised)
        x = x + to_d(x, sigmas[i], denoised) * (sigma_down - sigmas[i])
        if sigmas[i + 1] > 0:
            x = x + _noise(noise_sampler, sigmas[i], sigmas[i + 1]) * s_noise * sigma_up
    return x


@torch.no_grad()
def sample_heun(
    model,
    x,
    sigmas,
    extra_args=None,
    callback=None,
    noise_sampler=None,
    s_churn=0.0,
    s_tmin=0.0,
    s_tmax=float("inf"),
    s_noise=1.0,
):
    extra_args = extra_args or {}
    s_in = x.new_ones([x.shape[0]])
    for i in range(len(sigmas) - 1):
        x, sigma_hat = _churn(x, sigmas, i, noise_sampler, s_churn, s_tmin, s_tmax, s_noise)
        denoised = model(x, sigma_hat * s_in, **extra_args)
        d = to_d(x, sigma_hat, denoised)
        _report(callback, i, x, sigmas[i], sigma_hat, denoised)
        dt = sigmas[i + 1] - sigma_hat
        if sigmas[i + 1] == 0:
            x = x + d * dt  # Euler on the last step: the model is not evaluated at sigma 0
        else:
            x_2 = x + d * dt
            d_2 = to_d(x_2, sigmas[i + 1], model(x_2, sigmas[i + 1] * s_in, **extra_args))
            x = x + (d + d_2) / 2 * dt
    return x


@torch.no_grad()
def sample_dpm_2(
    model,
    x,
    sigmas,
    extra_args=None,
    callback=None,
    noise_sampler=None,
    s_churn=0.0,
    s_tmin=0.0,
    s_tmax=float("inf"),
    s_noise=1.0,
):
    extra_args = extra_args or {}
    s_in = x.new_ones([x.shape[0]])
    for i in range(len(sigmas) - 1):
        x, sigma_hat = _churn(x, sigmas, i, noise_sampler, s_churn, s_tmin, s_tmax, s_noise)
        denoised = model(x, sigma_hat * s_in, **extra_args)
        d = to_d(x, sigma_hat, denoised)
        _report(callback, i, x, sigmas[i], sigma_hat, denoised)
        if sigmas[i + 1] == 0:
            x = x + d * (sigmas[i + 1] - sigma_hat)
        else:
            # DPM-Solver-2: evaluate at the log-midpoint, step with its derivative.
            sigma_mid = sigma_hat.log().lerp(sigmas[i + 1].log(), 0.5).exp()
            x_2 = x + d * (sigma_mid - sigma_hat)
            d_2 = to_d(x_2, sigma_mid, model(x_2, sigma_mid * s_in, **extra_args))
            x = x + d_2 * (sigmas[i + 1] - sigma_hat)
    return x


@torch.no_grad()
def sample_dpm_2_ancestral(
    model, x, sigmas, extra_args=None, callback=None, noise_sampler=None, eta=1.0, s_noise=1.0
):
    extra_args = extra_args or {}
    s_in = x.new_ones([x.shape[0]])
    for i in range(len(sigmas) - 1):
        denoised = model(x, sigmas[i] * s_in, **extra_args)
        sigma_down, sigma_up = get_ancestral_step(sigmas[i], sigmas[i + 1], eta=eta)
        _report(callback, i, x, sigmas[i], sigmas[i], denoised)
        d = to_d(x, sigmas[i], denoised)
        if sigma_down == 0:
            x = x + d * (sigma_down - sigmas[i])
        else:
            sigma_mid = sigmas[i].log().lerp(sigma_down.log(), 0.5).exp()
            x_2 = x + d * (sigma_mid - sigmas[i])
            d_2 = to_d(x_2, sigma_mid, model(x_2, sigma_mid * s_in, **extra_args))
            x = x + d_2 * (sigma_down - sigmas[i])
            x = x + _noise(noise_sampler, sigmas[i], sigmas[i + 1]) * s_noise * sigma_up
    return x


def lms_coefficient(order: int, t: np.ndarray, i: int, j: int) -> float:
    """Integral over [t[i], t[i+1]] of the j-th Lagrange basis polynomial through t[i-order+1..i].

    k-diffusion integrates it numerically (scipy quad); the integrand is a polynomial, so we
    integrate it exactly.
    """
    if order - 1 > i:
        raise ValueError(f"order {order} too high for step {i}")
    others = [float(t[i - k]) for k in range(order) if k != j]
    poly = np.polynomial.Polynomial.fromroots(others) if others else np.polynomial.Polynomial([1.0])
    poly = poly / float(np.prod([float(t[i - j]) - o for o in others]))
    integral = poly.integ()
    return float(integral(float(t[i + 1])) - integral(float(t[i])))


@torch.no_grad()
def sample_lms(
    model,
    x,
    sigmas,
    extra_args=None,
    callback=None,
    noise_sampler=None,
    order=4,
    denoised_last_step=False,
):
    """Linear multistep. denoised_last_step: ComfyUI ends on x0 where k-diffusion takes one more
    multistep to sigma 0."""
    extra_args = extra_args or {}
    s_in = x.new_ones([x.shape[0]])
    sigmas_cpu = sigmas.detach().cpu().numpy()
    ds: list[torch.Tensor] = []
    for i in range(len(sigmas) - 1):
        denoised = model(x, sigmas[i] * s_in, **extra_args)
        ds.append(to_d(x, sigmas[i], denoised))
        if len(ds) > order:
            ds.pop(0)
        _report(callback, i, x, sigmas[i], sigmas[i], denoised)
        if denoised_last_step and sigmas[i + 1] == 0:
            x = denoised
            continue
        cur_order = min(i + 1, order)
        coeffs = [lms_coefficient(cur_order, sigmas_cpu, i, j) for j in range(cur_order)]
        x = x + sum(coeff * d for coeff, d in zip(coeffs, reversed(ds), strict=True))
    return x


def _t(sigma):
    return sigma.log().neg()


def _sigma(t):
    return t.neg().exp()


@torch.no_grad()
def sample_dpmpp_2s_ancestral(
    model, x, sigmas, extra_args=None, callback=None, noise_sampler=None, eta=1.0, s_noise=1.0
):
    extra_args = extra_args or {}
    s_in = x.new_ones([x.shape[0]])
    for i in range(len(sigmas) - 1):
        denoised = model(x, sigmas[i] * s_in, **extra_args)
        sigma_down, sigma_up = get_ancestral_step(sigmas[i], sigmas[i + 1], eta=eta)
        _report(callback, i, x, sigmas[i], sigmas[i], denoised)
        if sigma_down == 0:
            x = x + to_d(x, sigmas[i], denoised) * (sigma_down - sigmas[i])
        else:
            # DPM-Solver++(2S): a half step in log-sigma, then the full step with its x0.
            t, t_next = _t(sigmas[i]), _t(sigma_down)
            h = t_next - t
            s = t + 0.5 * h
            x_2 = (_sigma(s) / _sigma(t)) * x - (-h * 0.5).expm1() * denoised
            denoised_2 = model(x_2, _sigma(s) * s_in, **extra_args)
            x = (_sigma(t_next) / _sigma(t)) * x - (-h).expm1() * denoised_2
        if sigmas[i + 1] > 0:
            x = x + _noise(noise_sampler, sigmas[i], sigmas[i + 1]) * s_noise * sigma_up
    return x


@torch.no_grad()
def sample_dpmpp_sde(
    model,
    x,
    sigmas,
    extra_args=None,
    callback=None,
    noise_sampler=None,
    eta=1.0,
    s_noise=1.0,
    r=1 / 2,
):
    extra_args = extra_args or {}
    s_in = x.new_ones([x.shape[0]])
    for i in range(len(sigmas) - 1):
        denoised = model(x, sigmas[i] * s_in, **extra_args)
        _report(callback, i, x, sigmas[i], sigmas[i], denoised)
        if sigmas[i + 1] == 0:
            x = x + to_d(x, sigmas[i], denoised) * (sigmas[i + 1] - sigmas[i])
            continue
        t, t_next = _t(sigmas[i]), _t(sigmas[i + 1])
        h = t_next - t
        s = t + h * r
        fac = 1 / (2 * r)
        # Step 1: to the intermediate time s, with its share of noise.
        sd, su = get_ancestral_step(_sigma(t), _sigma(s), eta)
        s_ = _t(sd)
        x_2 = (_sigma(s_) / _sigma(t)) * x - (t - s_).expm1() * denoised
        if eta:
            x_2 = x_2 + _noise(noise_sampler, _sigma(t), _sigma(s)) * s_noise * su
        denoised_2 = model(x_2, _sigma(s) * s_in, **extra_args)
        # Step 2: the full step with the blended x0 estimate.
        sd, su = get_ancestral_step(_sigma(t), _sigma(t_next), eta)
        t_next_ = _t(sd)
        denoised_d = (1 - fac) * denoised + fac * denoised_2
        x = (_sigma(t_next_) / _sigma(t)) * x - (t - t_next_).expm1() * denoised_d
        if eta:
            x = x + _noise(noise_sampler, _sigma(t), _sigma(t_next)) * s_noise * su
    return x


@torch.no_grad()
def sample_dpmpp_2m(model, x, sigmas, extra_args=None, callback=None, noise_sampler=None):
    extra_args = extra_args or {}
    s_in = x.new_ones([x.shape[0]])
    old_denoised = None
    for i in range(len(sigmas) - 1):
        denoised = model(x, sigmas[i] * s_in, **extra_args)
        _report(callback, i, x, sigmas[i], sigmas[i], denoised)
        t, t_next = _t(sigmas[i]), _t(sigmas[i + 1])
        h = t_next - t
        if old_denoised is None or sigmas[i + 1] == 0:
            x = (_sigma(t_next) / _sigma(t)) * x - (-h).expm1() * denoised
        else:
            r = (t - _t(sigmas[i - 1])) / h
            denoised_d = (1 + 1 / (2 * r)) * denoised - (1 / (2 * r)) * old_denoised
            x = (_sigma(t_next) / _sigma(t)) * x - (-h).expm1() * denoised_d
        old_denoised = denoised
    return x


@torch.no_grad()
def sample_dpmpp_2m_sde(
    model,
    x,
    sigmas,
    extra_args=None,
    callback=None,
    noise_sampler=None,
    eta=1.0,
    s_noise=1.0,
    solver_type="midpoint",
):
    if solver_type not in ("heun", "midpoint"):
        raise ValueError("solver_type must be 'heun' or 'midpoint'")
    extra_args = extra_args or {}
    s_in = x.new_ones([x.shape[0]])
    old_denoised, h_last, h = None, None, None
    for i in range(len(sigmas) - 1):
        denoised = model(x, sigmas[i] * s_in, **extra_args)
        _report(callback, i, x, sigmas[i], sigmas[i], denoised)
        if sigmas[i + 1] == 0:
            x = denoised
        else:
            t, s = -sigmas[i].log(), -sigmas[i + 1].log()
            h = s - t
            eta_h = eta * h
            x = (
                sigmas[i + 1] / sigmas[i] * (-eta_h).exp() * x
                + (-h - eta_h).expm1().neg() * denoised
            )
            if old_denoised is not None:
                r = h_last / h
                if solver_type == "heun":
                    x = x + ((-h - eta_h).expm1().neg() / (-h - eta_h) + 1) * (1 / r) * (
                        denoised - old_denoised
                    )
                else:
                    x = x + 0.5 * (-h - eta_h).expm1().neg() * (1 / r) * (denoised - old_denoised)
            if eta:
                noise = _noise(noise_sampler, sigmas[i], sigmas[i + 1])
                x = x + noise * sigmas[i + 1] * (-2 * eta_h).expm1().neg().sqrt() * s_noise
        old_denoised = denoised
        h_last = h
    return x


@torch.no_grad()
def sample_dpmpp_3m_sde(
    model, x, sigmas, extra_args=None, callback=None, noise_sampler=None, eta=1.0, s_noise=1.0
):
    extra_args = extra_args or {}
    s_in = x.new_ones([x.shape[0]])
    denoised_1, denoised_2 = None, None
    h, h_1, h_2 = None, None, None
    for i in range(len(sigmas) - 1):
        denoised = model(x, sigmas[i] * s_in, **extra_args)
        _report(callback, i, x, sigmas[i], sigmas[i], denoised)
        if sigmas[i + 1] == 0:
            x = denoised
        else:
            t, s = -sigmas[i].log(), -sigmas[i + 1].log()
            h = s - t
            h_eta = h * (eta + 1)
            x = torch.exp(-h_eta) * x + (-h_eta).expm1().neg() * denoised
            if h_2 is not None:
                r0, r1 = h_1 / h, h_2 / h
                d1_0 = (denoised - denoised_1) / r0
                d1_1 = (denoised_1 - denoised_2) / r1
                d1 = d1_0 + (d1_0 - d1_1) * r0 / (r0 + r1)
                d2 = (d1_0 - d1_1) / (r0 + r1)
                phi_2 = h_eta.neg().expm1() / h_eta + 1
                phi_3 = phi_2 / h_eta - 0.5
                x = x + phi_2 * d1 - phi_3 * d2
            elif h_1 is not None:
                d = (denoised - denoised_1) / (h_1 / h)
                x = x + (h_eta.neg().expm1() / h_eta + 1) * d
            if eta:
                noise = _noise(noise_sampler, sigmas[i], sigmas[i + 1])
                x = x + noise * sigmas[i + 1] * (-2 * h * eta).expm1().neg().sqrt() * s_noise
        denoised_1, denoised_2 = denoised, denoised_1
        h_1, h_2 = h, h_1
    return x


@torch.no_grad()
def sample_lcm(model, x, sigmas, extra_args=None, callback=None, noise_sampler=None):
    """ComfyUI sample_lcm: jump to x0, then re-noise to the next sigma with fresh noise."""
    extra_args = extra_args or {}
    s_in = x.new_ones([x.shape[0]])
    for i in range(len(sigmas) - 1):
        denoised = model(x, sigmas[i] * s_in, **extra_args)
        _report(callback, i, x, sigmas[i], sigmas[i], denoised)
        x = denoised
        if sigmas[i + 1] > 0:
            x = _noise(noise_sampler, sigmas[i], sigmas[i + 1]) * sigmas[i + 1] + x
    return x


@torch.no_grad()
def sample_ddpm(model, x, sigmas, extra_args=None, callback=None, noise_sampler=None):
    """ComfyUI sample_ddpm: the DDPM ancestral step in variance-preserving space."""
    extra_args = extra_args or {}
    s_in = x.new_ones([x.shape[0]])
    for i in range(len(sigmas) - 1):
        sigma, sigma_prev = sigmas[i], sigmas[i + 1]
        denoised = model(x, sigma * s_in, **extra_args)
        _report(callback, i, x, sigma, sigma, denoised)
        eps = (x - denoised) / sigma
        x = x / torch.sqrt(1.0 + sigma**2.0)
        alpha_cumprod = 1 / ((sigma * sigma) + 1)
        alpha_cumprod_prev = 1 / ((sigma_prev * sigma_prev) + 1)
        alpha = alpha_cumprod / alpha_cumprod_prev
        mu = (1.0 / alpha).sqrt() * (x - (1 - alpha) * eps / (1 - alpha_cumprod).sqrt())
        if sigma_prev > 0:
            var = (1 - alpha) * (1.0 - alpha_cumprod_prev) / (1.0 - alpha_cumprod)
            mu = mu + var.sqrt() * _noise(noise_sampler, sigma, sigma_prev)
            mu = mu * torch.sqrt(1.0 + sigma_prev**2.0)
        x = mu
    return x
