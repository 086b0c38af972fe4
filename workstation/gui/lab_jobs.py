"""What the Lab tab's job does on its worker thread: the over-fitting lab that
`workstation lab overfit` runs, on the settings of the tab's form.

Nothing here touches widgets. The case is opened on the worker thread with the session's opener,
and only once the lab has finished, so a failed or cancelled lab leaves the case unchanged.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication

from workstation.analysis.overfit_lab import LabSettings
from workstation.core.case import Case
from workstation.core.errors import Cancelled
from workstation.engine.demo_model import DEMO_NAME
from workstation.gui.jobs import Job
from workstation.paths import MODELS_DIR

DEMO_MODEL = MODELS_DIR / DEMO_NAME
# As the CLI draws them when no folder is given, and as the record then names them.
SCENES_SEED = 7
SCENES = f"synthetic scenes (engine/synthetic_shapes.py, kind scene, seed {SCENES_SEED})"


@dataclass(frozen=True)
class LabRequest:
    images: Path | None  # folder of captioned images; None: synthetic scenes drawn for the run
    base: Path  # the model whose VAE and text encoder are reused
    settings: LabSettings
    clip_model: str = ""  # a local open_clip model (the preferences'); empty: no CLIP


def run_lab(job: Job, request: LabRequest, open_case: Callable[[], Case]) -> int:
    """Run the lab, then store it in the case; returns the study record's id."""
    from workstation.analysis.overfit_lab import run_overfit_lab, store_lab
    from workstation.engine.synthetic_shapes import write_dataset

    def say(message: str) -> None:
        job.on_progress(0, 0, message)

    # The trained models (and drawn scenes) are only needed until the samples are matched.
    with tempfile.TemporaryDirectory(prefix="overfit-lab-") as scratch:
        images = request.images
        if images is None:
            count = max(request.settings.sizes)
            say(
                QCoreApplication.translate("LabJobs", "drawing {n} synthetic scenes").format(
                    n=count
                )
            )
            images = write_dataset(Path(scratch) / "scenes", count, seed=SCENES_SEED, kind="scene")
        clip = None
        if request.clip_model:
            from workstation.analysis.clip import ClipModel

            clip = ClipModel.load(request.clip_model, None)
        result = run_overfit_lab(
            images,
            request.base,
            request.settings,
            work=Path(scratch) / "models",
            on_progress=say,
            is_cancelled=job.is_cancelled,
            clip=clip,
        )
    if request.images is None:  # the temporary folder is gone; say what it held
        result.data["folder"] = SCENES
    if job.is_cancelled():
        raise Cancelled("lab cancelled before it was stored")
    say(QCoreApplication.translate("LabJobs", "storing the results in the case"))
    with open_case() as case:
        return store_lab(case, result)
