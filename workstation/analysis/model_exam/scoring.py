"""The statistics of a model examination, as pure functions on scores (no torch).

Every score here is "lower = more member-like" (a loss, an error, a norm): a work the model was
trained on is denoised better than works it never saw.

- `p_value`: the work's empirical p-value among the controls, (1 + k) / (1 + n), where k counts the
  controls scoring at least as member-like as the work. With n controls it can be no smaller than
  1 / (1 + n): 49 controls are needed before p can reach 0.02.
- `effect_size`: (control mean - work score) / control standard deviation (n - 1); positive when
  the work is more member-like than the controls' average.
- `permutation_test`: the set-level test (N works vs M controls). The statistic is fixed before
  anything is measured: mean(control scores) - mean(work scores). Its p-value is the share of
  seeded random relabellings of the pooled scores whose statistic is at least as large (counting
  the observed labelling once): (1 + k) / (1 + permutations).
- `adjusted_changes`: for base + LoRA, the LoRA's change adjusted for the base model: the
  residual of log(score with the LoRA) from a least-squares line on log(base score), the line
  fitted on the controls (each control's own residual from the line through the other controls,
  so that it is treated as the work is). The plain Δ (with LoRA − base) lets a LoRA's change to
  every image of the kind, larger where the base did worse, hide the one work it learned; the
  residual asks whether the work scores lower with the LoRA than controls the base treated alike.
  Measured on one-work LoRAs of the demo model (benchmarks/exam_lora_rank.py): SimA's candidate
  first among 50 controls in 10/10 repeats (Δ: 5/10), never flagged under another LoRA (Δ: 8/10).
- `minimum_n`: the smallest N (with N controls) at which a one-sided permutation p can reach
  alpha at all: 1 / C(2N, N) <= alpha. `power_note` adds the N a two-sample test needs for 80 %
  power at a given effect size (normal approximation).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

# Said with every result (CopyMark, 2024).
LIMIT = (
    "Single-image membership tests on large pretrained base models are not reliable (CopyMark, "
    "2024); they are strong on fine-tunes, LoRAs and small training sets. A low p-value says the "
    "model treats the work as it treats its training data, not how the work got there."
)


def p_value(score: float, controls: Sequence[float]) -> float:
    """(1 + controls scoring at most `score`) / (1 + controls): lower scores are member-like."""
    if not controls:
        raise ValueError("a p-value needs controls")
    at_least_as_member_like = sum(1 for control in controls if control <= score)
    return (1 + at_least_as_member_like) / (1 + len(controls))


def effect_size(score: float, controls: Sequence[float]) -> float | None:
    """(control mean - score) / control standard deviation; None with fewer than 2 controls or
    controls that all score the same."""
    if len(controls) < 2:
        return None
    spread = statistics.stdev(controls)
    if spread == 0:
        return None
    return (statistics.fmean(controls) - score) / spread


def rank(score: float, controls: Sequence[float]) -> int:
    """The work's place among itself and the controls, 1 = most member-like (ties count against
    the work)."""
    return 1 + sum(1 for control in controls if control <= score)


@dataclass(frozen=True)
class PermutationResult:
    statistic: float  # mean(controls) - mean(works)
    p_value: float
    permutations: int
    seed: int

    def to_dict(self) -> dict:
        return {
            "statistic": self.statistic,
            "p_value": self.p_value,
            "permutations": self.permutations,
            "seed": self.seed,
        }


def mean_difference(works: Sequence[float], controls: Sequence[float]) -> float:
    """The pre-registered set statistic: mean(controls) - mean(works) (positive: works more
    member-like)."""
    return statistics.fmean(controls) - statistics.fmean(works)


def permutation_test(
    works: Sequence[float], controls: Sequence[float], permutations: int = 10_000, seed: int = 0
) -> PermutationResult:
    """One-sided permutation test of `mean_difference`, with seeded relabellings."""
    import numpy as np

    if not works or not controls:
        raise ValueError("a permutation test needs works and controls")
    observed = mean_difference(works, controls)
    pooled = np.asarray([*works, *controls], dtype=np.float64)
    n = len(works)
    generator = np.random.Generator(np.random.PCG64(seed))
    at_least = 0
    for _ in range(permutations):
        order = generator.permutation(len(pooled))
        statistic = pooled[order[n:]].mean() - pooled[order[:n]].mean()
        # a relabelling that reproduces the observed split counts as "at least" despite rounding
        if statistic >= observed - 1e-12 * max(1.0, abs(observed)):
            at_least += 1
    return PermutationResult(observed, (1 + at_least) / (1 + permutations), permutations, seed)


def minimum_n(alpha: float) -> int:
    """The smallest N (works, with as many controls) at which a one-sided permutation test's
    p-value can reach `alpha`: the one labelling in C(2N, N) that puts every work first."""
    if not 0 < alpha < 1:
        raise ValueError("alpha must lie between 0 and 1")
    n = 1
    while 1 / math.comb(2 * n, n) > alpha:
        n += 1
    return n


def power_n(effect: float, alpha: float, power: float = 0.8) -> int | None:
    """Works (and as many controls) a one-sided two-sample test needs for `power` at standardised
    `effect` (normal approximation: 2 ((z_{1-alpha} + z_power) / d)^2); None when effect <= 0."""
    if effect <= 0:
        return None
    normal = statistics.NormalDist()
    z = normal.inv_cdf(1 - alpha) + normal.inv_cdf(power)
    return max(minimum_n(alpha), math.ceil(2 * (z / effect) ** 2))


def pooled_effect(works: Sequence[float], controls: Sequence[float]) -> float | None:
    """Cohen's d of the set: (mean controls - mean works) / pooled standard deviation."""
    if len(works) < 2 or len(controls) < 2:
        return None
    pooled = math.sqrt(
        (
            (len(works) - 1) * statistics.variance(works)
            + (len(controls) - 1) * statistics.variance(controls)
        )
        / (len(works) + len(controls) - 2)
    )
    return None if pooled == 0 else mean_difference(works, controls) / pooled


