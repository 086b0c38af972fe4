"""Train small text-to-image diffusion models on the CPU: a UNet on captioned images, or a LoRA.

Input is a folder of images with captions. A caption is either a same-name `.txt` file beside the
image (`cat.png` + `cat.txt`, as kohya's trainers read them) or a line of `captions.jsonl`
(`{"file": "cat.png", "caption": "a cat"}`); `captions.jsonl` wins when both exist. Images are
resized (Lanczos) to the training resolution.

`train_unet` reuses a base model's VAE, tokenizer and text encoder (optionally training the text
encoder too) and trains a UNet — from scratch with the base's UNet layout, or continued from the
base's weights — with the epsilon objective of Stable Diffusion. The result is a normal diffusers
StableDiffusionPipeline folder, loaded by `loading.load_model` like any other model.
`train_lora` trains a LoRA on the UNet's attention of a base model and saves it in diffusers/peft
format for `load_lora_weights`.

Each run happens inside `runtime.applied()` (threads restored afterwards) and its record
(`training.json`, or the LoRA's `.json`) states the thread count used as `torch_threads`. The
runtime gets a `ProgressEvent` per step with the loss as its `value`. A cancelled run saves a
checkpoint, then raises `Cancelled`; calling again with the same output folder resumes from the
last checkpoint (`training_state.pt`), with the thread count the checkpoint was made with unless
another is given, and ends with the same weights as an uninterrupted run on the same machine
with the same count (a run resumed with another count lists every count in `torch_threads_used`).
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import os
import stat
import struct
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from workstation.core import bounded_json
from workstation.core.canonical import sha256_file
from workstation.core.errors import Cancelled, InputError, ModelError
from workstation.core.media import probe
from workstation.engine.runtime import Runtime

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".bmp")
CAPTIONS_FILE = "captions.jsonl"
STATE_FILE = "training_state.pt"
RECORD_FILE = "training.json"
LATENT_RGB_FILE = "latent_rgb.json"
TrainProgress = Callable[[int, int, float], None]  # legacy form, see Runtime.from_callbacks
CancelCheck = Callable[[], bool]


# -- data -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaptionedImages:
    folder: str
    files: tuple[str, ...]  # names inside folder, sorted
    captions: tuple[str, ...]
    file_sha256: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.files)

    @property
    def sha256(self) -> str:
        """SHA-256 of the (name, file SHA-256, caption) lines: names exactly what was trained on."""
        listing = hashlib.sha256()
        for entry in zip(self.files, self.file_sha256, self.captions, strict=True):
            listing.update(json.dumps(list(entry)).encode("utf-8") + b"\n")
        return listing.hexdigest()

    def first(self, count: int) -> CaptionedImages:
        """The first `count` images (in name order)."""
        if not 1 <= count <= len(self):
            raise InputError(f"{self.folder}: has {len(self)} images, {count} were asked for")
        return CaptionedImages(
            self.folder, self.files[:count], self.captions[:count], self.file_sha256[:count]
        )


# Limits on what a training folder may hand the reader (docs/INPUTS.md). The tokenizer keeps 77
# tokens of a caption, so a caption longer than a page is a mistake or an attack.
MAX_CAPTIONS_FILE_BYTES = 64 * 1024**2  # captions.jsonl: about half a million lines
MAX_CAPTION_BYTES = 64 * 1024  # one .txt caption, or one caption in captions.jsonl
MAX_CAPTION_DEPTH = 2  # a line of captions.jsonl is one flat object


def read_captioned_folder(folder: str | Path) -> CaptionedImages:
    """The images of `folder` and their captions; an image without a caption is an error.
    Only regular files are read (a FIFO or device named like a caption or image would block), and
    caption files are held to the limits above."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder")
    jsonl = folder / CAPTIONS_FILE
    captions: dict[str, str] = {}
    if jsonl.exists() or jsonl.is_symlink():
        text = _read_text(jsonl, MAX_CAPTIONS_FILE_BYTES)
        for number, line in enumerate(text.splitlines(), 1):
            if line.strip():
                name, caption = _caption_entry(line, f"{jsonl}:{number}")
                captions[name] = caption
    names = sorted(p.name for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    if not names:
        raise InputError(f"{folder}: no images ({', '.join(IMAGE_SUFFIXES)})")
    texts, digests = [], []
    for name in names:
        if name not in captions:
            text_file = (folder / name).with_suffix(".txt")
            if not (text_file.exists() or text_file.is_symlink()):
                raise InputError(f"{folder / name}: no caption ({text_file.name} or {jsonl.name})")
            captions[name] = _read_text(text_file, MAX_CAPTION_BYTES).strip()
        _regular_file(folder / name)
        probe(folder / name)  # a real, whole image of sane size, whatever its extension says
        texts.append(captions[name])
        digests.append(sha256_file(folder / name))
    return CaptionedImages(str(folder), tuple(names), tuple(texts), tuple(digests))


def _caption_entry(line: str, where: str) -> tuple[str, str]:
    """(file, caption) of one line of captions.jsonl."""
    expected = '{"file": ..., "caption": ...}'
    try:
        entry = bounded_json.loads(line, max_depth=MAX_CAPTION_DEPTH)
    except ValueError as error:
        raise InputError(f"{where}: expected {expected} ({error})") from None
    if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
        raise InputError(f"{where}: file: expected {expected}")
    caption = entry.get("caption")
    if not isinstance(caption, str):
        raise InputError(f"{where}: caption: expected text, as in {expected}")
    if len(caption.encode("utf-8", "surrogatepass")) > MAX_CAPTION_BYTES:
        raise InputError(f"{where}: caption: longer than {MAX_CAPTION_BYTES:,} bytes")
    return entry["file"], caption.strip()


def _regular_file(path: Path) -> os.stat_result:
    """The file's status, if it is a regular file (after links); else an InputError."""
    try:
        status = path.stat()
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({error.strerror or error})") from None
    if not stat.S_ISREG(status.st_mode):
        raise InputError(f"{path}: not a regular file")
    return status


def _read_text(path: Path, limit: int) -> str:
    """A caption file's text: a regular file of at most `limit` bytes, UTF-8. Opened without
    blocking, so a FIFO put in its place between the check and the open cannot hang the read."""
    if _regular_file(path).st_size > limit:
        raise InputError(f"{path}: larger than the {limit:,} bytes a caption file may have")
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({error.strerror or error})") from None
    with os.fdopen(handle, "rb") as stream:
        if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
            raise InputError(f"{path}: not a regular file")
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"{path}: larger than the {limit:,} bytes a caption file may have")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{path}: a caption file must be UTF-8 text") from None


