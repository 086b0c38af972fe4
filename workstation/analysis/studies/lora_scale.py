"""LoRA scale sweep: how far a LoRA pulls outputs towards a reference work as its scale grows.

One prompt, one LoRA at scales 0…1.5 by default (0 = the base model alone), one or more seeds;
every output is measured against the reference. A LoRA trained on one subject or one artist's
works can make outputs converge on them as the scale rises.
"""

from __future__ import annotations

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
from workstation.core.params import GenerationParams, LoraSpec
from workstation.engine.runtime import Runtime

if TYPE_CHECKING:
    from workstation.analysis.clip import ClipModel

DEFAULT_SCALES = defaults.LORA_SCALES
DEFAULT_SEEDS = defaults.LORA_SEEDS


@dataclass(frozen=True)
class LoraScaleStudy:
    params: GenerationParams  # the base request; the swept LoRA is added to its LoRAs
    lora: str | Path
    reference: str | Path
    scales: Sequence[float] = DEFAULT_SCALES
    seeds: Sequence[int] = DEFAULT_SEEDS

    def items(self) -> list[Item]:
        if not Path(self.lora).is_file():
            raise InputError(f"{self.lora}: LoRA file not found")
        if not self.scales or not self.seeds:
            raise InputError("give at least one scale and one seed")
        lora = str(Path(self.lora).absolute())
        if any(Path(spec.path).absolute() == Path(lora) for spec in self.params.loras):
            raise InputError(f"{self.lora} is already among the fixed LoRAs")
        return [
            Item(
                self.params.replace(seed=seed, loras=(*self.params.loras, LoraSpec(lora, scale))),
                {"scale": scale, "seed": seed},
            )
            for seed in self.seeds
            for scale in sorted(self.scales)
        ]


def run(
    case: Case,
    study: LoraScaleStudy,
    *,
    clip_model: ClipModel | None = None,
    runtime: Runtime | None = None,
    executor: Executor | None = None,
    on_progress: Callable[[int, int, Any], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> StudyOutcome:
    name = Path(study.lora).stem
    sweep = Sweep(
        study="lora-scale",
        title=f"LoRA scale sweep ({name})",
        description=(
            f"LoRA {name} at {len(study.scales)} scale(s), {len(study.seeds)} seed(s), one "
            "prompt; each output measured against the reference. Scale 0 is the base model "
            "without the LoRA."
        ),
        parameter="scale",
        items=study.items(),
        reference=Path(study.reference),
        reference_label="reference",
        extra={
            "lora": str(Path(study.lora).absolute()),
            "scales": sorted(study.scales),
            "seeds": list(study.seeds),
        },
    )
    return run_sweep(
        case,
        sweep,
        clip_model=clip_model,
        highlight=lambda points: [i for i, p in enumerate(points) if p["seed"] == study.seeds[0]],
        runtime=runtime,
        executor=executor,
        on_progress=on_progress,
        is_cancelled=is_cancelled,
    )
