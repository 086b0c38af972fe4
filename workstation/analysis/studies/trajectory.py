"""Denoising trajectory: every step of one generation, VAE-decoded, as a labelled grid.

The classic exhibit of how a diffusion model arrives at an image: noise first, composition next,
detail last. Each step is also measured against the final image (the study metrics of the
registry, without CLIP), which shows from which step on the result was settled.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workstation.analysis.images import image_from_array
from workstation.analysis.studies import plots
from workstation.analysis.studies.executors import Executor, InProcess
from workstation.analysis.studies.metrics import measure, metric_names, prepare
from workstation.analysis.studies.runner import (
    Input,
    Item,
    StudyFile,
    StudyOutcome,
    StudyRun,
    store_study,
    write_data,
)
from workstation.analysis.studies.sweep import SCHEMA
from workstation.core.canonical import sha256_file
from workstation.core.case import Case
from workstation.core.params import GenerationParams
from workstation.core.records import Study
from workstation.engine.runtime import Runtime

GRID_COLUMNS = 6


@dataclass(frozen=True)
class TrajectoryStudy:
    params: GenerationParams


def run(
    case: Case,
    study: TrajectoryStudy,
    *,
    runtime: Runtime | None = None,
    executor: Executor | None = None,
    on_progress: Callable[[int, int, Any], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> StudyOutcome:
    """`on_progress(step, total, detail)`/`is_cancelled`: the legacy form of the runtime's."""
    runtime = Runtime.from_callbacks(runtime, on_progress, is_cancelled)
    with runtime.applied() as applied:
        return _trajectory(case, study, applied, executor or InProcess())


def _trajectory(
    case: Case, study: TrajectoryStudy, runtime: Runtime, executor: Executor
) -> StudyOutcome:
    params = study.params
    title = f"Denoising trajectory, seed {params.seed}"
    runner = StudyRun(case, runtime=runtime, title=title, executor=executor)
    made = runner.make([Item(params, {"seed": params.seed}, keep_steps=True)])[0]
    total = len(made.steps)

    # 1. Each step against the final image.
    metrics = metric_names(None)
    final = prepare(image_from_array(made.rgb()))
    step_rgbs = [stored.rgb() for _, stored in made.steps]
    points = [
        {"step": step, **values}
        for (step, _), values in zip(made.steps, measure(final, step_rgbs), strict=True)
    ]
    settled = next(
        (p["step"] for p in points if p["phash_distance"] == 0 and p["ssim"] >= 0.99), None
    )
    summary = {"steps": total, "first_step_within_ssim_0.99_and_phash_0_of_final": settled}

    with tempfile.TemporaryDirectory(prefix="workstation-study-") as scratch_name:
        scratch = Path(scratch_name)
        # 2. The grid, the curve and the numbers.
        grid = plots.image_grid(
            [
                (rgb, f"step {step}/{total}")
                for (step, _), rgb in zip(made.steps, step_rgbs, strict=True)
            ],
            min(GRID_COLUMNS, total),
            f"{title} ({params.sampler}, {total} steps)",
            scratch / "trajectory_grid.png",
        )
        plot = plots.sweep_plot(
            points,
            "step",
            metrics,
            f"{title}: each step against the final image",
            scratch / "trajectory_plot.png",
            group=None,
        )
        base = runner.resolved(params).to_dict()
        for point, (_, stored) in zip(points, made.steps, strict=True):
            point["image_sha256"] = stored.sha256
        data_csv, data_json = write_data(
            scratch,
            "trajectory_data",
            points,
            ["step", *metrics, "image_sha256"],
            {"study": "trajectory", "parameter": "step", "summary": summary, "base_params": base},
        )
        files = [
            StudyFile(grid, "grid", f"{title}: every step, labelled"),
            StudyFile(plot, "plot", f"{title}: steps against the final image"),
            StudyFile(data_csv, "data_csv", f"{title}: numbers (CSV)"),
            StudyFile(data_json, "data_json", f"{title}: numbers and summary (JSON)"),
        ]
        inputs = []
        if params.init_image:
            path = Path(params.init_image)
            inputs.append(
                Input(path, sha256_file(path), "input", "source", "init image of a trajectory")
            )

        # 3. Into the case.
        def build(ids: dict[str, int]) -> Study:
            step_ids = {step: stored.artifact_id for step, stored in made.steps}
            return Study(
                study="trajectory",
                title=title,
                description=(
                    f"All {total} denoising steps of one generation, each fully VAE-decoded; "
                    "each step measured against the final image."
                ),
                parameter="step",
                points=[{**p, "artifact_id": step_ids[p["step"]]} for p in points],
                schema=SCHEMA,
                metrics=metrics,
                summary=summary,
                highlights=[{"artifact_id": made.image.artifact_id, "label": "final image"}],
                base_params=base,
                generation=made.record,
                counts={"items": 1, "generated": runner.generated, "reused": runner.reused},
                torch_threads=runtime.threads,
            )

        record_id = store_study(runner, [made], files, inputs, build)
    return StudyOutcome(case.record(record_id), runner.generated, runner.reused)