# Bytes per pixel channel while the images become one tensor: the 8-bit arrays and their stack,
# the float copy and the scaled result.
PIXEL_BYTES_AT_PEAK = 10


def pixel_memory(count: int, resolution: int) -> int:
    """Bytes `load_pixels` needs at its peak for `count` images at `resolution`."""
    return count * 3 * resolution * resolution * PIXEL_BYTES_AT_PEAK


def _size(count: int) -> str:
    return f"{count / 1024**3:.1f} GiB" if count >= 1024**3 // 10 else f"{count / 1024**2:.0f} MiB"


def load_pixels(data: CaptionedImages, resolution: int) -> Any:
    """All images as one float tensor N×3×R×R in [-1, 1]; refused with the estimate before any
    image is read when that much memory is not free."""
    import numpy as np
    import torch
    from PIL import Image

    from workstation.engine.loading import available_memory

    needed, free = pixel_memory(len(data), resolution), available_memory("cpu")
    if needed > free:
        raise InputError(
            f"{data.folder}: {len(data)} images at {resolution}×{resolution} need about "
            f"{_size(needed)} of memory to train on, {_size(free)} is free; "
            "use fewer images or a smaller resolution"
        )
    arrays = []
    for name in data.files:
        with Image.open(Path(data.folder) / name) as image:
            rgb = image.convert("RGB")
        if rgb.size != (resolution, resolution):
            rgb = rgb.resize((resolution, resolution), Image.Resampling.LANCZOS)
        arrays.append(np.asarray(rgb))
    pixels = torch.from_numpy(np.stack(arrays)).permute(0, 3, 1, 2).float()
    return pixels / 127.5 - 1


# -- settings and records ---------------------------------------------------------------------


@dataclass(frozen=True)
class TrainSettings:
    steps: int = 1000
    batch_size: int = 16
    learning_rate: float = 5e-4
    warmup_steps: int = 50
    seed: int = 0
    resolution: int = 64
    checkpoint_every: int = 250  # steps; 0 = only at the end (and on cancel)
    caption_dropout: float = 0.1  # share of empty captions, so classifier-free guidance works
    train_text_encoder: bool = False
    init_unet: str = "scratch"  # scratch | base
    # "Offset noise": a per-image, per-channel constant added to the noise, so the model has to
    # take an image's overall colour from the prompt rather than from what the noise leaves of it.
    # None = automatic, scaled to the latent size (see `auto_noise_offset`); 0 = off.
    noise_offset: float | None = None
    # Legacy (give `Runtime(threads=N)`): CPU threads for the run; None = the runtime's choice.
    # Not part of what a run computes, so records and checkpoints keep it as `torch_threads`.
    threads: int | None = None

    def __post_init__(self) -> None:
        if self.init_unet not in ("scratch", "base"):
            raise InputError(f"init_unet must be scratch or base, not {self.init_unet!r}")
        _check_common(self)
        _check_number("warmup steps", self.warmup_steps, 0, MAX_STEPS)
        _check_number("checkpoint every", self.checkpoint_every, 0, MAX_STEPS)
        _check_number("caption dropout", self.caption_dropout, 0, 1)


