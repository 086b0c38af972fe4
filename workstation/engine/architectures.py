"""The model architectures the engine knows, and how to tell them apart from tensor shapes.

Each architecture has a config folder under resources/configs/ (diffusers layout, no weights): it
lets a single-file checkpoint load offline. The CLIP tokenizer is built from the BPE vocabulary in
open_clip's wheel; only its settings (pad token, length) live in the config folders.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from workstation.paths import CONFIGS_DIR

# Approximate latent -> RGB maps for previews (rows: latent channels), as in ComfyUI's latent
# formats.
SD_LATENT_RGB = (
    (0.3512, 0.2297, 0.3227),
    (0.3250, 0.4974, 0.2350),
    (-0.2829, 0.1762, 0.2721),
    (-0.2120, -0.2616, -0.7177),
)
SDXL_LATENT_RGB = (
    (0.3651, 0.4232, 0.4341),
    (-0.2533, -0.0042, 0.1068),
    (0.1076, 0.1111, -0.0362),
    (-0.3165, -0.2492, -0.2188),
)
SDXL_LATENT_RGB_BIAS = (0.1084, -0.0175, -0.0011)


@dataclass(frozen=True)
class Architecture:
    name: str  # config folder name
    kind: str  # what users call it: SD1.x, SD2.x, SDXL
    label: str
    context_dim: int  # width of the text conditioning the UNet cross-attends to
    model_channels: int  # UNet conv_in output channels
    native_size: int
    pipeline: str  # diffusers class name for txt2img
    latent_rgb: tuple[tuple[float, float, float], ...] = SD_LATENT_RGB
    latent_rgb_bias: tuple[float, float, float] = (0.0, 0.0, 0.0)

    @property
    def config_dir(self) -> Path:
        return CONFIGS_DIR / self.name


ARCHITECTURES = (
    Architecture("sd1", "SD1.x", "Stable Diffusion 1.x", 768, 320, 512, "StableDiffusionPipeline"),
    Architecture("sd2", "SD2.x", "Stable Diffusion 2.x", 1024, 320, 768, "StableDiffusionPipeline"),
    Architecture(
        "sdxl",
        "SDXL",
        "Stable Diffusion XL base",
        2048,
        320,
        1024,
        "StableDiffusionXLPipeline",
        SDXL_LATENT_RGB,
        SDXL_LATENT_RGB_BIAS,
    ),
    Architecture(
        "tiny-sd", "SD1.x", "tiny SD1.x-layout test model", 32, 32, 64, "StableDiffusionPipeline"
    ),
    # The bundled demo model and the models `workstation train` / the lab make from it.
    Architecture(
        "demo-64", "SD1.x", "64 px SD1.x-layout demo model", 64, 32, 64, "StableDiffusionPipeline"
    ),
)
BY_NAME = {arch.name: arch for arch in ARCHITECTURES}
KIND_BY_CONTEXT = {768: "SD1.x", 1024: "SD2.x", 2048: "SDXL"}
DEFAULT_SIZE = 512  # for a model whose architecture is not known


def native_size(name: str | None) -> int:
    """The side an architecture (by config name) was trained at: the size a generation gets
    when none is asked for."""
    arch = BY_NAME.get(name or "")
    return arch.native_size if arch else DEFAULT_SIZE


def architecture(context_dim: int, model_channels: int) -> Architecture | None:
    for arch in ARCHITECTURES:
        if (arch.context_dim, arch.model_channels) == (context_dim, model_channels):
            return arch
    return None


def kind_for_context(context_dim: int | None) -> str:
    if context_dim is None:
        return "unknown"
    arch = next((a for a in ARCHITECTURES if a.context_dim == context_dim), None)
    return arch.kind if arch else KIND_BY_CONTEXT.get(context_dim, "unknown")


def context_label(context_dim: int | None) -> str:
    """For messages: "SD1.x (text context 768)"."""
    return f"{kind_for_context(context_dim)} (text context {context_dim})"


_ATTN2_TO_K = re.compile(r"attn2\.to_k\.weight$")


def unet_context_dim(shapes: dict[str, tuple[int, ...]], prefix: str) -> int | None:
    """The cross-attention width of a UNet: in-features of any attn2.to_k weight."""
    for name, shape in shapes.items():
        if name.startswith(prefix) and _ATTN2_TO_K.search(name) and len(shape) == 2:
            return shape[1]
    return None


@lru_cache(maxsize=1)
def clip_vocab() -> tuple[dict[str, int], list[tuple[str, str]]]:
    """CLIP's 49,408-token vocabulary and merges, derived from open_clip's BPE file."""
    import gzip

    from open_clip.tokenizer import bytes_to_unicode, default_bpe

    with gzip.open(default_bpe()) as stream:
        lines = stream.read().decode("utf-8").split("\n")[1 : 49152 - 256 - 2 + 1]
    merges = [tuple(line.split()) for line in lines]
    tokens = list(bytes_to_unicode().values())
    tokens += [token + "</w>" for token in tokens]
    tokens += ["".join(merge) for merge in merges]
    tokens += ["<|startoftext|>", "<|endoftext|>"]
    return {token: index for index, token in enumerate(tokens)}, merges


def clip_tokenizer(settings_dir: Path) -> Any:
    """A CLIPTokenizer with the settings in `settings_dir/tokenizer_config.json`: CLIP's own
    vocabulary, or the folder's `tokenizer.json` when it has one (the demo model's is pruned)."""
    from transformers import CLIPTokenizer

    if (settings_dir / "tokenizer.json").is_file():
        return CLIPTokenizer.from_pretrained(settings_dir, local_files_only=True)
    settings = json.loads((settings_dir / "tokenizer_config.json").read_text(encoding="utf-8"))
    vocab, merges = clip_vocab()
    return CLIPTokenizer(vocab=dict(vocab), merges=list(merges), **settings)
