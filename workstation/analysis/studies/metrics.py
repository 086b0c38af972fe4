"""How close each study output is to a reference: the registry's study metrics and their bands.

A lighter cousin of `pair.compare_images`: only the metrics that declare a study column
(`analysis/metrics/`: pHash distance, SSIM and others, and CLIP cosine when a model is given),
each measured exactly as in a comparison with the reference as A and the output as B. The
reference's own parts (its hashes, its CLIP embedding) are computed once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from workstation.analysis import bands, metrics
from workstation.analysis.images import LoadedImage, image_from_array
from workstation.analysis.metrics import Metric
from workstation.analysis.metrics.shared import Pair, Side

if TYPE_CHECKING:
    from workstation.analysis.clip import ClipModel


def prepare(reference: LoadedImage, clip_model: ClipModel | None = None) -> Side:
    embedding = clip_model.embed_images([reference.rgb])[0] if clip_model else None
    return Side(reference, embedding)


def measure(
    reference: Side, outputs: Sequence[np.ndarray], clip_model: ClipModel | None = None
) -> list[dict[str, float | int]]:
    """One dict per output: each study metric's column and value."""
    chosen = metrics.for_studies(clip_model is not None)
    embeddings = clip_model.embed_images(list(outputs)) if clip_model and outputs else None
    results = []
    for index, rgb in enumerate(outputs):
        output = Side(image_from_array(rgb), None if embeddings is None else embeddings[index])
        pair = Pair(reference, output, clip_model)
        results.append({metric.study_column: metric.compute(pair) for metric in chosen})
    return results


def metric_names(clip_model: ClipModel | None) -> list[str]:
    """The study columns measured with (or without) a CLIP model."""
    return [metric.study_column for metric in metrics.for_studies(clip_model is not None)]


def metric_of(column: str) -> Metric:
    return metrics.of_column(column)


def band_column(column: str) -> str | None:
    """The column holding the band of the metric in `column`; None when it has no bands."""
    metric = metric_of(column)
    return f"{metric.name}_band" if metric.bands else None


def band_of(column: str, value: float) -> str | None:
    metric = metric_of(column)
    return metric.band(value) if metric.bands else None


def near_duplicate_share(points: Sequence[dict], columns: Sequence[str]) -> dict[str, dict]:
    """Per banded metric: how many outputs fall in the near-duplicate band, and the rule."""
    shares = {}
    for column in columns:
        metric = metric_of(column)
        if metric.bands is None or not points:
            continue
        count = sum(1 for p in points if metric.band(p[column]) == bands.NEAR)
        shares[column] = {
            "count": count,
            "of": len(points),
            "fraction": round(count / len(points), 6),
            "rule": metric.rule(),
        }
    return shares
