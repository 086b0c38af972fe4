"""Memorised-prompt screen: how strongly a prompt pulls the model's first denoising steps.

Wen et al. (ICLR 2024, "Detecting, Explaining, and Mitigating Memorization in Diffusion
Models"): for a memorised prompt the text-conditional noise prediction is unusually large from
the very first step, because the model heads for one training image whatever the noise. The
statistic, per prompt p and seed s, is

    d(p, s) = 1/T · Σ_{t in the first T sampling steps} ‖ε_θ(x_t, t, e_p) − ε_θ(x_t, t, e_∅)‖₂

along the classifier-free-guided trajectory from the seed's noise x_T (DDIM steps from the
model's own noise schedule), averaged over fixed, recorded seeds. A prompt is flagged by a
robust z-score, (d − median) / (1.4826 · MAD), against a reference set run through the same
model with the same noises: the shipped generic prompts (`resources/model_exam/`) or the batch
itself. Per-token attribution is the paper's token significance: the gradient of
‖ε_θ(x_T, e_p) − ε_θ(x_T, e_∅)‖² at the first step with respect to each token's input embedding,
its norm averaged over the seeds, as shares of the prompt's tokens.

SD 1.x / 2.x models (one CLIP text encoder, a conditional UNet). No Qt; pure computation on a
loaded pipeline; the app layer loads models and LoRAs and stores the result.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from workstation.core.errors import InputError
from workstation.engine.runtime import Runtime
from workstation.paths import MODEL_EXAM_DIR

GENERIC_PROMPTS = MODEL_EXAM_DIR / "generic_prompts.txt"
REFERENCES = ("generic", "batch")
MAD_SCALE = 1.4826  # MAD of a normal distribution → its standard deviation
METHOD = (
    "Text-conditional noise magnitude (Wen et al., ICLR 2024): mean over the first sampling "
    "steps of the L2 norm of the conditional minus the unconditional noise prediction, "
    "averaged over fixed seeds; robust z-score against a reference set of prompts; token "
    "significance = norm of the gradient of the first step's squared magnitude with respect to "
    "each token's input embedding."
)
LIMITS = (
    "A high magnitude says the prompt drives this model unusually hard, as memorised prompts "
    "do; it is not proof that a given work was in training. Scores are comparable only within "
    "one model, size and seed set. On the workstation's small demo models the signal was not "
    "reproduced (a LoRA fitted to one caption lowered that caption's magnitude; "
    "benchmarks/exam_prompts_attribute.py). Single-image membership signals on large "
    "pretrained base models are not reliable (CopyMark, 2024); they are strong on fine-tunes, "
    "LoRAs and small training sets."
)


@dataclass(frozen=True)
class ScreenSettings:
    seeds: tuple[int, ...] = (0, 1, 2, 3)
    steps: int = 1  # first sampling steps the magnitude is averaged over
    sampling_steps: int = 50  # the schedule those first steps are taken from
    guidance: float = 7.0  # CFG scale of the trajectory (used only when steps > 1)
    size: int | None = None  # pixels; None: the model's native size
    reference: str = "generic"  # generic | batch
    threshold: float = 3.5  # robust z at or above which a prompt is flagged
    tokens: bool = True  # per-token attribution (one backward pass per prompt and seed)

    def __post_init__(self) -> None:
        if not self.seeds:
            raise InputError("the screen needs at least one seed")
        if not 1 <= self.steps <= self.sampling_steps:
            raise InputError("steps must be between 1 and the sampling steps")
        if self.reference not in REFERENCES:
            raise InputError(f"reference must be one of {', '.join(REFERENCES)}")


@dataclass(frozen=True)
class TokenShare:
    token: str
    share: float  # of the prompt's total token significance


@dataclass(frozen=True)
class PromptScore:
    prompt: str
    magnitudes: tuple[float, ...]  # per seed, in the order of the settings' seeds
    magnitude: float  # their mean
    z: float  # robust z against the reference
    flagged: bool
    tokens: tuple[TokenShare, ...] = ()
    truncated: bool = False  # longer than the text encoder's window: the rest was not read


@dataclass(frozen=True)
class Reference:
    kind: str  # generic | batch
    count: int
    median: float
    mad: float  # median absolute deviation (unscaled)
    magnitudes: tuple[float, ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class PromptScreen:
    scores: tuple[PromptScore, ...]
    reference: Reference
    settings: ScreenSettings
    size: int
    attribution: str = "gradient"
    method: str = METHOD
    limits: str = LIMITS

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: tuples as lists; an infinite z (a reference without spread) as None."""
        return _plain(asdict(self))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def read_prompt_file(path: str | Path) -> list[str]:
    """One prompt per line; blank lines and lines starting with '#' are skipped."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read the prompt file ({error})") from None
    prompts = [line.strip() for line in text.splitlines()]
    prompts = [line for line in prompts if line and not line.startswith("#")]
    if not prompts:
        raise InputError(f"{path}: the prompt file holds no prompts")
    return prompts


def generic_prompts() -> list[str]:
    return read_prompt_file(GENERIC_PROMPTS)


def robust_z(
    values: Sequence[float], reference: Sequence[float]
) -> tuple[list[float], float, float]:
    """Each value's robust z-score against `reference`: (v − median) / (1.4826 · MAD); the
    median and MAD. When the MAD is 0 (half the reference identical), the mean absolute
    deviation (× √(π/2)) stands in; when that is 0 too, a value above the median is +inf."""
    ref = np.asarray(reference, dtype=np.float64)
    if ref.size == 0:
        raise InputError("the reference set is empty")
    median = float(np.median(ref))
    mad = float(np.median(np.abs(ref - median)))
    scale = MAD_SCALE * mad or float(np.mean(np.abs(ref - median))) * math.sqrt(math.pi / 2)
    scores = []
    for value in values:
        if scale > 0:
            scores.append((float(value) - median) / scale)
        else:
            scores.append(0.0 if value == median else math.copysign(math.inf, value - median))
    return scores, median, mad


def screen_prompts(
    pipe: Any,
    prompts: Sequence[str],
    settings: ScreenSettings = ScreenSettings(),
    *,
    runtime: Runtime | None = None,
    native_size: int = 512,
) -> PromptScreen:
    """The screen of `prompts` on a loaded SD 1.x/2.x pipeline (LoRAs already applied)."""
    prompts, reference, order = plan(prompts, settings)
    check_pipe(pipe)
    runtime = runtime or Runtime()
    size = settings.size or native_size
    with runtime.applied() as run:
        # Work items: the prompts, then the reference prompts (each scored once).
        total = len(order) * len(settings.seeds) * (1 + settings.tokens)
        screen = runner(pipe, settings, size, run, total)
        magnitudes = {prompt: screen.magnitudes(prompt) for prompt in order}
        tokens = {
            prompt: screen.token_shares(prompt) if settings.tokens else ((), False)
            for prompt in prompts
        }
    return assemble(prompts, reference, magnitudes, tokens, settings, size)


def plan(
    prompts: Sequence[str], settings: ScreenSettings
) -> tuple[list[str], list[str], list[str]]:
    """The prompts screened, the reference prompts, and every prompt to score once (in order)."""
    prompts = [p.strip() for p in prompts if p and p.strip()]
    if not prompts:
        raise InputError("no prompts to screen")
    reference = generic_prompts() if settings.reference == "generic" else []
    return prompts, reference, list(dict.fromkeys(prompts + reference))


def check_pipe(pipe: Any) -> None:
    if getattr(pipe, "unet", None) is None or getattr(pipe, "text_encoder_2", None) is not None:
        raise InputError(
            "the memorised-prompt screen supports SD 1.x/2.x models (one text encoder, a UNet)"
        )


def runner(pipe: Any, settings: ScreenSettings, size: int, run: Runtime, total: int) -> _Runner:
    """The model calls of a screen (or of one executor item of it): `magnitudes(prompt)` and
    `token_shares(prompt)`, each prompt independent of the others."""
    return _Runner(pipe, settings, size, run, total)


def assemble(
    prompts: Sequence[str],
    reference: Sequence[str],
    magnitudes: dict[str, list[float]],
    tokens: dict[str, tuple[tuple[TokenShare, ...], bool]],
    settings: ScreenSettings,
    size: int,
) -> PromptScreen:
    """The screen from each prompt's magnitudes: robust z-scores against the reference."""
    means = {prompt: float(np.mean(values)) for prompt, values in magnitudes.items()}
    ref_values = [means[p] for p in (reference or prompts)]
    zs, median, mad = robust_z([means[p] for p in prompts], ref_values)
    scores = tuple(
        PromptScore(
            prompt,
            tuple(magnitudes[prompt]),
            means[prompt],
            z,
            z >= settings.threshold,
            tokens[prompt][0],
            tokens[prompt][1],
        )
        for prompt, z in zip(prompts, zs, strict=True)
    )
    ref = Reference(settings.reference, len(ref_values), median, mad, tuple(ref_values))
    return PromptScreen(scores, ref, settings, size)


