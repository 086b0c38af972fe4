"""The statistics on fixed scores, against values worked out by hand."""

from __future__ import annotations

import math

import pytest

from workstation.analysis.model_exam import scoring
from workstation.analysis.model_exam.set_test import set_test


def test_p_value_counts_controls_at_least_as_member_like():
    controls = [0.5, 0.2, 0.9, 0.3]  # lower = more member-like
    assert scoring.p_value(0.1, controls) == 1 / 5  # no control at or below: (1 + 0) / (1 + 4)
    assert scoring.p_value(0.3, controls) == 3 / 5  # 0.2 and the tie 0.3
    assert scoring.p_value(1.0, controls) == 1.0
    assert scoring.rank(0.3, controls) == 3
    with pytest.raises(ValueError):
        scoring.p_value(0.1, [])


def test_effect_size_is_the_distance_from_the_control_mean_in_control_stds():
    controls = [1.0, 2.0, 3.0]  # mean 2, sample std 1
    assert scoring.effect_size(0.5, controls) == pytest.approx(1.5)
    assert scoring.effect_size(2.5, controls) == pytest.approx(-0.5)
    assert scoring.effect_size(0.5, [1.0]) is None
    assert scoring.effect_size(0.5, [1.0, 1.0]) is None


def test_compared_and_deltas():
    works = [{"loss": 0.1}, {"loss": 2.5}]
    controls = [{"loss": 1.0}, {"loss": 2.0}, {"loss": 3.0}]
    first, second = scoring.compared(works, controls)
    assert first == {"p_value": {"loss": 0.25}, "effect_size": {"loss": 1.9}, "rank": {"loss": 1}}
    assert second["p_value"]["loss"] == 0.75 and second["rank"]["loss"] == 3
    assert scoring.deltas([{"loss": 0.25}], [{"loss": 1.0}]) == [{"loss": -0.75}]


def test_adjusted_change_finds_the_work_the_plain_delta_hides():
    # Controls: the LoRA takes every score to its square root, so it lowers high base scores
    # most; the work lost more than the controls' line says, but less than the worst controls.
    bases = [1.0, 2.0, 4.0, 8.0, 16.0]
    controls_base = [{"sima": b} for b in bases]
    controls_lora = [{"sima": math.sqrt(b)} for b in bases]
    works_base, works_lora = [{"sima": 2.0}, {"sima": 4.0}], [{"sima": 1.2}, {"sima": 2.0}]
    plain = scoring.compared(
        scoring.deltas(works_lora, works_base), scoring.deltas(controls_lora, controls_base)
    )
    assert plain[0]["rank"]["sima"] == 4  # Δ -0.8 against 0, -0.59, -2, -5.2, -12
    works, controls = scoring.adjusted_changes(works_lora, works_base, controls_lora, controls_base)
    assert works[0]["sima"] == pytest.approx(math.log(1.2) - 0.5 * math.log(2.0))
    assert works[1]["sima"] == pytest.approx(0, abs=1e-12)  # on the line
    assert all(c["sima"] == pytest.approx(0, abs=1e-12) for c in controls)  # leave-one-out fits
    adjusted = scoring.compared(works, controls)
    assert adjusted[0]["rank"]["sima"] == 1 and adjusted[0]["p_value"]["sima"] == 1 / 6
    with pytest.raises(ValueError):
        scoring.adjusted_changes(works_lora, works_base, controls_lora[:2], controls_base[:2])


def test_minimum_n_is_where_one_labelling_in_c_2n_n_reaches_alpha():
    assert 1 / math.comb(4, 2) > 0.05 >= 1 / math.comb(6, 3)
    assert scoring.minimum_n(0.05) == 3
    assert scoring.minimum_n(0.01) == 5  # C(8, 4) = 70 is not enough, C(10, 5) = 252 is
    # d = 1, alpha 0.05, 80 % power: 2 (1.6449 + 0.8416)^2 = 12.37 -> 13
    assert scoring.power_n(1.0, 0.05) == 13
    assert scoring.power_n(-0.2, 0.05) is None


def test_permutation_test_separated_sets_reach_the_floor_and_mixed_sets_do_not():
    works, controls = [0.1, 0.2, 0.3, 0.4, 0.5], [1.1, 1.2, 1.3, 1.4, 1.5]
    separated = scoring.permutation_test(works, controls, permutations=5000, seed=3)
    assert separated.statistic == pytest.approx(1.0)
    # Only 1 of C(10, 5) = 252 labellings is as extreme: p near 1/252 plus the observed one.
    assert 1 / 5001 <= separated.p_value < 0.02
    mixed = scoring.permutation_test([0.1, 1.2, 0.3, 1.4], [1.1, 0.2, 1.3, 0.4], 5000, seed=3)
    assert mixed.statistic == pytest.approx(0.0) and mixed.p_value > 0.3
    again = scoring.permutation_test(works, controls, permutations=5000, seed=3)
    assert again == separated  # seeded: the same p-value every time


def test_set_test_states_statistic_minimum_n_and_limit():
    works = [{"loss": v} for v in (0.1, 0.2, 0.3)]
    controls = [{"loss": v} for v in (1.0, 1.1, 1.2)]
    result = set_test(works, controls, alpha=0.05, permutations=2000, seed=1)
    loss = result["methods"]["loss"]
    assert result["minimum_n"] == 3 and result["works"] == 3
    assert result["p_floor"] == 1 / 20
    assert loss["statistic"] == pytest.approx(0.9)
    assert loss["p_value"] == pytest.approx(1 / 20, abs=0.02)  # 1 of C(6, 3) labellings
    assert loss["significant"] == (loss["p_value"] <= 0.05)
    assert "at least 3 works" in loss["power_note"]
    assert "CopyMark" in result["limit"]