def power_note(works: Sequence[float], controls: Sequence[float], alpha: float) -> str:
    floor = minimum_n(alpha)
    text = (
        f"at least {floor} works and {floor} controls are needed before a permutation p-value "
        f"can reach {alpha:g} at all"
    )
    effect = pooled_effect(works, controls)
    if effect is None:
        return text + "; the effect size could not be estimated from these scores"
    needed = power_n(effect, alpha)
    if needed is None:
        return text + f"; the observed effect ({effect:.2f}) does not point toward membership"
    return (
        text + f"; at the observed effect size d = {effect:.2f}, about {needed} works and as many "
        f"controls give 80 % power (normal approximation; an estimate from these scores)"
    )


def compared(
    works: Sequence[dict[str, float]], controls: Sequence[dict[str, float]]
) -> list[dict[str, dict]]:
    """Per work, per method: its `p_value`, `effect_size` and `rank` among the controls."""
    methods = list(controls[0]) if controls else []
    rows = []
    for work in works:
        row: dict[str, dict] = {"p_value": {}, "effect_size": {}, "rank": {}}
        for method in methods:
            pool = [control[method] for control in controls]
            row["p_value"][method] = p_value(work[method], pool)
            row["effect_size"][method] = effect_size(work[method], pool)
            row["rank"][method] = rank(work[method], pool)
        rows.append(row)
    return rows


def adjusted_changes(
    works_lora: Sequence[dict[str, float]],
    works_base: Sequence[dict[str, float]],
    controls_lora: Sequence[dict[str, float]],
    controls_base: Sequence[dict[str, float]],
) -> tuple[list[dict[str, float]], list[dict[str, float]]]:
    """Per method, each work's and each control's residual of log(with LoRA) on log(base) (see
    the module text); lower = the LoRA made it more member-like than the controls' line. Needs
    at least 3 controls and positive scores."""
    import numpy as np

    if len(controls_lora) < 3:
        raise ValueError("the adjusted change needs at least 3 controls")
    methods = list(controls_lora[0])
    works: list[dict[str, float]] = [{} for _ in works_lora]
    controls: list[dict[str, float]] = [{} for _ in controls_lora]
    for method in methods:
        x = np.log([c[method] for c in controls_base])
        y = np.log([c[method] for c in controls_lora])

        def line(xs: Any, ys: Any) -> tuple[float, float]:
            slope, intercept = np.polyfit(xs, ys, 1)
            return float(slope), float(intercept)

        slope, intercept = line(x, y)
        for entry, lora, base in zip(works, works_lora, works_base, strict=True):
            entry[method] = math.log(lora[method]) - (slope * math.log(base[method]) + intercept)
        for index, entry in enumerate(controls):
            others = np.arange(len(x)) != index
            slope, intercept = line(x[others], y[others])
            entry[method] = float(y[index] - (slope * x[index] + intercept))
    return works, controls


def deltas(
    with_lora: Sequence[dict[str, float]], base: Sequence[dict[str, float]]
) -> list[dict[str, float]]:
    """The change a LoRA makes to each score: with the LoRA minus the base (negative: the LoRA
    made the image more member-like)."""
    return [
        {method: lora[method] - plain[method] for method in lora}
        for lora, plain in zip(with_lora, base, strict=True)
    ]
