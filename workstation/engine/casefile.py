"""Store a finished generation in a case: inputs, output, kept steps and the record, all or nothing.

Model and LoRA files are not copied (they can be gigabytes); the record names them by SHA-256.
Which artifacts the record used and made is said by its links (engine/stored.py reads them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workstation.core.case import Artifact, Case
from workstation.core.errors import InputError
from workstation.core.records import Generation, Link
from workstation.engine.generate import GenerationResult
from workstation.engine.stored import schema_fields, step_label


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


def generation_body(record: dict[str, Any], study_key: str | None = None) -> Generation:
    """The typed record of an engine generation record (see `stored.schema_fields`)."""
    return Generation(**schema_fields(Generation, record), study_key=study_key)


@dataclass(frozen=True)
class StoredGeneration:
    """What `store_generation` stored: the record and the artifacts it links."""

    record_id: int
    output: Artifact
    steps: tuple[tuple[StepFile, Artifact], ...]


def store_generation(
    case: Case,
    result: GenerationResult,
    output: Path,
    step_files: Sequence[StepFile] = (),
    *,
    note: str | None = None,
    study_key: str | None = None,
) -> StoredGeneration:
    """Import everything into `case` in one transaction; returns what it stored.

    The record links its output, its init image and each kept step; `study_key` marks an item
    of a study (analysis/studies/runner.py finds it again by that key).
    """
    params = result.params
    total = len(result.steps)
    links: list[Link] = []
    steps: list[tuple[StepFile, Artifact]] = []
    with case.transaction():
        if params.init_image:
            # The init image is often evidence already in the case: refer to it, don't copy again.
            init = case.find_artifact(params.init_sha256 or "")
            if init is None:
                init = case.import_file(
                    params.init_image, role="other", note="init image (img2img)"
                )
            if init.sha256 != params.init_sha256:
                raise InputError(f"{params.init_image} changed on disk during the generation")
            links.append(Link("input", "init_image", artifact_id=init.id))
        made = case.import_file(
            output, role="generated", note=note or f"generated, seed {params.seed}"
        )
        links.append(Link("output", "output", artifact_id=made.id))
        for file in step_files:
            what = "VAE decode" if file.kind == "decoded" else "latent preview, approximate colours"
            step_note = f"denoising step {file.step}/{total} ({what}), seed {params.seed}"
            stored = case.import_file(file.path, role="generated", note=step_note)
            links.append(Link("step", step_label(file.step, file.kind), artifact_id=stored.id))
            steps.append((file, stored))
        record_id = case.add_record(generation_body(result.record, study_key), links)
    return StoredGeneration(record_id, made, tuple(steps))
