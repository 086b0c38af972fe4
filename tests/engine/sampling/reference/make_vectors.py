"""Make the reference vectors of tests/engine/sampling from the peers' own code.

Runs in a scratch venv, never in the project's (it needs k-diffusion and ComfyUI):

    python3 -m venv /tmp/sampling-ref/venv
    /tmp/sampling-ref/venv/bin/pip install torch==2.14.1 k-diffusion "setuptools<70"
    git clone <ComfyUI v0.3.64, commit a125cd84> /tmp/sampling-ref/ComfyUI
    # A1111's (1.10) modules/sd_schedulers.py, sd_samplers_extra.py (restart_sampler) and
    # sd_samplers_timesteps_impl.py (ddim, plms) under /tmp/sampling-ref/a1111/modules/, with a
    # modules/shared.py stub: opts.beta_dist_alpha = opts.beta_dist_beta = 0.6 (A1111's
    # defaults) and sd_model.is_sdxl (set below for Align Your Steps)
    /tmp/sampling-ref/venv/bin/python tests/engine/sampling/reference/make_vectors.py

(The A1111 repository was too large to mirror here; those three files were taken from stored
copies of A1111 and Forge, whose functions used here are A1111's.)

A1111's sampler flow (KDiffusionSampler.get_sigmas / sample / sample_img2img, setup_img2img_steps)
cannot be imported without the web UI; `a1111_*` below restate it line for line and call
k-diffusion's and A1111's own schedule functions. ComfyUI runs through its real KSampler,
KSAMPLER.sample and schedulers, with a toy model in place of the UNet.

Writes data/schedules.json, data/denoiser.json and data/trajectories.npz (+ trajectories.json).
"""

from __future__ import annotations

import inspect
import json
import math
import os
import sys
from pathlib import Path

import numpy as np
import torch

REF = Path(os.environ.get("SAMPLING_REF", "/tmp/sampling-ref"))
sys.path[:0] = [str(REF / "a1111"), str(REF / "ComfyUI")]

import comfy.options  # noqa: E402

comfy.options.enable_args_parsing()
sys.argv = [sys.argv[0], "--cpu"]
import comfy.model_sampling  # noqa: E402
import comfy.samplers  # noqa: E402
import k_diffusion  # noqa: E402
import k_diffusion.external  # noqa: E402
from modules import (  # noqa: E402  (A1111; sd_schedulers installs its to_d)
    sd_samplers_extra,
    sd_samplers_timesteps_impl,
    sd_schedulers,
    shared,
)

DATA = Path(__file__).resolve().parent.parent / "data"
CONFIGS = {
    "sd15": {
        "beta_schedule": "scaled_linear",
        "beta_start": 0.00085,
        "beta_end": 0.012,
        "num_train_timesteps": 1000,
        "prediction_type": "epsilon",
    },
    "sd2v": {
        "beta_schedule": "scaled_linear",
        "beta_start": 0.00085,
        "beta_end": 0.012,
        "num_train_timesteps": 1000,
        "prediction_type": "v_prediction",
    },
    "ddpm_linear": {
        "beta_schedule": "linear",
        "beta_start": 0.0001,
        "beta_end": 0.02,
        "num_train_timesteps": 1000,
        "prediction_type": "epsilon",
    },
}
LDM_SCHEDULE = {
    "scaled_linear": "linear",
    "linear": "sqrt_linear",
}  # diffusers -> LDM/ComfyUI names
STEPS = (3, 10, 20, 25)


# --- the two models -------------------------------------------------------------------------


class _LDM:
    """What A1111 hands k-diffusion: the LDM model's float32 alphas_cumprod (numpy cumprod)."""

    def __init__(self, config, apply_model=None):
        from comfy.ldm.modules.diffusionmodules.util import make_beta_schedule  # the LDM function

        betas = make_beta_schedule(
            LDM_SCHEDULE[config["beta_schedule"]],
            config["num_train_timesteps"],
            linear_start=config["beta_start"],
            linear_end=config["beta_end"],
        )
        betas = betas.numpy() if isinstance(betas, torch.Tensor) else betas
        self.alphas_cumprod = torch.tensor(np.cumprod(1.0 - betas, axis=0), dtype=torch.float32)
        self._apply = apply_model

    def apply_model(self, x, t, cond):
        return self._apply(x, t, cond)


