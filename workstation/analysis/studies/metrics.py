"""How close each study output is to a reference: pHash distance, SSIM, CLIP cosine when configured.

A lighter cousin of `pair.compare_images` (no keypoints, no crop-resistant hash), computed the same
way: imagehash's pHash on each whole image, SSIM at the reference's size with the output resized to
it (`pair.common_frame`), CLIP image–image cosine of unit embeddings. Bands are `bands.py`'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from workstation.analysis import bands, hashes
from workstation.analysis.images import LoadedImage, image_from_array
from workstation.analysis.pair import common_frame
from workstation.analysis.structure import compare_structure

if TYPE_CHECKING:
    from workstation.analysis.clip import ClipModel

# Metric name -> (label for tables and plots, which direction is closer, band name in bands.py)
METRICS = {
    "phash_distance": ("pHash distance (bits of 64)", "lower", "phash"),
    "ssim": ("SSIM", "higher", "ssim"),
    "clip": ("CLIP cosine", "higher", None),
}


@dataclass(frozen=True)
class Reference:
    image: LoadedImage
    phash: object  # imagehash.ImageHash
    clip_embedding: np.ndarray | None


def prepare(reference: LoadedImage, clip_model: ClipModel | None = None) -> Reference:
    phash = hashes.image_hashes(reference.rgb, ("phash",))["phash"]
    embedding = clip_model.embed_images([reference.rgb])[0] if clip_model else None
    return Reference(reference, phash, embedding)


def measure(
    reference: Reference, outputs: Sequence[np.ndarray], clip_model: ClipModel | None = None
) -> list[dict[str, float | int]]:
    """One dict per output: phash_distance, ssim and (with a CLIP model) clip."""
    embeddings = clip_model.embed_images(list(outputs)) if clip_model and outputs else None
    results = []
    for index, rgb in enumerate(outputs):
        phash = hashes.image_hashes(rgb, ("phash",))["phash"]
        frame_ref, frame_out = common_frame(reference.image, image_from_array(rgb), [])
        values: dict[str, float | int] = {
            "phash_distance": int(reference.phash - phash),
            "ssim": round(compare_structure(frame_ref, frame_out).ssim, 6),
        }
        if embeddings is not None:
            values["clip"] = round(float(embeddings[index] @ reference.clip_embedding), 6)
        results.append(values)
    return results


def metric_names(clip_model: ClipModel | None) -> list[str]:
    return ["phash_distance", "ssim"] + (["clip"] if clip_model else [])


def band_of(metric: str, value: float) -> str | None:
    band = METRICS[metric][2]
    return bands.BANDS[band].band(value) if band else None


def band_lines(metric: str) -> list[tuple[str, float]]:
    """(band name, threshold) to draw on a plot of `metric`; none for CLIP (no calibrated band)."""
    band = METRICS[metric][2]
    if band is None:
        return []
    found = bands.BANDS[band]
    lines = [(bands.SIMILAR, found.similar)]
    if found.near_duplicate is not None:
        lines.insert(0, (bands.NEAR, found.near_duplicate))
    return lines


def near_duplicate_share(points: Sequence[dict], metrics: Sequence[str]) -> dict[str, dict]:
    """Per banded metric: how many outputs fall in the near-duplicate band, and the rule."""
    shares = {}
    for metric in metrics:
        band = METRICS[metric][2]
        if band is None or not points:
            continue
        found = bands.BANDS[band]
        count = sum(1 for p in points if found.band(p[metric]) == bands.NEAR)
        shares[metric] = {
            "count": count,
            "of": len(points),
            "fraction": round(count / len(points), 6),
            "rule": found.rule(),
        }
    return shares
