"""Sigma schedules by name, as A1111/Forge and ComfyUI compute them.

`make_sigmas(schedule, model, steps, convention)` returns steps+1 float32 sigmas, descending,
ending in 0 (except A1111's "kl_optimal", which ends at sigma_min: its own definition).

Whose definition each follows:
- "automatic" / "uniform" (a1111): k-diffusion 0.1.1 `DiscreteSchedule.get_sigmas` (A1111
  `sd_schedulers.uniform`; what A1111 uses when a sampler has no default schedule).
- "karras", "exponential", "polyexponential": k-diffusion `get_sigmas_karras` (rho 7),
  `get_sigmas_exponential`, `get_sigmas_polyexponential` (rho 1), between the model's sigma_min
  and sigma_max (A1111 `KDiffusionSampler.get_sigmas`, ComfyUI `calculate_sigmas`).
- "sgm_uniform", "normal", "simple", "ddim_uniform", "beta", "kl_optimal": A1111 1.10
  `modules/sd_schedulers.py` or ComfyUI v0.3.64 `comfy/samplers.py` (`*_scheduler`), which differ:
  A1111 maps sigma to a fractional timestep, ComfyUI to the nearest step; A1111's beta spaces
  sigmas, ComfyUI's spaces timesteps; A1111's kl_optimal has no final zero.
- "linear_quadratic" (comfyui): ComfyUI `linear_quadratic_schedule`.
- "align_your_steps" / "align_your_steps_sdxl" (a1111): A1111 `get_align_your_steps_sigmas`
  (which picks the SDXL levels for SDXL models).
"""

from __future__ import annotations

import math

import torch

from workstation.core.errors import InputError
from workstation.engine.sampling.discrete import DiscreteSchedule

# NVIDIA's published Align Your Steps noise levels (10 steps), as A1111 ships them.
_AYS_SD15 = [14.615, 6.475, 3.861, 2.697, 1.886, 1.396, 0.963, 0.652, 0.399, 0.152, 0.029]
_AYS_SDXL = [14.615, 6.315, 3.771, 2.181, 1.342, 0.862, 0.555, 0.380, 0.234, 0.113, 0.029]

A1111_SCHEDULES = (
    "automatic",
    "uniform",
    "karras",
    "exponential",
    "polyexponential",
    "sgm_uniform",
    "kl_optimal",
    "simple",
    "normal",
    "ddim_uniform",
    "beta",
    "align_your_steps",
    "align_your_steps_sdxl",
)
COMFYUI_SCHEDULES = (
    "simple",
    "sgm_uniform",
    "karras",
    "exponential",
    "ddim_uniform",
    "beta",
    "normal",
    "linear_quadratic",
    "kl_optimal",
)


def _append_zero(x: torch.Tensor) -> torch.Tensor:
    return torch.cat([x, x.new_zeros([1])])


def karras(n: int, sigma_min: float, sigma_max: float, rho: float = 7.0) -> torch.Tensor:
    ramp = torch.linspace(0, 1, n)
    min_inv_rho = sigma_min ** (1 / rho)
    max_inv_rho = sigma_max ** (1 / rho)
    return _append_zero((max_inv_rho + ramp * (min_inv_rho - max_inv_rho)) ** rho)


def exponential(n: int, sigma_min: float, sigma_max: float) -> torch.Tensor:
    return _append_zero(torch.linspace(math.log(sigma_max), math.log(sigma_min), n).exp())


def polyexponential(n: int, sigma_min: float, sigma_max: float, rho: float = 1.0) -> torch.Tensor:
    ramp = torch.linspace(1, 0, n) ** rho
    return _append_zero(
        torch.exp(ramp * (math.log(sigma_max) - math.log(sigma_min)) + math.log(sigma_min))
    )


def simple(model: DiscreteSchedule, n: int) -> torch.Tensor:
    # Every (1000/n)-th training sigma from the top (same in A1111 and ComfyUI).
    ss = len(model.sigmas) / n
    return torch.FloatTensor([float(model.sigmas[-(1 + int(x * ss))]) for x in range(n)] + [0.0])


def _sigma_list(model: DiscreteSchedule, timesteps: torch.Tensor) -> list[float]:
    return [float(model.t_to_sigma(t)) for t in timesteps]


def normal(model: DiscreteSchedule, n: int, convention: str, sgm: bool = False) -> torch.Tensor:
    """Evenly spaced timesteps from sigma_max's to sigma_min's (sgm: n+1 points, last dropped)."""
    # A1111 uses k-diffusion's fractional sigma_to_t; ComfyUI the nearest step.
    quantize = convention == "comfyui"
    start = model.sigma_to_t(torch.tensor(model.sigma_max), quantize)
    end = model.sigma_to_t(torch.tensor(model.sigma_min), quantize)
    append_zero = True
    if sgm:
        timesteps = torch.linspace(start, end, n + 1)[:-1]
    else:
        # ComfyUI: a schedule whose lowest sigma is already 0 gets one more step instead of a zero.
        if convention == "comfyui" and math.isclose(float(model.t_to_sigma(end)), 0, abs_tol=1e-5):
            n += 1
            append_zero = False
        timesteps = torch.linspace(start, end, n)
    sigs = _sigma_list(model, timesteps)
    return torch.FloatTensor(sigs + [0.0] if append_zero else sigs)


