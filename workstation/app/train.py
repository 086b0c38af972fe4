"""Train: a small UNet, or a LoRA, on a folder of captioned images, on the CPU.

    front end → app.train.train_unet / train_lora → engine.training (inside the runtime: threads
              restored after; a cancelled run checkpoints, and the same request resumes it)

Nothing is stored in a case: the output is a model folder (UNet) or a .safetensors file (LoRA)
with its training record beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from workstation.app.requests import option
from workstation.engine.demo_model import DEMO_NAME
from workstation.engine.training import LORA_TARGETS, LoraSettings, TrainSettings
from workstation.paths import MODELS_DIR

if TYPE_CHECKING:
    from workstation.engine.runtime import Runtime
    from workstation.engine.training import TrainResult

DEMO_MODEL = MODELS_DIR / DEMO_NAME  # the bundled model whose VAE and text encoder are reused
NOISE_HELP = (
    "offset noise: makes the overall colour follow the prompt (default: automatic, "
    "8 / sqrt(latent height × width), e.g. 0.5 at 64 px on the demo VAE; 0 turns it off)"
)


@dataclass(frozen=True, kw_only=True)
class TrainUnetRequest:
    images: Path = option(help="folder of captioned images")
    out: Path = option(help="output folder (diffusers model)")
    base: Path = option(DEMO_MODEL, help="base model folder (default: the bundled demo model)")
    steps: int = option(TrainSettings.steps, help="training steps")
    batch_size: int = option(TrainSettings.batch_size)
    lr: float = option(TrainSettings.learning_rate, help="learning rate")
    seed: int = option(TrainSettings.seed)
    resolution: int = option(TrainSettings.resolution, help="training images are scaled to this")
    init: str = option(
        TrainSettings.init_unet,
        choices=("scratch", "base"),
        help="start the UNet from random weights or from the base model's",
    )
    train_text_encoder: bool = option(False, help="train the text encoder too")
    noise_offset: float | None = option(None, help=NOISE_HELP)
    checkpoint_every: int = option(TrainSettings.checkpoint_every, help="steps (0: end only)")
    resume: bool = option(True, cli=False)  # the CLI's --no-resume

    def settings(self) -> TrainSettings:
        return TrainSettings(
            steps=self.steps,
            batch_size=self.batch_size,
            learning_rate=self.lr,
            seed=self.seed,
            resolution=self.resolution,
            checkpoint_every=self.checkpoint_every,
            train_text_encoder=self.train_text_encoder,
            init_unet=self.init,
            noise_offset=self.noise_offset,
        )


@dataclass(frozen=True, kw_only=True)
class TrainLoraRequest:
    images: Path = option(help="folder of captioned images")
    out: Path = option(help="output .safetensors file")
    base: Path = option(DEMO_MODEL, help="base model folder (default: the bundled demo model)")
    steps: int = option(LoraSettings.steps, help="training steps")
    batch_size: int = option(LoraSettings.batch_size)
    lr: float = option(LoraSettings.learning_rate, help="learning rate")
    seed: int = option(LoraSettings.seed)
    resolution: int = option(LoraSettings.resolution, help="training images are scaled to this")
    rank: int = option(LoraSettings.rank)
    alpha: float = option(LoraSettings.alpha)
    targets: str = option(
        LoraSettings.targets,
        choices=tuple(LORA_TARGETS),
        help="layers the LoRA adapts: attention projections, or also convolutions and "
        "feed-forward layers (LoCon style; small models with little attention need it)",
    )
    noise_offset: float | None = option(None, help=NOISE_HELP)

    def settings(self) -> LoraSettings:
        return LoraSettings(
            steps=self.steps,
            rank=self.rank,
            alpha=self.alpha,
            batch_size=self.batch_size,
            learning_rate=self.lr,
            seed=self.seed,
            resolution=self.resolution,
            noise_offset=self.noise_offset,
            targets=self.targets,
        )


TrainRequest = TrainUnetRequest | TrainLoraRequest


def train(request: TrainRequest, *, runtime: Runtime | None = None) -> TrainResult:
    """Train what the request asks for; progress events carry the loss as their value. Cancel
    checkpoints a UNet (the same request resumes it); a LoRA run simply stops."""
    from workstation.engine import training

    settings = request.settings()  # refuses bad settings before anything loads
    if isinstance(request, TrainUnetRequest):
        return training.train_unet(
            request.images,
            request.out,
            request.base,
            settings,
            runtime=runtime,
            resume=request.resume,
        )
    return training.train_lora(request.images, request.out, request.base, settings, runtime=runtime)
