"""Sampler names as A1111 users write them, mapped to diffusers schedulers.

The mapping follows diffusers' own table of A1111/k-diffusion equivalents. A name ending in
" Karras" uses Karras sigmas (A1111 ≥ 1.9 writes "Schedule type: Karras" separately; callers join
the two). Unknown names are an error that lists the valid ones. The equivalence is of algorithm,
not of bits: A1111's k-diffusion and diffusers differ in details (sigma spacing, final step), so a
reproduction of an A1111 image is close, not identical.
"""

from __future__ import annotations

from typing import Any

from workstation.core.errors import InputError

# name -> (diffusers class, config overrides)
SAMPLERS: dict[str, tuple[str, dict[str, Any]]] = {
    "Euler": ("EulerDiscreteScheduler", {}),
    "Euler a": ("EulerAncestralDiscreteScheduler", {}),
    "Heun": ("HeunDiscreteScheduler", {}),
    "LMS": ("LMSDiscreteScheduler", {}),
    "LMS Karras": ("LMSDiscreteScheduler", {"use_karras_sigmas": True}),
    "DPM2": ("KDPM2DiscreteScheduler", {}),
    "DPM2 Karras": ("KDPM2DiscreteScheduler", {"use_karras_sigmas": True}),
    "DPM2 a": ("KDPM2AncestralDiscreteScheduler", {}),
    "DPM2 a Karras": ("KDPM2AncestralDiscreteScheduler", {"use_karras_sigmas": True}),
    "DPM++ 2M": ("DPMSolverMultistepScheduler", {}),
    "DPM++ 2M Karras": ("DPMSolverMultistepScheduler", {"use_karras_sigmas": True}),
    "DPM++ 2M SDE": ("DPMSolverMultistepScheduler", {"algorithm_type": "sde-dpmsolver++"}),
    "DPM++ 2M SDE Karras": (
        "DPMSolverMultistepScheduler",
        {"algorithm_type": "sde-dpmsolver++", "use_karras_sigmas": True},
    ),
    "DPM++ SDE": ("DPMSolverSDEScheduler", {}),
    "DPM++ SDE Karras": ("DPMSolverSDEScheduler", {"use_karras_sigmas": True}),
    "DDIM": ("DDIMScheduler", {}),
    "DDPM": ("DDPMScheduler", {}),
    "PLMS": ("PNDMScheduler", {"skip_prk_steps": True}),
    "PNDM": ("PNDMScheduler", {"skip_prk_steps": True}),
    "UniPC": ("UniPCMultistepScheduler", {}),
    "DEIS": ("DEISMultistepScheduler", {}),
    "LCM": ("LCMScheduler", {}),
}
SEEDED = ("DPMSolverSDEScheduler",)  # draw their own Brownian noise: seed it, or runs differ
_BY_LOWER = {name.lower(): name for name in SAMPLERS}


def canonical_name(name: str) -> str:
    """The table's spelling of a sampler name (case-insensitive); InputError if unknown."""
    found = _BY_LOWER.get(" ".join(name.split()).lower())
    if found is None:
        raise InputError(f"unknown sampler {name!r}; valid samplers: {', '.join(SAMPLERS)}")
    return found


def make_scheduler(name: str, base_config: Any, seed: int) -> Any:
    """A scheduler for `name` built on the model's own scheduler config (betas, offsets)."""
    import diffusers

    class_name, overrides = SAMPLERS[canonical_name(name)]
    if class_name in SEEDED:
        overrides = {**overrides, "noise_sampler_seed": seed}
    scheduler_class = getattr(diffusers, class_name)
    return scheduler_class.from_config(base_config, **overrides)