def ddim_uniform(model: DiscreteSchedule, n: int, convention: str) -> torch.Tensor:
    """Every (1000//n)-th training sigma from index 1 upwards, reversed."""
    sigmas = model.sigmas
    sigs: list[float] = []
    if convention == "comfyui" and math.isclose(float(sigmas[1]), 0, abs_tol=1e-5):
        n += 1
    else:
        sigs = [0.0]
    ss = max(len(sigmas) // n, 1)
    sigs += [float(sigmas[x]) for x in range(1, len(sigmas), ss)]
    return torch.FloatTensor(sigs[::-1])


def beta(
    model: DiscreteSchedule, n: int, convention: str, alpha: float = 0.6, beta_: float = 0.6
) -> torch.Tensor:
    """Beta-distribution spacing (arXiv 2407.12173); A1111 spaces sigmas, ComfyUI timesteps."""
    import numpy as np
    from scipy import stats

    if convention == "a1111":
        ts = 1 - np.linspace(0, 1, n)
        xs = [stats.beta.ppf(x, alpha, beta_) for x in ts]
        lo, hi = model.sigma_min, model.sigma_max
        return torch.FloatTensor([lo + (x * (hi - lo)) for x in xs] + [0.0])
    total = len(model.sigmas) - 1
    ts = np.rint(stats.beta.ppf(1 - np.linspace(0, 1, n, endpoint=False), alpha, beta_) * total)
    sigs: list[float] = []
    last_t = -1
    for t in ts:
        if t != last_t:  # ComfyUI drops repeated timesteps, so it can return fewer steps
            sigs.append(float(model.sigmas[int(t)]))
        last_t = t
    return torch.FloatTensor(sigs + [0.0])


def kl_optimal(n: int, sigma_min: float, sigma_max: float, convention: str) -> torch.Tensor:
    """Evenly spaced in arctan(sigma) (A1111 PR 15608). A1111: n+1 points ending at sigma_min;
    ComfyUI: n points ending at sigma_min, then 0."""
    if convention == "a1111":
        alpha_min = torch.arctan(torch.tensor(sigma_min))
        alpha_max = torch.arctan(torch.tensor(sigma_max))
        idx = torch.arange(n + 1)
        return torch.tan(idx / n * alpha_min + (1.0 - idx / n) * alpha_max)
    adj = torch.arange(n, dtype=torch.float).div_(n - 1)
    sigmas = adj.new_zeros(n + 1)
    sigmas[:-1] = (adj * math.atan(sigma_min) + (1 - adj) * math.atan(sigma_max)).tan_()
    return sigmas


def align_your_steps(n: int, sdxl: bool) -> torch.Tensor:
    """A1111 get_align_your_steps_sigmas: the published 10-step levels, log-linearly
    interpolated to n steps (used as published when n is 11)."""
    import numpy as np

    levels = _AYS_SDXL if sdxl else _AYS_SD15
    if n == len(levels):
        return torch.FloatTensor(levels + [0.0])
    xs = np.linspace(0, 1, len(levels))
    ys = np.log(levels[::-1])
    interpolated = np.exp(np.interp(np.linspace(0, 1, n), xs, ys))[::-1].copy()
    return torch.FloatTensor(np.append(interpolated, [0.0]))


def linear_quadratic(
    model: DiscreteSchedule, n: int, threshold_noise: float = 0.025
) -> torch.Tensor:
    """ComfyUI linear_quadratic_schedule (from Mochi): linear, then quadratic in 1 - sigma/max."""
    if n == 1:
        schedule = [1.0, 0.0]
    else:
        linear_steps = n // 2
        linear = [i * threshold_noise / linear_steps for i in range(linear_steps)]
        diff = linear_steps - threshold_noise * n
        quadratic_steps = n - linear_steps
        quadratic_coef = diff / (linear_steps * quadratic_steps**2)
        linear_coef = threshold_noise / linear_steps - 2 * diff / (quadratic_steps**2)
        const = quadratic_coef * (linear_steps**2)
        quadratic = [
            quadratic_coef * (i**2) + linear_coef * i + const for i in range(linear_steps, n)
        ]
        schedule = [1.0 - x for x in linear + quadratic + [1.0]]
    return torch.FloatTensor(schedule) * torch.tensor(model.sigma_max)


def make_sigmas(
    schedule: str, model: DiscreteSchedule, steps: int, convention: str
) -> torch.Tensor:
    """The sigmas `convention` samples `steps` steps with under the schedule named `schedule`."""
    model = model.as_convention(convention)
    names = A1111_SCHEDULES if convention == "a1111" else COMFYUI_SCHEDULES
    if schedule not in names:
        raise InputError(
            f"unknown {convention} schedule {schedule!r}; use one of {', '.join(names)}"
        )
    if steps < 1:
        raise InputError(f"steps must be at least 1, not {steps}")
    lo, hi = model.sigma_min, model.sigma_max
    if schedule in ("automatic", "uniform"):
        return model.get_sigmas(steps)
    if schedule == "karras":
        return karras(steps, lo, hi)
    if schedule == "exponential":
        return exponential(steps, lo, hi)
    if schedule == "polyexponential":
        return polyexponential(steps, lo, hi)
    if schedule == "simple":
        return simple(model, steps)
    if schedule in ("normal", "sgm_uniform"):
        return normal(model, steps, convention, sgm=schedule == "sgm_uniform")
    if schedule == "ddim_uniform":
        return ddim_uniform(model, steps, convention)
    if schedule == "beta":
        return beta(model, steps, convention)
    if schedule.startswith("align_your_steps"):
        return align_your_steps(steps, sdxl=schedule.endswith("sdxl"))
    if schedule == "kl_optimal":
        return kl_optimal(steps, lo, hi, convention)
    return linear_quadratic(model, steps)
