"""The over-fitting lab: train on 1, 5, 50, 500 images and measure how close samples come to the
training images; the result is stored in a case.

    front end → app.lab.run_lab → analysis.overfit_lab (the coordinator) → executor.map of
              analysis.lab_items.train_size (engine.training per size, sampling, matching; in
              this process or on Ray workers) → analysis.overfit_lab.store_lab (grids, plot, lab
              record)

The case is written only once the lab has finished, so a failed or cancelled lab leaves it as
it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from workstation.analysis.lab_settings import LabSettings, parse_sizes
from workstation.app.case_writer import CaseWriter
from workstation.app.clip import ClipChoice
from workstation.app.inputs import check_writer
from workstation.app.provenance import provenance_for_record
from workstation.app.requests import nested, option
from workstation.app.resources import ClipHolder
from workstation.app.train import DEMO_MODEL
from workstation.core.errors import Cancelled

if TYPE_CHECKING:
    from workstation.analysis.executors import Executor
    from workstation.analysis.overfit_lab import LabResult
    from workstation.engine.runtime import Runtime


def show_sizes(sizes: tuple[int, ...]) -> str:
    return ", ".join(str(size) for size in sizes)


@dataclass(frozen=True, kw_only=True)
class LabRequest:
    images: Path | None = option(
        None,
        help="captioned images (default: synthetic scenes drawn here, as many as the largest size)",
    )
    sizes: tuple[int, ...] = option(
        LabSettings.sizes,
        parse=parse_sizes,
        repeat=False,
        metavar="LIST",
        show=show_sizes,
        help="training-set sizes, comma-separated",
    )
    base: Path = option(DEMO_MODEL, help="model whose VAE and text encoder are reused")
    steps: int = option(LabSettings.steps, help="training steps per size")
    batch_size: int = option(LabSettings.batch_size)
    samples: int = option(LabSettings.samples, help="samples generated per size")
    near_copy: float = option(
        LabSettings.near_copy_l2,
        help="tiled-L2 distance at or below which a sample is a near-copy",
    )
    init: str = option(
        LabSettings.init,
        choices=("base", "scratch"),
        help="start each UNet from the base model's or from random weights",
    )
    seed: int = option(LabSettings.seed)
    work: Path | None = option(None, help="keep the trained models here")
    clip: ClipChoice = nested(ClipChoice, required=False)  # CLIP joins the measures when given

    def settings(self) -> LabSettings:
        return LabSettings(
            sizes=self.sizes,
            steps=self.steps,
            batch_size=self.batch_size,
            samples=self.samples,
            seed=self.seed,
            near_copy_l2=self.near_copy,
            init=self.init,
        )


@dataclass(frozen=True)
class LabOutcome:
    record_id: int
    result: LabResult


def run_lab(
    request: LabRequest,
    *,
    writer: CaseWriter,
    runtime: Runtime | None = None,
    clips: ClipHolder | None = None,
    executor: Executor | None = None,
) -> LabOutcome:
    """`executor`: where the training-set sizes are trained and sampled (this process by
    default, or Ray workers); only this process writes to the case."""
    from workstation.analysis.overfit_lab import run_overfit_lab, store_lab

    # 1. Check the case and load CLIP before hours of training.
    check_writer(writer)
    clip = (clips or ClipHolder()).get(request.clip)
    # 2. Train, sample, match (trained models and drawn scenes live in a folder the lab removes,
    #    unless `work` keeps them).
    result = run_overfit_lab(
        request.images,
        request.base,
        request.settings(),
        work=request.work,
        runtime=runtime,
        clip=clip,
        executor=executor,
    )
    if runtime is not None and runtime.cancelled():
        raise Cancelled("lab cancelled before it was stored")
    # 3. Store grids, plot and the lab record in one transaction.
    if runtime is not None:
        runtime.say("storing the results in the case")
    with writer.open() as case, case.transaction():
        record_id = store_lab(case, result)
        provenance_for_record(case, record_id)  # grids and plot
    return LabOutcome(record_id, result)