# Limits on training settings (docs/INPUTS.md): past them a CPU run would not end, or its images
# would not fit in memory; a learning rate or noise offset that is not finite trains a model of
# NaNs.
MAX_STEPS = 10_000_000
MAX_BATCH_SIZE = 1024
MAX_RESOLUTION = 1024
MIN_RESOLUTION = 8
MAX_RANK = 1024
MAX_SEED = 2**64 - 1


def _deepest_side(components: dict[str, Any], resolution: int) -> int:
    """The side of the UNet's deepest feature map at this resolution: the VAE's downsamplers
    floor-halve (diffusers pads one side, then a stride-2 convolution), the UNet's ceil-halve."""
    side = resolution
    for _ in range(len(components["vae"].config.block_out_channels) - 1):
        side //= 2
    for _ in range(len(components["unet"].config.block_out_channels) - 1):
        side = (side + 1) // 2
    return side


def _check_resolution(components: dict[str, Any], resolution: int) -> None:
    """Group normalisation in training needs more than one value per group: the deepest map must
    be at least 2×2."""
    if _deepest_side(components, resolution) < 2:
        least = next(
            r for r in range(resolution, MAX_RESOLUTION + 1) if _deepest_side(components, r) >= 2
        )
        raise InputError(
            f"resolution {resolution} is too small for this model (its deepest layer would be "
            f"1×1); use at least {least}"
        )


def _check_number(name: str, value: float, low: float, high: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(f"{name} must be a number, not {value!r}")
    if not (math.isfinite(value) and low <= value <= high):
        raise InputError(f"{name} must be from {low:,} to {high:,}, not {value!r}")


def _check_common(settings: TrainSettings | LoraSettings) -> None:
    """The settings UNet and LoRA training share."""
    _check_number("steps", settings.steps, 1, MAX_STEPS)
    _check_number("batch size", settings.batch_size, 1, MAX_BATCH_SIZE)
    _check_number("resolution", settings.resolution, MIN_RESOLUTION, MAX_RESOLUTION)
    _check_number("seed", settings.seed, 0, MAX_SEED)
    if not (math.isfinite(settings.learning_rate) and 0 < settings.learning_rate <= 1):
        raise InputError(
            f"learning rate must be above 0 and at most 1, not {settings.learning_rate!r}"
        )
    if settings.noise_offset is not None:
        _check_number("noise offset", settings.noise_offset, 0, 10)
    if settings.threads is not None:
        _check_number("threads", settings.threads, 1, 1024)


@dataclass
class TrainResult:
    out: Path
    steps: int
    seconds: float
    losses: list[float] = field(default_factory=list)  # mean loss per logged interval
    record: dict[str, Any] = field(default_factory=dict)


def auto_noise_offset(latent_height: int, latent_width: int) -> float:
    """Offset noise of 8× the spread of the noise's own per-channel mean (1 / sqrt(h·w)).

    Even at the last timestep the noised latent keeps ~7 % of the image (Stable Diffusion's
    schedule), and its per-channel mean says the image's overall colour unless the noise's mean
    varies more than that. The noise's mean varies by 1 / sqrt(h·w): 0.016 at SD's 64×64 latents,
    where the usual offset of 0.1 is 6× that; 0.0625 at the demo model's 16×16, where 0.1 left the
    background colour to the seed and 0.5 made it follow the prompt (docs/training.md).
    """
    return round(8 / math.sqrt(latent_height * latent_width), 4)


def resolved_noise_offset(setting: float | None, latents: Any) -> float:
    """The setting, or `auto_noise_offset` for these latents when it is None."""
    return auto_noise_offset(*latents.shape[-2:]) if setting is None else setting


def noised_batch(
    latents: Any, batch_size: int, noise: Any, noise_offset: float, generator: Any
) -> tuple[Any, Any, Any, Any]:
    """(index, noised latents, timesteps, noise) of a random batch: the forward process that
    UNet and LoRA training share, with offset noise when `noise_offset` is not 0."""
    import torch

    index = torch.randint(0, len(latents), (batch_size,), generator=generator)
    x0 = latents[index]
    eps = torch.randn(x0.shape, generator=generator)
    if noise_offset:
        offset = torch.randn((*x0.shape[:2], 1, 1), generator=generator)
        eps = eps + noise_offset * offset
    t = torch.randint(0, noise.config.num_train_timesteps, (len(x0),), generator=generator)
    return index, noise.add_noise(x0, eps, t), t, eps


def settings_dict(settings: TrainSettings | LoraSettings) -> dict[str, Any]:
    """The settings as records and checkpoints keep them: what the run computes, without the
    legacy `threads` (run state, recorded as `torch_threads`)."""
    data = asdict(settings)
    data.pop("threads", None)
    return data


def _training_runtime(
    runtime: Runtime, settings: TrainSettings | LoraSettings, checkpoint_threads: int | None = None
) -> Runtime:
    """The thread count of a run: the runtime's; else the legacy settings field; else, when
    resuming, the checkpoint's (same count, same weights); else the policy's when it starts."""
    return runtime.with_threads(runtime.threads or settings.threads or checkpoint_threads)


def _lr_factor(step: int, settings: TrainSettings) -> float:
    """Linear warm-up, then cosine decay to 10 %."""
    if step < settings.warmup_steps:
        return (step + 1) / settings.warmup_steps
    progress = (step - settings.warmup_steps) / max(1, settings.steps - settings.warmup_steps)
    return 0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))


