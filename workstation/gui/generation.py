"""What the Generate panel's job does on its worker thread: `app.generate.generate` (the function
`workstation generate` calls), then the pictures for the window turned into QImages here, off
the GUI thread. Nothing here touches widgets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PIL import Image
from PySide6.QtGui import QImage

from workstation.app.generate import GenerateRequest, generate
from workstation.app.resources import ModelHolder
from workstation.gui.images import to_qimage
from workstation.gui.jobs import Job


@dataclass(frozen=True)
class Frame:
    step: int
    kind: str  # "decoded" or "preview"
    image: QImage


@dataclass(frozen=True)
class Outcome:
    record_id: int
    output_artifact: int
    image: QImage
    frames: tuple[Frame, ...]
    record: dict[str, Any]


def run_generation(job: Job, request: GenerateRequest, models: ModelHolder) -> Outcome:
    done = generate(request, writer=job.writer, runtime=job.runtime(), models=models)
    frames = tuple(
        Frame(step.index, "decoded", to_qimage(step.image))
        if step.image is not None
        else Frame(step.index, "preview", to_qimage(Image.fromarray(step.preview)))
        for step in done.result.steps
    )
    return Outcome(
        record_id=done.record_id,
        output_artifact=done.output_artifact,
        image=to_qimage(done.result.image),
        frames=frames,
        record=done.record,
    )
