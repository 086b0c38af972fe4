"""The one request that describes a generation completely.

The CLI, the GUI, the case record and the report all use `GenerationParams`. Re-running the same
params on the same device must reproduce the image; the engine fills in what the caller left open
(`device="auto"`, missing hashes) and returns the completed params with the result.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from workstation.core.errors import InputError

DEVICES = ("auto", "cpu", "cuda", "mps")
# Whose sampling a generation follows. "workstation": diffusers' schedulers, the engine's own (the
# A1111 name picks the algorithm, not the bits). "a1111" (A1111/Forge) and "comfyui": the
# generator's own sigma schedules, noise, prompt syntax and 8-bit conversion, so its images can
# be reproduced as they were made.
CONVENTIONS = ("workstation", "a1111", "comfyui")
NOISE_SOURCES = ("cpu", "gpu", "nv")  # torch CPU generator, torch CUDA generator, NVIDIA Philox
PROMPT_SYNTAXES = ("plain", "a1111", "comfyui", "invokeai")
UPSCALERS = (
    "latent",
    "latent-antialiased",
    "latent-nearest",
    "latent-nearest-exact",
    "latent-bicubic",
    "latent-bicubic-antialiased",
    "lanczos",
    "nearest",
)
DTYPES = ("auto", "float32", "float16", "bfloat16")
MAX_SEED = 2**64 - 1
MAX_STEPS = 1000
MAX_SIDE = 8192
# Guidance and LoRA scales past the peers' own limits (ComfyUI's cfg and LoRA strength inputs
# stop at 100; A1111's CFG slider at 30) make no image, only overflow: NaN/Inf latents, a black
# picture. Refused at the request.
MAX_CFG = 100.0
MAX_LORA_SCALE = 100.0


@dataclass(frozen=True)
class LoraSpec:
    path: str
    scale: float = 1.0
    sha256: str | None = None
    # The text encoders' scale when it differs from the denoiser's (ComfyUI's strength_clip,
    # A1111's <lora:name:te:unet>); None: the same scale for both.
    text_encoder_scale: float | None = None

    def __post_init__(self) -> None:
        if not self.path:
            raise InputError("a LoRA entry has no file path")
        values = (
            (self.scale,)
            if self.text_encoder_scale is None
            else (self.scale, self.text_encoder_scale)
        )
        for value in values:
            if (
                not isinstance(value, (int, float))
                or not math.isfinite(value)
                or abs(value) > MAX_LORA_SCALE
            ):
                raise InputError(
                    f"LoRA scale for {self.path} must be a finite number from "
                    f"{-MAX_LORA_SCALE:g} to {MAX_LORA_SCALE:g}, not {value!r}"
                )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if self.text_encoder_scale is None:  # records written before it existed read the same
            del data["text_encoder_scale"]
        return data

    @property
    def scales(self) -> tuple[float, float]:
        """(denoiser scale, text-encoder scale)."""
        te = self.scale if self.text_encoder_scale is None else self.text_encoder_scale
        return float(self.scale), float(te)


@dataclass(frozen=True)
class HiresSpec:
    """A second pass at a larger size (A1111 "Hires fix", ComfyUI's latent-upscale workflows):
    the first image is upscaled (in latent space or in pixels) and denoised again."""

    width: int
    height: int
    upscaler: str = "latent"
    steps: int = 0  # 0: as many as the first pass (A1111's "Hires steps: 0")
    denoise: float = 0.7

    def __post_init__(self) -> None:
        _check_int("hires width", self.width, 8, MAX_SIDE)
        _check_int("hires height", self.height, 8, MAX_SIDE)
        _check_int("hires steps", self.steps, 0, MAX_STEPS)
        if self.upscaler not in UPSCALERS:
            raise InputError(
                f"unknown hires upscaler {self.upscaler!r}; use one of {', '.join(UPSCALERS)}"
            )
        if not isinstance(self.denoise, (int, float)) or not 0 < self.denoise <= 1:
            raise InputError(f"hires denoise must be in (0, 1], not {self.denoise!r}")


@dataclass(frozen=True)
class RefinerSpec:
    """SDXL's refiner: a second model takes over the same denoising at a fraction of the steps."""

    model: str
    switch_at: float = 0.8
    model_sha256: str | None = None
    # What "at" measures (A1111): "sigma" (its default since 1.8: the share of the training
    # timesteps passed) or "steps" (the share of sampler steps; "Refiner switch by sampling steps")
    switch_by: str = "sigma"

    def __post_init__(self) -> None:
        if not self.model:
            raise InputError("the refiner names no model file")
        if self.switch_by not in ("sigma", "steps"):
            raise InputError(f"refiner switch by must be sigma or steps, not {self.switch_by!r}")
        if not isinstance(self.switch_at, (int, float)) or not 0 < self.switch_at < 1:
            raise InputError(f"refiner switch must be in (0, 1), not {self.switch_at!r}")


@dataclass(frozen=True)
class GenerationParams:
    model: str
    prompt: str
    seed: int
    steps: int = 20
    cfg: float = 7.0
    sampler: str = "Euler a"
    width: int = 512
    height: int = 512
    negative: str = ""
    loras: tuple[LoraSpec, ...] = ()
    init_image: str | None = None
    strength: float | None = None
    clip_skip: int = 1  # A1111 meaning: 1 = last CLIP layer, 2 = the one before it
    device: str = "auto"
    dtype: str = "auto"
    model_sha256: str | None = None
    init_sha256: str | None = None
    # How a peer generator would have run it (see CONVENTIONS); the defaults are the engine's own.
    convention: str = "workstation"
    scheduler: str = ""  # the sigma schedule ("karras", "normal", …); "" = the sampler's default
    prompt_syntax: str = "plain"
    noise: str = "cpu"
    eta_noise_seed_delta: int = 0  # A1111's ENSD: the seed of the per-step noise is seed + ENSD
    subseed: int | None = None  # A1111's variation seed, blended in by `subseed_strength`
    subseed_strength: float = 0.0
    batch_size: int = 1  # noise is drawn for the whole batch; this image is `batch_index`
    batch_index: int = 0
    hires: HiresSpec | None = None
    refiner: RefinerSpec | None = None
    # Textual-inversion files the prompt may name (by file stem), as the generator had them.
    embeddings: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "loras", tuple(self.loras))
        object.__setattr__(self, "embeddings", tuple(self.embeddings))
        if not self.model:
            raise InputError("no model given")
        if not isinstance(self.prompt, str) or not isinstance(self.negative, str):
            raise InputError("prompt and negative prompt must be text")
        check_text("prompt", self.prompt)
        check_text("negative prompt", self.negative)
        for label, path in self._paths():
            check_text(f"{label} file name", path)
        _check_int("seed", self.seed, 0, MAX_SEED)
        _check_int("steps", self.steps, 1, MAX_STEPS)
        _check_int("clip skip", self.clip_skip, 1, 12)
        for name in ("width", "height"):
            value = getattr(self, name)
            _check_int(name, value, 8, MAX_SIDE)
            if value % 8:
                raise InputError(f"{name} must be a multiple of 8, not {value}")
        if not isinstance(self.cfg, (int, float)) or not 0 <= self.cfg <= MAX_CFG:  # NaN too
            raise InputError(f"CFG scale must be a number from 0 to {MAX_CFG:g}, not {self.cfg!r}")
        if self.init_image is None:
            if self.strength is not None:
                raise InputError("strength is only used with an init image (img2img)")
        elif not isinstance(self.strength, (int, float)) or not 0 < self.strength <= 1:
            raise InputError(f"strength must be in (0, 1], not {self.strength!r}")
        if self.device.split(":")[0] not in DEVICES:
            raise InputError(f"unknown device {self.device!r}; use one of {', '.join(DEVICES)}")
        if self.dtype not in DTYPES:
            raise InputError(f"unknown dtype {self.dtype!r}; use one of {', '.join(DTYPES)}")
        for spec in self.loras:
            if not isinstance(spec, LoraSpec):
                raise InputError(f"LoRA entries must be LoraSpec, not {type(spec).__name__}")
        self._check_convention()

    def _paths(self) -> list[tuple[str, str]]:
        """Every file the record will name."""
        paths = [("model", self.model)]
        paths += [("LoRA", spec.path) for spec in self.loras if isinstance(spec, LoraSpec)]
        paths += [("init image", self.init_image)] if isinstance(self.init_image, str) else []
        paths += [("embedding", path) for path in self.embeddings if isinstance(path, str)]
        if isinstance(self.refiner, RefinerSpec):
            paths.append(("refiner", self.refiner.model))
        return paths

    def _check_convention(self) -> None:
        for name, value, allowed in (
            ("convention", self.convention, CONVENTIONS),
            ("noise source", self.noise, NOISE_SOURCES),
            ("prompt syntax", self.prompt_syntax, PROMPT_SYNTAXES),
        ):
            if value not in allowed:
                raise InputError(f"unknown {name} {value!r}; use one of {', '.join(allowed)}")
        if not isinstance(self.scheduler, str):
            raise InputError("the scheduler must be a name")
        _check_int("eta noise seed delta", self.eta_noise_seed_delta, 0, MAX_SEED)
        _check_int("batch size", self.batch_size, 1, 64)
        _check_int("batch index", self.batch_index, 0, self.batch_size - 1)
        if self.subseed is not None:
            _check_int("variation seed", self.subseed, 0, MAX_SEED)
        strength = self.subseed_strength
        if not isinstance(strength, (int, float)) or not 0 <= strength <= 1:
            raise InputError(f"variation strength must be in [0, 1], not {strength!r}")
        if not all(isinstance(path, str) and path for path in self.embeddings):
            raise InputError("embeddings must be file paths")
        if self.embeddings and self.prompt_syntax == "plain":
            raise InputError("embeddings are named in a prompt syntax (a1111, comfyui, invokeai)")
        if self.hires is not None and not isinstance(self.hires, HiresSpec):
            raise InputError("hires must be a HiresSpec")
        if self.refiner is not None and not isinstance(self.refiner, RefinerSpec):
            raise InputError("refiner must be a RefinerSpec")
        if self.convention == "workstation":
            # The engine's own sampling draws CPU noise for one image and knows no second pass.
            peer_only = [
                name
                for name, used in (
                    ("a schedule", bool(self.scheduler)),
                    (f"noise {self.noise}", self.noise != "cpu"),
                    ("ENSD", bool(self.eta_noise_seed_delta)),
                    ("a variation seed", self.subseed is not None and strength > 0),
                    ("a batch", self.batch_size > 1),
                    ("a hires pass", self.hires is not None),
                )
                if used
            ]
            if peer_only:
                raise InputError(
                    f"{', '.join(peer_only)} needs convention a1111 or comfyui, not workstation"
                )

    @property
    def is_img2img(self) -> bool:
        return self.init_image is not None

    def replace(self, **changes: Any) -> GenerationParams:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["loras"] = [spec.to_dict() for spec in self.loras]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GenerationParams:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InputError(f"unknown generation parameter(s): {', '.join(unknown)}")
        values = dict(data)
        try:
            values["loras"] = tuple(LoraSpec(**spec) for spec in data.get("loras", ()))
            values["embeddings"] = tuple(data.get("embeddings", ()))
            if isinstance(data.get("hires"), dict):
                values["hires"] = HiresSpec(**data["hires"])
            if isinstance(data.get("refiner"), dict):
                values["refiner"] = RefinerSpec(**data["refiner"])
            return cls(**values)
        except TypeError as error:
            raise InputError(f"bad generation parameters: {error}") from None


def check_text(name: str, value: str) -> None:
    """Refuse text that cannot be stored as UTF-8 (a lone surrogate: bytes that were not UTF-8
    where the text came from, such as a command line in another encoding)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise InputError(
            f"the {name} is not valid UTF-8 text (character {error.start + 1} is "
            f"{ascii(value[error.start])}); write it in UTF-8"
        ) from None


def _check_int(name: str, value: Any, low: int, high: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise InputError(f"{name} must be a whole number from {low} to {high}, not {value!r}")
