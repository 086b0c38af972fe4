"""Sampler functions by name: k-diffusion's, ComfyUI's ddim/lcm/ddpm/uni_pc, A1111's restart."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from workstation.engine.sampling.dpm_solver import sample_dpm_fast
from workstation.engine.sampling.restart import sample_restart
from workstation.engine.sampling.samplers import (
    sample_ddpm,
    sample_dpm_2,
    sample_dpm_2_ancestral,
    sample_dpmpp_2m,
    sample_dpmpp_2m_sde,
    sample_dpmpp_2s_ancestral,
    sample_dpmpp_3m_sde,
    sample_dpmpp_sde,
    sample_euler,
    sample_euler_ancestral,
    sample_heun,
    sample_lcm,
    sample_lms,
)
from workstation.engine.sampling.timesteps import sample_a1111_ddim, sample_a1111_plms
from workstation.engine.sampling.unipc import sample_uni_pc, sample_uni_pc_bh2

SAMPLERS: dict[str, Callable[..., Any]] = {
    "euler": sample_euler,
    "euler_ancestral": sample_euler_ancestral,
    "heun": sample_heun,
    "dpm_2": sample_dpm_2,
    "dpm_2_ancestral": sample_dpm_2_ancestral,
    "lms": sample_lms,
    "dpmpp_2s_ancestral": sample_dpmpp_2s_ancestral,
    "dpmpp_sde": sample_dpmpp_sde,
    "dpmpp_2m": sample_dpmpp_2m,
    "dpmpp_2m_sde": sample_dpmpp_2m_sde,
    "dpmpp_3m_sde": sample_dpmpp_3m_sde,
    "ddim": sample_euler,  # ComfyUI's "ddim" is euler (its sampler_object)
    "lcm": sample_lcm,
    "ddpm": sample_ddpm,
    "restart": sample_restart,  # A1111's own
    "uni_pc": sample_uni_pc,  # ComfyUI's (unipc.py)
    "uni_pc_bh2": sample_uni_pc_bh2,
    "dpm_fast": sample_dpm_fast,  # dpm_solver.py
    "a1111_ddim": sample_a1111_ddim,  # A1111's timestep samplers (timesteps.py)
    "a1111_plms": sample_a1111_plms,
}
# Samplers that run in variance-preserving space over A1111's training timesteps.
TIMESTEP_SAMPLERS = frozenset({"a1111_ddim", "a1111_plms"})
# Samplers that draw noise at each step (they need a noise_sampler).
STOCHASTIC = frozenset(
    {
        "euler_ancestral",
        "dpm_2_ancestral",
        "dpmpp_2s_ancestral",
        "dpmpp_sde",
        "dpmpp_2m_sde",
        "dpmpp_3m_sde",
        "lcm",
        "ddpm",
        "restart",
        "dpm_fast",  # with eta > 0 (A1111 runs it so)
    }
)
