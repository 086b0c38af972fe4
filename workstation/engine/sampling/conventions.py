"""Generator sampler names -> what to run: sampler, schedule, options, noise rules.

A1111/Forge: `modules/sd_samplers_kdiffusion.py` (A1111 1.10: each sampler's default schedule
used when the schedule type is "Automatic", `discard_next_to_last_sigma`, `brownian_noise`,
`solver_type`), `modules/sd_schedulers.py` (schedule labels) and `KDiffusionSampler.sample` /
`sample_img2img` (start noise). Old names such as "DPM++ 2M Karras" are split as A1111's own
infotext reader does (a trailing schedule label). Defaults A1111 passes: eta 1 (eta_ancestral),
s_noise 1.

ComfyUI v0.3.64: `comfy/samplers.py` KSAMPLER_NAMES / SCHEDULER_NAMES, `KSampler`
(DISCARD_PENULTIMATE_SIGMA_SAMPLERS, `set_steps` for denoise < 1), `KSAMPLER.sample` with
`EPS.noise_scaling` (start noise) and `comfy/k_diffusion/sampling.py` (the `_gpu` variants keep the
Brownian tree on the latent's device, the others on the CPU).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import torch

from workstation.core.errors import InputError
from workstation.engine.sampling.discrete import DiscreteSchedule
from workstation.engine.sampling.registry import TIMESTEP_SAMPLERS
from workstation.engine.sampling.schedules import A1111_SCHEDULES, COMFYUI_SCHEDULES, make_sigmas
from workstation.engine.sampling.timesteps import a1111_timesteps, timestep_sigmas


@dataclass(frozen=True)
class SamplerChoice:
    """Everything that decides the sigmas and the sampler of one run, in one convention."""

    convention: str  # "a1111" | "comfyui"
    sampler: str  # k-diffusion name, a key of registry.SAMPLERS
    schedule: str  # a make_sigmas schedule name
    discard_penultimate: bool = False  # schedule steps+1, then drop the next-to-last sigma
    brownian: bool = False  # SDE noise from a Brownian tree seeded with the image seed(s)
    brownian_cpu: bool = True  # ComfyUI: the tree on the CPU (plain) or the latent's device (_gpu)
    options: tuple[tuple[str, Any], ...] = field(default=())  # extra sampler keyword arguments
    label: str = ""  # the generator's own words, for the record

    @property
    def kwargs(self) -> dict[str, Any]:
        return dict(self.options)


# A1111 label -> (k-diffusion sampler, default schedule, discard penultimate, brownian, options)
_A1111: dict[str, tuple[str, str, bool, bool, tuple[tuple[str, Any], ...]]] = {
    "DPM++ 2M": ("dpmpp_2m", "karras", False, False, ()),
    "DPM++ SDE": ("dpmpp_sde", "karras", False, True, ()),
    "DPM++ 2M SDE": ("dpmpp_2m_sde", "exponential", False, True, ()),
    "DPM++ 2M SDE Heun": ("dpmpp_2m_sde", "exponential", False, True, (("solver_type", "heun"),)),
    "DPM++ 2S a": ("dpmpp_2s_ancestral", "karras", False, False, ()),
    "DPM++ 3M SDE": ("dpmpp_3m_sde", "exponential", True, True, ()),
    "Euler a": ("euler_ancestral", "automatic", False, False, ()),
    "Euler": ("euler", "automatic", False, False, ()),
    "LMS": ("lms", "automatic", False, False, ()),
    "Heun": ("heun", "automatic", False, False, ()),
    "DPM2": ("dpm_2", "karras", True, False, ()),
    "DPM2 a": ("dpm_2_ancestral", "karras", True, False, ()),
    "Restart": ("restart", "karras", False, False, ()),
    "DPM fast": ("dpm_fast", "automatic", False, False, (("eta", 1.0),)),
    # Timestep samplers: their schedule is A1111's own (timesteps.a1111_timesteps).
    "DDIM": ("a1111_ddim", "a1111_timesteps", False, False, ()),
    "PLMS": ("a1111_plms", "a1111_timesteps", False, False, ()),
}
_A1111_ALIASES = {
    "k_dpmpp_2m": "DPM++ 2M",
    "k_dpmpp_sde": "DPM++ SDE",
    "k_dpmpp_2m_sde": "DPM++ 2M SDE",
    "k_dpmpp_2m_sde_heun": "DPM++ 2M SDE Heun",
    "k_dpmpp_2s_a": "DPM++ 2S a",
    "k_dpmpp_3m_sde": "DPM++ 3M SDE",
    "k_euler_a": "Euler a",
    "k_euler_ancestral": "Euler a",
    "k_euler": "Euler",
    "k_lms": "LMS",
    "k_heun": "Heun",
    "k_dpm_2": "DPM2",
    "k_dpm_2_a": "DPM2 a",
    "k_dpm_fast": "DPM fast",
    "restart": "Restart",
}
# Names A1111/Forge offer that run other code (its timestep samplers, adaptive solvers).
A1111_UNSUPPORTED = (
    "DDIM CFG++",
    "UniPC",
    "LCM",
    "DPM adaptive",
)
# A1111 schedule labels (and its internal names) -> make_sigmas names.
_A1111_SCHEDULE_LABELS = {
    "Automatic": "automatic",
    "Uniform": "uniform",
    "Karras": "karras",
    "Exponential": "exponential",
    "Polyexponential": "polyexponential",
    "SGM Uniform": "sgm_uniform",
    "SGMUniform": "sgm_uniform",
    "KL Optimal": "kl_optimal",
    "Simple": "simple",
    "Normal": "normal",
    "DDIM": "ddim_uniform",
    "Beta": "beta",
    "Align Your Steps": "align_your_steps",
}
_A1111_SCHEDULE_NAMES = {
    **{s: s for s in A1111_SCHEDULES if s != "ddim_uniform"},
    "ddim": "ddim_uniform",
}

# ComfyUI sampler name -> (k-diffusion sampler, brownian, brownian on the CPU, options)
_COMFY: dict[str, tuple[str, bool, bool, tuple[tuple[str, Any], ...]]] = {
    "euler": ("euler", False, True, ()),
    "euler_ancestral": ("euler_ancestral", False, True, ()),
    "heun": ("heun", False, True, ()),
    "dpm_2": ("dpm_2", False, True, ()),
    "dpm_2_ancestral": ("dpm_2_ancestral", False, True, ()),
    "lms": ("lms", False, True, (("denoised_last_step", True),)),
    "dpmpp_2s_ancestral": ("dpmpp_2s_ancestral", False, True, ()),
    "dpmpp_sde": ("dpmpp_sde", True, True, ()),
    "dpmpp_sde_gpu": ("dpmpp_sde", True, False, ()),
    "dpmpp_2m": ("dpmpp_2m", False, True, ()),
    "dpmpp_2m_sde": ("dpmpp_2m_sde", True, True, ()),
    "dpmpp_2m_sde_gpu": ("dpmpp_2m_sde", True, False, ()),
    "dpmpp_2m_sde_heun": ("dpmpp_2m_sde", True, True, (("solver_type", "heun"),)),
    "dpmpp_2m_sde_heun_gpu": ("dpmpp_2m_sde", True, False, (("solver_type", "heun"),)),
    "dpmpp_3m_sde": ("dpmpp_3m_sde", True, True, ()),
    "dpmpp_3m_sde_gpu": ("dpmpp_3m_sde", True, False, ()),
    "ddpm": ("ddpm", False, True, ()),
    "lcm": ("lcm", False, True, ()),
    "ddim": ("euler", False, True, ()),
    "dpm_fast": ("dpm_fast", False, True, ()),
    "uni_pc": ("uni_pc", False, True, ()),
    "uni_pc_bh2": ("uni_pc_bh2", False, True, ()),
}
_COMFY_DISCARD = frozenset({"dpm_2", "dpm_2_ancestral", "uni_pc", "uni_pc_bh2"})


def _a1111_schedule(schedule_type: str | None) -> str | None:
    if schedule_type is None or schedule_type == "":
        return None
    name = _A1111_SCHEDULE_LABELS.get(schedule_type) or _A1111_SCHEDULE_NAMES.get(schedule_type)
    if name is None:
        labels = ", ".join(_A1111_SCHEDULE_LABELS)
        raise InputError(f"unknown A1111 schedule type {schedule_type!r}; use one of {labels}")
    return name


def a1111_choice(
    sampler_name: str, schedule_type: str | None = None, sdxl: bool = False
) -> SamplerChoice:
    """An A1111/Forge sampler name (with or without a trailing schedule label, "DPM++ 2M Karras")
    and its "Schedule type" (None or "Automatic": the sampler's default, as A1111 >= 1.9).
    sdxl: the model is an SDXL one (A1111's "Align Your Steps" has SDXL levels)."""
    name = _A1111_ALIASES.get(sampler_name, sampler_name)
    schedule = _a1111_schedule(schedule_type)
    if name not in _A1111:
        for label, sched in _A1111_SCHEDULE_LABELS.items():
            if name.endswith(" " + label) and name[: -len(label) - 1] in _A1111:
                name = name[: -len(label) - 1]
                if schedule in (None, "automatic"):
                    schedule = sched
                break
    if name not in _A1111:
        if name in A1111_UNSUPPORTED:
            raise InputError(
                f"A1111 sampler {sampler_name!r} is not implemented in the a1111 convention; "
                f"use one of {', '.join(_A1111)}"
            )
        raise InputError(f"unknown A1111 sampler {sampler_name!r}; use one of {', '.join(_A1111)}")
    sampler, default_schedule, discard, brownian, options = _A1111[name]
    if schedule in (None, "automatic") or sampler in TIMESTEP_SAMPLERS:
        # (A1111's DDIM and PLMS have no schedule choice: it does not apply one to them.)
        schedule = default_schedule
    if schedule == "align_your_steps" and sdxl:
        schedule = "align_your_steps_sdxl"
    label = (
        name
        if schedule_type in (None, "", "Automatic", "automatic")
        else f"{name} / {schedule_type}"
    )
    return SamplerChoice("a1111", sampler, schedule, discard, brownian, False, options, label)


def comfyui_choice(sampler_name: str, scheduler: str) -> SamplerChoice:
    """A ComfyUI KSampler's sampler_name and scheduler."""
    if sampler_name not in _COMFY:
        raise InputError(
            f"unknown ComfyUI sampler {sampler_name!r}; use one of {', '.join(_COMFY)}"
        )
    if scheduler not in COMFYUI_SCHEDULES:
        raise InputError(
            f"unknown ComfyUI scheduler {scheduler!r}; use one of {', '.join(COMFYUI_SCHEDULES)}"
        )
    sampler, brownian, cpu, options = _COMFY[sampler_name]
    return SamplerChoice(
        "comfyui",
        sampler,
        scheduler,
        sampler_name in _COMFY_DISCARD,
        brownian,
        cpu,
        options,
        f"{sampler_name} / {scheduler}",
    )


def full_sigmas(choice: SamplerChoice, model: DiscreteSchedule, steps: int) -> torch.Tensor:
    """The schedule of `steps` steps, with the penultimate sigma dropped where the sampler does."""
    if choice.discard_penultimate:
        sigmas = make_sigmas(choice.schedule, model, steps + 1, choice.convention)
        return torch.cat([sigmas[:-2], sigmas[-1:]])
    return make_sigmas(choice.schedule, model, steps, choice.convention)


@dataclass(frozen=True)
class Plan:
    """The sigmas a run samples, and the range its Brownian tree spans (A1111: the whole
    schedule the img2img sigmas were cut from; ComfyUI: the sigmas sampled)."""

    sigmas: torch.Tensor
    brownian_span: torch.Tensor
    start_timestep: int | None = None  # A1111 DDIM/PLMS img2img: the init is noised to it


def plan_sigmas(
    choice: SamplerChoice,
    model: DiscreteSchedule,
    steps: int,
    denoise: float = 1.0,
    a1111_fix_steps: bool = False,
) -> Plan:
    """The sigmas for txt2img (denoise 1) or img2img / hires (denoise = strength < 1).

    A1111 (`setup_img2img_steps`, `sample_img2img`): t_enc = int(min(strength, 0.999) * steps) and
    the last t_enc+1 steps of a `steps`-step schedule; with "img2img_fix_steps" (and always for
    the hires pass) a schedule of int(steps / strength) steps, of which the last `steps` run.
    ComfyUI (`KSampler.set_steps`): denoise > 0.9999 is a full run; otherwise the last steps+1
    sigmas of a schedule of int(steps / denoise) steps.
    """
    if choice.sampler in TIMESTEP_SAMPLERS:
        return _a1111_timestep_plan(choice, model, steps, denoise, a1111_fix_steps)
    if choice.convention == "a1111":
        if denoise >= 1.0 and not a1111_fix_steps:
            full = full_sigmas(choice, model, steps)
            return Plan(full, full)
        total, t_enc = _a1111_steps(steps, denoise, a1111_fix_steps)
        full = full_sigmas(choice, model, total)
        return Plan(full[total - t_enc - 1 :], full)  # A1111 spans its tree over the whole schedule
    if denoise > 0.9999:
        full = full_sigmas(choice, model, steps)
        return Plan(full, full)
    if denoise <= 0.0:
        empty = torch.FloatTensor([])
        return Plan(empty, empty)
    sigmas = full_sigmas(choice, model, int(steps / denoise))[-(steps + 1) :]
    return Plan(sigmas, sigmas)


def comfyui_step_range(
    plan: Plan, start_step: int | None, last_step: int | None, force_full_denoise: bool = False
) -> Plan:
    """ComfyUI KSampler.sample's step range (KSamplerAdvanced start_at_step / end_at_step;
    force_full_denoise = not return_with_leftover_noise), e.g. an SDXL base/refiner hand-over.

    A start at or past the last step leaves nothing to sample: `sample` returns the latent.
    (KSamplerAdvanced's add_noise "disable" is zero noise, given by the caller.)
    """
    sigmas = plan.sigmas
    if last_step is not None and last_step < len(sigmas) - 1:
        sigmas = sigmas[: last_step + 1].clone()
        if force_full_denoise:
            sigmas[-1] = 0
    if start_step is not None:
        sigmas = sigmas[start_step:] if start_step < len(sigmas) - 1 else sigmas[:0]
    return Plan(sigmas, sigmas)


def _a1111_steps(steps: int, denoise: float, fix_steps: bool) -> tuple[int, int]:
    """A1111 setup_img2img_steps: (schedule steps, t_enc)."""
    if fix_steps:
        return (int(steps / min(denoise, 0.999)) if denoise > 0 else 0), steps - 1
    return steps, int(min(denoise, 0.999) * steps)


def _a1111_timestep_plan(
    choice: SamplerChoice, model: DiscreteSchedule, steps: int, denoise: float, fix_steps: bool
) -> Plan:
    """CompVisSampler.sample/sample_img2img: timesteps[:t_enc], init noised to timesteps[t_enc]."""
    extra = 1 if choice.discard_penultimate else 0
    if denoise >= 1.0 and not fix_steps:
        sigmas = timestep_sigmas(model, a1111_timesteps(steps + extra))
        return Plan(sigmas, sigmas)
    total, t_enc = _a1111_steps(steps, denoise, fix_steps)
    timesteps = a1111_timesteps(total + extra)
    sigmas = timestep_sigmas(model, timesteps[:t_enc])
    return Plan(sigmas, sigmas, int(timesteps[t_enc]))


def initial_latent(
    choice: SamplerChoice,
    noise: torch.Tensor,
    sigmas: torch.Tensor,
    model: DiscreteSchedule,
    init_latent: torch.Tensor | None = None,
    start_timestep: int | None = None,
) -> torch.Tensor:
    """The latent the sampler starts from, given unit noise.

    A1111: txt2img noise * sigmas[0]; img2img init + noise * sigmas[0]. Its DDIM/PLMS (VP space):
    txt2img the noise itself; img2img init * sqrt(a) + noise * sqrt(1 - a), a the float32
    alphas_cumprod of `start_timestep`.
    ComfyUI (EPS.noise_scaling): noise * sqrt(1 + sigma²) when sigmas[0] is the model's sigma_max
    (math.isclose rel 1e-5, or above it), else noise * sigmas[0]; then + the latent (zeros for an
    empty latent).
    """
    sigma = sigmas[0]
    if choice.sampler in TIMESTEP_SAMPLERS:
        if init_latent is None:
            return noise
        a = model.alphas_cumprod.float()[start_timestep]
        return init_latent * torch.sqrt(a) + noise * torch.sqrt(1 - a)
    if choice.convention == "a1111":
        x = noise * sigma
    else:
        max_sigma = model.as_convention("comfyui").sigma_max
        max_denoise = (
            math.isclose(max_sigma, float(sigma), rel_tol=1e-05) or float(sigma) > max_sigma
        )
        x = noise * torch.sqrt(1.0 + sigma**2.0) if max_denoise else noise * sigma
    return x if init_latent is None else x + init_latent


def sampler_names(convention: str) -> tuple[str, ...]:
    """The sampler names a convention accepts, as its generator lists them (for menus)."""
    return tuple(_A1111) if convention == "a1111" else tuple(_COMFY)


def schedule_names(convention: str) -> tuple[str, ...]:
    """The schedule names a convention accepts; "Automatic" (A1111) = the sampler's default."""
    if convention == "a1111":
        return tuple(label for label in _A1111_SCHEDULE_LABELS if label != "SGMUniform")
    return COMFYUI_SCHEDULES
