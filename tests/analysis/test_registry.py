"""The metric registry: what it holds, which way each metric points, and its words."""

from __future__ import annotations

import re

import pytest

from workstation.analysis import metrics
from workstation.analysis.metrics.base import CLIP_MODEL, LANGUAGES

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_the_registry_holds_every_metric_once_with_its_direction():
    directions = {metric.name: metric.closer for metric in metrics.METRICS}
    assert directions == {
        "ahash": "lower",
        "dhash": "lower",
        "phash": "lower",
        "whash": "lower",
        "colorhash": "lower",
        "crop_resistant": "higher",
        "ssim": "higher",
        "colour_histogram": "lower",
        "keypoint_inliers": "higher",
        "registered_ssim": "higher",
        "clip_image": "higher",
    }
    assert len({metric.name for metric in metrics.METRICS}) == len(metrics.METRICS)
    columns = [m.study_column for m in metrics.METRICS if m.study_column]
    assert len(set(columns)) == len(columns)
    pictures = [m.picture.name for m in metrics.METRICS if m.picture]
    assert len(set(pictures)) == len(pictures)


def test_lookups():
    assert metrics.get("phash").study_column == "phash_distance"
    assert metrics.of_column("phash_distance") is metrics.get("phash")
    assert metrics.find("no such metric") is None and metrics.of_column("seed") is None
    assert metrics.get("clip_image") not in metrics.for_studies(with_clip=False)
    assert metrics.get("clip_image") in metrics.for_studies(with_clip=True)


@pytest.mark.parametrize("metric", metrics.METRICS, ids=lambda m: m.name)
def test_every_metric_speaks_both_languages(metric):
    assert set(metric.words) == set(LANGUAGES)
    for language, words in metric.words.items():
        assert all((words.name, words.label, words.short, words.measures, words.limits)), language
    zh = metric.words["zh"]
    assert CJK.search(zh.measures) and CJK.search(zh.limits)
    if metric.picture:
        assert set(metric.picture.words) == set(LANGUAGES)
        assert CJK.search(metric.picture.words["zh"].title)


@pytest.mark.parametrize("metric", metrics.METRICS, ids=lambda m: m.name)
def test_every_metric_has_bands_or_says_why_not(metric):
    if metric.bands is None:
        assert metric.context  # the source shown beside an unbanded reading
    else:
        assert metric.bands.source and metric.rule()
    assert (CLIP_MODEL in metric.needs) == (metric.name == "clip_image")


def test_the_registry_imports_without_the_heavy_libraries():
    """The window reads the registry for its labels at start: no OpenCV, SciPy or torch."""
    import subprocess
    import sys

    code = (
        "import sys, workstation.analysis.metrics; "
        "print(sorted(m for m in ('cv2', 'scipy', 'skimage', 'torch') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr
