"""Every metric's bands: every range has a source, and the numbers are the calibration's numbers."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from workstation.analysis import bands, metrics

RESULTS = Path(__file__).resolve().parents[2] / "benchmarks" / "results" / "calibration.json"


def _towards_fewer_false_positives(value: float, closer: str) -> float:
    """The rounding benchmarks/calibrate_bands.py's thresholds get in the bands (3 decimals;
    whole Hamming distances stay as they are)."""
    if closer == "lower":
        return math.floor(value * 1000 + 1e-6) / 1000
    return math.ceil(value * 1000 - 1e-6) / 1000


@pytest.mark.parametrize("metric", metrics.banded(), ids=lambda m: m.name)
def test_bands_are_the_calibration_results(metric):
    result = json.loads(RESULTS.read_text(encoding="utf-8"))["metrics"][metric.name]
    band = metric.bands
    assert metric.closer == result["closer"]
    assert band.similar == _towards_fewer_false_positives(result["threshold_1pct"], metric.closer)
    if band.near_duplicate is None:
        assert result["tpr_0pct"] == 0.0 and band.why_no_near
    else:
        near = _towards_fewer_false_positives(result["threshold_0pct"], metric.closer)
        assert band.near_duplicate == near
        assert band.tpr_near == round(result["tpr_0pct"], 3)
    assert band.tpr_similar == round(result["tpr_1pct"], 3)
    assert band.negatives == result["negatives"]


@pytest.mark.parametrize("metric", metrics.banded(), ids=lambda m: m.name)
def test_every_reading_names_its_source_and_calibration(metric):
    reading = metric.reading(0)
    assert "benchmarks/calibrate_bands.py" in reading.source
    assert "different-work pairs" in reading.source
    assert reading.rule


@pytest.mark.parametrize(
    ("metric", "value", "band"),
    [
        ("phash", 0, bands.NEAR),
        ("phash", 7, bands.NEAR),
        ("phash", 8, bands.SIMILAR),
        ("phash", 22, bands.DIFFERENT),
        ("whash", 0, bands.SIMILAR),  # no near-duplicate range for wHash
        ("ssim", 0.9, bands.NEAR),
        ("ssim", 0.5, bands.DIFFERENT),
        ("keypoint_inliers", 0, bands.DIFFERENT),
        ("keypoint_inliers", 500, bands.NEAR),
    ],
)
def test_band_edges(metric, value, band):
    assert metrics.get(metric).reading(value).band == band


def test_no_near_duplicate_range_is_said_in_the_rule():
    assert (
        "no near-duplicate range (different works had equal hashes"
        in metrics.get("colorhash").reading(0).rule
    )


def test_an_unbanded_metric_says_why():
    reading = metrics.get("clip_image").reading(0.9)
    assert reading.band == bands.UNBANDED and not reading.rule
    assert "no threshold has been calibrated" in reading.source
