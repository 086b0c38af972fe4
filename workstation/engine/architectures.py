"""The model architectures the engine knows (their families are in engine/families/), and the
tokenizers they share.

Each architecture has a config folder under resources/configs/ (diffusers layout, no weights): it
lets a single-file checkpoint load offline. The CLIP tokenizer is built from the BPE vocabulary in
open_clip's wheel; only its settings (pad token, length) live in the config folders. T5's
tokenizer (SD 3.5, Flux.1) is shipped in resources/tokenizers/t5 (see its NOTICE.md).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from workstation.engine.families import ARCHITECTURES, BY_NAME, FAMILIES, Architecture, family_of
from workstation.engine.families.ldm import unet_context_dim
from workstation.engine.families.sd1 import SD_LATENT_RGB
from workstation.engine.families.sdxl import SDXL_LATENT_RGB
from workstation.paths import CONFIGS_DIR, RESOURCES_DIR

# Text-context width -> kind, for LoRAs of the UNet families (tiny/demo widths included).
KIND_BY_CONTEXT = {
    arch.context_dim: arch.kind for arch in ARCHITECTURES if arch.context_dim is not None
}
DEFAULT_SIZE = 512  # for a model whose architecture is not known
T5_TOKENIZER_DIR = RESOURCES_DIR / "tokenizers" / "t5"


def native_size(name: str | None) -> int:
    """The side an architecture (by config name) was trained at: the size a generation gets
    when none is asked for."""
    arch = BY_NAME.get(name or "")
    return arch.native_size if arch else DEFAULT_SIZE


def architecture(context_dim: int, model_channels: int) -> Architecture | None:
    """The UNet architecture with this text-context width and conv_in width."""
    for arch in ARCHITECTURES:
        if (arch.context_dim, arch.model_channels) == (context_dim, model_channels):
            return arch
    return None


def kind_for_context(context_dim: int | None) -> str:
    if context_dim is None:
        return "unknown"
    return KIND_BY_CONTEXT.get(context_dim, "unknown")


def context_label(context_dim: int | None) -> str:
    """For messages: "SD1.x (text context 768)"."""
    return f"{kind_for_context(context_dim)} (text context {context_dim})"


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


def t5_tokenizer(max_length: int) -> Any:
    """T5's SentencePiece tokenizer (T5-XXL / T5 v1.1, 32,100 tokens) from the shipped file."""
    from transformers import T5TokenizerFast

    return T5TokenizerFast(
        tokenizer_file=str(T5_TOKENIZER_DIR / "tokenizer.json"), model_max_length=max_length
    )


__all__ = [
    "ARCHITECTURES",
    "CONFIGS_DIR",
    "BY_NAME",
    "FAMILIES",
    "SDXL_LATENT_RGB",
    "SD_LATENT_RGB",
    "Architecture",
    "family_of",
    "unet_context_dim",
]
