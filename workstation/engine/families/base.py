"""What the engine knows about one model family, in one object.

A `Family` (SD 1.x, SDXL, SD 3.5, Flux.1, ...) says what its models can do and how to recognise
them; an `Architecture` is one of its variants with a shipped config folder under
resources/configs/ (diffusers layout, no weights) that lets a single file load offline.
Each family lives in its own module of this package; the registry in `__init__` lists them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workstation.paths import CONFIGS_DIR

Shapes = Mapping[str, tuple[int, ...]]
RGB = tuple[float, float, float]
# A transformer's original single-file layout: (original key, diffusers keys, swap halves).
# One original tensor is the diffusers tensors concatenated along dim 0 (fused qkv), or one
# tensor with its (shift, scale) halves stored the other way round (final adaLN).
KeyMap = list[tuple[str, tuple[str, ...], bool]]


@dataclass(frozen=True)
class Architecture:
    """One variant of a family: the config folder a single file of it loads with."""

    name: str  # config folder name under resources/configs/
    family: str  # Family.name
    kind: str  # what users call it: SD1.x, SDXL, SD3, Flux.1
    label: str
    native_size: int
    context_dim: int | None = None  # UNet cross-attention width (SD families)
    model_channels: int | None = None  # UNet conv_in channels; a transformer's hidden size
    depth: int | None = None  # transformer blocks (SD3: joint, Flux: double)

    @property
    def config_dir(self) -> Path:
        return CONFIGS_DIR / self.name


@dataclass(frozen=True)
class Detection:
    """What a file or folder is, from its tensor names and shapes (or its configs)."""

    kind: str
    architecture: Architecture | None
    detail: str
    context_dim: int | None = None


@dataclass(frozen=True)
class Family:
    name: str  # module name: sd1, sd2, sdxl, sd3, flux
    kind: str  # label users know, stored in ModelInfo.kind: SD1.x, SD2.x, SDXL, SD3, Flux.1
    label: str
    latent_channels: int
    size_multiple: int  # width and height must be multiples of this
    native_size: int
    text_encoders: tuple[str, ...]  # clip-l, open-clip-h, clip-g, t5-xxl
    supports_cfg: bool
    supports_negative: bool
    supports_clip_skip: bool
    latent_rgb: tuple[RGB, ...]  # rows: latent channels (ComfyUI's latent_formats)
    latent_rgb_bias: RGB
    denoiser_class: str  # diffusers class names: the UNet or transformer, the pipelines
    txt2img_pipeline: str
    img2img_pipeline: str
    sampling: str  # "discrete" (eps/v, DDPM training sigmas) or "flow" (rectified flow)
    architectures: tuple[Architecture, ...]
    # Packed latents: the pipeline's latents are 2x2 patches as tokens [B, H/2*W/2, C*4] (Flux).
    packed_latents: bool = False
    trainable: bool = False  # engine/training.py fine-tunes it
    # Tensor names and shapes -> Detection, or None when the file is not of this family.
    detect: Callable[[Shapes], Detection | None] = field(default=lambda shapes: None)
    # A diffusers folder's model_index.json `_class_name` values this family loads.
    folder_pipelines: tuple[str, ...] = ()
    # Keyword arguments its pipelines are built with (no safety checker, no watermark: the image
    # is the model's output, unaltered).
    pipeline_options: Mapping[str, Any] = field(default_factory=dict)
    # LoRA shapes -> whether it fits this family (None: the LoRA's family cannot be told).
    lora_fits: Callable[[Shapes], bool | None] = field(default=lambda shapes: None)
    # LoRA key mapping hook for engine/lora.py: a file's key -> (component, module path) or None.
    lora_key: Callable[[str], tuple[str, str] | None] = field(default=lambda key: None)
    # Transformer families: config -> the original single-file names of its tensors.
    transformer_keys: Callable[[dict[str, Any]], KeyMap] | None = None
    # A refiner (SDXL's): loaded only to take over a base model's denoising, never a base.
    refiner: bool = False

    def check_size(self, width: int, height: int) -> str | None:
        """Why this size cannot be generated, or None."""
        for name, value in (("width", width), ("height", height)):
            if value % self.size_multiple:
                multiple = self.size_multiple
                return f"{name} must be a multiple of {multiple} for {self.kind}, not {value}"
        return None

    def call_options(self, negative: str, cfg: float, clip_skip: int) -> dict[str, Any]:
        """The pipeline call's guidance, negative prompt and clip skip, as this family takes
        them: Flux.1 takes no negative prompt or clip skip, and its `guidance_scale` is dev's
        distilled guidance input (schnell ignores it)."""
        options: dict[str, Any] = {"guidance_scale": cfg}
        if self.supports_negative:
            options["negative_prompt"] = negative or None
        if self.supports_clip_skip:
            options["clip_skip"] = clip_skip - 1 or None  # A1111's 1 = diffusers' None
        return options

    def native_scheduler(self, config: Mapping[str, Any]) -> Any:
        """The scheduler of the workstation's own convention for a flow family: the model's
        FlowMatchEulerDiscreteScheduler with its own config (shift, dynamic shifting)."""
        from diffusers import FlowMatchEulerDiscreteScheduler

        if self.sampling != "flow":
            raise ValueError(f"{self.kind} models sample with the discrete samplers")
        return FlowMatchEulerDiscreteScheduler.from_config(dict(config))

    def latent_shape(self, width: int, height: int) -> tuple[int, int, int]:
        """(channels, height, width) of the unpacked latent for an image of this size."""
        return self.latent_channels, height // 8, width // 8

    def unpack(self, latents: Any, width: int, height: int) -> Any:
        """The pipeline's latents as [B, C, H/8, W/8] (Flux packs them as 2x2 patch tokens)."""
        if not self.packed_latents:
            return latents
        batch, _, packed = latents.shape
        channels = packed // 4
        rows, cols = height // 16, width // 16
        latents = latents.view(batch, rows, cols, channels, 2, 2).permute(0, 3, 1, 4, 2, 5)
        return latents.reshape(batch, channels, rows * 2, cols * 2)

    def variant(self, name: str) -> Architecture:
        return next(arch for arch in self.architectures if arch.name == name)


