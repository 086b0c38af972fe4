"""The measured validation of the model examination (resources/model_exam/validation.json, written
by benchmarks/model_exam_lab.py and benchmarks/exam_lora_rank.py) has the shape the report reads."""

from __future__ import annotations

import json
import math

import pytest

from workstation.analysis.model_exam.membership import METHODS
from workstation.paths import MODEL_EXAM_DIR

VALIDATION = MODEL_EXAM_DIR / "validation.json"


@pytest.fixture(scope="module")
def validation() -> dict:
    return json.loads(VALIDATION.read_text(encoding="utf-8"))


def _share(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1


def test_lab_has_every_size_and_every_method_with_shares(validation):
    assert validation["measured"] == "2026-11-30"
    assert validation["machine"]
    lab = validation["lab"]
    assert sorted(row["size"] for row in lab) == [1, 5, 50, 500]
    for row in lab:
        assert row["members"] == min(row["size"], 50)
        assert row["held_out"] >= 50
        assert set(row["methods"]) == set(METHODS)
        for method in METHODS:
            for key in ("auc", "tpr_at_1pct_fpr"):
                assert _share(row["methods"][method][key]), (row["size"], method, key)
        assert _share(row["prompts"]["auc"]) and _share(row["prompts"]["auc_reversed"])
        assert math.isclose(row["prompts"]["auc"] + row["prompts"]["auc_reversed"], 1, abs_tol=2e-4)


def test_lora_rank_counts_fit_the_repeats(validation):
    rank = validation["lora_rank"]
    assert rank["controls"] >= 50
    repeats = rank["repeats"]
    assert repeats >= 1
    for case, counts in (
        ("one_work", ("ranked_first", "p_le_0_02")),
        ("other_works", ("p_gt_0_1",)),
        ("one_work_delta", ("ranked_first", "p_le_0_02")),
        ("other_works_delta", ("p_gt_0_1",)),
        ("one_work_adjusted", ("ranked_first", "p_le_0_02")),
        ("other_works_adjusted", ("p_gt_0_1",)),
    ):
        assert set(rank[case]) == set(METHODS), case
        for method in METHODS:
            entry = rank[case][method]
            for count in counts:
                assert isinstance(entry[count], int) and 0 <= entry[count] <= repeats
            # an empirical p-value among n controls lies in [1 / (n + 1), 1]
            assert 1 / (rank["controls"] + 1) - 1e-4 <= entry["median_p"] <= 1


def test_cost_and_gpu_estimate_are_positive_seconds(validation):
    cost = validation["cost_seconds_per_work"]
    assert set(cost) == {*METHODS, "prompts_per_prompt"}
    assert all(seconds > 0 for seconds in cost.values())
    estimate = validation["gpu_estimate"]
    for key in ("sd15_seconds_per_work", "sdxl_seconds_per_work"):
        assert all(estimate[key][method] > 0 for method in (*METHODS, "prompts_per_prompt"))
    # SDXL's UNet at 1024 px costs more per call than SD 1.5's at 512 px
    assert (
        estimate["sdxl_seconds_per_work"]["unet_tflops_per_call"]
        > estimate["sd15_seconds_per_work"]["unet_tflops_per_call"]
    )
    assert estimate["assumptions"]
