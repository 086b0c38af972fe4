"""CLIP results without torch: model identity, cosines, and the "not configured" result.

Kept apart from `clip.py` so that a comparison without a CLIP model never imports torch.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class ClipModelInfo:
    arch: str
    checkpoint: str
    checkpoint_sha256: str
    embed_dim: int
    image_size: int
    open_clip_version: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class ClipResult:
    status: str  # "computed" or "not configured"
    message: str
    model: ClipModelInfo | None = None
    image_similarity: float | None = None  # cosine of the two image embeddings, −1 … 1
    prompt: str | None = None
    text_similarity_a: float | None = None  # cosine of the prompt's and image A's embeddings
    text_similarity_b: float | None = None

    def to_dict(self) -> dict:
        return {
            "status": self.status,
            "message": self.message,
            "model": self.model.to_dict() if self.model else None,
            "image_similarity": _rounded(self.image_similarity),
            "prompt": self.prompt,
            "text_similarity_a": _rounded(self.text_similarity_a),
            "text_similarity_b": _rounded(self.text_similarity_b),
        }


def compare_embeddings(
    embedding_a: np.ndarray,
    embedding_b: np.ndarray,
    info: ClipModelInfo,
    prompt: str | None = None,
    text_embedding: np.ndarray | None = None,
    prompt_note: str = "",
) -> ClipResult:
    """Cosines of unit embeddings (pure: vectors in, result out)."""
    text_a = text_b = None
    if text_embedding is not None:
        text_a = float(np.dot(text_embedding, embedding_a))
        text_b = float(np.dot(text_embedding, embedding_b))
    message = (
        f"CLIP {info.arch} ({Path(info.checkpoint).name}, sha256 {info.checkpoint_sha256[:12]}…)"
    )
    if prompt_note:
        message += f"; {prompt_note}"
    return ClipResult(
        status="computed",
        message=message,
        model=info,
        image_similarity=float(np.dot(embedding_a, embedding_b)),
        prompt=prompt,
        text_similarity_a=text_a,
        text_similarity_b=text_b,
    )


def not_configured(prompt: str | None = None) -> ClipResult:
    message = "no CLIP model configured: CLIP similarity was not computed"
    if prompt:
        message += "; the prompt was therefore not compared with the images"
    return ClipResult(status="not configured", message=message, prompt=prompt)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 6)