def a1111_wrap(config, apply_model=None):
    cls = (
        k_diffusion.external.CompVisVDenoiser
        if config["prediction_type"] == "v_prediction"
        else k_diffusion.external.CompVisDenoiser
    )
    return cls(_LDM(config, apply_model), quantize=False)


class _Cfg:
    def __init__(self, config):
        self.sampling_settings = {
            "beta_schedule": LDM_SCHEDULE[config["beta_schedule"]],
            "linear_start": config["beta_start"],
            "linear_end": config["beta_end"],
            "timesteps": config["num_train_timesteps"],
        }


def comfy_sampling(config):
    pred = (
        comfy.model_sampling.V_PREDICTION
        if config["prediction_type"] == "v_prediction"
        else comfy.model_sampling.EPS
    )

    class ModelSampling(comfy.model_sampling.ModelSamplingDiscrete, pred):
        pass

    return ModelSampling(_Cfg(config))


# --- A1111's flow (modules/sd_samplers_kdiffusion.py, A1111 1.10) ------------------------------

A1111_SAMPLERS = {  # label: (funcname, default scheduler, discard, brownian, solver_type)
    "DPM++ 2M": ("sample_dpmpp_2m", "karras", False, False, None),
    "DPM++ SDE": ("sample_dpmpp_sde", "karras", False, True, None),
    "DPM++ 2M SDE": ("sample_dpmpp_2m_sde", "exponential", False, True, None),
    "DPM++ 2M SDE Heun": ("sample_dpmpp_2m_sde", "exponential", False, True, "heun"),
    "DPM++ 2S a": ("sample_dpmpp_2s_ancestral", "karras", False, False, None),
    "DPM++ 3M SDE": ("sample_dpmpp_3m_sde", "exponential", True, True, None),
    "Euler a": ("sample_euler_ancestral", None, False, False, None),
    "Euler": ("sample_euler", None, False, False, None),
    "LMS": ("sample_lms", None, False, False, None),
    "Heun": ("sample_heun", None, False, False, None),
    "DPM2": ("sample_dpm_2", "karras", True, False, None),
    "DPM2 a": ("sample_dpm_2_ancestral", "karras", True, False, None),
    "Restart": (sd_samplers_extra.restart_sampler, "karras", False, False, None),
    "DPM fast": ("sample_dpm_fast", None, False, False, None),
}


def a1111_get_sigmas(model_wrap, scheduler_name, steps, discard):
    steps += 1 if discard else 0
    scheduler = sd_schedulers.schedulers_map.get(scheduler_name)
    m_sigma_min, m_sigma_max = model_wrap.sigmas[0].item(), model_wrap.sigmas[-1].item()
    if scheduler is None or scheduler.function is None:
        sigmas = model_wrap.get_sigmas(steps)
    else:
        kwargs = {"sigma_min": m_sigma_min, "sigma_max": m_sigma_max}
        if scheduler.need_inner_model:
            kwargs["inner_model"] = model_wrap
        sigmas = scheduler.function(n=steps, **kwargs, device="cpu")
    if discard:
        sigmas = torch.cat([sigmas[:-2], sigmas[-1:]])
    return sigmas.cpu()


def setup_img2img_steps(steps, strength, fix_steps):
    if fix_steps:
        requested_steps = steps
        steps = int(requested_steps / min(strength, 0.999)) if strength > 0 else 0
        t_enc = requested_steps - 1
    else:
        t_enc = int(min(strength, 0.999) * steps)
    return steps, t_enc


