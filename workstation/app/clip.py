"""Which CLIP model measures semantic similarity: a local open_clip checkpoint (or folder) and,
for a bare checkpoint file, its architecture. Nothing is ever downloaded.

The command line takes it from `--clip-model`/`--clip-arch` or the environment; the window from
its preferences. Empty: no CLIP measures.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workstation.app.requests import option

CLIP_MODEL_ENV = "WORKSTATION_CLIP_MODEL"
CLIP_ARCH_ENV = "WORKSTATION_CLIP_ARCH"
DEFAULT_ARCH = "ViT-B-32"  # what open_clip checkpoints most often are (analysis/clip.py's too)


@dataclass(frozen=True, kw_only=True)
class ClipChoice:
    model: Path | None = option(
        None,
        flag="--clip-model",
        metavar="PATH",
        env=CLIP_MODEL_ENV,
        help="local open_clip checkpoint file, or a folder with open_clip_config.json; nothing "
        "is downloaded",
    )
    arch: str | None = option(
        None,
        flag="--clip-arch",
        metavar="NAME",
        env=CLIP_ARCH_ENV,
        help=f"open_clip architecture of a checkpoint file, e.g. {DEFAULT_ARCH}, or an "
        f"architecture .json (else {DEFAULT_ARCH})",
    )

    @classmethod
    def of(cls, model: str | Path | None, arch: str | None = None) -> ClipChoice:
        """From settings kept as text (empty: none)."""
        return cls(model=Path(model) if model else None, arch=arch or None)
