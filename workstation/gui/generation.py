"""What the Generate panel's job does on its worker thread: the steps of `workstation generate
--case … --steps-dir …`, calling the same engine functions, with the model kept loaded between runs.

Nothing here touches widgets; pictures for the window are turned into QImages here, off the GUI
thread.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image
from PySide6.QtGui import QImage

from workstation.core.case import Case
from workstation.core.params import GenerationParams
from workstation.gui.images import to_qimage
from workstation.gui.jobs import Job

# Which denoising steps get a full VAE decode (every step always keeps its latent preview).
KEEP_ALL, KEEP_EVERY_5TH, KEEP_FINAL = "all", "every 5th", "final"


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


class ModelHolder:
    """The last model loaded, reused while path, device and dtype stay the same and its file is
    unchanged on disk (a changed one is loaded, and so hashed, again).

    Used by one generation job at a time (the panel runs them one after another).
    """

    def __init__(self) -> None:
        self.key: tuple[str, str, str] | None = None
        self.model: Any = None

    def get(self, path: str, device: str, dtype: str) -> Any:
        from workstation.engine.loading import load_model

        key = (str(Path(path).resolve()), device, dtype)
        if key != self.key or self.model.changed_on_disk():
            self.model = self.key = None  # free the old one before loading the next
            self.model = load_model(path, device=device, dtype=dtype)
            self.key = key
        return self.model


def decode_steps(keep: str, steps_run: int) -> set[int] | None:
    if keep == KEEP_ALL:
        return None
    kept = {steps_run}
    if keep == KEEP_EVERY_5TH:
        kept |= set(range(5, steps_run + 1, 5))
    return kept


def steps_run(params: GenerationParams) -> int:
    return int(params.steps * params.strength) if params.is_img2img else params.steps


def run_generation(
    job: Job,
    params: GenerationParams,
    keep: str,
    holder: ModelHolder,
    open_case: Callable[[], Case],
) -> Outcome:
    from workstation.engine.casefile import store_generation, write_steps
    from workstation.engine.generate import generate
    from workstation.engine.pngmeta import save_png
    from workstation.engine.stored import output_id

    # 1. Model, kept loaded for the next run.
    model = holder.get(params.model, params.device, params.dtype)

    # 2. Generate; each step's preview reaches the window through job.on_progress.
    result = generate(
        model,
        params,
        on_progress=job.on_progress,
        is_cancelled=job.is_cancelled,
        decode_steps=decode_steps(keep, steps_run(params)),
    )

    # 3. Into the case: output with its record in the PNG, every step, all in one transaction.
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        output = save_png(result.image, folder / f"generated_seed{params.seed}.png", result.record)
        step_files = write_steps(result, folder / "steps")
        frames = tuple(
            Frame(step.index, "decoded", to_qimage(step.image))
            if step.image is not None
            else Frame(step.index, "preview", to_qimage(Image.fromarray(step.preview)))
            for step in result.steps
        )
        with open_case() as case:
            record_id = store_generation(case, result, output, step_files)
            output_artifact = output_id(case.record(record_id))
    return Outcome(
        record_id=record_id,
        output_artifact=output_artifact,
        image=to_qimage(result.image),
        frames=frames,
        record=result.record,
    )
