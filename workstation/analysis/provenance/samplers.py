"""Sampler names from each generator translated to A1111's, where the equivalence is clear.

A1111 (before 1.9) named a sampler and its sigma schedule together ("DPM++ 2M Karras"); 1.9 split
them into "Sampler" and "Schedule type". The engine speaks the joined names, so every translation
ends in `join`, which returns None when sampler + schedule have no joined A1111 name.
"""

from __future__ import annotations

# ComfyUI KSampler sampler_name -> A1111 (ComfyUI comfy/samplers.py KSAMPLER_NAMES). The _gpu
# variants draw their Brownian noise on the GPU; the algorithm is the same.
COMFYUI = {
    "euler": "Euler",
    "euler_ancestral": "Euler a",
    "heun": "Heun",
    "dpm_2": "DPM2",
    "dpm_2_ancestral": "DPM2 a",
    "lms": "LMS",
    "dpm_fast": "DPM fast",
    "dpm_adaptive": "DPM adaptive",
    "dpmpp_2s_ancestral": "DPM++ 2S a",
    "dpmpp_sde": "DPM++ SDE",
    "dpmpp_sde_gpu": "DPM++ SDE",
    "dpmpp_2m": "DPM++ 2M",
    "dpmpp_2m_sde": "DPM++ 2M SDE",
    "dpmpp_2m_sde_gpu": "DPM++ 2M SDE",
    "dpmpp_3m_sde": "DPM++ 3M SDE",
    "dpmpp_3m_sde_gpu": "DPM++ 3M SDE",
    "ddim": "DDIM",
    "uni_pc": "UniPC",
    "lcm": "LCM",
}

# ComfyUI scheduler -> A1111 schedule type; None = the model's own spacing (plain A1111 name).
COMFYUI_SCHEDULES: dict[str, str | None] = {
    "normal": None,
    "karras": "Karras",
    "exponential": "Exponential",
    "sgm_uniform": "SGM Uniform",
    "simple": "Simple",
    "ddim_uniform": "DDIM",
    "beta": "Beta",
    "kl_optimal": "KL Optimal",
}

# InvokeAI scheduler names (invokeai/backend/stable_diffusion/schedulers); "_k" = Karras sigmas.
INVOKEAI = {
    "ddim": "DDIM",
    "ddpm": "DDPM",
    "deis": "DEIS",
    "lms": "LMS",
    "lms_k": "LMS Karras",
    "pndm": "PNDM",
    "heun": "Heun",
    "heun_k": "Heun Karras",
    "euler": "Euler",
    "euler_k": "Euler Karras",
    "euler_a": "Euler a",
    "kdpm_2": "DPM2",
    "kdpm_2_k": "DPM2 Karras",
    "kdpm_2_a": "DPM2 a",
    "kdpm_2_a_k": "DPM2 a Karras",
    "dpmpp_2m": "DPM++ 2M",
    "dpmpp_2m_k": "DPM++ 2M Karras",
    "dpmpp_2m_sde": "DPM++ 2M SDE",
    "dpmpp_2m_sde_k": "DPM++ 2M SDE Karras",
    "dpmpp_sde": "DPM++ SDE",
    "dpmpp_sde_k": "DPM++ SDE Karras",
    "unipc": "UniPC",
    "lcm": "LCM",
    # InvokeAI 2 ("sd-metadata", "Dream") used k-diffusion names.
    "k_lms": "LMS",
    "k_euler": "Euler",
    "k_euler_a": "Euler a",
    "k_heun": "Heun",
    "k_dpm_2": "DPM2",
    "k_dpm_2_a": "DPM2 a",
    "plms": "PLMS",
}

# NovelAI Comment "sampler"; its "noise_schedule" is joined like a schedule type.
NOVELAI = {
    "k_euler": "Euler",
    "k_euler_ancestral": "Euler a",
    "k_dpmpp_2s_ancestral": "DPM++ 2S a",
    "k_dpmpp_2m": "DPM++ 2M",
    "k_dpmpp_sde": "DPM++ SDE",
    "k_dpmpp_2m_sde": "DPM++ 2M SDE",
    "k_lms": "LMS",
    "k_heun": "Heun",
    "k_dpm_2": "DPM2",
    "k_dpm_2_ancestral": "DPM2 a",
    "k_dpm_fast": "DPM fast",
    "k_dpm_adaptive": "DPM adaptive",
    "ddim": "DDIM",
    "ddim_v3": "DDIM",
    "plms": "PLMS",
}
NOVELAI_SCHEDULES: dict[str, str | None] = {
    "native": None,
    "karras": "Karras",
    "exponential": "Exponential",
}

# A1111 ≥ 1.9: the schedule "Automatic" means the sampler's own default (sd_samplers_kdiffusion).
A1111_DEFAULT_SCHEDULE = {
    "DPM++ 2M": "Karras",
    "DPM++ SDE": "Karras",
    "DPM++ 2S a": "Karras",
    "DPM2": "Karras",
    "DPM2 a": "Karras",
    "DPM++ 2M SDE": "Exponential",
    "DPM++ 2M SDE Heun": "Exponential",
    "DPM++ 3M SDE": "Exponential",
}

_JOINABLE = ("Karras", "Exponential")


def join(sampler: str, schedule: str | None, warnings: list[str]) -> str | None:
    """The joined A1111 name for sampler + schedule, or None (with a warning) if there is none."""
    if schedule in (None, "", "Automatic"):
        default = A1111_DEFAULT_SCHEDULE.get(sampler)
        if schedule == "Automatic" and default:
            warnings.append(
                f'schedule "Automatic" for {sampler} read as {default}, A1111 1.9\'s default'
            )
            return f"{sampler} {default}"
        return sampler
    if schedule in _JOINABLE:
        return sampler if sampler.endswith(schedule) else f"{sampler} {schedule}"
    warnings.append(f"sampler {sampler} with schedule {schedule!r} has no single A1111 name")
    return None