class SequenceNoise:
    """A1111's per-step noise: the next tensor of a fixed list at each randn_like call."""

    def __init__(self, noises):
        self.noises, self.i = noises, 0

    def __call__(self, sigma, sigma_next):
        self.i += 1
        return self.noises[self.i - 1]


def a1111_run(
    model_wrap,
    denoise,
    label,
    schedule_type,
    steps,
    noise,
    seeds,
    step_noise,
    init=None,
    strength=1.0,
    fix_steps=False,
):
    funcname, default, discard, brownian, solver_type = A1111_SAMPLERS[label]
    scheduler = default if schedule_type in (None, "Automatic") else schedule_type
    if init is None:
        sigmas = a1111_get_sigmas(model_wrap, scheduler or "Automatic", steps, discard)
        sched = sigmas
        x = noise * sigmas[0]
    else:
        total, t_enc = setup_img2img_steps(steps, strength, fix_steps)
        sigmas = a1111_get_sigmas(model_wrap, scheduler or "Automatic", total, discard)
        sched = sigmas[total - t_enc - 1 :]
        x = init + noise * sched[0]
    kwargs = {}
    fn = funcname if callable(funcname) else getattr(k_diffusion.sampling, funcname)
    if brownian:
        sigma_min, sigma_max = sigmas[sigmas > 0].min(), sigmas.max()
        kwargs["noise_sampler"] = k_diffusion.sampling.BrownianTreeNoiseSampler(
            x, sigma_min, sigma_max, seed=seeds
        )
    elif "noise_sampler" in inspect.signature(fn).parameters:
        kwargs["noise_sampler"] = SequenceNoise(step_noise)
    if solver_type:
        kwargs["solver_type"] = solver_type
    # KDiffusionSampler.initialize / sample / sample_img2img: eta (eta_ancestral, 1) to every
    # sampler that takes one; DPM fast's n, sigma_min and sigma_max.
    params = inspect.signature(fn).parameters
    if "eta" in params:
        kwargs["eta"] = 1.0
    if "sigmas" in params:
        kwargs["sigmas"] = sched
    if "n" in params:
        kwargs["n"] = steps if init is None else len(sched) - 1
    if "sigma_min" in params:
        if init is None:
            kwargs["sigma_min"] = model_wrap.sigmas[0].item()
            kwargs["sigma_max"] = model_wrap.sigmas[-1].item()
        else:
            kwargs["sigma_min"], kwargs["sigma_max"] = sched[-2], sched[0]
    # A1111's TorchHijack: k-diffusion's randn_like (Restart's renoising) returns its noises.
    hijack = SequenceNoise(step_noise)
    original = k_diffusion.sampling.torch
    k_diffusion.sampling.torch = TorchHijack(hijack)
    try:
        out = fn(denoise, x, extra_args={}, disable=True, **kwargs)
    finally:
        k_diffusion.sampling.torch = original
    return sched, out


class TorchHijack:
    def __init__(self, noises):
        self.noises = noises

    def __getattr__(self, item):
        if item == "randn_like":
            return lambda x: self.noises(None, None)
        return getattr(torch, item)


# A1111's timestep samplers (modules/sd_samplers_timesteps.py CompVisSampler)


