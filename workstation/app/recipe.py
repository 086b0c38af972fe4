"""A generation as the user asks for it: the fields `workstation generate` and the Generate panel
share, with their defaults, turned into the engine's one request, `GenerationParams`.

The rules both front ends follow live here once: a size left open is the model's native size,
files are named by absolute path (the record's hashes say which bytes they were), an init image
without a strength gets `DEFAULT_STRENGTH`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from workstation.app.requests import option
from workstation.core.errors import InputError
from workstation.core.params import (
    CONVENTIONS,
    DEVICES,
    DTYPES,
    NOISE_SOURCES,
    PROMPT_SYNTAXES,
    GenerationParams,
    LoraSpec,
    RefinerSpec,
)

DEFAULT_STRENGTH = 0.75


def parse_lora(text: str) -> LoraSpec:
    """PATH or PATH:SCALE; a Windows drive letter's colon is part of the path."""
    path, sep, scale = text.rpartition(":")
    if sep and path and not path.endswith(("\\", "/")) and len(path) > 1:
        try:
            return LoraSpec(path, float(scale))
        except ValueError:
            pass
    return LoraSpec(text, 1.0)


@dataclass(frozen=True, kw_only=True)
class Recipe:
    model: Path = option(help="diffusers folder or checkpoint")
    prompt: str = option(help="what the image shows")
    negative: str = option(GenerationParams.negative, help="negative prompt")
    seed: int = option(0, required=True, help="the seed (a sweep sets its own)")
    steps: int = option(GenerationParams.steps, help="denoising steps")
    cfg: float = option(GenerationParams.cfg, help="CFG scale")
    sampler: str = option(
        GenerationParams.sampler,
        help="in the convention's names: 'DPM++ 2M Karras' (workstation, a1111), "
        "'dpmpp_2m' (comfyui)",
    )
    convention: str = option(
        GenerationParams.convention,
        choices=CONVENTIONS,
        help="whose sampling to follow: the engine's own, A1111/Forge's or ComfyUI's",
    )
    scheduler: str = option(
        GenerationParams.scheduler,
        help="sigma schedule for a1111/comfyui (Karras, karras, normal, …); "
        "default: the sampler's own",
    )
    prompt_syntax: str | None = option(
        None,
        choices=PROMPT_SYNTAXES,
        help="how weights like (word:1.2) are read; default: the convention's own "
        "(plain for workstation)",
    )
    noise: str | None = option(
        None,
        choices=NOISE_SOURCES,
        help="initial noise: cpu, gpu or nv (NVIDIA's generator on any device); default cpu, "
        "gpu for a1111",
    )
    refiner: Path | None = option(
        None,
        metavar="MODEL",
        help="SDXL refiner that takes over the denoising",
    )
    refiner_switch: float = option(0.8, help="fraction of the denoising done before the refiner")
    batch_size: int = option(1, help="noise drawn for a batch of this many (comfyui/a1111)")
    batch_index: int = option(0, help="which image of the batch (0-based)")
    width: int | None = option(None, help="width in pixels (default: the model's native size)")
    height: int | None = option(None, help="height in pixels (default: the model's native size)")
    loras: tuple[LoraSpec, ...] = option(
        (),
        flag="--lora",
        parse=parse_lora,
        metavar="PATH[:SCALE]",
        help="apply a LoRA (repeatable; scale defaults to 1)",
    )
    clip_skip: int = option(GenerationParams.clip_skip, help="A1111 clip skip (1 = none)")
    init: Path | None = option(None, help="init image: img2img instead of txt2img")
    strength: float | None = option(
        None, help=f"img2img denoising strength (default {DEFAULT_STRENGTH})"
    )
    device: str = option(GenerationParams.device, choices=DEVICES)
    dtype: str = option(GenerationParams.dtype, choices=DTYPES)

    def replace(self, **changes: Any) -> Recipe:
        return replace(self, **changes)

    def params(self) -> GenerationParams:
        """The engine's request: files checked and named by absolute path, the size settled.
        InputError for anything that cannot run (before a model is loaded)."""
        from workstation.engine.architectures import native_size
        from workstation.engine.generate import sampler_name
        from workstation.engine.library import identify

        if self.init is not None and not self.init.is_file():
            raise InputError(f"{self.init}: init image not found")
        if self.strength is not None and self.init is None:
            raise InputError("a strength needs an init image (img2img)")
        if self.refiner is not None and not self.refiner.exists():
            raise InputError(f"{self.refiner}: refiner model not found")
        for spec in self.loras:
            if not Path(spec.path).is_file():
                raise InputError(f"{spec.path}: LoRA file not found")
        native = None
        if self.width is None or self.height is None:
            arch = identify(self.model).architecture  # not hashed: loading hashes it
            native = native_size(arch.name if arch else None)
        syntax = self.prompt_syntax or (
            "plain" if self.convention == "workstation" else self.convention
        )
        noise = self.noise or ("gpu" if self.convention == "a1111" else "cpu")
        params = GenerationParams(
            model=str(self.model.absolute()),
            prompt=self.prompt,
            negative=self.negative,
            seed=self.seed,
            steps=self.steps,
            cfg=self.cfg,
            sampler=self.sampler,
            width=self.width or native,
            height=self.height or native,
            loras=tuple(LoraSpec(str(Path(s.path).absolute()), s.scale) for s in self.loras),
            init_image=str(self.init.absolute()) if self.init else None,
            strength=(DEFAULT_STRENGTH if self.strength is None else self.strength)
            if self.init
            else None,
            clip_skip=self.clip_skip,
            device=self.device,
            dtype=self.dtype,
            convention=self.convention,
            scheduler=self.scheduler,
            prompt_syntax=syntax,
            noise=noise,
            batch_size=self.batch_size,
            batch_index=self.batch_index,
            refiner=None
            if self.refiner is None
            else RefinerSpec(str(self.refiner.absolute()), self.refiner_switch),
        )
        sampler_name(params)  # an unknown name fails now, not after the model loaded
        return params
