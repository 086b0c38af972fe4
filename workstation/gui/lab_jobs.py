"""What the Lab tab's job does on its worker thread: the over-fitting lab that
`workstation lab overfit` runs, on the settings of the tab's form.

Nothing here touches widgets. The case is opened on the worker thread with the session's opener,
and only once the lab has finished, so a failed or cancelled lab leaves the case unchanged.
"""

from __future__ import annotations

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


@dataclass(frozen=True)
class LabRequest:
    images: Path | None  # folder of captioned images; None: synthetic scenes drawn for the run
    base: Path  # the model whose VAE and text encoder are reused
    settings: LabSettings
    clip_model: str = ""  # a local open_clip model (the preferences'); empty: no CLIP


def run_lab(job: Job, request: LabRequest, open_case: Callable[[], Case]) -> int:
    """Run the lab, then store it in the case; returns the lab record's id."""
    from workstation.analysis.overfit_lab import run_overfit_lab, store_lab

    def say(message: str) -> None:
        job.on_progress(0, 0, message)

    clip = None
    if request.clip_model:
        from workstation.analysis.clip import ClipModel

        clip = ClipModel.load(request.clip_model, None)
    # Trained models (and drawn scenes) live in a temporary folder the lab removes.
    result = run_overfit_lab(
        request.images,
        request.base,
        request.settings,
        on_progress=say,
        is_cancelled=job.is_cancelled,
        clip=clip,
    )
    if job.is_cancelled():
        raise Cancelled("lab cancelled before it was stored")
    say(QCoreApplication.translate("LabJobs", "storing the results in the case"))
    with open_case() as case:
        return store_lab(case, result)
