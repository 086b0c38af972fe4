"""WHICH MODEL MADE THIS IMAGE: rank local models by VAE reconstruction distance (AEROBLADE).

    front end → app.exam_attribute.attribute → the models found in the folders given
              → analysis.model_exam.attribute (each model hashed; on the executor, one item per
              model: loaded and verified, its VAE hashed, its fit and held-out generations made;
              one item per distinct VAE: every image's distance through it;
              each model's threshold fitted, its error rates measured on the held-out images)
              → the exam record (method "attribute"), linked to the image (imported if the case
              lacks it)

Inputs are checked (the image readable, at least one model found) before any model loads.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from workstation.app.case_writer import CaseWriter
from workstation.app.inputs import check_writer
from workstation.app.requests import option
from workstation.core.errors import InputError

if TYPE_CHECKING:
    from workstation.analysis.executors import Executor
    from workstation.engine.runtime import Runtime


@dataclass(frozen=True, kw_only=True)
class AttributeRequest:
    image: Path = option(positional=True, help="the image attributed")
    models: tuple[Path, ...] = option(
        (),
        items_after=True,
        metavar="DIR",
        required=True,
        help="model folders (every base model inside) or model files",
    )
    real: tuple[Path, ...] = option(
        (),
        items_after=True,
        metavar="IMG",
        help="non-generated images for the calibration (alternately fit and held out)",
    )
    generated: int = option(4, help="generations per model the calibration threshold is fitted on")
    held_out: int = option(
        4,
        help="more generations per model, and more synthetic non-generated images, held out to "
        "measure the error rates",
    )
    synthetic: int = option(4, help="synthetic non-generated images the threshold is fitted on")
    size: int | None = option(None, help="calibration size in pixels (default: native)")
    steps: int = option(10, help="sampling steps of the calibration images")
    seed: int = option(0, help="first seed of the calibration images (recorded)")
    device: str = option("auto", choices=("auto", "cpu", "cuda", "mps"))
    dtype: str = option("auto", choices=("auto", "float32", "float16", "bfloat16"))


@dataclass(frozen=True)
class Attributed:
    result: dict
    record_id: int | None


def find_models(folders: tuple[Path, ...]) -> list[Path]:
    """Every base model (diffusers folder or model file) in the folders or files given."""
    from workstation.engine.families import BASE_KINDS
    from workstation.engine.library import PICKLE_SUFFIXES, SAFETENSORS_SUFFIXES, identify

    found: list[Path] = []

    def visit(path: Path) -> None:
        model_file = path.suffix.lower() in SAFETENSORS_SUFFIXES + PICKLE_SUFFIXES
        if (path / "model_index.json").is_file() or (model_file and path.is_file()):
            if identify(path).kind in BASE_KINDS:
                found.append(path)
        elif path.is_dir():
            for entry in sorted(path.iterdir()):
                if not entry.name.startswith("."):
                    visit(entry)

    for folder in folders:
        if not folder.exists():
            raise InputError(f"{folder}: not found")
        visit(folder)
    if not found:
        names = ", ".join(str(f) for f in folders) or "(none given)"
        raise InputError(f"no base models found in {names}")
    return list(dict.fromkeys(found))


def attribute(
    request: AttributeRequest,
    writer: CaseWriter | None = None,
    runtime: Runtime | None = None,
    executor: Executor | None = None,
) -> Attributed:
    """Calibrate the models found and rank them for the image; store the exam record.
    `executor`: where each model's calibration generations and each VAE's reconstructions run
    (`executor_named`; default: in this process)."""
    from workstation.analysis.model_exam.attribute import CalibrationSettings, read_image
    from workstation.analysis.model_exam.attribute import attribute as run_attribution
    from workstation.engine.runtime import Runtime

    clock = time.perf_counter()
    # 1. Inputs, before any model loads.
    read_image(request.image)
    for path in request.real:
        read_image(path)
    models = find_models(request.models)
    settings = CalibrationSettings(
        generated=request.generated,
        held_out=request.held_out,
        real=request.synthetic,
        size=request.size,
        steps=request.steps,
        seed=request.seed,
    )
    check_writer(writer)
    runtime = runtime or Runtime(deterministic=True)

    # 2. The examination.
    with runtime.applied() as run:
        result = run_attribution(
            request.image,
            models,
            settings,
            real_images=request.real,
            runtime=run,
            device=request.device,
            dtype=request.dtype,
            executor=executor,
        )
    output = {
        **result.to_dict(),
        "description": result.method,
        "method": "attribute",
        "torch_threads": run.threads,
        "deterministic": runtime.deterministic,
    }
    record_id = None
    if writer is not None:
        record_id = _store(output, round(time.perf_counter() - clock, 2), writer)
    return Attributed(output, record_id)


_RESULTS = (
    "ranking",
    "groups",
    "indistinguishable",
    "attributed_to",
    "real_images",
    "held_out_real_images",
    "verdict",
    "ranking_accuracy",
    "held_out_accuracy",
    "non_generated_accepted",
    "distance_measure",
    "description",
    "warnings",
)


def _store(output: dict, seconds: float, writer: CaseWriter) -> int:
    from workstation.core.records import Exam, Link

    ranking = output["ranking"]
    body = Exam(
        method="attribute",
        model={"models": [{"path": r["model"], "sha256": r["sha256"]} for r in ranking]},
        loras=[],
        inputs={"image": {"path": output["image"], "sha256": output["image_sha256"]}},
        settings={
            **output["settings"],
            "torch_threads": output["torch_threads"],
            "deterministic": output["deterministic"],
        },
        results={k: output[k] for k in _RESULTS},
        limits=[output["limits"]],
        seconds=seconds,
    )
    with writer.open() as case, case.transaction():
        artifact = case.find_artifact(output["image_sha256"])
        if artifact is None:
            artifact = case.import_file(
                output["image"], role="disputed", note="image attributed to a model"
            )
            if artifact.sha256 != output["image_sha256"]:
                raise InputError(f"{output['image']} changed on disk during the run")
        return case.add_record(body, [Link("input", "image", artifact_id=artifact.id)])
