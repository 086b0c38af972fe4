"""Every metric's bands: every range has a source, and the numbers are the calibration's numbers."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

from workstation.analysis import bands, metrics

# What benchmarks/calibrate_bands.py records for a metric it could not measure (no homography).
NOT_MEASURED = -1.0 + 1e-9
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
    if result["threshold_1pct"] is None or result["threshold_1pct"] <= NOT_MEASURED:
        # Fewer than 1 % of different-work pairs are measured at all: no threshold.
        assert band.similar is None and result["fpr_1pct"] <= 0.01
    else:
        similar = _towards_fewer_false_positives(result["threshold_1pct"], metric.closer)
        assert band.similar == similar
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


def test_a_rule_without_a_meaningful_threshold_prints_none():
    """Registered SSIM is measured only with a homography, which fewer than 1 % of different-work
    pairs have: its "similar" threshold is no number (it was -1, calibration's "not measured")."""
    metric = metrics.get("registered_ssim")
    for lang in ("en", "zh"):
        rule = metric.rule(lang)
        assert "-1" not in rule and "≥ -" not in rule
        assert ("no threshold" if lang == "en" else "无阈值") in rule
    assert metric.reading(0.1).band == bands.SIMILAR
    assert metric.reading(0.8).band == bands.NEAR
    assert [name for name, _ in metric.band_lines()] == [bands.NEAR]


@pytest.mark.parametrize("metric", metrics.banded(), ids=lambda m: m.name)
def test_no_rule_prints_a_negative_threshold(metric):
    for lang in ("en", "zh"):
        assert not re.search(r"[≤≥] -", metric.rule(lang))
