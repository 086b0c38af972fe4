"""The set-level test: N works against N controls, one pre-registered statistic per method.

The statistic is fixed before anything is measured: mean(control score) - mean(work score) for
a checkpoint, or the same over the LoRA's changes (Δ = with LoRA - base) for base + LoRA, since
the question is then what the LoRA learned. Its p-value comes from a seeded permutation test
(scoring.permutation_test); the minimum N says when a p-value that small is possible at all.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from workstation.analysis.model_exam import scoring

STATISTIC = "mean(control) - mean(work) of each method's score (lower score = more member-like)"
DELTA_STATISTIC = (
    "mean(control) - mean(work) of each method's change with the LoRA (with LoRA - base)"
)


def set_test(
    works: Sequence[dict[str, float]],
    controls: Sequence[dict[str, float]],
    *,
    alpha: float = 0.05,
    permutations: int = 10_000,
    seed: int = 0,
    on_delta: bool = False,
) -> dict:
    """Per method: the statistic, its permutation p-value, significant at alpha or not, the
    minimum N and a power note. `works`/`controls`: each image's scores (or Δ), method -> value."""
    methods = list(controls[0])
    per_method = {}
    for method in methods:
        work_values = [work[method] for work in works]
        control_values = [control[method] for control in controls]
        test = scoring.permutation_test(work_values, control_values, permutations, seed)
        per_method[method] = {
            **test.to_dict(),
            "significant": test.p_value <= alpha,
            "effect_size": scoring.pooled_effect(work_values, control_values),
            "power_note": scoring.power_note(work_values, control_values, alpha),
        }
    return {
        "statistic": DELTA_STATISTIC if on_delta else STATISTIC,
        "alpha": alpha,
        "works": len(works),
        "controls": len(controls),
        "minimum_n": scoring.minimum_n(alpha),
        # the smallest p-value any labelling of these sizes can give: 1 / C(N + M, N)
        "p_floor": 1 / math.comb(len(works) + len(controls), len(works)),
        "methods": per_method,
        "limit": scoring.LIMIT,
    }
