"""Membership scores: how well a diffusion model denoises a work, by three published methods.

Each method puts the work's VAE latent x0 (posterior mean, scaled as the UNet sees it) to the
UNet eps_theta(x_t, t, c) with the conditioning c of the empty prompt (or the work's caption):

- "loss", the timestep-loss test (Matsumoto et al. 2023; Hu & Pang 2023): the denoising loss
  ||eps - eps_theta(x_t, t, c)||^2 (mean over elements) at a fixed set of intermediate timesteps,
  with x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t) eps and fixed noises eps, averaged over the
  timesteps. A model fitted to a work denoises it with less error.
- "pia", proximal initialisation (Kong et al., ICLR 2024): the model's own prediction at t = 0,
  eps0 = eps_theta(x0, 0, c), stands in for the noise; x_t is reached deterministically (DDIM)
  from x0 with eps0, and the score is the l4 error ||eps0 - eps_theta(x_t, t, c)||_4 (elements
  averaged, then the 4th root). Two queries, no random noise.
- "sima", the single-query score norm (Rao et al., TMLR 2025): ||eps_theta(x0, t, c)||_2 (root
  mean square) at a small t: at a training point the denoiser's output is short.

Every score is lower = more member-like. The timesteps of "loss" and their noises are drawn from
the recorded seed with a seeded CPU `torch.Generator`, the same draws for every work (so works
differ only by what the model does with them), and a run is bit-for-bit the same on the same
device, dtype and thread count. SD 1.x, SD 2.x (epsilon or v-prediction, read back as ε) and
SDXL UNets are examined through one noise prediction (noise_prediction.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from workstation.analysis.model_exam import noise_prediction
from workstation.core.errors import InputError

METHODS = ("loss", "pia", "sima")
METHOD_NAMES = {
    "loss": "timestep loss (Matsumoto et al. 2023; Hu & Pang 2023)",
    "pia": "PIA, proximal initialisation (Kong et al., ICLR 2024)",
    "sima": "SimA, single-query noise-prediction norm (Rao et al., TMLR 2025)",
}


@dataclass(frozen=True)
class ProbeSettings:
    """What makes a membership run reproducible: the seed and where the model is queried."""

    seed: int = 0
    count: int = 8  # timesteps of the loss test
    low: int = 50  # the loss test's timesteps are drawn from [low, high]
    high: int = 500
    pia_t: int = 200
    sima_t: int = 10
    methods: tuple[str, ...] = METHODS

    def __post_init__(self) -> None:
        unknown = [m for m in self.methods if m not in METHODS]
        if unknown or not self.methods:
            raise InputError(f"methods: choose among {', '.join(METHODS)}")
        if not 0 < self.low <= self.high or self.count < 1:
            raise InputError("timesteps: give 0 < low <= high and at least one timestep")


@dataclass(frozen=True)
class Probe:
    """The drawn timesteps and noises (one per timestep, shared by every work)."""

    settings: ProbeSettings
    timesteps: tuple[int, ...]
    noises: Any  # tensor count×C×h×w, CPU float32

    def record(self) -> dict:
        return {
            **asdict(self.settings),
            "timesteps": list(self.timesteps),
            "generator": "torch CPU",
        }


def draw_probe(settings: ProbeSettings, latent_shape: Sequence[int], train_steps: int) -> Probe:
    import torch

    if settings.high >= train_steps or max(settings.pia_t, settings.sima_t) >= train_steps:
        raise InputError(f"timesteps must be below the model's {train_steps} training timesteps")
    generator = torch.Generator().manual_seed(settings.seed)
    drawn = torch.randint(settings.low, settings.high + 1, (settings.count,), generator=generator)
    noises = torch.randn((settings.count, *latent_shape), generator=generator)
    return Probe(settings, tuple(int(t) for t in drawn.tolist()), noises)


@dataclass(frozen=True)
class Scored:
    """One image's scores under one state of the model (method -> score)."""

    path: str
    sha256: str
    scores: dict[str, float] = field(default_factory=dict)


def check_model(model: Any) -> None:
    """Refuse, in one line, a model these methods do not handle (noise_prediction.py says which)."""
    noise_prediction.check_model(model, "membership tests")


def latent_shape(model: Any, width: int, height: int) -> tuple[int, int, int]:
    vae = model.pipe.vae
    factor = 2 ** (len(vae.config.block_out_channels) - 1)
    if width % factor or height % factor:
        raise InputError(f"image size {width}×{height} is not a multiple of the VAE's {factor}")
    return (vae.config.latent_channels, height // factor, width // factor)


def score_images(
    model: Any,
    images: Sequence[Any],  # analysis.images.LoadedImage
    prompts: Sequence[str],
    probe: Probe,
    on_image: Callable[[int], None] | None = None,
) -> list[Scored]:
    """Each image's scores by the probe's methods, in the model's present state (LoRAs as they
    are applied). `on_image(i)` is called before image i (progress, cancel)."""
    import torch

    pipe = model.pipe
    vae, device = pipe.vae, pipe.unet.device
    abar = _alphas_cumprod(pipe.scheduler).to(torch.float64)
    contexts: dict[tuple[str, int, int], noise_prediction.Condition] = {}
    scored = []
    with torch.inference_mode():
        for index, (image, prompt) in enumerate(zip(images, prompts, strict=True)):
            if on_image is not None:
                on_image(index)
            height, width = image.rgb.shape[:2]
            key = (prompt, width, height)
            if key not in contexts:
                contexts[key] = noise_prediction.encode_condition(model, prompt, width, height)
            pixels = torch.tensor(image.rgb).permute(2, 0, 1)[None].float() / 127.5 - 1
            latent = vae.encode(pixels.to(device, vae.dtype)).latent_dist.mean
            x0 = (latent * vae.config.scaling_factor).float().cpu()
            condition = contexts[key]

            def eps(x: Any, t: Sequence[int], condition: Any = condition) -> Any:
                return noise_prediction.predict_noise(model, x, t, condition, abar)

            scores = _scores(eps, x0, probe, abar)
            scored.append(Scored(image.path, image.sha256, scores))
    return scored


def _alphas_cumprod(scheduler: Any) -> Any:
    """abar_t of the model's own training schedule (the DDPM forward process)."""
    from diffusers import DDPMScheduler

    return DDPMScheduler.from_config(scheduler.config).alphas_cumprod


def _scores(
    eps: Callable[[Any, Sequence[int]], Any], x0: Any, probe: Probe, abar: Any
) -> dict[str, float]:
    def noised(noise: Any, t: Sequence[int]) -> Any:
        a = abar[list(t)].view(-1, 1, 1, 1)
        return (a.sqrt() * x0.double() + (1 - a).sqrt() * noise.double()).float()

    settings, scores = probe.settings, {}
    if "loss" in settings.methods:
        t = probe.timesteps
        error = (probe.noises - eps(noised(probe.noises, t), t)).double()
        scores["loss"] = float(error.pow(2).mean())
    if "pia" in settings.methods:
        eps0 = eps(x0, [0])
        t = [settings.pia_t]
        error = (eps0 - eps(noised(eps0, t), t)).double()
        scores["pia"] = float(error.pow(4).mean() ** 0.25)
    if "sima" in settings.methods:
        prediction = eps(x0, [settings.sima_t]).double()
        scores["sima"] = float(prediction.pow(2).mean().sqrt())
    return scores