def a1111_timestep_run(config, funcname, steps, noise, init=None, strength=1.0, fix_steps=False):
    """CompVisSampler.sample / sample_img2img with CompVisTimestepsDenoiser over the toy model:
    eps(x, t) is the toy denoiser's at the float32 training sigma of t (the bridge ours uses)."""
    ldm = _LDM(config)
    table = ((1 - ldm.alphas_cumprod) / ldm.alphas_cumprod) ** 0.5

    class Eps:
        def __init__(self):
            self.inner_model = self
            self.alphas_cumprod = ldm.alphas_cumprod

        def __call__(self, x, t):
            sigma = table[t.long()]
            b = (-1,) + (1,) * (x.dim() - 1)
            xs = x * ((sigma**2 + 1.0) ** 0.5).view(b)
            return (xs - toy_denoiser(xs, sigma)) / sigma.view(b)

    def get_timesteps(steps):
        return torch.clip(torch.asarray(list(range(0, 1000, 1000 // steps))) + 1, 0, 999)

    fn = getattr(sd_samplers_timesteps_impl, funcname)
    if init is None:
        timesteps = get_timesteps(steps)
        x = noise
    else:
        total, t_enc = setup_img2img_steps(steps, strength, fix_steps)
        all_timesteps = get_timesteps(total)
        timesteps = all_timesteps[:t_enc]
        a = ldm.alphas_cumprod
        x = init * torch.sqrt(a[all_timesteps[t_enc]]) + noise * torch.sqrt(
            1 - a[all_timesteps[t_enc]]
        )
    out = fn(Eps(), x, timesteps, extra_args={}, disable=True)
    return table[timesteps].flip(0), out


# --- ComfyUI's flow ---------------------------------------------------------------------------


class ComfyModel:
    """Stands in for a ModelPatcher (KSampler reads model_sampling) and for the CFG-guided model
    KSAMPLER.sample calls (model_wrap: inner_model.model_sampling, model_patcher)."""

    def __init__(self, model_sampling, denoise):
        self.model_sampling = model_sampling
        self.denoise = denoise
        self.inner_model = self
        self.model_patcher = self
        self.model_options = {}

    def get_model_object(self, name):
        assert name == "model_sampling"
        return self.model_sampling

    def __call__(self, x, sigma, model_options=None, seed=None):
        return self.denoise(x, sigma)


def comfy_advanced_run(
    model, sampler_name, scheduler, steps, noise, latent, seed, start, last, full
):
    """KSampler.sample with a step range, its guider call replaced by the sampler itself."""
    ks = comfy.samplers.KSampler(
        model, steps=steps, device="cpu", sampler=sampler_name, scheduler=scheduler, denoise=1.0
    )
    used = {}

    def run(model_, noise_, positive, negative, cfg, device, sampler, sigmas, model_options, **kw):
        used["sigmas"] = sigmas.clone()
        return sampler.sample(
            model_,
            sigmas,
            {"model_options": {}, "seed": kw["seed"]},
            None,
            noise_,
            latent_image=kw["latent_image"],
            denoise_mask=None,
            disable_pbar=True,
        )

    original = comfy.samplers.sample
    comfy.samplers.sample = run
    try:
        out = ks.sample(
            noise,
            None,
            None,
            1.0,
            latent_image=latent,
            start_step=start,
            last_step=last,
            force_full_denoise=full,
            seed=seed,
        )
    finally:
        comfy.samplers.sample = original
    return used.get("sigmas", torch.FloatTensor([])), out


def comfy_run(model, sampler_name, scheduler, steps, noise, latent, seed, denoise=1.0):
    ks = comfy.samplers.KSampler(
        model, steps=steps, device="cpu", sampler=sampler_name, scheduler=scheduler, denoise=denoise
    )
    sigmas = ks.sigmas.clone()  # uni_pc overwrites a final 0 in place
    sampler = comfy.samplers.sampler_object(sampler_name)
    out = sampler.sample(
        model,
        ks.sigmas,
        {"model_options": {}, "seed": seed},
        None,
        noise,
        latent_image=latent,
        denoise_mask=None,
        disable_pbar=True,
    )
    return sigmas, out


# --- the toy model ----------------------------------------------------------------------------

SHAPE = (2, 4, 8, 8)
MEAN = torch.linspace(-0.5, 0.5, SHAPE[1] * SHAPE[2] * SHAPE[3]).view(1, *SHAPE[1:])


def toy_denoiser(x, sigma):
    """A fixed denoiser: the optimal one for data around MEAN, slightly bent (pure torch)."""
    s = sigma.view(-1, 1, 1, 1)
    return (x + MEAN * s**2) / (1 + s**2) * 0.95 + 0.02 * torch.sin(x)


def toy_output(x_in, t, cond):
    """A fixed 'UNet' output that depends on the timestep it is given."""
    return torch.sin(x_in * 1.3) * (t.view(-1, 1, 1, 1).float() / 1000.0) + 0.1 * x_in


# --- writers ----------------------------------------------------------------------------------


def schedules():
    out = {
        "configs": CONFIGS,
        "steps": list(STEPS),
        "a1111": {},
        "comfyui": {},
        "tables": {},
        "t": {},
    }
    probe_sigmas = [0.0291675, 0.03, 0.5, 1.0, 2.5, 7.3, 14.0, 14.6146]
    probe_t = [0.0, 0.5, 10.25, 500.0, 998.9, 999.0]
    for name, config in CONFIGS.items():
        wrap = a1111_wrap(config)
        ms = comfy_sampling(config)
        if name != "sd2v":  # the same betas as sd15
            out["tables"][name] = {"a1111": wrap.sigmas.tolist(), "comfyui": ms.sigmas.tolist()}
        sig = torch.tensor(probe_sigmas)
        out["t"][name] = {
            "sigmas": probe_sigmas,
            "t_values": probe_t,
            "a1111_sigma_to_t": wrap.sigma_to_t(sig, quantize=False).tolist(),
            "a1111_sigma_to_t_quantized": wrap.sigma_to_t(sig, quantize=True).tolist(),
            "a1111_t_to_sigma": wrap.t_to_sigma(torch.tensor(probe_t)).tolist(),
            "comfyui_timestep": ms.timestep(sig).tolist(),
            "comfyui_sigma": ms.sigma(torch.tensor(probe_t)).tolist(),
        }
        a, c = {}, {}
        for sched in (
            "automatic",
            "uniform",
            "karras",
            "exponential",
            "polyexponential",
            "sgm_uniform",
            "kl_optimal",
            "simple",
            "normal",
            "ddim",
            "beta",
        ):
            ours = "ddim_uniform" if sched == "ddim" else sched
            a[ours] = {
                str(n): a1111_get_sigmas(
                    wrap, "Automatic" if sched == "automatic" else sched, n, False
                ).tolist()
                for n in STEPS
            }
        # Align Your Steps: A1111 picks its levels by shared.sd_model.is_sdxl.
        for ours, is_sdxl in (("align_your_steps", False), ("align_your_steps_sdxl", True)):
            shared.sd_model.is_sdxl = is_sdxl
            a[ours] = {
                str(n): a1111_get_sigmas(wrap, "align_your_steps", n, False).tolist()
                for n in (*STEPS, 11)
            }
        for sched in comfy.samplers.SCHEDULER_NAMES:
            c[sched] = {
                str(n): comfy.samplers.calculate_sigmas(ms, sched, n).tolist() for n in STEPS
            }
        out["a1111"][name], out["comfyui"][name] = a, c
    return out


def denoiser():
    gen = torch.Generator().manual_seed(7)
    shape = (2, 4, 4, 4)  # small: the file stays small
    x = torch.randn(shape, generator=gen) * 3
    sigmas = [14.6146, 5.5, 1.234567, 0.0291675]
    out = {
        "x": x.flatten().tolist(),
        "shape": list(shape),
        "sigmas": sigmas,
        "a1111": {},
        "comfyui": {},
    }
    for name in ("sd15", "sd2v"):
        config = CONFIGS[name]
        wrap = a1111_wrap(config, toy_output)
        ms = comfy_sampling(config)
        a, c = [], []
        for s in sigmas:
            sigma = torch.full((shape[0],), s)
            a.append(wrap(x, sigma, cond=None).flatten().tolist())
            # ComfyUI BaseModel._apply_model: calculate_input, timestep(), calculate_denoised
            xc = ms.calculate_input(sigma, x)
            t = ms.timestep(sigma).float()
            c.append(
                ms.calculate_denoised(sigma, toy_output(xc, t, None).float(), x).flatten().tolist()
            )
        out["a1111"][name], out["comfyui"][name] = a, c
    return out


def trajectories():
    gen = torch.Generator().manual_seed(1234)
    noise = torch.randn(SHAPE, generator=gen)
    init = torch.randn(SHAPE, generator=gen) * 0.8 + MEAN
    step_noise = [torch.randn(SHAPE, generator=gen) for _ in range(30)]
    arrays = {
        "noise": noise.numpy(),
        "init": init.numpy(),
        "step_noise": torch.stack(step_noise).numpy(),
        "mean": MEAN.numpy(),
    }
    runs = []
    seeds = [1000, 1001]

    def a1111_case(
        config_name, label, schedule_type, steps, init_latent=None, strength=1.0, fix_steps=False
    ):
        config = CONFIGS[config_name]
        wrap = a1111_wrap(config)
        sched, out = a1111_run(
            wrap,
            toy_denoiser,
            label,
            schedule_type,
            steps,
            noise,
            seeds,
            step_noise,
            init=init_latent,
            strength=strength,
            fix_steps=fix_steps,
        )
        key = f"a1111/{config_name}/{label}/{schedule_type}/{steps}/{strength}/{fix_steps}"
        arrays[key + "/sigmas"], arrays[key + "/x"] = sched.numpy(), out.numpy()
        runs.append(
            {
                "key": key,
                "convention": "a1111",
                "config": config_name,
                "sampler": label,
                "schedule": schedule_type,
                "steps": steps,
                "img2img": init_latent is not None,
                "strength": strength,
                "fix_steps": fix_steps,
                "seeds": seeds,
            }
        )

    def comfy_case(config_name, sampler, scheduler, steps, denoise=1.0, img2img=False, seed=42):
        config = CONFIGS[config_name]
        model = ComfyModel(comfy_sampling(config), toy_denoiser)
        latent = init if img2img else torch.zeros(SHAPE)
        sigmas, out = comfy_run(model, sampler, scheduler, steps, noise, latent, seed, denoise)
        key = f"comfyui/{config_name}/{sampler}/{scheduler}/{steps}/{denoise}/{img2img}"
        arrays[key + "/sigmas"], arrays[key + "/x"] = sigmas.numpy(), out.numpy()
        runs.append(
            {
                "key": key,
                "convention": "comfyui",
                "config": config_name,
                "sampler": sampler,
                "schedule": scheduler,
                "steps": steps,
                "img2img": img2img,
                "denoise": denoise,
                "seed": seed,
            }
        )

    for label in A1111_SAMPLERS:
        a1111_case("sd15", label, "Automatic", 8)
    for label, funcname in (("DDIM", "ddim"), ("PLMS", "plms")):
        for steps, init_latent, strength in ((10, None, 1.0), (30, None, 1.0), (20, init, 0.6)):
            sched, out = a1111_timestep_run(
                CONFIGS["sd15"], funcname, steps, noise, init_latent, strength
            )
            key = f"a1111/sd15/{label}/Automatic/{steps}/{strength}/False"
            arrays[key + "/sigmas"], arrays[key + "/x"] = sched.numpy(), out.numpy()
            runs.append(
                {
                    "key": key,
                    "convention": "a1111",
                    "config": "sd15",
                    "sampler": label,
                    "schedule": "Automatic",
                    "steps": steps,
                    "img2img": init_latent is not None,
                    "strength": strength,
                    "fix_steps": False,
                    "seeds": seeds,
                }
            )
    a1111_case("sd15", "Restart", "Automatic", 24)  # one restart segment
    a1111_case("sd15", "Restart", "Automatic", 40)  # two
    a1111_case("sd15", "DPM++ 2M", "Uniform", 8)
    a1111_case("sd15", "DPM fast", "Automatic", 10, init, 0.6)
    a1111_case("sd15", "Euler", "Karras", 8)
    a1111_case("sd15", "DPM++ 2M SDE", "Karras", 8)
    a1111_case("sd15", "Euler a", "Automatic", 10, init, 0.6)
    a1111_case("sd15", "DPM++ 2M SDE", "Automatic", 10, init, 0.6)
    a1111_case("sd15", "DPM2", "Automatic", 10, init, 0.45)
    a1111_case("sd15", "DPM++ 2M", "Automatic", 6, init, 0.5, True)

    for sampler in (
        "euler",
        "euler_ancestral",
        "heun",
        "dpm_2",
        "dpm_2_ancestral",
        "lms",
        "dpmpp_2s_ancestral",
        "dpmpp_sde",
        "dpmpp_sde_gpu",
        "dpmpp_2m",
        "dpmpp_2m_sde",
        "dpmpp_2m_sde_gpu",
        "dpmpp_2m_sde_heun",
        "dpmpp_3m_sde",
        "ddpm",
        "lcm",
        "ddim",
        "dpm_fast",
    ):
        comfy_case("sd15", sampler, "normal", 8)
    comfy_case("sd15", "uni_pc", "normal", 8)
    comfy_case("sd15", "uni_pc_bh2", "karras", 10)
    comfy_case("sd15", "uni_pc", "simple", 3)
    comfy_case("sd15", "uni_pc_bh2", "normal", 10, 0.6, True)
    comfy_case("sd15", "dpmpp_2m", "karras", 8)
    comfy_case("sd15", "dpmpp_2m_sde", "karras", 8)
    comfy_case("sd15", "euler", "simple", 8)
    comfy_case("sd15", "lcm", "sgm_uniform", 4)
    comfy_case("sd15", "euler_ancestral", "normal", 10, 0.6, True)
    comfy_case("sd15", "dpmpp_2m", "karras", 10, 0.6, True)
    comfy_case("sd15", "dpmpp_3m_sde", "exponential", 10, 0.55, True)
    comfy_case("sd15", "euler", "normal", 6, 1.0, True)
    # KSamplerAdvanced: an SDXL-style base (leftover noise) then refiner (no added noise) split.
    for sampler, start, last, full, noisy, from_init in (
        ("dpmpp_2m", None, 6, False, True, False),
        ("dpmpp_2m", 6, 10000, True, False, True),
        ("euler_ancestral", 3, 7, True, True, True),
        ("euler", 12, None, False, True, True),
    ):
        model = ComfyModel(comfy_sampling(CONFIGS["sd15"]), toy_denoiser)
        use_noise = noise if noisy else torch.zeros(SHAPE)
        latent = init if from_init else torch.zeros(SHAPE)
        sigmas, out = comfy_advanced_run(
            model, sampler, "karras", 10, use_noise, latent, 42, start, last, full
        )
        key = f"comfyui-advanced/sd15/{sampler}/karras/10/{start}/{last}/{full}/{noisy}/{from_init}"
        arrays[key + "/sigmas"], arrays[key + "/x"] = sigmas.numpy(), out.numpy()
        runs.append(
            {
                "key": key,
                "convention": "comfyui",
                "config": "sd15",
                "sampler": sampler,
                "schedule": "karras",
                "steps": 10,
                "img2img": from_init,
                "denoise": 1.0,
                "seed": 42,
                "start_step": start,
                "last_step": last,
                "force_full_denoise": full,
                "add_noise": noisy,
            }
        )
    return arrays, runs


def main():
    DATA.mkdir(parents=True, exist_ok=True)
    (DATA / "schedules.json").write_text(json.dumps(schedules()))
    (DATA / "denoiser.json").write_text(json.dumps(denoiser()))
    arrays, runs = trajectories()
    np.savez_compressed(
        DATA / "trajectories.npz", **{k: v.astype(np.float32) for k, v in arrays.items()}
    )
    (DATA / "trajectories.json").write_text(json.dumps(runs, indent=1))
    for p in sorted(DATA.iterdir()):
        print(p.name, p.stat().st_size)
    assert all(
        math.isfinite(v) for run in runs for v in arrays[run["key"] + "/x"].flatten().tolist()
    )


if __name__ == "__main__":
    torch.set_num_threads(1)
    main()
