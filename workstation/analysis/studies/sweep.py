"""A sweep: many generations, each measured against one reference image, plotted and stored.

The strength, LoRA-scale and seed studies are sweeps that differ in which parameter they vary and
how they plot it; this module does the rest. The metric columns are the registry's study metrics
(`studies/metrics.py`). The record is a `Study` (core/records.py):

    {"schema": "workstation.study/1", "study": "strength", "title": …, "description": …,
     "parameter": "strength", "metrics": ["phash_distance", "ssim", …, ("clip")],
     "points": [{"strength": 0.3, "seed": 1, "phash_distance": 4, "ssim": 0.8, …,
                 "phash_band": …, "ssim_band": …, "artifact_id": 17, "params_key": …}, …],
     "series": [{"name": "SSIM (mean of 3 seeds)", "x": […], "y": […]}, …],
     "summary": {…}, "highlights": [{"artifact_id": 12, "label": "reference"}, …],
     "base_params": {…}, "reference": {"sha256": …, "artifact_id": …}}

and its links: the reference or source ("reference"), each item's generation record ("item") and
image ("output", labelled like the item, e.g. "strength 0.3, seed 1"), and the files it drew
("figure": "plot", "grid", "data_csv", "data_json").
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from workstation.analysis import bands
from workstation.analysis.images import load_image
from workstation.analysis.studies import plots
from workstation.analysis.studies.executors import Executor, InProcess
from workstation.analysis.studies.metrics import (
    band_column,
    band_of,
    measure,
    metric_names,
    metric_of,
    near_duplicate_share,
    prepare,
)
from workstation.analysis.studies.runner import (
    Input,
    Item,
    StudyFile,
    StudyOutcome,
    StudyRun,
    store_study,
    write_data,
)
from workstation.core.case import Case
from workstation.core.records import Study
from workstation.engine.runtime import Runtime

if TYPE_CHECKING:
    from workstation.analysis.clip import ClipModel

SCHEMA = "workstation.study/1"

# Outputs measured together: CLIP's batch (ClipModel.embed_images), so chunking changes no number.
MEASURE_CHUNK = 16


@dataclass(frozen=True)
class Sweep:
    study: str  # "strength", "lora-scale", "seeds"
    title: str
    description: str
    parameter: str  # the key of `Item.values` on the x axis
    items: Sequence[Item]
    reference: Path
    reference_label: str  # "reference" or "source"
    histogram: bool = False  # plot distributions instead of curves over the parameter
    grid_columns: int = 0  # 0: one column per parameter value
    extra: dict[str, Any] | None = None  # study-specific settings for the record


def run_sweep(
    case: Case,
    sweep: Sweep,
    *,
    clip_model: ClipModel | None = None,
    summarise: Callable[[list[dict]], dict[str, Any]] | None = None,
    highlight: Callable[[list[dict]], list[int]] | None = None,
    runtime: Runtime | None = None,
    executor: Executor | None = None,
    on_progress: Callable[[int, int, Any], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> StudyOutcome:
    """Generate (or reuse) every item, measure, plot and store. `highlight(points)` returns the
    indexes of the outputs worth showing large, `summarise(points)` study-specific findings.
    `executor`: where the items are generated (executors.py; default: in this process).
    `on_progress(step, total, detail)`/`is_cancelled`: the legacy form of the runtime's."""
    runtime = Runtime.from_callbacks(runtime, on_progress, is_cancelled)
    with runtime.applied() as applied:
        return _sweep(case, sweep, clip_model, summarise, highlight, applied, executor)


