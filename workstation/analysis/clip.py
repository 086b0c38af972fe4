"""CLIP image–image and text–image similarity through open_clip, with local weights only.

A CLIP model is either
- a checkpoint file (.safetensors / .pt / .bin) plus an open_clip architecture name
  (`ViT-B-32`, or a path to an architecture .json, which is registered with open_clip), or
- a folder holding `open_clip_config.json` and its weights (open_clip's `local-dir:` form).
Nothing is fetched: a name that is not an existing file is refused before open_clip sees it, so
open_clip never treats it as a downloadable tag. The checkpoint's SHA-256 goes into every result.

Importing this module imports torch and open_clip (a few seconds); callers import it only when a
model is configured.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import open_clip
import torch
from PIL import Image

from workstation.analysis.clip_result import ClipModelInfo
from workstation.core.canonical import sha256_file
from workstation.core.errors import InputError, ModelError
from workstation.engine.hashing import file_stamp

DEFAULT_ARCH = "ViT-B-32"
CHECKPOINT_SUFFIXES = (".safetensors", ".pt", ".pth", ".bin")
# open_clip's own order of preference inside a `local-dir:` folder.
FOLDER_CHECKPOINT_NAMES = (
    "open_clip_model.safetensors",
    "open_clip_pytorch_model.safetensors",
    "open_clip_pytorch_model.bin",
    "open_clip_pytorch_model.pth",
    "model.safetensors",
    "pytorch_model.bin",
    "pytorch_model.pth",
    "model.pth",
)


class ClipModel:
    """A loaded open_clip model: embeds images and texts as unit vectors (float32 numpy)."""

    def __init__(self, model, preprocess, model_name: str, info: ClipModelInfo):
        self._model = model
        self._preprocess = preprocess
        self._model_name = model_name
        self._tokenizer = None
        self.info = info

    @classmethod
    def load(cls, location: str | Path, arch: str | None = None) -> ClipModel:
        location = Path(location)
        if location.is_dir():
            if arch:
                raise InputError(
                    f"{location} is a model folder; its open_clip_config.json names the "
                    "architecture, so do not also give an architecture name"
                )
            if not (location / "open_clip_config.json").is_file():
                raise ModelError(
                    f"{location} has no open_clip_config.json; point to the checkpoint file "
                    "instead and name its open_clip architecture"
                )
            model_name, pretrained = f"local-dir:{location}", None
            checkpoint = _checkpoint_in_folder(location)
            arch_label = f"local-dir:{location.name}"
        elif location.is_file():
            if location.suffix.lower() not in CHECKPOINT_SUFFIXES:
                raise ModelError(
                    f"{location.name} is not a checkpoint ({', '.join(CHECKPOINT_SUFFIXES)})"
                )
            model_name = _architecture_name(arch or DEFAULT_ARCH)
            pretrained, checkpoint, arch_label = str(location), str(location), model_name
        else:
            raise InputError(f"CLIP model not found: {location} (weights are never downloaded)")

        before = file_stamp(checkpoint)  # unchanged until hashed: the hash is of what loaded
        try:
            model, _, preprocess = open_clip.create_model_and_transforms(
                model_name, pretrained=pretrained, device="cpu"
            )
        except Exception as error:  # any failure here means these weights cannot be used
            detail = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
            raise ModelError(
                f"checkpoint {Path(checkpoint).name} does not load as open_clip architecture "
                f"{arch_label}: {detail[:300]}"
            ) from error
        model.eval()
        checkpoint_sha256 = sha256_file(checkpoint)
        if file_stamp(checkpoint) != before:
            raise ModelError(f"{checkpoint} changed on disk while it was being loaded")
        info = ClipModelInfo(
            arch=arch_label,
            checkpoint=str(Path(checkpoint).resolve()),
            checkpoint_sha256=checkpoint_sha256,
            embed_dim=int(model.text_projection.shape[1])
            if getattr(model, "text_projection", None) is not None
            else int(model.visual.output_dim),
            image_size=int(_image_size(model)),
            open_clip_version=open_clip.__version__,
        )
        return cls(model, preprocess, model_name, info)

    def embed_images(self, images: Sequence[np.ndarray], batch_size: int = 16) -> np.ndarray:
        chunks = []
        for start in range(0, len(images), batch_size):
            batch = torch.stack(
                [
                    self._preprocess(Image.fromarray(rgb))
                    for rgb in images[start : start + batch_size]
                ]
            )
            with torch.inference_mode():
                chunks.append(self._model.encode_image(batch, normalize=True).float().numpy())
        if not chunks:
            return np.zeros((0, self.info.embed_dim), dtype=np.float32)
        return np.concatenate(chunks).astype(np.float32)

    def embed_texts(self, texts: Sequence[str]) -> np.ndarray:
        with torch.inference_mode():
            tokens = self.tokenizer(list(texts))
            return self._model.encode_text(tokens, normalize=True).float().numpy()

    def truncation_note(self, text: str) -> str:
        """Say so when the tokenizer will cut `text` to the model's context length."""
        tokenizer = self.tokenizer
        limit = getattr(tokenizer, "context_length", None)
        if limit is None or not hasattr(tokenizer, "encode"):
            return ""
        count = len(tokenizer.encode(text)) + 2  # with start and end tokens
        if count <= limit:
            return ""
        return f"the prompt has {count} tokens; the model reads the first {limit}"

    @property
    def tokenizer(self):
        if self._tokenizer is None:
            try:
                self._tokenizer = open_clip.get_tokenizer(self._model_name)
            except Exception as error:
                raise ModelError(
                    f"the tokenizer for {self.info.arch} is not available offline: "
                    f"{str(error).splitlines()[0] if str(error) else repr(error)}"
                ) from error
        return self._tokenizer


