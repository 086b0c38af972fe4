"""A study (sweep) record: its series plotted with matplotlib, its images in a grid."""

from __future__ import annotations

import re
from typing import Any

from reportlab.platypus import Flowable

from workstation.core.case import Record
from workstation.report import payload as pl
from workstation.report.context import Context
from workstation.report.figures import grid, sha_of
from workstation.report.layout import FRAME_HEIGHT, FRAME_WIDTH, EvidenceImage, fit
from workstation.report.plots import Series, plot_series


def study(ctx: Context, record: Record) -> list[Flowable]:
    payload = record.payload
    story: list[Flowable] = []
    description = pl.get(payload, "description", "purpose")
    if description:
        story.append(ctx.p(pl.show(description)))
    x_label, series = _series(payload)
    if series:
        out = ctx.workdir / f"plot-{record.id}.png"
        title = pl.show(pl.get(payload, "title", "name", default=ctx.t("study")))
        plot_series(series, x_label, title, out, ctx.fonts.cjk_path)
        width = FRAME_WIDTH
        height = width * (1.0 + 1.6 * len(series)) / 6.3
        width, height = fit(int(width), int(height), FRAME_WIDTH, FRAME_HEIGHT * 0.75)
        story += [
            EvidenceImage(out, width, height),
            ctx.p(ctx.t("plot_caption", id=record.id), ctx.styles.caption),
        ]
    points = _points(payload)
    pictures = []
    for point in points:
        sha = sha_of(ctx, point) or next(
            (s for s in (sha_of(ctx, v) for v in point.values()) if s), None
        )
        if sha and ctx.facts(sha):
            values = sorted(
                (
                    (k, v)
                    for k, v in point.items()
                    if pl.number(v) is not None and not k.endswith("id")
                ),
                key=lambda item: item[0] != x_label,
            )
            label = ", ".join(f"{k} {pl.show(v)}" for k, v in values)[:80]
            pictures.append((sha, label))
    if pictures:
        story.append(ctx.p(ctx.t("study_images"), ctx.styles.h3))
        story += grid(ctx, pictures, columns=4)
    rest = ctx.flat_table(payload, skip={"description"})
    if rest:
        story += [ctx.p(ctx.t("recorded_details"), ctx.styles.h3), *rest]
    return story


def _points(payload: dict) -> list[dict]:
    for key in ("points", "results", "rows", "runs", "items"):
        value = payload.get(key)
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            return value
    return []


def _series(payload: dict) -> tuple[str, list[Series]]:
    """(x label, series) from the shapes a study may use; ([], "") when nothing is numeric."""
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


def _add(out: list[Series], name: str, xs: Any, ys: Any) -> None:
    if not isinstance(ys, list) or not ys:
        return
    if not isinstance(xs, list) or len(xs) != len(ys):
        xs = list(range(1, len(ys) + 1))
    pairs = [(pl.number(x), pl.number(y)) for x, y in zip(xs, ys, strict=True)]
    pairs = [(x, y) for x, y in pairs if x is not None and y is not None]
    if len(pairs) >= 2:
        out.append(Series(name, tuple(p[0] for p in pairs), tuple(p[1] for p in pairs)))
