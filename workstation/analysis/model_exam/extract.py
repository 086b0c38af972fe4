"""Extraction attempt for a LoRA / fine-tune: generate toward what the fine-tune added.

FineXtract (Wu, Zhang & Wu, 2024, "Revealing the Unseen: Guiding Personalized Diffusion Models
to Expose Training Data", arXiv 2410.03039; ICML 2025 as "Leveraging Model Guidance to Extract
Training Data from Personalized Diffusion Models"), section 4, model guidance. The paper
approximates the fine-tuned model's learned distribution as a geometric interpolation between
the pretrained model's and the fine-tuning data's,

    p_θ'(x) ∝ p_θ(x)^(1−λ) · q(x)^λ,   0 < λ ≤ 1,

so the data distribution is an extrapolation, q(x) ∝ p_θ'(x)^(1/λ) · p_θ(x)^(1−1/λ), whose
score is that of the pretrained model plus w' = 1/λ times the difference. For a text-conditional
fine-tune with training caption c the guided noise at each step is

    ε̃(x_t, t) = ε_θ(x_t, t, ∅) + w' · (ε_θ'(x_t, t, c) − ε_θ(x_t, t, ∅))

with ε_θ the base model given the empty caption and ε_θ' the fine-tune (base + LoRA) given c:
the base's unconditional prediction stands in for classifier-free guidance's, so one scale does
both. w' = 1 is plain sampling from the fine-tune; w' > 1 pushes past it, away from the base,
toward what the fine-tune learnt. Here `scale` is w' (default 3, i.e. λ = 1/3, recorded with
the run); the paper's small correction term on ε_θ(x_t, t, ∅) is left at 0; DDIM, η = 0.

The paper then clusters the generations and keeps the image at the centre of each dense group
as the extraction. Here, more simply: seeded k-means (k-means++ start) on 16×16 grey
thumbnails, and each cluster's medoid (the member nearest its centre) is its candidate.
Candidates are compared with works by perceptual-hash distance (analysis/hashes.py, pHash: 64
bits, Hamming distance), where the paper uses SSCD copy-detection features.

Every draw uses a seeded CPU `torch.Generator` and numpy `default_rng(seed)`, so a run is
bit-for-bit the same on the same device, dtype and thread count. SD 1.x / 2.x models only
(one text encoder, a conditional UNet). No Qt; the app layer loads models and stores results.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from workstation.core.errors import InputError
from workstation.engine.runtime import Runtime

METHOD = (
    "FineXtract model guidance (Wu, Zhang & Wu, 2024, arXiv 2410.03039): ε = ε_base(x_t, ∅) "
    "+ w'·(ε_lora(x_t, c) − ε_base(x_t, ∅)) per DDIM step, w' = 1/λ; seeded k-means on 16×16 "
    "grey pixels; each cluster's medoid paired with its nearest work by pHash Hamming distance."
)
LIMITS = (
    "An extracted image close to a work is evidence that the fine-tune can reproduce it; no "
    "close image is not proof of absence (few samples, a small w', or a LoRA that learnt a "
    "style). "
    "Single-image membership signals on large pretrained base models are not reliable "
    "(CopyMark, 2024); they are strong on fine-tunes, LoRAs and small training sets."
)
THUMB = 16  # side of the grey thumbnails that are clustered


@dataclass(frozen=True)
class ExtractSettings:
    count: int = 8  # images generated
    seed: int = 0  # first seed; image i uses seed + i
    steps: int = 10  # DDIM steps
    scale: float = 3.0  # w' = 1/λ, the extrapolation toward the fine-tune
    clusters: int = 2
    prompt: str = ""
    size: int | None = None  # pixels; None: the model's native size

    def __post_init__(self) -> None:
        if self.count < 1:
            raise InputError("count must be at least 1")
        if self.steps < 1:
            raise InputError("steps must be at least 1")
        if self.clusters < 1:
            raise InputError("clusters must be at least 1")
        if not self.scale > 0:
            raise InputError("the guidance scale w' must be above 0")

    @property
    def seeds(self) -> list[int]:
        return [self.seed + i for i in range(self.count)]


def generate(
    pipe: Any,
    use: Callable[[str], None],
    settings: ExtractSettings,
    runtime: Runtime,
    native_size: int = 512,
) -> list[np.ndarray]:
    """The images (H×W×3 uint8), one per seed. `use("base")` / `use("tuned")` switches the
    weights of `pipe` between the base model and the fine-tune."""
    import torch
    from diffusers import DDIMScheduler

    if getattr(pipe, "unet", None) is None or getattr(pipe, "text_encoder_2", None) is not None:
        raise InputError("extraction supports SD 1.x/2.x models (one text encoder, a UNet)")
    size = settings.size or native_size
    factor = pipe.vae_scale_factor
    if size % (factor * 8):
        raise InputError(f"size must be a multiple of {factor * 8} pixels")
    scheduler = DDIMScheduler.from_config(pipe.scheduler.config)
    scheduler.set_timesteps(settings.steps)
    unet, device, dtype = pipe.unet, pipe.unet.device, pipe.unet.dtype
    shape = (1, unet.config.in_channels, size // factor, size // factor)
    latents = (
        torch.cat(
            [
                torch.randn(shape, generator=torch.Generator("cpu").manual_seed(seed))
                for seed in settings.seeds
            ]
        ).to(device, dtype)
        * scheduler.init_noise_sigma
    )
    total, done = 2 * len(scheduler.timesteps), 0

    def context(state: str, prompt: str) -> Any:
        use(state)  # the text encoder may carry LoRA weights too
        ids = pipe.tokenizer(
            prompt,
            padding="max_length",
            max_length=pipe.tokenizer.model_max_length,
            truncation=True,
            return_tensors="pt",
        ).input_ids.to(device)
        return pipe.text_encoder(ids)[0].expand(settings.count, -1, -1)

    with torch.no_grad():
        empty = context("base", "")
        tuned = context("tuned", settings.prompt)
        for t in scheduler.timesteps:
            model_in = scheduler.scale_model_input(latents, t)
            predictions = {}
            for state, ctx in (("base", empty), ("tuned", tuned)):
                runtime.check_cancelled("extraction")
                use(state)
                predictions[state] = unet(model_in, t, ctx).sample
                done += 1
                runtime.report(done, total, f"extraction step {done // 2 + done % 2}")
            base = predictions["base"]
            eps = base + settings.scale * (predictions["tuned"] - base)
            latents = scheduler.step(eps, t, latents).prev_sample
        use("base")
        decoded = pipe.vae.decode(latents / pipe.vae.config.scaling_factor).sample
    pixels = ((decoded.float().clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)
    return [image.permute(1, 2, 0).cpu().numpy() for image in pixels]


def thumbnails(images: Sequence[np.ndarray]) -> np.ndarray:
    """N × (16·16) grey thumbnails in [0, 1] (area-averaged), the space clusters live in."""
    from PIL import Image

    rows = []
    for rgb in images:
        grey = Image.fromarray(rgb).convert("L").resize((THUMB, THUMB), Image.Resampling.BOX)
        rows.append(np.asarray(grey, dtype=np.float64).ravel() / 255.0)
    return np.stack(rows)


@dataclass(frozen=True)
class Cluster:
    members: tuple[int, ...]  # indices of the generated images
    medoid: int  # the member nearest the cluster's centre
    spread: float  # mean distance of the members to the centre (RMS per pixel)


def cluster(points: np.ndarray, k: int, seed: int, iterations: int = 50) -> list[Cluster]:
    """Seeded k-means (k-means++ start); clusters largest first, empty ones dropped."""
    n = len(points)
    k = min(k, n)
    rng = np.random.default_rng(seed)
    centres = [points[rng.integers(n)]]
    while len(centres) < k:
        d = np.min([((points - c) ** 2).sum(1) for c in centres], axis=0)
        if d.sum() == 0:
            break
        centres.append(points[rng.choice(n, p=d / d.sum())])
    centre = np.stack(centres)
    labels = np.zeros(n, dtype=int)
    for _ in range(iterations):
        distances = ((points[:, None, :] - centre[None]) ** 2).sum(2)
        new = distances.argmin(1)
        for j in range(len(centre)):
            if (new == j).any():
                centre[j] = points[new == j].mean(0)
        if (new == labels).all() and _ > 0:
            break
        labels = new
    clusters = []
    for j in range(len(centre)):
        members = np.flatnonzero(labels == j)
        if not len(members):
            continue
        d = np.sqrt(((points[members] - centre[j]) ** 2).mean(1))
        clusters.append(
            Cluster(tuple(int(m) for m in members), int(members[d.argmin()]), float(d.mean()))
        )
    clusters.sort(key=lambda c: (-len(c.members), c.medoid))
    return clusters


def nearest(candidate: np.ndarray, works: Sequence[np.ndarray]) -> list[dict]:
    """Each work's pHash distance to the candidate, nearest first (index, distance, similarity)."""
    from workstation.analysis.hashes import image_hashes

    mine = image_hashes(candidate, ("phash",))["phash"]
    rows = []
    for index, rgb in enumerate(works):
        distance = int(mine - image_hashes(rgb, ("phash",))["phash"])
        rows.append(
            {"index": index, "phash_distance": distance, "similarity": round(1 - distance / 64, 6)}
        )
    rows.sort(key=lambda row: (row["phash_distance"], row["index"]))
    return rows


def settings_record(settings: ExtractSettings) -> dict:
    return {
        **asdict(settings),
        "seeds": settings.seeds,
        "lambda": round(1 / settings.scale, 6),
        "generator": "torch CPU",
        "sampler": "DDIM",
        "thumbnail": THUMB,
    }
