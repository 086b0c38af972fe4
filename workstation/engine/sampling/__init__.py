"""Samplers and sigma schedules as A1111/Forge (via k-diffusion) and ComfyUI define them.

Implemented here from the peers' definitions (k-diffusion 0.1.1, A1111 1.10, ComfyUI v0.3.64) and
tested against values their own code produced (tests/engine/sampling/reference/make_vectors.py).

How the integrator runs one generation:

    model = DiscreteSchedule.from_config(pipe.scheduler.config)   # training sigmas
    choice = a1111_choice("DPM++ 2M", "Karras")  # or comfyui_choice("euler", "normal")
    plan = plan_sigmas(choice, model, steps, denoise=strength)   # denoise 1.0 for txt2img
    denoiser = Denoiser(unet_output, model.as_convention(choice.convention),
                        quantize=choice.convention == "comfyui")  # x, sigma, cond -> x0
    latent = sample(choice, lambda x, s: cfg(denoiser, x, s), noise, plan.sigmas, model=model,
                    init_latent=None_or_init, noise_sampler=per_step_noise_or_None,
                    seed=seeds_or_seed, brownian_span=plan.brownian_span,
                    start_timestep=plan.start_timestep, callback=on_step)

`sample` scales the unit noise as the generator does (`initial_latent`), seeds the Brownian tree
of the SDE samplers, and runs the sampler (`registry.SAMPLERS`, k-diffusion names). The result is
the latent the generator decodes (for A1111's DDIM/PLMS: the variance-preserving latent at
timestep 1, as A1111 itself leaves it).

Modules: discrete (training sigmas, Denoiser), schedules (make_sigmas), samplers (k-diffusion
algorithms), restart (A1111 Restart), unipc (ComfyUI uni_pc), dpm_solver (DPM fast),
timesteps (A1111 DDIM/PLMS),
brownian (SDE noise), registry (names), conventions (generator names, plans, start noise), run.
"""

from workstation.engine.sampling.brownian import BrownianTreeNoiseSampler, brownian_noise_sampler
from workstation.engine.sampling.conventions import (
    Plan,
    SamplerChoice,
    a1111_choice,
    comfyui_choice,
    comfyui_step_range,
    full_sigmas,
    initial_latent,
    plan_sigmas,
    sampler_names,
    schedule_names,
)
from workstation.engine.sampling.discrete import Denoiser, DiscreteSchedule
from workstation.engine.sampling.registry import SAMPLERS
from workstation.engine.sampling.run import sample
from workstation.engine.sampling.schedules import make_sigmas

__all__ = [
    "SAMPLERS",
    "BrownianTreeNoiseSampler",
    "Denoiser",
    "DiscreteSchedule",
    "Plan",
    "SamplerChoice",
    "a1111_choice",
    "brownian_noise_sampler",
    "comfyui_choice",
    "comfyui_step_range",
    "full_sigmas",
    "initial_latent",
    "make_sigmas",
    "plan_sigmas",
    "sample",
    "sampler_names",
    "schedule_names",
]