def _architecture_name(arch: str) -> str:
    """An open_clip architecture name, registering a custom architecture .json if given a path."""
    if arch.endswith(".json"):
        path = Path(arch)
        if not path.is_file():
            raise InputError(f"architecture file not found: {path}")
        _check_architecture_file(path)
        open_clip.add_model_config(path)
        arch = path.stem
    if arch not in open_clip.list_models():
        known = ", ".join(name for name in open_clip.list_models() if name.startswith("ViT-B"))
        raise ModelError(f"unknown open_clip architecture {arch!r} (e.g. {known})")
    return arch


MAX_ARCHITECTURE_BYTES = 1024 * 1024  # an open_clip config is a few hundred bytes


def _check_architecture_file(path: Path) -> None:
    """open_clip parses the file itself: refuse here what would crash it (size, depth, shape)."""
    from workstation.core import bounded_json

    if path.stat().st_size > MAX_ARCHITECTURE_BYTES:
        raise InputError(
            f"{path}: larger than {MAX_ARCHITECTURE_BYTES:,} bytes; not an architecture"
        )
    try:
        config = bounded_json.loads(path.read_bytes())
    except ValueError as error:
        raise InputError(f"{path}: {error}") from None
    if not isinstance(config, dict) or not all(
        isinstance(config.get(key), dict) for key in ("vision_cfg", "text_cfg")
    ):
        raise InputError(f"{path}: not an open_clip architecture (vision_cfg and text_cfg objects)")


def _checkpoint_in_folder(folder: Path) -> str:
    """The weights file open_clip's `local-dir:` loader will pick (its preferred names first)."""
    for name in FOLDER_CHECKPOINT_NAMES:
        if (folder / name).is_file():
            return str(folder / name)
    found = sorted(p for p in folder.iterdir() if p.suffix.lower() in CHECKPOINT_SUFFIXES)
    if len(found) != 1:
        raise ModelError(
            f"{folder} must hold exactly one weights file "
            f"({', '.join(CHECKPOINT_SUFFIXES)}); found {len(found)}"
        )
    return str(found[0])


def _image_size(model) -> int:
    size = getattr(model.visual, "image_size", 224)
    return size[0] if isinstance(size, tuple | list) else size
