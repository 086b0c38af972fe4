"""Store a finished generation in a case: inputs, output, kept steps and the record, all or nothing.

Model and LoRA files are not copied (they can be gigabytes); the record names them by SHA-256.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from workstation.core.case import Case
from workstation.core.errors import InputError
from workstation.engine.generate import GenerationResult


@dataclass(frozen=True)
class StepFile:
    step: int
    path: Path
    kind: str  # "decoded" (full VAE decode) or "preview" (latent approximation)


def write_steps(result: GenerationResult, folder: Path) -> list[StepFile]:
    """Save every kept step as PNG: the latent preview always, the VAE decode when it was made."""
    from PIL import Image

    from workstation.engine.pngmeta import save_png

    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for step in result.steps:
        preview = save_png(Image.fromarray(step.preview), folder / f"preview_{step.index:03d}.png")
        files.append(StepFile(step.index, preview, "preview"))
        if step.image is not None:
            decoded = save_png(step.image, folder / f"step_{step.index:03d}.png")
            files.append(StepFile(step.index, decoded, "decoded"))
    return files


def store_generation(
    case: Case, result: GenerationResult, output: Path, step_files: Sequence[StepFile] = ()
) -> int:
    """Import everything into `case` in one transaction; returns the generation record's id."""
    params = result.params
    total = len(result.steps)
    with case.transaction():
        artifacts: dict[str, object] = {}
        if params.init_image:
            # The init image is often evidence already in the case: refer to it, don't copy again.
            init = next((a for a in case.artifacts() if a.sha256 == params.init_sha256), None)
            if init is None:
                init = case.import_file(
                    params.init_image, role="other", note="init image (img2img)"
                )
            if init.sha256 != params.init_sha256:
                raise InputError(f"{params.init_image} changed on disk during the generation")
            artifacts["init_image"] = {"id": init.id, "sha256": init.sha256}
        made = case.import_file(output, role="generated", note=f"generated, seed {params.seed}")
        artifacts["output"] = {"id": made.id, "sha256": made.sha256}
        steps = []
        for file in step_files:
            what = "VAE decode" if file.kind == "decoded" else "latent preview, approximate colours"
            note = f"denoising step {file.step}/{total} ({what}), seed {params.seed}"
            stored = case.import_file(file.path, role="generated", note=note)
            steps.append(
                {"step": file.step, "kind": file.kind, "id": stored.id, "sha256": stored.sha256}
            )
        artifacts["steps"] = steps
        return case.add_record("generation", {**result.record, "artifacts": artifacts})
