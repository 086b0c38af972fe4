"""img2img strength sweep: how much of a source image survives img2img at each strength.

One source image, strengths 0.05…0.95 by default, several seeds; every output is measured against
the source (pHash, SSIM, CLIP when configured). At low strength img2img keeps the source's
composition almost untouched — the curve shows where on the scale outputs stop being
near-duplicates of it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workstation.analysis.studies import defaults
from workstation.analysis.studies.executors import Executor
from workstation.analysis.studies.runner import Item, StudyOutcome
from workstation.analysis.studies.sweep import Sweep, run_sweep
from workstation.core.case import Case
from workstation.core.errors import InputError
from workstation.core.params import GenerationParams
from workstation.engine.runtime import Runtime

if TYPE_CHECKING:
    from workstation.analysis.clip import ClipModel

DEFAULT_STRENGTHS = defaults.STRENGTHS  # 0.05, 0.15, … 0.95
DEFAULT_SEEDS = defaults.STRENGTH_SEEDS


@dataclass(frozen=True)
class StrengthStudy:
    params: GenerationParams  # with init_image = the source; its strength and seed are swept
    strengths: Sequence[float] = DEFAULT_STRENGTHS
    seeds: Sequence[int] = DEFAULT_SEEDS

    def items(self) -> list[Item]:
        if not self.params.is_img2img:
            raise InputError("the strength study needs a source image (img2img)")
        if not self.strengths or not self.seeds:
            raise InputError("give at least one strength and one seed")
        weakest = min(self.strengths)
        if int(self.params.steps * weakest) < 1:
            needed = math.ceil(1 / weakest)
            raise InputError(
                f"strength {weakest:g} with {self.params.steps} steps leaves no denoising step; "
                f"use at least {needed} steps"
            )
        return [
            Item(
                self.params.replace(strength=strength, seed=seed),
                {"strength": strength, "seed": seed},
            )
            for seed in self.seeds
            for strength in sorted(self.strengths)
        ]


def run(
    case: Case,
    study: StrengthStudy,
    *,
    clip_model: ClipModel | None = None,
    runtime: Runtime | None = None,
    executor: Executor | None = None,
    on_progress: Callable[[int, int, Any], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> StudyOutcome:
    sweep = Sweep(
        study="strength",
        title="img2img strength sweep",
        description=(
            f"{len(study.seeds)} seed(s) × {len(study.strengths)} strength(s) of img2img from "
            "one source image; each output measured against the source. Lower strength keeps "
            "more of the source."
        ),
        parameter="strength",
        items=study.items(),
        reference=Path(study.params.init_image),
        reference_label="source",
        extra={"strengths": sorted(study.strengths), "seeds": list(study.seeds)},
    )
    return run_sweep(
        case,
        sweep,
        clip_model=clip_model,
        summarise=lambda points: _summary(points),
        highlight=lambda points: [i for i, p in enumerate(points) if p["seed"] == study.seeds[0]],
        runtime=runtime,
        executor=executor,
        on_progress=on_progress,
        is_cancelled=is_cancelled,
    )


def _summary(points: list[dict]) -> dict[str, Any]:
    """The highest strength at which every seed's output is still a pHash near-duplicate."""
    from workstation.analysis import bands

    strengths = sorted({p["strength"] for p in points})
    near = [
        s
        for s in strengths
        if all(p["phash_band"] == bands.NEAR for p in points if p["strength"] == s)
    ]
    return {"highest_strength_all_phash_near_duplicate": max(near) if near else None}
