"""Seed sweep (memorisation test): N seeds of one prompt, each output measured against a reference.

An over-fitted model reproduces a training image for many seeds; a healthy one rarely comes close.
The study stores the distribution (histogram) of each similarity, the closest outputs, and the
share of outputs in the near-duplicate band (`bands.py`).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workstation.analysis.studies.executors import Executor
from workstation.analysis.studies.runner import Item, StudyOutcome
from workstation.analysis.studies.sweep import Sweep, run_sweep
from workstation.core.case import Case
from workstation.core.errors import InputError
from workstation.core.params import GenerationParams
from workstation.engine.runtime import Runtime

if TYPE_CHECKING:
    from workstation.analysis.clip import ClipModel

CLOSEST_SHOWN = 11  # the grid and the report show the reference and this many outputs


@dataclass(frozen=True)
class SeedStudy:
    params: GenerationParams  # its seed is replaced by each of `seeds`
    reference: str | Path
    seeds: Sequence[int]

    def items(self) -> list[Item]:
        if len(self.seeds) < 2:
            raise InputError("a seed sweep needs at least two seeds")
        if len(set(self.seeds)) != len(self.seeds):
            raise InputError("the seeds must be different from each other")
        return [Item(self.params.replace(seed=seed), {"seed": seed}) for seed in self.seeds]


def closest(points: list[dict]) -> list[int]:
    """Indexes of the outputs closest to the reference: SSIM first, then pHash distance."""
    order = sorted(
        range(len(points)), key=lambda i: (-points[i]["ssim"], points[i]["phash_distance"])
    )
    return order[:CLOSEST_SHOWN]


def run(
    case: Case,
    study: SeedStudy,
    *,
    clip_model: ClipModel | None = None,
    runtime: Runtime | None = None,
    executor: Executor | None = None,
    on_progress: Callable[[int, int, Any], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> StudyOutcome:
    sweep = Sweep(
        study="seeds",
        title=f"Seed sweep, {len(study.seeds)} seeds (memorisation test)",
        description=(
            f"{len(study.seeds)} seeds of one prompt; each output measured against the "
            "reference. The histograms show how close outputs come; the grid shows the closest."
        ),
        parameter="seed",
        items=study.items(),
        reference=Path(study.reference),
        reference_label="reference",
        histogram=True,
        grid_columns=6,
        extra={"seeds": list(study.seeds)},
    )
    return run_sweep(
        case,
        sweep,
        clip_model=clip_model,
        summarise=_summary,
        highlight=closest,
        runtime=runtime,
        executor=executor,
        on_progress=on_progress,
        is_cancelled=is_cancelled,
    )


def _summary(points: list[dict]) -> dict[str, Any]:
    best = closest(points)[0]
    return {
        "closest_seed": points[best]["seed"],
        "closest_ssim": points[best]["ssim"],
        "closest_phash_distance": points[best]["phash_distance"],
        "median_ssim": round(statistics.median(p["ssim"] for p in points), 6),
        "min_phash_distance": min(p["phash_distance"] for p in points),
    }
