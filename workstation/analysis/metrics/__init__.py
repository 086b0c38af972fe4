"""The metric registry: every similarity metric the workstation measures, in the order shown.

Each metric is a `Metric` (base.py) declared in one module of this package, with its
direction, bands and their sources, what it needs, its words in English and Chinese, how it
measures a `Pair` (shared.py) and, optionally, a picture. Importing the registry is light (no
OpenCV, scikit-image or SciPy): the window reads it for its labels at start; what measures
imports `metrics.shared`. The comparison (`analysis/pair.py`),
the studies, the GUI tables, the report (its tables and methods section) and the calibration
benchmark iterate `METRICS` and never name a metric.

Adding a metric: write a module here that declares it (see colour.py), add its tuple below,
and run `benchmarks/calibrate_bands.py --metrics NAME` to calibrate its bands.
"""

from __future__ import annotations

from workstation.analysis.metrics import clip, colour, hashes, keypoints, ssim
from workstation.analysis.metrics.base import CLIP_MODEL, COMMON_FRAME, Metric, Reading, Words

METRICS: tuple[Metric, ...] = (
    *hashes.METRICS,
    *ssim.METRICS,
    *colour.METRICS,
    *keypoints.METRICS,
    *clip.METRICS,
)
_BY_NAME = {metric.name: metric for metric in METRICS}
_BY_COLUMN = {metric.study_column: metric for metric in METRICS if metric.study_column}


def get(name: str) -> Metric:
    return _BY_NAME[name]


def find(name: str) -> Metric | None:
    """The metric of a reading or record, None for a name this version does not know."""
    return _BY_NAME.get(name)


def of_column(column: str) -> Metric | None:
    """The metric a study column holds (e.g. "phash_distance"), None for other columns."""
    return _BY_COLUMN.get(column)


def banded() -> tuple[Metric, ...]:
    return tuple(metric for metric in METRICS if metric.bands is not None)


def for_studies(with_clip: bool) -> tuple[Metric, ...]:
    """The metrics a study measures each output with: those with a study column whose needs
    the study can meet (CLIP only with a model)."""
    return tuple(
        metric
        for metric in METRICS
        if metric.study_column and (with_clip or CLIP_MODEL not in metric.needs)
    )


__all__ = [
    "COMMON_FRAME",
    "METRICS",
    "Metric",
    "Reading",
    "Words",
    "banded",
    "find",
    "for_studies",
    "get",
    "of_column",
]
