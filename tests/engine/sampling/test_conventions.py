"""Generator names -> SamplerChoice, img2img sigma plans and start noise, as A1111 1.10
(sd_samplers_kdiffusion.py, setup_img2img_steps) and ComfyUI v0.3.64 (samplers.py) define them."""

from __future__ import annotations

import math

import pytest
import torch

from tests.engine.sampling._data import load_json
from workstation.core.errors import InputError
from workstation.engine.sampling import (
    DiscreteSchedule,
    a1111_choice,
    comfyui_choice,
    full_sigmas,
    initial_latent,
    make_sigmas,
    plan_sigmas,
)

MODEL = DiscreteSchedule.from_config(load_json("schedules.json")["configs"]["sd15"])


@pytest.mark.parametrize(
    ("name", "schedule_type", "sampler", "schedule", "discard", "options"),
    [
        ("Euler a", None, "euler_ancestral", "automatic", False, {}),
        ("Euler", "Automatic", "euler", "automatic", False, {}),
        ("DPM++ 2M", None, "dpmpp_2m", "karras", False, {}),  # A1111 >= 1.9 default
        ("DPM++ 2M", "Uniform", "dpmpp_2m", "uniform", False, {}),
        ("DPM++ 2M Karras", None, "dpmpp_2m", "karras", False, {}),
        ("DPM++ 2M SDE", None, "dpmpp_2m_sde", "exponential", False, {}),
        ("DPM++ 2M SDE Karras", None, "dpmpp_2m_sde", "karras", False, {}),
        (
            "DPM++ 2M SDE Heun",
            "Exponential",
            "dpmpp_2m_sde",
            "exponential",
            False,
            {"solver_type": "heun"},
        ),
        ("DPM++ 3M SDE", None, "dpmpp_3m_sde", "exponential", True, {}),
        ("DPM2 a Karras", None, "dpm_2_ancestral", "karras", True, {}),
        ("DPM2", "SGM Uniform", "dpm_2", "sgm_uniform", True, {}),
        ("k_euler_a", None, "euler_ancestral", "automatic", False, {}),
        ("LMS", "DDIM", "lms", "ddim_uniform", False, {}),
        ("DDIM", "Karras", "a1111_ddim", "a1111_timesteps", False, {}),  # A1111 ignores it there
        ("PLMS", None, "a1111_plms", "a1111_timesteps", False, {}),
    ],
)
def test_a1111_names(name, schedule_type, sampler, schedule, discard, options) -> None:
    choice = a1111_choice(name, schedule_type)
    assert (choice.convention, choice.sampler, choice.schedule) == ("a1111", sampler, schedule)
    assert choice.discard_penultimate is discard
    assert choice.kwargs == options
    assert choice.brownian is ("SDE" in name)


def test_a1111_align_your_steps_levels_follow_the_model_family() -> None:
    assert a1111_choice("Euler", "Align Your Steps").schedule == "align_your_steps"
    assert a1111_choice("Euler", "Align Your Steps", sdxl=True).schedule == "align_your_steps_sdxl"


def test_a1111_unknown_or_unimplemented_names_are_input_errors() -> None:
    with pytest.raises(InputError, match="Euler a"):
        a1111_choice("Euler b")
    with pytest.raises(InputError, match="not implemented"):
        a1111_choice("UniPC")
    with pytest.raises(InputError, match="Karras"):
        a1111_choice("Euler", "Sharp")


def test_comfyui_names() -> None:
    assert comfyui_choice("dpmpp_2m_sde_gpu", "karras").brownian_cpu is False
    assert comfyui_choice("dpmpp_2m_sde", "karras").brownian_cpu is True
    heun = comfyui_choice("dpmpp_2m_sde_heun", "exponential")
    assert (heun.sampler, heun.kwargs) == ("dpmpp_2m_sde", {"solver_type": "heun"})
    assert comfyui_choice("dpm_2_ancestral", "normal").discard_penultimate
    assert comfyui_choice("ddim", "ddim_uniform").sampler == "euler"
    with pytest.raises(InputError, match="dpmpp_2m"):
        comfyui_choice("res_multistep", "normal")
    with pytest.raises(InputError, match="sgm_uniform"):
        comfyui_choice("euler", "Karras")


def test_discarding_the_penultimate_sigma_keeps_the_step_count() -> None:
    choice = a1111_choice("DPM2", "Karras")
    sigmas = full_sigmas(choice, MODEL, 10)
    longer = make_sigmas("karras", MODEL, 11, "a1111")
    assert len(sigmas) == 11 and torch.equal(sigmas, torch.cat([longer[:-2], longer[-1:]]))


def test_a1111_img2img_runs_the_last_int_strength_times_steps_plus_one() -> None:
    choice = a1111_choice("Euler")
    plan = plan_sigmas(choice, MODEL, 20, 0.75)
    full = make_sigmas("automatic", MODEL, 20, "a1111")
    # t_enc = int(0.75 * 20) = 15; sigma_sched = sigmas[20 - 15 - 1:] -> 16 steps
    assert torch.equal(plan.sigmas, full[4:]) and len(plan.sigmas) == 17
    assert torch.equal(plan.brownian_span, full)
    fixed = plan_sigmas(choice, MODEL, 10, 0.5, a1111_fix_steps=True)
    assert len(fixed.sigmas) == 11  # int(10 / 0.5) = 20 steps, the last 10 run
    assert torch.equal(fixed.sigmas, make_sigmas("automatic", MODEL, 20, "a1111")[10:])


def test_comfyui_denoise_cuts_a_longer_schedule() -> None:
    choice = comfyui_choice("euler", "normal")
    plan = plan_sigmas(choice, MODEL, 10, 0.5)
    assert torch.equal(plan.sigmas, make_sigmas("normal", MODEL, 20, "comfyui")[-11:])
    assert torch.equal(plan.brownian_span, plan.sigmas)
    assert len(plan_sigmas(choice, MODEL, 10, 0.0).sigmas) == 0


def test_start_noise() -> None:
    noise = torch.ones(1, 4, 2, 2)
    a1111 = a1111_choice("Euler")
    sigmas = make_sigmas("automatic", MODEL, 10, "a1111")
    assert torch.equal(initial_latent(a1111, noise, sigmas, MODEL), noise * sigmas[0])
    comfy = comfyui_choice("euler", "karras")
    sigmas = make_sigmas("karras", MODEL, 10, "comfyui")
    expected = math.sqrt(1 + float(sigmas[0]) ** 2)
    assert torch.allclose(initial_latent(comfy, noise, sigmas, MODEL), noise * expected)
    cut = plan_sigmas(comfy, MODEL, 10, 0.6).sigmas  # not from sigma_max: plain sigma
    init = torch.full_like(noise, 0.5)
    assert torch.equal(initial_latent(comfy, noise, cut, MODEL, init), noise * cut[0] + init)
