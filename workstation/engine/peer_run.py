"""A generation run the way a peer generator runs it (A1111/Forge or ComfyUI), keeping every step.

diffusers' schedulers pick the same *algorithm* as a generator's sampler but not the same bits
(sigma spacing, final step, noise). To reproduce another generator's image, this module runs the
denoising loop itself from the generator's own definitions:

- conditioning from `engine.prompts` in the generator's prompt syntax (chunks, weights, clip skip);
- sigmas and sampler from `engine.sampling` (k-diffusion semantics, each convention's constants);
- noise from `engine.noise` (A1111: its GPU/CPU/NV generator, variation seed, ENSD for the
  per-step noise; ComfyUI: one CPU draw for the whole batch, this image's slice);
- the UNet called on the scaled input at the convention's timestep, CFG on the denoised values;
- the VAE decode and the generator's 8-bit conversion (both truncate, where diffusers rounds).

`run` returns the final latent and the latents after every step; `generate.py` decodes them and
writes the record, so both paths share the capture, cancellation and record code.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from workstation.core.params import GenerationParams
from workstation.engine.loading import LoadedModel


@dataclass(frozen=True)
class PeerRun:
    latent: Any  # the final latent, [1, C, H/8, W/8]
    sampling: dict[str, Any]  # what the record states: convention, sampler, sigmas, noise
    conditioning: dict[str, Any]  # tokens, chunks, embeddings used, warnings


StepHook = Callable[[int, int, Any], None]  # (1-based step, total, latent after that step)


def run(
    model: LoadedModel,
    params: GenerationParams,
    init_latent: Any | None,
    on_step: StepHook,
) -> PeerRun:
    """Sample `params` on `model` under `params.convention`. `init_latent`: the encoded init image
    (img2img); `on_step` sees the latent after every step (a hires pass continues the count)."""
    from workstation.engine.sampling import (
        DiscreteSchedule,
        a1111_choice,
        comfyui_choice,
        plan_sigmas,
    )

    convention = params.convention
    if convention == "a1111":
        sdxl = model.family.name == "sdxl"  # A1111's "Align Your Steps" has SDXL levels
        choice = a1111_choice(params.sampler, params.scheduler or None, sdxl=sdxl)
    else:
        choice = comfyui_choice(params.sampler, params.scheduler or "normal")
    schedule = DiscreteSchedule.from_config(model.base_scheduler_config, convention=convention)
    strength = params.strength if init_latent is not None else 1.0
    plans = [plan_sigmas(choice, schedule, params.steps, denoise=strength)]
    hires = params.hires
    if hires is not None:
        # A1111's hires pass: a schedule of steps/denoise steps, of which the last `steps` run
        steps = hires.steps or params.steps
        plans.append(plan_sigmas(choice, schedule, steps, hires.denoise, a1111_fix_steps=True))
    total = sum(len(plan.sigmas) - 1 for plan in plans)
    conditionings = _Conditionings(model, params)
    refiner = _Refiner.prepare(model, params, choice, schedule, init_latent)
    run_pass = _Pass(model, params, choice, schedule, conditionings, on_step, total, refiner)

    size = (params.width, params.height)
    latent, source = run_pass(plans[0], size, init_latent, offset=0)
    passes = [_pass_record(choice, plans[0], size)]
    if hires is not None:
        size = (hires.width, hires.height)
        upscaled = _upscale(model.pipe, latent, hires)
        latent, _ = run_pass(plans[1], size, upscaled, offset=len(plans[0].sigmas) - 1)
        passes.append({**_pass_record(choice, plans[1], size), "upscaler": hires.upscaler})
    sampling_extra = {} if refiner is None else {"refiner": refiner.record()}
    return PeerRun(
        latent=latent.to(model.pipe.vae.dtype),
        sampling={
            **sampling_extra,
            "convention": convention,
            "sampler": choice.label,
            "k_sampler": choice.sampler,
            "schedule": choice.schedule,
            "sigmas": passes[0]["sigmas"],
            "passes": passes,
            "noise_source": source,
            "noise_requested": params.noise,
            "eta_noise_seed_delta": params.eta_noise_seed_delta,
            "batch": [params.batch_index, params.batch_size],
            "timestep": "nearest integer" if convention == "comfyui" else "fractional",
        },
        conditioning=conditionings.record(),
    )


def _pass_record(choice: Any, plan: Any, size: tuple[int, int]) -> dict[str, Any]:
    return {"size": list(size), "sigmas": [round(float(s), 6) for s in plan.sigmas]}


class _Pass:
    """One sampling pass: fresh noise for its size, the guided model, the sampler."""

    def __init__(
        self,
        model: LoadedModel,
        params: GenerationParams,
        choice: Any,
        schedule: Any,
        conditionings: _Conditionings,
        on_step: StepHook,
        total: int,
        refiner: _Refiner | None = None,
    ) -> None:
        self.model, self.params, self.choice, self.schedule = model, params, choice, schedule
        self.conditionings, self.on_step, self.total = conditionings, on_step, total
        self.refiner = refiner

    def __call__(
        self, plan: Any, size: tuple[int, int], init_latent: Any | None, offset: int
    ) -> tuple[Any, str]:
        import torch

        from workstation.engine.sampling import Denoiser, sample

        model, params, choice = self.model, self.params, self.choice
        pipe, convention = model.pipe, params.convention
        channels = pipe.unet.config.in_channels
        factor = pipe.vae_scale_factor  # 8 for every real VAE; the tiny test VAEs use less
        shape = (channels, size[1] // factor, size[0] // factor)
        # A1111 draws a hires pass's noise from a new generator with the same seeds.
        noise, noise_sampler, source = _noise(params, shape, choice, plan.sigmas)
        # the prompt's schedule runs over the pass's steps, as A1111 encodes it per pass
        steps = self.params.steps if offset == 0 else len(plan.sigmas) - 1
        calls = {"n": 0}  # A1111's CFG-denoiser step: prompt schedules and the refiner count it
        unet = _unet_call(pipe, self.conditionings.for_pass(steps), size, calls)
        refiner = self.refiner
        if refiner is not None:
            unet = refiner.unet_call(unet, steps, size, calls)
        denoiser = Denoiser(
            unet,
            self.schedule.as_convention(convention),
            prediction=model.prediction_type,
            quantize=convention == "comfyui",
        )

        def guided(x: Any, sigma: Any, **_: Any) -> Any:
            if refiner is not None:  # A1111's apply_refiner, before each CFG-denoiser call
                refiner.consider(calls["n"], sigma)
            both = denoiser(torch.cat([x, x]), sigma)  # [positive; negative]
            positive, negative = both.chunk(2)
            return negative + (positive - negative) * params.cfg

        def callback(info: dict[str, Any]) -> None:
            # k-diffusion reports the state *entering* step i: the result of step i-1.
            if info["i"] > 0:
                self.on_step(offset + info["i"], self.total, info["x"])

        seeds: Any = [params.seed] if convention == "a1111" else params.seed
        with torch.inference_mode(), _brownian_source(convention, source, choice):
            latent = sample(
                choice,
                guided,
                noise,
                plan.sigmas,
                model=self.schedule,
                init_latent=None if init_latent is None else init_latent.float(),
                noise_sampler=noise_sampler,
                callback=callback,
                seed=seeds,
                brownian_span=plan.brownian_span,
                start_timestep=plan.start_timestep,
            )
        self.on_step(offset + len(plan.sigmas) - 1, self.total, latent)
        return latent, source


# A1111's "second_order" samplers: its CFG denoiser counts two calls a step for them.
_SECOND_ORDER = {"heun", "dpm_2", "dpm_2_ancestral", "dpmpp_2s_ancestral", "dpmpp_sde"}


class _Refiner:
    """SDXL's refiner as A1111 hands over to it (sd_samplers_common.apply_refiner): before each
    CFG-denoiser call of the same sampler run, the share of the run done so far is compared with
    "Refiner switch at"; from the first call where it is not below, the refiner's UNet and
    conditioning (its one OpenCLIP encoder, penultimate layer; pooled text; size, crop and the
    aesthetic score 6.0 / 2.5) serve every call. Sigmas, sampler and noise go on unchanged.
    The share is the count of calls over the run's total (A1111's "Refiner switch by sampling
    steps", which its infotext reader assumes for files before 1.8), or by sigma: (999 - the
    training timestep nearest the call's sigma) / 1000 (A1111's default since then).
    The base's VAE decodes the result; whether A1111 decodes with the refiner's VAE when the two
    files hold different VAEs is not checked here."""

    def __init__(self, model: LoadedModel, spec: Any, choice: Any, schedule: Any, steps: int):
        self.model, self.spec, self.schedule = model, spec, schedule
        self.total = steps * 2 if choice.sampler in _SECOND_ORDER else steps
        self.switched_at: tuple[int, float] | None = None  # (call, sigma)
        self.active = False
        self.conditionings: _RefinerConditionings | None = None

    @classmethod
    def prepare(
        cls, model: LoadedModel, params: GenerationParams, choice: Any, schedule: Any, init: Any
    ) -> _Refiner | None:
        from workstation.core.errors import InputError

        spec = params.refiner
        if spec is None:
            return None
        if params.convention != "a1111":
            raise InputError("a refiner hand-over runs under the a1111 or workstation convention")
        if model.family.name != "sdxl":
            raise InputError(f"a refiner takes over from an SDXL base, not {model.family.kind}")
        if params.hires is not None or init is not None:
            raise InputError("a refiner with a hires pass or an init image is not supported yet")
        refiner = load_refiner(model, spec)
        made = cls(refiner, spec, choice, schedule, params.steps)
        made.conditionings = _RefinerConditionings(refiner, params)
        return made

    def consider(self, call: int, sigma: Any) -> None:
        if self.active:
            return
        if self.spec.switch_by == "steps":
            done = call / self.total
        else:
            sigmas = self.schedule.sigmas.to(sigma.device)
            timestep = int(torch_argmin_abs(sigmas, sigma.max()))
            done = (999 - timestep) / 1000
        if done < self.spec.switch_at:
            return
        self.active = True
        self.switched_at = (call, round(float(sigma.max()), 6))

    def unet_call(
        self, base: Callable, steps: int, size: tuple[int, int], calls: dict[str, int]
    ) -> Callable:
        from workstation.engine.families.sdxl_refiner import (
            NEGATIVE_AESTHETIC_SCORE,
            POSITIVE_AESTHETIC_SCORE,
        )

        assert self.conditionings is not None
        own = _unet_call(
            self.model.pipe,
            self.conditionings.for_pass(steps),
            size,
            calls,
            aesthetic=(POSITIVE_AESTHETIC_SCORE, NEGATIVE_AESTHETIC_SCORE),
        )
        return lambda x_in, t, cond: (own if self.active else base)(x_in, t, cond)

    def record(self) -> dict[str, Any]:
        self.model.check_files()
        info = self.model.info
        record: dict[str, Any] = {
            "model": info.path,
            "sha256": info.sha256,
            "autov2": info.autov2,
            "switch_at": self.spec.switch_at,
            "switch_by": self.spec.switch_by,
            "switched": self.switched_at is not None,
        }
        if self.switched_at is not None:
            record["switch_call"], record["switch_sigma"] = self.switched_at
            assert self.conditionings is not None
            record["conditioning"] = self.conditionings.record()
        return record


def torch_argmin_abs(values: Any, value: Any) -> Any:
    import torch

    return torch.argmin(torch.abs(values - value))


def load_refiner(model: LoadedModel, spec: Any) -> LoadedModel:
    """The refiner file, loaded once per base model (on its device, in its dtype); its SHA-256
    must be the one the params name, as for the base model."""
    from workstation.core.errors import ModelError
    from workstation.engine.loading import load_model

    key = str(spec.model)
    refiner = model.refiners.get(key)
    if refiner is None:
        refiner = load_model(spec.model, device=model.device, dtype=model.dtype, refiner=True)
        model.refiners[key] = refiner
    else:
        refiner.check_files()
    if spec.model_sha256 and spec.model_sha256.lower() != refiner.info.sha256:
        raise ModelError(
            f"{refiner.info.path}: SHA-256 {refiner.info.sha256} differs from the requested "
            f"refiner {spec.model_sha256}"
        )
    return refiner


# A1111's latent upscale modes (shared.latent_upscale_modes): torch interpolate settings.
_LATENT_MODES = {
    "latent": ("bilinear", False),
    "latent-antialiased": ("bilinear", True),
    "latent-nearest": ("nearest", False),
    "latent-nearest-exact": ("nearest-exact", False),
    "latent-bicubic": ("bicubic", False),
    "latent-bicubic-antialiased": ("bicubic", True),
}


def _upscale(pipe: Any, latent: Any, hires: Any) -> Any:
    """The first pass's latent at the hires size: interpolated in latent space, or decoded,
    resized in pixels (8 bits, as A1111 hands images to its upscalers) and encoded again."""
    import torch
    from PIL import Image

    from workstation.engine import vae_codec

    factor = pipe.vae_scale_factor
    if hires.upscaler in _LATENT_MODES:
        mode, antialias = _LATENT_MODES[hires.upscaler]
        size = (hires.height // factor, hires.width // factor)
        return torch.nn.functional.interpolate(
            latent.float(), size=size, mode=mode, antialias=antialias
        )
    image = vae_codec.decode(pipe, latent, truncate=True)
    method = Image.Resampling.LANCZOS if hires.upscaler == "lanczos" else Image.Resampling.NEAREST
    return vae_codec.encode(pipe, image.resize((hires.width, hires.height), method))


class _Conditionings:
    """The conditioning of every UNet call, per pass. Static prompts have one; A1111's prompt
    editing ("[a:b:0.5]") and alternation ("[a|b]") have a schedule per prompt over the pass's
    steps, and A1111 picks the entry by how often its CFG denoiser has been called in the pass
    (`reconstruct_cond_batch`: the first entry whose end is ≥ the count), so samplers that call
    the model twice a step switch sooner."""

    def __init__(self, model: LoadedModel, params: GenerationParams) -> None:
        self.params = params
        encoders = clip_encoders(model.pipe)
        xl = len(encoders) == 2
        # SDXL: every generator here takes the penultimate layers; A1111 ignores its clip skip.
        self.options = {
            "encoders": encoders,
            "clip_skip": None if xl else params.clip_skip,
            "embeddings": embedding_library(params),
        }
        self.schedules: dict[int, _Schedule] = {}

    def for_pass(self, steps: int) -> _Schedule:
        if steps not in self.schedules:
            self.schedules[steps] = _Schedule(
                self._encode(self.params.prompt, steps, negative=False),
                self._encode(self.params.negative, steps, negative=True),
                self.params.prompt_syntax,
            )
        return self.schedules[steps]

    def _encode(self, text: str, steps: int, negative: bool) -> list[tuple[int, Any]]:
        from workstation.engine.prompts import a1111
        from workstation.engine.prompts.encode import encode_prompt, encode_prompt_schedule

        syntax = self.params.prompt_syntax
        if syntax == "a1111" and len(a1111.prompt_schedule(text, steps)) > 1:
            return encode_prompt_schedule(text, steps, negative=negative, **self.options)
        return [(steps, encode_prompt(text, syntax=syntax, negative=negative, **self.options))]

    def record(self) -> dict[str, Any]:
        first = next(iter(self.schedules.values()))
        cond, uncond = first.positive[0][1], first.negative[0][1]
        everything = [c for s in self.schedules.values() for _, c in s.positive + s.negative]
        record = {
            "syntax": self.params.prompt_syntax,
            "tokens": [cond.tokens, uncond.tokens],
            "chunks": [cond.chunks, uncond.chunks],
            "embeddings": used_embeddings(*everything),
            "missing_embeddings": sorted({m for c in everything for m in c.missing_embeddings}),
            "warnings": list(dict.fromkeys(w for c in everything for w in c.warnings)),
        }
        scheduled = {
            steps: {"positive": [e for e, _ in s.positive], "negative": [e for e, _ in s.negative]}
            for steps, s in self.schedules.items()
            if len(s.positive) > 1 or len(s.negative) > 1
        }
        if scheduled:
            record["prompt_schedules"] = {str(steps): ends for steps, ends in scheduled.items()}
        return record


class _RefinerConditionings(_Conditionings):
    """The refiner's conditioning: the prompt through its one encoder (OpenCLIP bigG), at the
    penultimate layer as SDXL's, pooled from the last; an empty negative prompt all zeros.
    The prompt encoders take one or two encoders; giving the refiner's twice is SDXL's layout
    with the same encoder in both places, of which the first half of the features and the
    (second encoder's) pooled vector are the refiner's own."""

    def __init__(self, model: LoadedModel, params: GenerationParams) -> None:
        self.params = params
        pipe = model.pipe
        self.width = pipe.text_encoder_2.config.hidden_size
        pair = (pipe.tokenizer_2, pipe.text_encoder_2)
        self.options = {
            "encoders": [pair, pair],
            "clip_skip": None,
            "embeddings": embedding_library(params),
        }
        self.schedules = {}

    def _encode(self, text: str, steps: int, negative: bool) -> list[tuple[int, Any]]:
        from dataclasses import replace

        return [
            (end, replace(c, context=c.context[..., : self.width]))
            for end, c in super()._encode(text, steps, negative)
        ]


class _Schedule:
    """One pass's positive and negative conditioning schedules, paired for CFG on demand."""

    def __init__(self, positive: list, negative: list, syntax: str) -> None:
        self.positive, self.negative, self.syntax = positive, negative, syntax
        self._pairs: dict[tuple[int, int], Any] = {}

    def at(self, call: int) -> tuple[Any, Any, Any]:
        """(positive, negative, CFG pair) for the `call`-th model call of the pass (from 0)."""
        from workstation.engine.prompts.encode import pair_for_cfg

        i = _entry(self.positive, call)
        j = _entry(self.negative, call)
        if (i, j) not in self._pairs:
            cond, uncond = self.positive[i][1], self.negative[j][1]
            self._pairs[i, j] = (cond, uncond, pair_for_cfg(cond, uncond, self.syntax))
        return self._pairs[i, j]


def _entry(schedule: list[tuple[int, Any]], call: int) -> int:
    for index, (end, _) in enumerate(schedule):
        if call <= end:
            return index
    return len(schedule) - 1


def clip_encoders(pipe: Any) -> list[tuple[Any, Any]]:
    """The pipeline's (tokenizer, text encoder) pairs in SDXL's order: CLIP-L, then OpenCLIP-G."""
    encoders = [(pipe.tokenizer, pipe.text_encoder)]
    if getattr(pipe, "text_encoder_2", None) is not None:
        encoders.append((pipe.tokenizer_2, pipe.text_encoder_2))
    return encoders


def embedding_library(params: GenerationParams) -> Any:
    """The textual-inversion files the params name, by file stem (None when there are none)."""
    if not params.embeddings:
        return None
    from workstation.engine.prompts.embeddings import EmbeddingLibrary

    return EmbeddingLibrary(files=list(params.embeddings))


def used_embeddings(*conditionings: Any) -> list[dict[str, Any]]:
    """What the record states of each embedding a prompt used: its file and that file's hash."""
    seen: dict[str, dict[str, Any]] = {}
    for conditioning in conditionings:
        for used in conditioning.embeddings:
            seen.setdefault(
                used.sha256,
                {"name": used.name, "path": used.path, "sha256": used.sha256, "vectors": used.rows},
            )
    return list(seen.values())


def _noise(
    params: GenerationParams, shape: tuple[int, int, int], choice: Any, sigmas: Any
) -> tuple[Any, Any, str]:
    """(initial unit noise [1, C, H, W], per-step noise sampler or None, the source used)."""
    import torch

    source = params.noise
    if source == "gpu" and not torch.cuda.is_available():
        source = "nv"  # NVIDIA's Philox, computed here: the same numbers its GPU draws
    if params.convention == "a1111":
        from workstation.engine.noise.a1111 import ImageRNG

        variation = params.subseed is not None and params.subseed_strength > 0
        rng = ImageRNG(
            shape,
            [params.seed],
            subseeds=[params.subseed] if variation else None,
            subseed_strength=params.subseed_strength if variation else 0.0,
            source=source,
            ensd=params.eta_noise_seed_delta,
        )
        noise = rng.first()
        sampler = None if choice.brownian else rng.noise_sampler(noise)
        return noise, sampler, source

    from workstation.engine.noise.comfyui import comfy_noise, default_noise_sampler
    from workstation.engine.sampling import BrownianTreeNoiseSampler

    noise = comfy_noise(shape, params.seed, params.batch_size, params.batch_index)
    index, batch = params.batch_index, torch.zeros((params.batch_size, *shape))
    if choice.brownian:
        if params.batch_size == 1:
            return noise, None, source  # `sample` seeds the tree itself
        # one tree over the whole batch, of which this image takes its slice
        positive = sigmas[sigmas > 0]
        tree = BrownianTreeNoiseSampler(
            batch, positive.min(), sigmas.max(), params.seed, cpu=choice.brownian_cpu
        )
        return noise, lambda sigma, sigma_next: tree(sigma, sigma_next)[index : index + 1], source
    step_noise = default_noise_sampler(batch, params.seed)
    return noise, lambda sigma, sigma_next: step_noise(sigma, sigma_next)[index : index + 1], source


@contextlib.contextmanager
def _brownian_source(convention: str, source: str, choice: Any) -> Iterator[None]:
    """A1111 makes torchsde's Brownian draws come from its RNG source; restored afterwards."""
    if convention != "a1111" or not choice.brownian:
        yield
        return
    from torchsde._brownian import brownian_interval

    from workstation.engine.noise.a1111 import brownian_randn

    original = brownian_interval._randn
    brownian_interval._randn = brownian_randn(source)
    try:
        yield
    finally:
        brownian_interval._randn = original


def _unet_call(
    pipe: Any,
    schedule: _Schedule,
    size: tuple[int, int],
    calls: dict[str, int] | None = None,
    aesthetic: tuple[float, float] | None = None,
) -> Callable:
    """(scaled input, timestep) -> the UNet's raw output for a [positive; negative] batch: one
    batched call when the contexts have one length, two calls otherwise (as the generator).
    Each call takes the conditioning the prompt schedule gives for the count in `calls`.
    `aesthetic`: an SDXL refiner's (positive, negative) aesthetic scores, which replace the
    target size in its size conditioning."""
    import torch

    unet = pipe.unet
    device, dtype = unet.device, unet.dtype
    width, height = size
    if aesthetic is None:  # SDXL: original size, crop, target size
        ids = ([height, width, 0, 0, height, width],) * 2
    else:  # SDXL refiner: original size, crop, aesthetic score
        ids = ([height, width, 0, 0, aesthetic[0]], [height, width, 0, 0, aesthetic[1]])
    calls = {"n": 0} if calls is None else calls

    def run_unet(x_in: Any, t: Any, context: Any, pooled: list[Any], rows: list[int]) -> Any:
        extra: dict[str, Any] = {}
        if pooled[0] is not None:  # SDXL: pooled text and the size conditioning
            extra["added_cond_kwargs"] = {
                "text_embeds": torch.cat(pooled).to(device, dtype),
                "time_ids": torch.tensor([ids[row] for row in rows]).to(device, dtype),
            }
        out = unet(
            x_in.to(dtype),
            t.to(device),
            encoder_hidden_states=context.to(device, dtype),
            return_dict=False,
            **extra,
        )[0]
        return out.float()

    def call(x_in: Any, t: Any, _: Any) -> Any:
        """x_in, t: [positive; negative] halves of one batch."""
        cond, uncond, pair = schedule.at(calls["n"])
        calls["n"] += 1
        if pair.same_length:
            context = torch.cat([pair.cond, pair.uncond])
            return run_unet(x_in, t, context, [cond.pooled, uncond.pooled], [0, 1])
        x_pos, x_neg = x_in.chunk(2)
        t_pos, t_neg = t.chunk(2)
        positive = run_unet(x_pos, t_pos, pair.cond, [cond.pooled], [0])
        return torch.cat([positive, run_unet(x_neg, t_neg, pair.uncond, [uncond.pooled], [1])])

    return call