# -- components -------------------------------------------------------------------------------


def load_components(base: str | Path) -> dict[str, Any]:
    """VAE, tokenizer, text encoder, UNet and scheduler of a diffusers folder, in float32."""
    import torch

    from workstation.engine.families import family_for_kind
    from workstation.engine.library import identify
    from workstation.engine.loading import load_model

    family = family_for_kind(identify(base).kind)
    if family is not None and not family.trainable:
        raise ModelError(f"{base}: training takes SD 1.x/2.x-layout models, not {family.label}")
    model = load_model(base, device="cpu", dtype="float32")
    pipe = model.pipe
    components = {
        name: getattr(pipe, name)
        for name in ("vae", "tokenizer", "text_encoder", "unet", "scheduler")
    }
    for name in ("vae", "text_encoder", "unet"):
        components[name] = components[name].to(torch.float32)
    components["latent_rgb"] = read_latent_rgb(base)
    components["base_sha256"] = model.info.sha256
    return components


def make_pipeline(components: dict[str, Any]) -> Any:
    from diffusers import StableDiffusionPipeline

    return StableDiffusionPipeline(
        vae=components["vae"],
        text_encoder=components["text_encoder"],
        tokenizer=components["tokenizer"],
        unet=components["unet"],
        scheduler=components["scheduler"],
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )


def save_pipeline(components: dict[str, Any], out: Path, half: bool = True) -> None:
    """A diffusers folder (fp16 weights by default: half the size; the engine upcasts on load)."""
    import torch

    pipe = make_pipeline(components)
    if half:
        pipe = copy.deepcopy(pipe).to(dtype=torch.float16)
    pipe.save_pretrained(out, safe_serialization=True)
    if components.get("latent_rgb"):
        write_latent_rgb(out, components["latent_rgb"])


def read_latent_rgb(folder: str | Path) -> dict[str, Any] | None:
    path = Path(folder) / LATENT_RGB_FILE
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def write_latent_rgb(folder: str | Path, latent_rgb: dict[str, Any]) -> None:
    text = json.dumps(latent_rgb, indent=2) + "\n"
    (Path(folder) / LATENT_RGB_FILE).write_text(text, encoding="utf-8")


def fit_latent_rgb(latents: Any, pixels: Any) -> dict[str, Any]:
    """Least-squares 4×3 matrix + bias from (scaled) latents to RGB in [-1, 1] at latent size.

    The engine's step previews use it instead of Stable Diffusion's fixed map when a model folder
    has `latent_rgb.json` (a model with its own VAE has its own latent colours).
    """
    import torch
    import torch.nn.functional as F

    small = F.interpolate(pixels, size=latents.shape[-2:], mode="area")
    x = latents.permute(0, 2, 3, 1).reshape(-1, latents.shape[1])
    x = torch.cat([x, torch.ones(len(x), 1)], 1)
    y = small.permute(0, 2, 3, 1).reshape(-1, 3)
    solution = torch.linalg.lstsq(x, y).solution
    residual = (x @ solution - y).pow(2).mean().sqrt().item()
    return {
        "factors": [[round(v, 5) for v in row] for row in solution[:-1].tolist()],
        "bias": [round(v, 5) for v in solution[-1].tolist()],
        "rms_error": round(residual, 4),
        "note": "RGB in [-1, 1] = latents (scaled by the VAE's scaling_factor) @ factors + bias",
    }