def _sweep(
    case: Case,
    sweep: Sweep,
    clip_model: ClipModel | None,
    summarise: Callable[[list[dict]], dict[str, Any]] | None,
    highlight: Callable[[list[dict]], list[int]] | None,
    runtime: Runtime,
    executor: Executor | None,
) -> StudyOutcome:
    reference = load_image(sweep.reference)  # a bad reference fails before any generation
    run = StudyRun(case, runtime=runtime, title=sweep.title, executor=executor or InProcess())
    made = run.make(sweep.items)

    # 1. Measure every output against the reference.
    metrics = metric_names(clip_model)
    prepared = prepare(reference, clip_model)
    values = []  # a chunk of outputs in memory at a time (100,000 at 512 px would be 79 GB)
    for start in range(0, len(made), MEASURE_CHUNK):
        chunk = made[start : start + MEASURE_CHUNK]
        values += measure(prepared, [m.rgb() for m in chunk], clip_model)
    points = []
    for result, measured in zip(made, values, strict=True):
        point = {**result.item.values, **measured}
        for metric in metrics:
            band = band_of(metric, measured[metric])
            if band:
                point[band_column(metric)] = band
        point["params_key"] = result.key
        point["image_sha256"] = result.image.sha256
        points.append(point)

    # 2. Summary, series, the most telling outputs.
    seeds = sorted({p["seed"] for p in points})
    summary: dict[str, Any] = {
        "outputs": len(points),
        "near_duplicate": near_duplicate_share(points, metrics),
        **(summarise(points) if summarise else {}),
    }
    series = [] if sweep.histogram else _series(points, sweep.parameter, metrics, len(seeds))
    chosen = highlight(points) if highlight else list(range(len(points)))

    with tempfile.TemporaryDirectory(prefix="workstation-study-") as scratch_name:
        scratch = Path(scratch_name)
        # 3. Plot, grid and the numbers as files.
        name = sweep.study.replace("-", "_")
        plot = scratch / f"{name}_plot.png"
        if sweep.histogram:
            plots.histogram_plot(points, metrics, sweep.title, plot)
        else:
            plots.sweep_plot(points, sweep.parameter, metrics, sweep.title, plot)
        grid = scratch / f"{name}_grid.png"
        columns = sweep.grid_columns or len({p[sweep.parameter] for p in points})
        # A distribution shows the reference beside the closest outputs; a sweep every output,
        # one row per seed.
        shown = chosen if sweep.histogram else range(len(points))
        cells = [(reference.rgb, sweep.reference_label)] if sweep.histogram else []
        cells += [(made[i].rgb(), _cell_label(points[i], sweep.parameter, metrics)) for i in shown]
        plots.image_grid(cells, columns, sweep.title, grid)
        columns_out = [
            *made[0].item.values,
            *metrics,
            *(band_column(m) for m in metrics if band_column(m)),
            "image_sha256",
            "params_key",
        ]
        base = run.resolved(sweep.items[0].params).to_dict()
        data_csv, data_json = write_data(
            scratch,
            f"{name}_data",
            points,
            columns_out,
            {
                "study": sweep.study,
                "parameter": sweep.parameter,
                "summary": summary,
                "series": series,
                "base_params": base,
            },
        )
        files = [
            StudyFile(plot, "plot", f"{sweep.title}: plot"),
            StudyFile(grid, "grid", f"{sweep.title}: outputs"),
            StudyFile(data_csv, "data_csv", f"{sweep.title}: numbers (CSV)"),
            StudyFile(data_json, "data_json", f"{sweep.title}: numbers and summary (JSON)"),
        ]
        source = Input(
            sweep.reference,
            reference.sha256,
            "reference",
            sweep.reference_label,
            f"{sweep.reference_label} of the {sweep.title}",
        )

        # 4. Into the case, all at once.
        def build(ids: dict[str, int]) -> Study:
            reference_id = ids[sweep.reference_label]
            stored = [
                {**p, "artifact_id": m.image.artifact_id} for p, m in zip(points, made, strict=True)
            ]
            highlights = [{"artifact_id": reference_id, "label": sweep.reference_label}]
            highlights += [
                {
                    "artifact_id": stored[i]["artifact_id"],
                    "label": _cell_label(points[i], sweep.parameter, metrics),
                }
                for i in chosen[:11]
            ]
            return Study(
                study=sweep.study,
                title=sweep.title,
                description=sweep.description,
                parameter=sweep.parameter,
                points=stored,
                schema=SCHEMA,
                metrics=metrics,
                series=series,
                summary=summary,
                highlights=highlights,
                base_params=base,
                settings=sweep.extra or {},
                reference={"sha256": reference.sha256, "artifact_id": reference_id},
                counts={"items": len(made), "generated": run.generated, "reused": run.reused},
                bands_notice=bands.NOTICE,
                torch_threads=runtime.threads,
            )

        record_id = store_study(run, made, files, [source], build)
    return StudyOutcome(case.record(record_id), run.generated, run.reused)


def _series(points: list[dict], parameter: str, metrics: list[str], seeds: int) -> list[dict]:
    xs = sorted({p[parameter] for p in points})
    out = []
    for metric in metrics:
        label = metric_of(metric).words["en"].short
        label += f" (mean of {seeds} seeds)" if seeds > 1 else ""
        means = [float(np.mean([p[metric] for p in points if p[parameter] == x])) for x in xs]
        out.append({"name": label, "metric": metric, "x": xs, "y": [round(m, 6) for m in means]})
    return out


def _cell_label(point: dict, parameter: str, metrics: list[str]) -> str:
    """ "strength 0.3, seed 1" over the metrics' values, two to a line (the grid's cells are
    narrow)."""
    head = f"{parameter} {point[parameter]:g}" if parameter != "seed" else ""
    seed = f"seed {point['seed']}"
    values = [f"{metric_of(m).words['en'].name} {point[m]:.3g}" for m in metrics]
    lines = [", ".join(x for x in (head, seed) if x)]
    lines += [", ".join(values[i : i + 2]) for i in range(0, len(values), 2)]
    return "\n".join(lines)
