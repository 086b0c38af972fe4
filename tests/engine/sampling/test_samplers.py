"""Whole runs (schedule, start noise, sampler, per-step noise) against A1111's flow on k-diffusion
and ComfyUI's KSampler, on a fixed toy denoiser with stored noise."""

from __future__ import annotations

import pytest
import torch

from tests.engine.sampling._data import load_json, rel_err, tensor, toy_denoiser
from workstation.engine.sampling import (
    SAMPLERS,
    DiscreteSchedule,
    a1111_choice,
    comfyui_choice,
    comfyui_step_range,
    plan_sigmas,
    sample,
)
from workstation.engine.sampling.registry import STOCHASTIC

RUNS = load_json("trajectories.json")
CONFIGS = load_json("schedules.json")["configs"]
# Float32 runs of up to 17 model calls; the generators order a few operations differently.
TOLERANCE = 1e-5


class SequenceNoise:
    """A1111's per-step noise: the next stored tensor at each call."""

    def __init__(self) -> None:
        self.noises, self.i = tensor("step_noise"), 0

    def __call__(self, sigma: torch.Tensor, sigma_next: torch.Tensor) -> torch.Tensor:
        self.i += 1
        return self.noises[self.i - 1]


def comfy_default_noise(x: torch.Tensor, seed: int):
    """ComfyUI's default_noise_sampler(x, seed): one seeded generator on the latent's device."""
    generator = torch.Generator(device=x.device)
    generator.manual_seed(seed)
    return lambda sigma, sigma_next: torch.randn(
        x.size(), dtype=x.dtype, device=x.device, generator=generator
    )


def _run(run: dict):
    model = DiscreteSchedule.from_config(CONFIGS[run["config"]])
    noise = tensor("noise")
    init = tensor("init") if run["img2img"] else None
    if run["convention"] == "a1111":
        choice = a1111_choice(run["sampler"], run["schedule"])
        plan = plan_sigmas(
            choice, model, run["steps"], run["strength"], a1111_fix_steps=run["fix_steps"]
        )
        seed = run["seeds"]
        noise_sampler = (
            SequenceNoise() if choice.sampler in STOCHASTIC and not choice.brownian else None
        )
    else:
        choice = comfyui_choice(run["sampler"], run["schedule"])
        plan = plan_sigmas(choice, model, run["steps"], run["denoise"])
        if "start_step" in run:
            plan = comfyui_step_range(
                plan, run["start_step"], run["last_step"], run["force_full_denoise"]
            )
            noise = noise if run["add_noise"] else torch.zeros_like(noise)
        seed = run["seed"]
        noise_sampler = None if choice.brownian else comfy_default_noise(noise, seed)
    calls: list[int] = []
    out = sample(
        choice,
        toy_denoiser,
        noise,
        plan.sigmas,
        model=model,
        init_latent=init,
        seed=seed,
        noise_sampler=noise_sampler,
        brownian_span=plan.brownian_span,
        start_timestep=plan.start_timestep,
        callback=lambda d: calls.append(d["i"]),
    )
    return plan.sigmas, out, calls


@pytest.mark.parametrize("run", RUNS, ids=[r["key"] for r in RUNS])
def test_run_matches_generator(run: dict) -> None:
    sigmas, out, calls = _run(run)
    expected_sigmas = tensor(run["key"] + "/sigmas")
    assert sigmas.shape == expected_sigmas.shape
    assert rel_err(sigmas, expected_sigmas) < 2e-6
    if run["sampler"] in ("DPM fast", "dpm_fast"):
        # DPM-Solver-Fast reports once per solver step (orders 3, 3, ..., 2|1), as k-diffusion.
        assert calls == list(range(len(calls))) and 0 < len(calls) < len(sigmas) - 1
    else:
        assert calls == list(range(len(sigmas) - 1))
    assert rel_err(out, tensor(run["key"] + "/x")) < TOLERANCE


def test_every_sampler_has_a_reference_run() -> None:
    comfy = [r["sampler"] for r in RUNS if r["convention"] == "comfyui"]
    a1111 = [r["sampler"] for r in RUNS if r["convention"] == "a1111"]
    covered = {comfyui_choice(name, "normal").sampler for name in comfy} | set(comfy)
    covered |= {a1111_choice(name).sampler for name in a1111}
    assert covered >= set(SAMPLERS)


def test_stochastic_sampler_without_noise_is_refused() -> None:
    model = DiscreteSchedule.from_config(CONFIGS["sd15"])
    choice = a1111_choice("Euler a")
    plan = plan_sigmas(choice, model, 4)
    with pytest.raises(ValueError, match="noise_sampler"):
        sample(choice, toy_denoiser, tensor("noise"), plan.sigmas, model=model)
    with pytest.raises(ValueError, match="seed"):
        sample(a1111_choice("DPM++ SDE"), toy_denoiser, tensor("noise"), plan.sigmas, model=model)