def encode_latents(vae: Any, pixels: Any, batch: int = 64) -> Any:
    """VAE posterior means, times the VAE's scaling factor (what the UNet sees)."""
    import torch

    with torch.no_grad():
        parts = [
            vae.encode(pixels[i : i + batch]).latent_dist.mean for i in range(0, len(pixels), batch)
        ]
    return torch.cat(parts) * vae.config.scaling_factor


def tokenize(tokenizer: Any, captions: list[str]) -> Any:
    return tokenizer(
        captions,
        padding="max_length",
        max_length=tokenizer.model_max_length,
        truncation=True,
        return_tensors="pt",
    ).input_ids


def noise_scheduler(scheduler: Any) -> Any:
    """The DDPM forward process with the model's own beta schedule."""
    from diffusers import DDPMScheduler

    return DDPMScheduler.from_config(scheduler.config)


# -- UNet (+ text encoder) training -----------------------------------------------------------


def _output_folder_usable(out: Path) -> bool:
    """An empty folder, or an earlier run's (to resume or redo it): never a folder of someone's
    files, among which the model's would be written."""
    return out.is_dir() and (not any(out.iterdir()) or (out / RECORD_FILE).exists())


def train_unet(
    images: str | Path | CaptionedImages,
    out: str | Path,
    base: str | Path | dict[str, Any],
    settings: TrainSettings = TrainSettings(),
    *,
    runtime: Runtime | None = None,
    resume: bool = True,
    extra_record: dict[str, Any] | None = None,
    on_progress: TrainProgress | None = None,
    is_cancelled: CancelCheck | None = None,
) -> TrainResult:
    """Train a UNet on captioned images; write a diffusers folder to `out`.
    `on_progress(step, total, loss)`/`is_cancelled`: the legacy form of the runtime's callbacks."""
    clock = time.perf_counter()
    runtime = Runtime.from_callbacks(runtime, on_progress, is_cancelled, form="value")
    out = Path(out)
    if out.exists() and not _output_folder_usable(out):
        raise InputError(f"{out}: exists and is not a training output folder; choose a new one")
    data = images if isinstance(images, CaptionedImages) else read_captioned_folder(images)
    state = _checkpoint(out, data, settings) if resume else None
    runtime = _training_runtime(runtime, settings, state and state.get("torch_threads"))
    with runtime.applied() as run:
        return _train_unet(data, out, base, settings, run, state, extra_record, clock)


def _checkpoint(out: Path, data: CaptionedImages, settings: TrainSettings) -> dict[str, Any] | None:
    """The last checkpoint in `out`, if there is one; it must be of the same data and settings."""
    from workstation.engine.library import load_pickle_weights_only

    state_path = out / STATE_FILE
    if not (state_path.exists() or state_path.is_symlink()):
        return None
    from workstation.engine.loading import available_memory

    size, free = _regular_file(state_path).st_size, available_memory("cpu")  # never a FIFO
    if size > free:  # torch reads every tensor into memory
        raise InputError(
            f"{state_path}: {_size(size)}, more than the {_size(free)} of memory free; "
            "use another output folder, or --no-resume"
        )
    try:
        state = load_pickle_weights_only(state_path)  # plain tensors and containers, never code
    except ModelError as error:
        raise InputError(f"{error}; or use another output folder, or --no-resume") from None
    # torch's weights-only unpickler, given damaged bytes, fails in these too
    except (IndexError, KeyError, TypeError, AttributeError, AssertionError, struct.error) as error:
        raise InputError(
            f"{state_path}: corrupt or unreadable checkpoint ({type(error).__name__}); "
            "use another output folder, or --no-resume"
        ) from None
    _check_state(state_path, state)
    saved = {k: v for k, v in state["settings"].items() if k != "threads"}  # older checkpoints
    if state["data_sha256"] != data.sha256 or saved != settings_dict(settings):
        raise InputError(
            f"{out}: has a checkpoint of a different training run (other data or settings); "
            "use another output folder"
        )
    if "torch_threads" not in state:  # made before the count left the settings
        state["torch_threads"] = state["settings"].get("threads")
        state["torch_threads_used"] = [state["torch_threads"]]
    return state


# What a checkpoint must hold, and of what type, before a run resumes from it.
STATE_FIELDS = {
    "data_sha256": str,
    "settings": dict,
    "unet": dict,
    "optimizer": dict,
    "lr_schedule": dict,
    "step": int,
    "losses": list,
    "seconds": (int, float),
}


def _check_state(path: Path, state: Any) -> None:
    import torch

    if not isinstance(state, dict):
        raise InputError(f"{path}: holds a {type(state).__name__}, not a training checkpoint")
    for key, kind in STATE_FIELDS.items():
        if not isinstance(state.get(key), kind) or isinstance(state.get(key), bool):
            raise InputError(f"{path}: {key}: missing or of the wrong type")
    if not isinstance(state.get("generator"), torch.Tensor):
        raise InputError(f"{path}: generator: missing or not a tensor")
    if state["step"] < 0 or not all(isinstance(v, float) for v in state["losses"]):
        raise InputError(f"{path}: step or losses: not what a training run writes")


