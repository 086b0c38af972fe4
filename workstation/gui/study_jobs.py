"""What the Studies tab's job does on its worker thread: the same study functions the CLI runs
(`workstation study …`), on a request taken from the Generate panel.

Nothing here touches widgets. The case is opened on the worker thread with the session's opener.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from workstation.core.case import Case
from workstation.core.errors import InputError
from workstation.core.params import GenerationParams
from workstation.gui.jobs import Job

KINDS = ("seeds", "strength", "lora-scale", "trajectory")
DEFAULT_VALUES = {
    "strength": "0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95",
    "lora-scale": "0, 0.25, 0.5, 0.75, 1, 1.25, 1.5",
}
DEFAULT_SEEDS = {"seeds": "1-20", "strength": "1, 2, 3", "lora-scale": "1"}


@dataclass(frozen=True)
class StudyRequest:
    kind: str  # one of KINDS
    params: GenerationParams  # the Generate panel's request
    reference: str | None  # file of the chosen case image (source, for the strength study)
    values: str  # strengths or scales, as typed
    seeds: str  # "1, 2, 3" or "1-20", as typed


def parse_numbers(text: str, what: str) -> tuple[float, ...]:
    try:
        values = tuple(float(part) for part in text.replace(";", ",").split(",") if part.strip())
    except ValueError:
        raise InputError(f"the {what} must be numbers separated by commas: {text!r}") from None
    if not values:
        raise InputError(f"give at least one {what[:-1]}")
    return values


def parse_seeds(text: str) -> tuple[int, ...]:
    """ "1, 2, 5" or a range "1-20" (both ends included), or a mix."""
    seeds: list[int] = []
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        first, dash, last = part.partition("-")
        try:
            if dash:
                seeds.extend(range(int(first), int(last) + 1))
            else:
                seeds.append(int(part))
        except ValueError:
            raise InputError(f"seeds are whole numbers or ranges like 1-20, not {part!r}") from None
    if not seeds:
        raise InputError("give at least one seed")
    return tuple(seeds)


def build_study(request: StudyRequest):
    """The analysis-layer study object; InputError when the settings cannot work."""
    from workstation.analysis.studies import lora_scale, seeds, strength, trajectory

    params = request.params
    if request.kind != "trajectory" and request.reference is None:
        what = "source" if request.kind == "strength" else "reference"
        raise InputError(f"choose the {what} image from the case")
    if request.kind == "trajectory":
        study = trajectory.TrajectoryStudy(params)
    elif request.kind == "seeds":
        study = seeds.SeedStudy(params, request.reference, parse_seeds(request.seeds))
    elif request.kind == "strength":
        study = strength.StrengthStudy(
            params.replace(init_image=request.reference, strength=params.strength or 0.5),
            parse_numbers(request.values, "strengths"),
            parse_seeds(request.seeds),
        )
    else:
        if not params.loras:
            raise InputError("add the LoRA to sweep in the Generate panel (the first one is swept)")
        swept, *fixed = params.loras
        study = lora_scale.LoraScaleStudy(
            params.replace(loras=tuple(fixed)),
            swept.path,
            request.reference,
            parse_numbers(request.values, "scales"),
            parse_seeds(request.seeds),
        )
    if request.kind != "trajectory":
        study.items()  # refuses bad settings before the job starts
    return study


def run_study(job: Job, request: StudyRequest, open_case: Callable[[], Case]) -> int:
    """Run the study into the case; returns the study record's id."""
    from workstation.analysis.studies import lora_scale, seeds, strength, trajectory

    study = build_study(request)
    run = {
        "seeds": seeds.run,
        "strength": strength.run,
        "lora-scale": lora_scale.run,
        "trajectory": trajectory.run,
    }[request.kind]
    with open_case() as case:
        outcome = run(case, study, on_progress=job.on_progress, is_cancelled=job.is_cancelled)
    return outcome.record_id