def transformer_prefix(shapes: Shapes, block: str) -> str | None:
    """Where a transformer file keeps its blocks: under ComfyUI's "model.diffusion_model." or
    at the top level (its makers' own files); None when `block` is in neither."""
    for prefix in ("model.diffusion_model.", ""):
        if prefix + block in shapes:
            return prefix
    return None


def block_count(shapes: Shapes, prefix: str, group: str) -> int:
    """How many numbered blocks `prefix + group + ".N."` a file has."""
    start = prefix + group + "."
    return len({name[len(start) :].split(".")[0] for name in shapes if name.startswith(start)})


def has_prefix(shapes: Shapes, *prefixes: str) -> bool:
    return any(name.startswith(prefixes) for name in shapes)


def _swap_halves(tensor: Any) -> Any:
    import torch

    first, second = tensor.chunk(2, dim=0)
    return torch.cat([second, first], dim=0)


def to_diffusers(state: Mapping[str, Any], keys: KeyMap, shapes: Shapes) -> dict[str, Any]:
    """Original-layout tensors -> diffusers names; fused tensors split by the diffusers model's
    own shapes. A missing or unused key is a KeyError/ValueError naming it."""
    out = {}
    for original, parts, swap in keys:
        tensor = state[original]
        if swap:
            tensor = _swap_halves(tensor)
        sizes = [shapes[part][0] for part in parts]
        if sum(sizes) != tensor.shape[0]:
            raise ValueError(f"{original}: shape {tuple(tensor.shape)} does not fit the config")
        for part, piece in zip(parts, tensor.split(sizes, dim=0), strict=True):
            out[part] = piece.contiguous()
    unused = set(state) - {original for original, _, _ in keys}
    if unused:
        raise ValueError(f"unexpected tensors: {', '.join(sorted(unused)[:3])}")
    return out


def to_original(state: Mapping[str, Any], keys: KeyMap) -> dict[str, Any]:
    """diffusers names -> the original layout (the inverse of `to_diffusers`)."""
    import torch

    out = {}
    for original, parts, swap in keys:
        tensor = torch.cat([state[part] for part in parts], dim=0)
        out[original] = (_swap_halves(tensor) if swap else tensor).contiguous()
    return out


def linear(original: str, diffusers: str, bias: bool = True) -> KeyMap:
    """A weight (and bias) renamed."""
    suffixes = ("weight", "bias") if bias else ("weight",)
    return [(f"{original}.{s}", (f"{diffusers}.{s}",), False) for s in suffixes]


def fused(original: str, diffusers: tuple[str, ...], swap: bool = False) -> KeyMap:
    """A fused linear (qkv): weight and bias split into the diffusers projections."""
    return [
        (f"{original}.{s}", tuple(f"{d}.{s}" for d in diffusers), swap) for s in ("weight", "bias")
    ]