def _train_unet(
    data: CaptionedImages,
    out: Path,
    base: str | Path | dict[str, Any],
    settings: TrainSettings,
    run: Runtime,
    state: dict[str, Any] | None,
    extra_record: dict[str, Any] | None,
    clock: float,
) -> TrainResult:
    import torch
    import torch.nn.functional as F
    from diffusers import UNet2DConditionModel

    from workstation.engine.loading import quiet_libraries

    quiet_libraries()
    components = dict(base) if isinstance(base, dict) else load_components(base)
    base_name = "(in memory)" if isinstance(base, dict) else str(base)
    _check_resolution(components, settings.resolution)

    # 1. Fixed inputs: latents of every image, token ids of every caption.
    pixels = load_pixels(data, settings.resolution)
    vae, text_encoder = components["vae"].eval(), components["text_encoder"]
    latents = encode_latents(vae, pixels)
    noise_offset = resolved_noise_offset(settings.noise_offset, latents)
    ids = tokenize(components["tokenizer"], list(data.captions))
    empty_ids = tokenize(components["tokenizer"], [""])
    if not settings.train_text_encoder:
        text_encoder.eval().requires_grad_(False)
        with torch.no_grad():
            contexts = torch.cat([text_encoder(ids[i : i + 64])[0] for i in range(0, len(ids), 64)])
            empty_context = text_encoder(empty_ids)[0]

    # 2. The UNet: fresh (seeded) with the base's layout, or the base's own weights.
    torch.manual_seed(settings.seed)
    if settings.init_unet == "scratch":
        unet = UNet2DConditionModel.from_config(components["unet"].config)
    else:
        unet = copy.deepcopy(components["unet"])
    unet.train().requires_grad_(True)
    params = list(unet.parameters())
    if settings.train_text_encoder:
        text_encoder.train().requires_grad_(True)
        params += list(text_encoder.parameters())
    optimizer = torch.optim.AdamW(params, lr=settings.learning_rate, weight_decay=1e-2)
    lr_schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: _lr_factor(step, settings)
    )
    noise = noise_scheduler(components["scheduler"])
    generator = torch.Generator().manual_seed(settings.seed)

    # 3. Resume from the last checkpoint in `out` (checked against the data and settings).
    state_path = out / STATE_FILE
    step, losses, seconds_before = 0, [], 0.0
    threads_used = sorted({*(state or {}).get("torch_threads_used", []), run.threads})
    if state is not None:
        try:  # checked by `_check_state`; these say whether its tensors fit this model
            unet.load_state_dict(state["unet"])
            if settings.train_text_encoder:
                text_encoder.load_state_dict(state["text_encoder"])
            optimizer.load_state_dict(state["optimizer"])
            lr_schedule.load_state_dict(state["lr_schedule"])
            generator.set_state(state["generator"])
        except (RuntimeError, KeyError, ValueError, TypeError) as error:
            first = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
            raise InputError(
                f"{state_path}: does not fit this model and run ({first}); "
                "use another output folder, or --no-resume"
            ) from None
        step, losses, seconds_before = state["step"], state["losses"], state["seconds"]

    def checkpoint(final: bool = False) -> None:
        components_now = {**components, "unet": unet, "text_encoder": text_encoder}
        out.mkdir(parents=True, exist_ok=True)
        save_pipeline(components_now, out)
        seconds = seconds_before + time.perf_counter() - clock
        record = {
            "schema": "workstation.training/1",
            "kind": "unet",
            "base": base_name,
            "base_sha256": components.get("base_sha256"),
            "data": {
                "folder": data.folder,
                "images": len(data),
                "sha256": data.sha256,
            },
            "settings": settings_dict(settings),
            "torch_threads": run.threads,
            **({"torch_threads_used": threads_used} if len(threads_used) > 1 else {}),
            "noise_offset_used": noise_offset,
            "steps_done": step,
            "finished": final,
            "seconds": round(seconds, 1),
            "losses": [round(v, 5) for v in losses],
            **(extra_record or {}),
        }
        (out / RECORD_FILE).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        if final:
            state_path.unlink(missing_ok=True)
            return
        state = {
            "data_sha256": data.sha256,
            "settings": settings_dict(settings),
            "torch_threads": run.threads,
            "torch_threads_used": threads_used,
            "unet": unet.state_dict(),
            "optimizer": optimizer.state_dict(),
            "lr_schedule": lr_schedule.state_dict(),
            "generator": generator.get_state(),
            "step": step,
            "losses": losses,
            "seconds": seconds,
        }
        if settings.train_text_encoder:
            state["text_encoder"] = text_encoder.state_dict()
        tmp = state_path.with_suffix(".part")
        torch.save(state, tmp)
        tmp.replace(state_path)

    # 4. The loop: noise a batch of latents at random timesteps, predict the noise.
    interval, running = 50, []
    while step < settings.steps:
        if run.cancelled():
            checkpoint()
            raise Cancelled(f"training cancelled at step {step} of {settings.steps}")
        index, noisy, t, eps = noised_batch(
            latents, settings.batch_size, noise, noise_offset, generator
        )
        drop = torch.rand(len(index), generator=generator) < settings.caption_dropout
        if settings.train_text_encoder:
            batch_ids = torch.where(drop[:, None], empty_ids, ids[index])
            context = text_encoder(batch_ids)[0]
        else:
            context = torch.where(drop[:, None, None], empty_context, contexts[index])
        prediction = unet(noisy, t, context).sample
        loss = F.mse_loss(prediction, eps)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        lr_schedule.step()
        step += 1
        running.append(loss.item())
        if len(running) == interval or step == settings.steps:
            losses.append(sum(running) / len(running))
            running = []
        run.report(step, settings.steps, value=loss.item())
        if settings.checkpoint_every and step % settings.checkpoint_every == 0:
            checkpoint(final=step == settings.steps)
    unet.eval()
    text_encoder.eval()
    checkpoint(final=True)
    record = json.loads((out / RECORD_FILE).read_text(encoding="utf-8"))
    return TrainResult(out, step, record["seconds"], losses, record)


