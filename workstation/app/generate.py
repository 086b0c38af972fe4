"""Generate: one image from a recipe, written to a file, stored in a case, or both.

    front end → app.generate.generate → engine.generate (load, denoise, record)
              → engine.casefile (output, kept steps and the generation record, one transaction)
              → app.provenance (each stored image's provenance record, same transaction)

The command writes `--out` and, with `--case`, stores; the Generate panel always stores (a
temporary output file) and shows the kept steps.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from workstation.app.case_writer import CaseWriter
from workstation.app.inputs import check_empty_folder, check_png_out, check_writer
from workstation.app.provenance import provenance_for_record
from workstation.app.recipe import Recipe
from workstation.app.requests import nested, option
from workstation.app.resources import ModelHolder
from workstation.core.errors import InputError
from workstation.core.media import check_name
from workstation.core.params import GenerationParams

if TYPE_CHECKING:
    from workstation.engine.generate import GenerationResult
    from workstation.engine.runtime import Runtime

# Which denoising steps are kept (every kept step has its latent preview; these get a full VAE
# decode too). "none" keeps no steps at all.
KEEP_NONE, KEEP_FINAL, KEEP_EVERY_5TH, KEEP_ALL = "none", "final", "every-5th", "all"
KEEP_STEPS = (KEEP_NONE, KEEP_FINAL, KEEP_EVERY_5TH, KEEP_ALL)


@dataclass(frozen=True, kw_only=True)
class GenerateRequest:
    recipe: Recipe = nested(Recipe)
    out: Path | None = option(None, help="write the image here (PNG with its record)")
    steps_dir: Path | None = option(None, help="write the kept denoising steps here")
    keep_steps: str = option(
        KEEP_NONE,
        choices=KEEP_STEPS,
        help="denoising steps kept with the image (their latent previews, and a VAE decode of "
        "these; with --steps-dir the default is all)",
    )


@dataclass(frozen=True)
class Generated:
    result: GenerationResult  # image, completed params, record, captured steps
    out: Path | None  # the file written, when asked for
    record_id: int | None  # the generation record, when stored
    output_artifact: int | None

    @property
    def record(self) -> dict:
        return self.result.record


def generate(
    request: GenerateRequest,
    *,
    writer: CaseWriter | None = None,
    runtime: Runtime | None = None,
    models: ModelHolder | None = None,
) -> Generated:
    from workstation.engine.casefile import store_generation, write_steps
    from workstation.engine.generate import generate as run
    from workstation.engine.pngmeta import save_png
    from workstation.engine.stored import output_id

    # 1. Check everything that can be checked before the slow part.
    if request.out is None and writer is None:
        raise InputError("nothing would keep the image: give an output file, a case, or both")
    for path in (request.out, request.steps_dir):
        if path is not None:
            check_name(path)  # a stored output is named by it
    check_png_out(request.out)
    check_empty_folder(request.steps_dir, "steps folder")
    if request.steps_dir is not None and request.keep_steps == KEEP_NONE:
        raise InputError("a steps folder needs steps to keep")
    params = request.recipe.params()
    check_writer(writer)

    # 2. Load (or reuse) the model and generate; nothing is written before this succeeds.
    with (models or ModelHolder()).use(params.model, params.device, params.dtype) as model:
        result = run(
            model,
            params,
            runtime=runtime,
            decode_steps=decoded_steps(request.keep_steps, steps_run(params)),
        )

    # 3. Write the output and the kept steps, and store them in the case.
    with tempfile.TemporaryDirectory(prefix="workstation-generate-") as scratch:
        folder = Path(scratch)
        out = save_png(
            result.image, request.out or folder / f"generated_seed{params.seed}.png", result.record
        )
        step_files = []
        if request.keep_steps != KEEP_NONE:
            step_files = write_steps(result, request.steps_dir or folder / "steps")
        record_id = artifact = None
        if writer is not None:
            with writer.open() as case, case.transaction():
                record_id = store_generation(case, result, out, step_files).record_id
                provenance_for_record(case, record_id)  # output, init image, kept steps
                artifact = output_id(case.record(record_id))
    return Generated(result, request.out, record_id, artifact)


def decoded_steps(keep: str, steps_run: int) -> set[int] | tuple[()] | None:
    """The steps to VAE-decode (None: every one)."""
    if keep == KEEP_ALL:
        return None
    if keep == KEEP_NONE:
        return ()
    kept = {steps_run}
    if keep == KEEP_EVERY_5TH:
        kept |= set(range(5, steps_run + 1, 5))
    return kept


def steps_run(params: GenerationParams) -> int:
    return int(params.steps * params.strength) if params.is_img2img else params.steps
