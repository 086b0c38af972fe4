"""The band table: every range has a source, and the numbers are the calibration's numbers."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from workstation.analysis import bands

RESULTS = Path(__file__).resolve().parents[2] / "benchmarks" / "results" / "calibration.json"


def _towards_fewer_false_positives(value: float, closer: str) -> float:
    """The rounding benchmarks/calibrate_bands.py's thresholds get in the table (3 decimals)."""
    if closer == "lower":  # integer Hamming distances, already exact
        return value
    return math.ceil(value * 1000 - 1e-6) / 1000


def test_bands_are_the_calibration_results():
    measured = json.loads(RESULTS.read_text(encoding="utf-8"))["metrics"]
    for metric, band in bands.BANDS.items():
        result = measured[metric]
        assert band.closer == result["closer"], metric
        assert band.similar == _towards_fewer_false_positives(result["threshold_1pct"], band.closer)
        if band.near_duplicate is None:
            assert result["tpr_0pct"] == 0.0 and band.why_no_near, metric
        else:
            near = _towards_fewer_false_positives(result["threshold_0pct"], band.closer)
            assert band.near_duplicate == near, metric
            assert band.tpr_near == round(result["tpr_0pct"], 3), metric
        assert band.tpr_similar == round(result["tpr_1pct"], 3), metric
        assert band.negatives == result["negatives"], metric


def test_every_reading_names_its_source_and_calibration():
    for metric in bands.BANDS:
        reading = bands.read(metric, 0)
        assert "benchmarks/calibrate_bands.py" in reading.source, metric
        assert "different-work pairs" in reading.source, metric
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
    assert bands.read(metric, value).band == band


def test_no_near_duplicate_range_is_said_in_the_rule():
    assert (
        "no near-duplicate range (different works had equal hashes"
        in bands.read("colorhash", 0).rule
    )