# -- VAE (for a model of one's own) -----------------------------------------------------------


def train_vae(
    pixels: Any,
    vae: Any,
    *,
    steps: int,
    batch_size: int = 16,
    learning_rate: float = 2e-3,
    kl_weight: float = 1e-6,
    seed: int = 0,
    runtime: Runtime | None = None,
    on_progress: TrainProgress | None = None,
) -> Any:
    """Train an AutoencoderKL on pixels in [-1, 1]; set its scaling factor to 1 / latent std.
    `on_progress(step, total, loss)`: the legacy form of the runtime's progress."""
    runtime = Runtime.from_callbacks(runtime, on_progress, form="value")
    with runtime.applied() as run:
        return _train_vae(pixels, vae, steps, batch_size, learning_rate, kl_weight, seed, run)


def _train_vae(
    pixels: Any,
    vae: Any,
    steps: int,
    batch_size: int,
    learning_rate: float,
    kl_weight: float,
    seed: int,
    run: Runtime,
) -> Any:
    import torch
    import torch.nn.functional as F

    generator = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    optimizer = torch.optim.AdamW(vae.parameters(), lr=learning_rate)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=learning_rate, total_steps=steps, pct_start=0.05
    )
    vae.train()
    for step in range(1, steps + 1):
        batch = pixels[torch.randint(0, len(pixels), (batch_size,), generator=generator)]
        posterior = vae.encode(batch).latent_dist
        z = posterior.mean + posterior.std * torch.randn(posterior.mean.shape, generator=generator)
        reconstruction = vae.decode(z).sample
        loss = F.mse_loss(reconstruction, batch) + kl_weight * posterior.kl().mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        schedule.step()
        run.check_cancelled("VAE training")
        run.report(step, steps, value=loss.item())
    vae.eval()
    with torch.no_grad():
        std = torch.cat(
            [vae.encode(pixels[i : i + 64]).latent_dist.mean for i in range(0, 512, 64)]
        ).std()
    vae.register_to_config(scaling_factor=round(1.0 / std.item(), 5))
    return vae


# -- LoRA -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoraSettings:
    steps: int = 300
    rank: int = 4
    alpha: float = 4.0
    batch_size: int = 4
    learning_rate: float = 1e-3
    seed: int = 0
    resolution: int = 64
    noise_offset: float | None = None  # as for TrainSettings: None = automatic
    # "attention": the attention projections (the classic LoRA); "all": also the ResNet convolutions
    # and feed-forward layers (LyCORIS "LoCon" style), which a small UNet with attention at few
    # levels needs to take in colour and layout.
    targets: str = "attention"
    threads: int | None = None  # legacy, as TrainSettings.threads

    def __post_init__(self) -> None:
        if self.targets not in LORA_TARGETS:
            raise InputError(f"LoRA targets must be one of {', '.join(LORA_TARGETS)}")
        _check_common(self)
        _check_number("rank", self.rank, 1, MAX_RANK)
        if not (math.isfinite(self.alpha) and self.alpha > 0):
            raise InputError(f"alpha must be a finite number above 0, not {self.alpha!r}")


