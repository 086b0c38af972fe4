"""Studies: a series of generations that varies one parameter, measured and stored in a case.

    front end → app.study.run_study → analysis.studies.<kind>.run (items generated and stored
              one by one, measured, plotted) → engine.generate → core (records and links)

Each kind has its request here (what it varies, with its defaults) and one entry in `KINDS`; the
command line makes one sub-command per entry and the Studies tab one choice per entry. A sweep's
recipe leaves out what the sweep sets itself (`omit`), whichever front end built it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workstation.analysis.studies import defaults
from workstation.analysis.studies.executors import EXECUTORS as EXECUTORS  # the front ends' choice
from workstation.analysis.studies.executors import Executor, InProcess
from workstation.analysis.studies.executors import executor_named as executor_named
from workstation.app.case_writer import CaseWriter
from workstation.app.clip import ClipChoice
from workstation.app.inputs import check_file
from workstation.app.provenance import made_here, provenance_for
from workstation.app.recipe import Recipe
from workstation.app.requests import nested, option, reset
from workstation.app.resources import ClipHolder
from workstation.core.errors import InputError

if TYPE_CHECKING:
    from workstation.analysis.studies.runner import StudyOutcome
    from workstation.engine.runtime import Runtime


def parse_numbers(text: str) -> tuple[float, ...]:
    """ "0.1, 0.5, 1" → (0.1, 0.5, 1.0)."""
    try:
        values = tuple(float(part) for part in text.replace(";", ",").split(",") if part.strip())
    except ValueError:
        raise InputError(f"give numbers separated by commas, not {text!r}") from None
    if not values:
        raise InputError("give at least one number")
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


def show_numbers(values: tuple[float, ...]) -> str:
    return ", ".join(f"{value:g}" for value in values)


def show_seeds(seeds: tuple[int, ...]) -> str:
    """(1, 2, …, 20) → "1-20"; anything else as a list."""
    if len(seeds) > 2 and seeds == tuple(range(seeds[0], seeds[-1] + 1)):
        return f"{seeds[0]}-{seeds[-1]}"
    return ", ".join(str(seed) for seed in seeds)


def _numbers(default: tuple[float, ...], help: str) -> Any:
    return option(
        default, parse=parse_numbers, repeat=False, metavar="LIST", help=help, show=show_numbers
    )


def _seeds(default: tuple[int, ...]) -> Any:
    help = "comma-separated, or a range such as 1-20"
    return option(
        default, parse=parse_seeds, repeat=False, metavar="LIST", help=help, show=show_seeds
    )


class _Sweep:
    """What every sweep shares: its recipe loses what it sweeps (`SWEPT`), however it was built."""

    SWEPT: tuple[str, ...] = ("seed",)

    def __post_init__(self) -> None:
        object.__setattr__(self, "recipe", reset(self.recipe, self.SWEPT))


@dataclass(frozen=True, kw_only=True)
class TrajectoryRequest:
    recipe: Recipe = nested(Recipe)

    def study(self) -> Any:
        """The analysis study, its settings checked (InputError when they cannot work)."""
        from workstation.analysis.studies import trajectory

        return trajectory.TrajectoryStudy(self.recipe.params())

    def run(
        self, case: Any, study: Any, clip: Any, runtime: Runtime | None, executor: Executor
    ) -> StudyOutcome:
        from workstation.analysis.studies import trajectory

        return trajectory.run(case, study, runtime=runtime, executor=executor)


@dataclass(frozen=True, kw_only=True)
class StrengthRequest(_Sweep):
    SWEPT = ("seed", "init", "strength")
    BASE_STRENGTH = 0.5  # of the first request; each image gets its own

    recipe: Recipe = nested(Recipe, omit=SWEPT)
    source: Path = option(help="the img2img source image")
    strengths: tuple[float, ...] = _numbers(defaults.STRENGTHS, "comma-separated")
    seeds: tuple[int, ...] = _seeds(defaults.STRENGTH_SEEDS)
    clip: ClipChoice = nested(ClipChoice, required=False)

    def study(self) -> Any:
        from workstation.analysis.studies import strength

        check_file(self.source, "source image")
        recipe = self.recipe.replace(init=self.source, strength=self.BASE_STRENGTH)
        return _checked(strength.StrengthStudy(recipe.params(), self.strengths, self.seeds))

    def run(
        self, case: Any, study: Any, clip: Any, runtime: Runtime | None, executor: Executor
    ) -> StudyOutcome:
        from workstation.analysis.studies import strength

        return strength.run(case, study, clip_model=clip, runtime=runtime, executor=executor)


@dataclass(frozen=True, kw_only=True)
class LoraScaleRequest(_Sweep):
    recipe: Recipe = nested(Recipe, omit=_Sweep.SWEPT)
    sweep_lora: Path = option(metavar="PATH", help="the LoRA whose scale is swept")
    reference: Path = option(help="the reference work")
    scales: tuple[float, ...] = _numbers(defaults.LORA_SCALES, "comma-separated")
    seeds: tuple[int, ...] = _seeds(defaults.LORA_SEEDS)
    clip: ClipChoice = nested(ClipChoice, required=False)

    def study(self) -> Any:
        from workstation.analysis.studies import lora_scale

        check_file(self.reference, "reference")
        params = self.recipe.params()
        return _checked(
            lora_scale.LoraScaleStudy(
                params, self.sweep_lora, self.reference.absolute(), self.scales, self.seeds
            )
        )

    def run(
        self, case: Any, study: Any, clip: Any, runtime: Runtime | None, executor: Executor
    ) -> StudyOutcome:
        from workstation.analysis.studies import lora_scale

        return lora_scale.run(case, study, clip_model=clip, runtime=runtime, executor=executor)


@dataclass(frozen=True, kw_only=True)
class SeedsRequest(_Sweep):
    recipe: Recipe = nested(Recipe, omit=_Sweep.SWEPT)
    reference: Path = option(help="the reference work")
    seeds: tuple[int, ...] = _seeds(defaults.SEEDS)
    clip: ClipChoice = nested(ClipChoice, required=False)

    def study(self) -> Any:
        from workstation.analysis.studies import seeds

        check_file(self.reference, "reference")
        return _checked(
            seeds.SeedStudy(self.recipe.params(), self.reference.absolute(), self.seeds)
        )

    def run(
        self, case: Any, study: Any, clip: Any, runtime: Runtime | None, executor: Executor
    ) -> StudyOutcome:
        from workstation.analysis.studies import seeds

        return seeds.run(case, study, clip_model=clip, runtime=runtime, executor=executor)


StudyRequest = TrajectoryRequest | StrengthRequest | LoraScaleRequest | SeedsRequest


@dataclass(frozen=True)
class StudyKind:
    name: str  # the sub-command, and the study record's "study"
    request: type
    help: str


KINDS = {
    kind.name: kind
    for kind in (
        StudyKind(
            "seeds", SeedsRequest, "N seeds of one prompt: how close outputs come to a reference"
        ),
        StudyKind(
            "strength",
            StrengthRequest,
            "img2img at a range of strengths: similarity to the source",
        ),
        StudyKind(
            "lora-scale",
            LoraScaleRequest,
            "one LoRA at a range of scales: similarity to a reference",
        ),
        StudyKind(
            "trajectory",
            TrajectoryRequest,
            "every denoising step of one generation, as a labelled grid",
        ),
    )
}


def kind_of(request: StudyRequest) -> str:
    return next(name for name, kind in KINDS.items() if isinstance(request, kind.request))


def run_study(
    request: StudyRequest,
    *,
    writer: CaseWriter,
    runtime: Runtime | None = None,
    clips: ClipHolder | None = None,
    executor: Executor | None = None,
) -> StudyOutcome:
    """Run the study into the case. Each image is stored as it is finished (a cancelled study
    keeps them, and the same study again reuses them); the study record is written at the end.
    `executor`: where the images are generated (`executor_named`; default: in this process);
    wherever they are made, only this process writes to the case."""
    # 1. Check the settings, then load CLIP, before the case is touched.
    study = request.study()
    clip = (clips or ClipHolder()).get(getattr(request, "clip", ClipChoice()))
    # 2. Generate, measure and store.
    with writer.open() as case:
        before = max((a.id for a in case.artifacts()), default=0)
        outcome = request.run(case, study, clip, runtime, executor or InProcess())
        with case.transaction():  # the images it made (a cancelled study's: `case provenance`)
            made = made_here(case)  # its figures: the study record says how they were drawn
            provenance_for(
                case, [a for a in case.artifacts() if a.id > before and a.id not in made]
            )
        return outcome


def _checked(study: Any) -> Any:
    study.items()  # refuses settings that cannot work, before anything runs
    return study