class _Runner:
    """The model calls of one screen: noises by seed, the empty prompt's embedding, DDIM steps."""

    def __init__(self, pipe: Any, settings: ScreenSettings, size: int, run: Runtime, total: int):
        import torch
        from diffusers import DDIMScheduler

        self.pipe, self.settings, self.run, self.total, self.done = pipe, settings, run, total, 0
        self.unet, self.encoder, self.tokenizer = pipe.unet, pipe.text_encoder, pipe.tokenizer
        self.device, self.dtype = self.unet.device, self.unet.dtype
        factor = 2 ** (len(pipe.vae.config.block_out_channels) - 1)
        if size % factor or size < 4 * factor:
            raise InputError(f"size {size} px: give a multiple of {factor}, at least {4 * factor}")
        self.scheduler = DDIMScheduler.from_config(pipe.scheduler.config)
        self.scheduler.set_timesteps(settings.sampling_steps)
        shape = (1, self.unet.config.in_channels, size // factor, size // factor)
        self.noises = {
            seed: torch.randn(shape, generator=torch.Generator("cpu").manual_seed(seed)).to(
                self.device, self.dtype
            )
            * self.scheduler.init_noise_sigma
            for seed in settings.seeds
        }
        with torch.no_grad():
            self.empty = self._encode("")[0]

    def _ids(self, prompt: str) -> tuple[Any, bool]:
        tokens = self.tokenizer(
            prompt,
            padding="max_length",
            max_length=self.tokenizer.model_max_length,
            truncation=True,
            return_tensors="pt",
            return_overflowing_tokens=False,
        )
        full = len(self.tokenizer(prompt).input_ids)
        return tokens.input_ids.to(self.device), full > self.tokenizer.model_max_length

    def _encode(self, prompt: str) -> tuple[Any, bool]:
        ids, truncated = self._ids(prompt)
        return self.encoder(ids)[0], truncated

    def _tick(self) -> None:
        self.run.check_cancelled("prompt screen")
        self.done += 1
        self.run.report(self.done, self.total)

    def magnitudes(self, prompt: str) -> list[float]:
        import torch

        self.run.report(self.done, self.total, f"prompt screen: {prompt[:60]}")
        values = []
        with torch.no_grad():
            context = self._encode(prompt)[0]
            for seed in self.settings.seeds:
                values.append(self._trajectory(self.noises[seed], context))
                self._tick()
        return values

    def _trajectory(self, latent: Any, context: Any) -> float:
        scheduler, total = self.scheduler, 0.0
        for index in range(self.settings.steps):
            t = scheduler.timesteps[index]
            model_in = scheduler.scale_model_input(latent, t)
            cond = self.unet(model_in, t, context).sample
            uncond = self.unet(model_in, t, self.empty).sample
            total += float((cond - uncond).float().norm())
            if index + 1 < self.settings.steps:
                guided = uncond + self.settings.guidance * (cond - uncond)
                latent = scheduler.step(guided, t, latent).prev_sample
        return total / self.settings.steps

    def token_shares(self, prompt: str) -> tuple[tuple[TokenShare, ...], bool]:
        import torch

        ids, truncated = self._ids(prompt)
        embedding = self.encoder.get_input_embeddings()
        captured: dict[str, Any] = {}

        def hook(_module: Any, _args: Any, output: Any) -> Any:
            captured["embeds"] = output.detach().requires_grad_(True)
            return captured["embeds"]

        t = self.scheduler.timesteps[0]
        norms = None
        for seed in self.settings.seeds:
            handle = embedding.register_forward_hook(hook)
            try:
                with torch.enable_grad():
                    context = self.encoder(ids)[0]
                    model_in = self.scheduler.scale_model_input(self.noises[seed], t)
                    with torch.no_grad():
                        uncond = self.unet(model_in, t, self.empty).sample
                    cond = self.unet(model_in, t, context).sample
                    loss = (cond - uncond).float().pow(2).sum()
                    (grad,) = torch.autograd.grad(loss, [captured["embeds"]])
            finally:
                handle.remove()
            per_token = grad[0].float().norm(dim=-1).cpu().numpy()
            norms = per_token if norms is None else norms + per_token
            self._tick()
        assert norms is not None
        # The prompt's own tokens: after the start token, before the first end token.
        id_list = ids[0].tolist()
        end = self.tokenizer.eos_token_id
        stop = id_list.index(end, 1) if end in id_list[1:] else len(id_list)
        words = self.tokenizer.convert_ids_to_tokens(id_list[1:stop])
        values = norms[1:stop] / len(self.settings.seeds)
        total = float(values.sum())
        shares = tuple(
            TokenShare(word.replace("</w>", ""), float(v) / total if total > 0 else 0.0)
            for word, v in zip(words, values, strict=True)
        )
        return shares, truncated
