"""A study (sweep) or lab record: its plot and grid, a table of its measurements, its telling
images.

Records written by `analysis/studies` and the over-fitting lab link their own plot and image grid
(role "figure", labels "plot", "grid", "data_csv", "data_json") and name the images worth showing
large ("highlights", by artifact ID). Records without stored pictures have only numbers: their
series are plotted here with matplotlib, and the images their points name are shown.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from reportlab.platypus import Flowable

from workstation.analysis import metrics
from workstation.core.case import Artifact, Record
from workstation.report import payload as pl
from workstation.report.context import Context
from workstation.report.figures import artifact_sha, caption, figure, grid
from workstation.report.generation import parameter_rows
from workstation.report.layout import FRAME_HEIGHT, FRAME_WIDTH, EvidenceImage, fit, table
from workstation.report.plots import Series, plot_series
from workstation.report.recorded import recorded

MAX_TABLE_ROWS = 40
MAX_IMAGES = 12
MAX_GRID = 28  # images of a study's grid laid out again in another language (four rows of 7)
_SHOWN = {
    "description",
    "title",
    "parameter",
    "metrics",
    "points",
    "series",
    "summary",
    "highlights",
    "artifacts",
    "base_params",
    "generation",
}


def study(ctx: Context, record: Record) -> list[Flowable]:
    payload = record.payload
    figures = ctx.evidence.linked(record, "figure")
    story: list[Flowable] = []
    description = pl.get(payload, "description", "purpose")
    if description:
        story.append(ctx.p(_lab_methods(ctx, payload) or recorded(ctx.t, pl.show(description))))
    summary = payload.get("summary")
    if isinstance(summary, dict) and summary:
        story.append(ctx.key_values(_summary_rows(ctx, summary), 190))

    # 1. The study's own figures (the trajectory's grid first: it is the exhibit), else a plot
    #    of its series.
    x_label, series = series_of(payload)
    order = ("grid", "plot") if payload.get("study") == "trajectory" else ("plot", "grid")
    stored = {
        key: figures[key].sha256
        for key in order
        if key in figures and ctx.is_image(figures[key].sha256)
    }
    # The stored plot's words are English: in another language it is drawn again from the
    # record's numbers, and the caption names the stored file.
    # So are the labels in its image grid: its images are laid out again, labelled here.
    redraw = ctx.lang != "en" and bool(series) and "plot" in stored
    cells = _grid_cells(ctx, payload, x_label) if ctx.lang != "en" and "grid" in stored else []
    for key, sha in stored.items():
        if key == "plot" and redraw:
            continue
        title = ctx.t("study_grid" if key == "grid" else "study_plot")
        if key == "grid" and cells:
            story += grid(ctx, cells, columns=min(len(cells), 7 if len(cells) > 12 else 4))
            text = ctx.t("grid_redrawn", ref=ctx.short_ref(figures["grid"]))
            story.append(ctx.p(f"{title} — {text}", ctx.styles.caption))
            continue
        story += figure(ctx, sha, f"{title} — {caption(ctx, sha)}", FRAME_HEIGHT * 0.5)
    if series and ("plot" not in stored or redraw):
        out = ctx.workdir / f"plot-{record.id}.png"
        title = pl.show(pl.get(payload, "title", "name", default=ctx.t("study")))
        shown = [_series_in(ctx, item) for item in series]
        plot_series(
            shown, _column_title(ctx, x_label), recorded(ctx.t, title), out, ctx.fonts.cjk_path
        )
        width = FRAME_WIDTH
        height = width * (1.0 + 1.6 * len(series)) / 6.3
        width, height = fit(int(width), int(height), FRAME_WIDTH, FRAME_HEIGHT * 0.75)
        text = ctx.t("plot_caption", id=record.id)
        if redraw:
            text += " " + ctx.t("plot_redrawn", ref=ctx.short_ref(figures["plot"]))
        story += [EvidenceImage(out, width, height), ctx.p(text, ctx.styles.caption)]

    # 2. Every measurement (the CSV and JSON artifacts hold them all).
    points = _points(payload)
    if points:
        story.append(ctx.p(ctx.t("study_table"), ctx.styles.h3))
        story += _table(ctx, payload, points, x_label, figures)

    # 3. The images worth seeing large.
    pictures = _highlights(ctx, payload) or _point_images(ctx, points, x_label)
    if pictures:
        story.append(ctx.p(ctx.t("study_images"), ctx.styles.h3))
        # Wide strips (a row of samples over their matches) are read at full width, one a row.
        sizes = [ctx.pixel_size(sha) for sha, _ in pictures]
        wide = all(size and size[0] >= 1.3 * size[1] for size in sizes)
        if wide:  # two to a page at most
            story += grid(ctx, pictures[:MAX_IMAGES], columns=1, max_height=FRAME_HEIGHT * 0.38)
        else:
            story += grid(ctx, pictures[:MAX_IMAGES], columns=4)

    # 4. The request the images were made from, then anything else recorded.
    base = payload.get("base_params")
    generation = payload.get("generation") if isinstance(payload.get("generation"), dict) else {}
    rows = parameter_rows(ctx, generation, base) if isinstance(base, dict) else []
    if rows:  # a lab, or a study recorded without its request, has none
        story.append(ctx.p(ctx.t("parameters"), ctx.styles.h3))
        story.append(ctx.key_values(rows, 120))
    settings = _settings_rows(ctx, payload)
    if settings:
        story.append(ctx.p(ctx.t("study_settings"), ctx.styles.h3))
        story.append(ctx.key_values(settings, 150))
    if payload.get("bands_notice"):
        story.append(ctx.p(ctx.t("bands_notice"), ctx.styles.small))
    shown = _SHOWN | _SETTINGS_SHOWN | {k for k, v in payload.items() if pl.is_plain(v)}
    return story + ctx.also_recorded(payload, shown)


# Keys `_settings_rows` shows (a lab's nested ones: their plain values).
_SETTINGS_SHOWN = {"schema", "bands_notice", "study", "reference", "settings", "counts"}


def _settings_rows(ctx: Context, payload: dict) -> list[tuple[str, Any]]:
    """What the study was run with: its kind, reference image, swept values, counts, and the
    plain values a lab records (settings, data, base model)."""
    rows: list[tuple[str, Any]] = []
    if payload.get("study"):
        kind = f"study_kind_{payload['study']}"
        rows.append(
            (ctx.t("study_kind"), ctx.t(kind) if ctx.has(kind) else pl.show(payload["study"]))
        )
    reference = payload.get("reference") if isinstance(payload.get("reference"), dict) else {}
    sha = pl.get(reference, "sha256") or artifact_sha(ctx, reference.get("artifact_id"))
    if sha:
        artifact = ctx.evidence.by_sha.get(str(sha).lower())
        rows.append((ctx.t("study_reference"), [ctx.cell(ctx.ref(artifact, sha)), ctx.mono(sha)]))
    for group in ("settings", "data", "base_model", "calibration", "clip_model"):
        values = payload.get(group)
        if isinstance(values, dict):
            rows += [
                (_key_label(ctx, key), ctx.mono(v) if pl.is_sha256(v) else _setting(ctx, v))
                for key, v in values.items()
                if pl.is_plain(v) and v not in (None, "", [])
            ]
    counts = payload.get("counts") if isinstance(payload.get("counts"), dict) else {}
    if counts:
        rows.append(
            (
                ctx.t("study_counts"),
                ctx.t(
                    "study_counts_value",
                    items=pl.show(counts.get("items")),
                    generated=pl.show(counts.get("generated")),
                    reused=pl.show(counts.get("reused")),
                ),
            )
        )
    for key, value in payload.items():
        if key not in _SHOWN | _SETTINGS_SHOWN and pl.is_plain(value) and value not in (None, ""):
            label = ctx.t("env_threads") if key == "torch_threads" else _key_label(ctx, key)
            rows.append((label, _setting(ctx, value)))
    return rows


def _lab_methods(ctx: Context, payload: dict) -> str | None:
    """The over-fitting lab's methods paragraph in the report's language, from the values its
    record holds (analysis/overfit_lab.py writes it in English); None in English, for other
    records, or when a value is missing."""
    settings, data, base = (
        payload.get(k) if isinstance(payload.get(k), dict) else {}
        for k in ("settings", "data", "base_model")
    )
    if ctx.lang == "en" or payload.get("lab") != "overfit" or not (settings and data and base):
        return None
    from workstation.analysis.overfit_lab import TILES

    points = _points(payload)
    clip = payload.get("clip_model") if isinstance(payload.get("clip_model"), dict) else None
    calibration = payload.get("calibration") if isinstance(payload.get("calibration"), dict) else {}
    try:
        text = ctx.t(
            "lab_methods",
            sizes=ctx.t("list_separator").join(str(n) for n in settings["sizes"]),
            folder=_setting(ctx, data["folder"]),
            images=data["images"],
            data_sha=str(data["sha256"])[:16],
            start=ctx.t("lab_from_base" if settings.get("init") == "base" else "lab_from_random"),
            steps=settings["steps"],
            batch=settings["batch_size"],
            rate=settings["learning_rate"],
            offset=pl.show(payload.get("noise_offset_used")),
            base=Path(str(base["path"])).name,
            base_sha=str(base["sha256"])[:16],
            resolution=base["resolution"],
            minutes=f"{sum(pl.number(p.get('train_seconds')) or 0 for p in points) / 60:.1f}",
            samples=settings["samples"],
            sampler=settings["sampler"],
            sample_steps=settings["sample_steps"],
            cfg=settings["cfg"],
            tiles=TILES,
            near=settings["near_copy_l2"],
            clip=ctx.t("lab_clip", arch=clip["arch"], sha=str(clip["checkpoint_sha256"])[:16])
            if clip
            else "",
            total=f"{(pl.number(payload.get('seconds')) or 0) / 60:.1f}",
        )
    except (KeyError, TypeError):
        return None
    if "nearest_other_training_image_tiled_l2" in calibration:
        text += ctx.t(
            "lab_calibration",
            vae=calibration.get("vae_round_trip_tiled_l2"),
            other=calibration["nearest_other_training_image_tiled_l2"],
        )
    return text


def _key_label(ctx: Context, key: str) -> str:
    """A recorded setting's name as a row label: the catalogue's words for the settings the
    workstation records ("batch_size"), otherwise the name itself: "max_steps" → "Max steps"."""
    if ctx.has("setting_" + key):
        return ctx.t("setting_" + key)
    text = key.replace("_", " ")
    return text[:1].upper() + text[1:]


def _setting(ctx: Context, value: object) -> str:
    """A setting's value; words the workstation wrote (a lab's data source) translated."""
    text = pl.show(value)
    if isinstance(value, str) and ctx.has("setting_value_" + value):
        return ctx.t("setting_value_" + value)
    return recorded(ctx.t, text) if isinstance(value, str) else text


def series_of(payload: dict) -> tuple[str, list[Series]]:
    """(x label, series) of a study record, from its "series" or else its numeric "points";
    no series when nothing is numeric. The report and the GUI plot studies through this."""
    x_name = pl.show(pl.get(payload, "parameter", "x_label", "x_name", "sweep", default="x"))
    out: list[Series] = []
    raw = payload.get("series")
    shared_x = pl.get(payload, "x", "values", "parameter_values")
    if isinstance(raw, list):
        for index, item in enumerate(raw):
            if isinstance(item, dict):
                _add(
                    out,
                    pl.show(pl.get(item, "name", "label", "metric", default=index)),
                    item.get("x", shared_x),
                    item.get("y", item.get("values")),
                )
    elif isinstance(raw, dict):
        for name, item in raw.items():
            if isinstance(item, dict):
                _add(out, str(name), item.get("x", shared_x), item.get("y", item.get("values")))
            else:
                _add(out, str(name), shared_x, item)
    if not out:
        points = _points(payload)
        if points:
            numeric = [k for k in points[0] if all(pl.number(p.get(k)) is not None for p in points)]
            x_key = x_name if x_name in numeric else (numeric[0] if numeric else None)
            if x_key:
                x_name = x_key
                for key in numeric:
                    if key != x_key and not re.search(r"(^|_)(id|seed|index)$", key):
                        _add(out, key, [p[x_key] for p in points], [p[key] for p in points])
    return x_name, out[:6]


def _points(payload: dict) -> list[dict]:
    for key in ("points", "results", "rows", "runs", "items"):
        value = payload.get(key)
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            return value
    return []


def _add(out: list[Series], name: str, xs: Any, ys: Any) -> None:
    if not isinstance(ys, list) or not ys:
        return
    if not isinstance(xs, list) or len(xs) != len(ys):
        xs = list(range(1, len(ys) + 1))
    pairs = [(pl.number(x), pl.number(y)) for x, y in zip(xs, ys, strict=True)]
    pairs = [(x, y) for x, y in pairs if x is not None and y is not None]
    if len(pairs) >= 2:
        out.append(Series(name, tuple(p[0] for p in pairs), tuple(p[1] for p in pairs)))


def _table(
    ctx: Context, payload: dict, points: list[dict], x_label: str, figures: dict[str, Artifact]
) -> list[Flowable]:
    """One row per point: the swept values, the measurements and their bands, the image."""
    keys = [k for k in points[0] if not k.endswith(("_key", "sha256")) and k != "artifact_id"]
    # The swept parameter, the seed, then each metric followed by its band.
    shown = [m for m in payload.get("metrics") or [] if m in keys]
    lead = [k for k in dict.fromkeys((x_label, "seed")) if k in keys]
    for metric in shown:
        lead.append(metric)
        band = _band_column(metric)
        if band in keys:
            lead.append(band)
    keys = lead + [k for k in keys if k not in lead]
    with_image = any(artifact_sha(ctx, p.get("artifact_id")) for p in points)
    if payload.get("study") == "seeds":  # a memorisation test: the closest outputs first
        points = sorted(points, key=lambda p: -(pl.number(p.get("ssim")) or 0.0))
    header = [ctx.p(_column_title(ctx, k), ctx.styles.cell_bold) for k in keys]
    bands = {k for k in keys if k.endswith("_band")}
    if with_image:
        header.append(ctx.p(ctx.t("image"), ctx.styles.cell_bold))
    rows = [header]
    for point in points[:MAX_TABLE_ROWS]:
        row = [
            ctx.cell(_band(ctx, point.get(k)) if k in bands else _number(point.get(k)))
            for k in keys
        ]
        if with_image:
            sha = artifact_sha(ctx, point.get("artifact_id"))
            row.append(ctx.cell(ctx.short_ref(ctx.evidence.by_sha.get(sha), sha) if sha else "—"))
        rows.append(row)
    widths = [FRAME_WIDTH / len(header)] * len(header)
    story: list[Flowable] = [table(rows, widths)]
    if len(points) > MAX_TABLE_ROWS:
        data = [ctx.short_ref(figures[key]) for key in ("data_csv", "data_json") if key in figures]
        story.append(
            ctx.p(
                ctx.t(
                    "study_rows_left_out",
                    count=len(points) - MAX_TABLE_ROWS,
                    where=", ".join(data) or "—",
                ),
                ctx.styles.small,
            )
        )
    return story


def _summary_rows(ctx: Context, summary: dict) -> list[tuple[str, str]]:
    rows = []
    for key, value in summary.items():
        if key == "near_duplicate" and isinstance(value, dict):
            for metric, share in value.items():
                if not isinstance(share, dict):
                    continue
                text = ctx.t(
                    "near_duplicate_value",
                    count=pl.show(share.get("count")),
                    of=pl.show(share.get("of")),
                    share=f"{pl.number(share.get('fraction')) or 0:.0%}",
                )
                rule = pl.show(share.get("rule") or "")
                known = metrics.of_column(metric)
                if known and rule == known.rule():
                    rule = known.rule(ctx.lang)
                rows.append(
                    (
                        ctx.t("near_duplicate_label", metric=_metric_name(ctx, metric)),
                        ctx.t("near_duplicate_rule", share=text, rule=rule) if rule else text,
                    )
                )
        else:
            label = "summary_" + key
            if isinstance(value, dict):
                text = "; ".join(f"{k.replace('_', ' ')} {pl.show(v)}" for k, v in value.items())
            else:
                text = pl.show(value)
            rows.append((ctx.t(label) if ctx.has(label) else key.replace("_", " "), text))
    return rows


def _band(ctx: Context, band: object) -> str:
    key = f"band_{band}"
    return ctx.t(key) if ctx.has(key) else pl.show(band)


def _series_in(ctx: Context, series: Series) -> Series:
    """A series named in the report's language, with its metric's band thresholds."""
    metric = metrics.of_column(series.name)
    if metric is None:
        metric = next(
            (
                m
                for m in metrics.METRICS
                if series.name.startswith((m.words["en"].short, m.words["en"].name))
            ),
            None,
        )
    name = recorded(ctx.t, series.name)
    if metric is not None and name == series.name:
        name = _column_title(ctx, series.name) if metrics.of_column(series.name) else name
    lines = tuple(
        (ctx.t("plot_band_line", band=_band(ctx, band)), value)
        for band, value in (metric.band_lines() if metric else [])
    )
    return replace(series, name=name, bands=lines)


def _band_column(column: str) -> str:
    """The key of the band of the metric in a study column (older records: by the name's start)."""
    metric = metrics.of_column(column)
    return f"{metric.name}_band" if metric else column.split("_")[0] + "_band"


def _column_title(ctx: Context, column: str) -> str:
    """A metric column by its short name in the report's language; other keys as recorded."""
    metric = metrics.of_column(column)
    if metric:
        return metric.words[ctx.lang].short
    banded = metrics.find(column.removesuffix("_band")) if column.endswith("_band") else None
    if banded:
        return ctx.t("band_of", metric=banded.words[ctx.lang].name)
    key = "sweep_" + column
    return ctx.t(key) if ctx.has(key) else column.replace("_", " ")


def _metric_name(ctx: Context, column: str) -> str:
    metric = metrics.of_column(column)
    return metric.words[ctx.lang].name if metric else column.replace("_", " ")


def _number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return pl.show(value)


def _highlights(ctx: Context, payload: dict) -> list[tuple[str, str]]:
    found = []
    for item in payload.get("highlights") or []:
        if isinstance(item, dict):
            sha = artifact_sha(ctx, item.get("artifact_id"))
            if sha and ctx.facts(sha):
                label = pl.show(item.get("label", ""))
                lines = [recorded(ctx.t, line) for line in label.split("\n")]
                found.append((sha, ctx.t("list_separator").join(lines)))
    return found


def _grid_cells(ctx: Context, payload: dict, x_label: str) -> list[tuple[str, str]]:
    """Each point's image labelled by its swept value and seed, as the study's own grid labels
    them; none when a point's image is missing or there are too many for a page."""
    cells = []
    points = _points(payload)
    for point in points:
        sha = artifact_sha(ctx, point.get("artifact_id"))
        if not sha or not ctx.facts(sha):
            return []
        keys = [k for k in dict.fromkeys((x_label, "seed")) if k in point]
        label = " ".join(  # a narrow cell may break between the values, not before a comma
            ctx.t("sweep_value", name=_column_title(ctx, k), value=_number(point[k])) for k in keys
        )
        cells.append((sha, label))
    return cells if len(cells) <= MAX_GRID else []


def _point_images(ctx: Context, points: list[dict], x_label: str) -> list[tuple[str, str]]:
    """The image each point names by its artifact_id (a lab's grids, an older study's outputs)."""
    pictures = []
    for point in points:
        sha = artifact_sha(ctx, point.get("artifact_id"))
        if sha and ctx.facts(sha):
            values = sorted(
                (
                    (k, v)
                    for k, v in point.items()
                    if pl.number(v) is not None and not k.endswith("id")
                ),
                key=lambda item: item[0] != x_label,
            )
            label = ctx.t("list_separator").join(
                ctx.t("sweep_value", name=_column_title(ctx, k), value=pl.show(v))
                for k, v in values
            )[:80]
            pictures.append((sha, label))
    return pictures
