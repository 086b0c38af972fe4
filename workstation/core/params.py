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
DTYPES = ("auto", "float32", "float16", "bfloat16")
MAX_SEED = 2**64 - 1
MAX_STEPS = 1000
MAX_SIDE = 8192


@dataclass(frozen=True)
class LoraSpec:
    path: str
    scale: float = 1.0
    sha256: str | None = None

    def __post_init__(self) -> None:
        if not self.path:
            raise InputError("a LoRA entry has no file path")
        if not isinstance(self.scale, (int, float)) or not math.isfinite(self.scale):
            raise InputError(
                f"LoRA scale for {self.path} must be a finite number, not {self.scale!r}"
            )


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

    def __post_init__(self) -> None:
        object.__setattr__(self, "loras", tuple(self.loras))
        if not self.model:
            raise InputError("no model given")
        if not isinstance(self.prompt, str) or not isinstance(self.negative, str):
            raise InputError("prompt and negative prompt must be text")
        _check_int("seed", self.seed, 0, MAX_SEED)
        _check_int("steps", self.steps, 1, MAX_STEPS)
        _check_int("clip skip", self.clip_skip, 1, 12)
        for name in ("width", "height"):
            value = getattr(self, name)
            _check_int(name, value, 8, MAX_SIDE)
            if value % 8:
                raise InputError(f"{name} must be a multiple of 8, not {value}")
        if not isinstance(self.cfg, (int, float)) or not math.isfinite(self.cfg) or self.cfg < 0:
            raise InputError(f"CFG scale must be a number ≥ 0, not {self.cfg!r}")
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

    @property
    def is_img2img(self) -> bool:
        return self.init_image is not None

    def replace(self, **changes: Any) -> GenerationParams:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["loras"] = [asdict(spec) for spec in self.loras]
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
            return cls(**values)
        except TypeError as error:
            raise InputError(f"bad generation parameters: {error}") from None


def _check_int(name: str, value: Any, low: int, high: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise InputError(f"{name} must be a whole number from {low} to {high}, not {value!r}")