LORA_TARGETS = {
    "attention": ["to_q", "to_k", "to_v", "to_out.0"],
    "all": [
        "to_q",
        "to_k",
        "to_v",
        "to_out.0",
        "proj_in",
        "proj_out",
        "ff.net.0.proj",
        "ff.net.2",
        "conv1",
        "conv2",
        "conv_shortcut",
    ],
}


def train_lora(
    images: str | Path | CaptionedImages,
    out: str | Path,
    base: str | Path,
    settings: LoraSettings = LoraSettings(),
    *,
    runtime: Runtime | None = None,
    on_progress: TrainProgress | None = None,
    is_cancelled: CancelCheck | None = None,
) -> TrainResult:
    """Train a LoRA on the base UNet's attention; save `out` (.safetensors, diffusers format).
    `on_progress(step, total, loss)`/`is_cancelled`: the legacy form of the runtime's callbacks."""
    clock = time.perf_counter()
    runtime = Runtime.from_callbacks(runtime, on_progress, is_cancelled, form="value")
    out = Path(out)
    if out.suffix != ".safetensors":
        raise InputError(f"{out}: a LoRA file must end in .safetensors")
    for path in (out, out.with_suffix(".json")):  # replaced when done: never a FIFO or a device
        if (path.exists() or path.is_symlink()) and not path.is_file():
            raise InputError(f"{path}: exists and is not a regular file; choose another name")
    data = images if isinstance(images, CaptionedImages) else read_captioned_folder(images)
    with _training_runtime(runtime, settings).applied() as run:
        return _train_lora(data, out, base, settings, run, clock)


def _train_lora(
    data: CaptionedImages,
    out: Path,
    base: str | Path,
    settings: LoraSettings,
    run: Runtime,
    clock: float,
) -> TrainResult:
    import torch
    import torch.nn.functional as F
    from diffusers import StableDiffusionPipeline
    from peft import LoraConfig
    from peft.utils import get_peft_model_state_dict

    components = load_components(base)
    _check_resolution(components, settings.resolution)
    unet, text_encoder = components["unet"], components["text_encoder"].eval()

    # 1. Fixed inputs, as for UNet training.
    pixels = load_pixels(data, settings.resolution)
    latents = encode_latents(components["vae"].eval(), pixels)
    noise_offset = resolved_noise_offset(settings.noise_offset, latents)
    with torch.no_grad():
        contexts = text_encoder(tokenize(components["tokenizer"], list(data.captions)))[0]

    # 2. LoRA adapters on the attention projections; only they train.
    torch.manual_seed(settings.seed)
    unet.requires_grad_(False)
    unet.add_adapter(
        LoraConfig(
            r=settings.rank,
            lora_alpha=settings.alpha,
            init_lora_weights="gaussian",
            target_modules=LORA_TARGETS[settings.targets],
        )
    )
    params = [p for p in unet.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=settings.learning_rate)
    noise = noise_scheduler(components["scheduler"])
    generator = torch.Generator().manual_seed(settings.seed)
    losses, running = [], []
    unet.train()
    for step in range(1, settings.steps + 1):
        if run.cancelled():
            raise Cancelled(f"LoRA training cancelled at step {step - 1} of {settings.steps}")
        index, noisy, t, eps = noised_batch(
            latents, settings.batch_size, noise, noise_offset, generator
        )
        prediction = unet(noisy, t, contexts[index]).sample
        loss = F.mse_loss(prediction, eps)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        running.append(loss.item())
        if len(running) == 25 or step == settings.steps:
            losses.append(sum(running) / len(running))
            running = []
        run.report(step, settings.steps, value=loss.item())

    # 3. Save as diffusers/peft keys (unet.<module>.lora_A/B.weight), with the alpha in metadata.
    seconds = time.perf_counter() - clock
    record = {
        "schema": "workstation.training/1",
        "kind": "lora",
        "base": str(base),
        "base_sha256": components["base_sha256"],
        "data": {"folder": data.folder, "images": len(data), "sha256": data.sha256},
        "settings": settings_dict(settings),
        "torch_threads": run.threads,
        "noise_offset_used": noise_offset,
        "seconds": round(seconds, 1),
        "losses": [round(v, 5) for v in losses],
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    StableDiffusionPipeline.save_lora_weights(
        out.parent,
        unet_lora_layers=get_peft_model_state_dict(unet),
        weight_name=out.name,
        unet_lora_adapter_metadata={
            "r": settings.rank,
            "lora_alpha": settings.alpha,
            "target_modules": LORA_TARGETS[settings.targets],
        },
    )
    out.with_suffix(".json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return TrainResult(out, settings.steps, round(seconds, 1), losses, record)
