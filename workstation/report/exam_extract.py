"""An extraction attempt's exam record (analysis/model_exam/extract.py), inside report/exam.py's
layout: the settings (w', λ, images and seeds, steps, clusters, prompt), a table of clusters
(size, centre seed, spread, nearest case work, pHash distance and the metric), and each cluster's
centre image beside its nearest work at the same scale.

The record's numbers as stored; a missing key or an odd type shows as "—". Images come from the
record's links (outputs labelled "seed N") and the works' artifact IDs, through `ctx.picture`,
which checks and marks each one.
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Flowable, KeepTogether

from workstation.core.case import Record
from workstation.report import payload as pl
from workstation.report.context import Context
from workstation.report.figures import artifact_sha, side_by_side
from workstation.report.layout import FRAME_HEIGHT, FRAME_WIDTH, table
from workstation.report.recorded import recorded

MAX_CLUSTERS = 12  # pictures shown; the table lists every cluster


def extract(ctx: Context, record: Record) -> list[Flowable]:
    payload = record.payload if isinstance(record.payload, dict) else {}
    results = payload.get("results") if isinstance(payload.get("results"), dict) else {}
    settings = payload.get("settings") if isinstance(payload.get("settings"), dict) else {}
    seeds = settings.get("seeds") if isinstance(settings.get("seeds"), list) else []
    prompt = settings.get("prompt")
    story: list[Flowable] = [
        ctx.key_values(
            [
                (
                    ctx.t("exam_settings"),
                    ctx.t(
                        "exam_extract_settings",
                        scale=_num(settings.get("scale"), "{:g}"),
                        lam=_num(settings.get("lambda"), "{:.3g}"),
                        count=len(seeds),
                        first=pl.show(seeds[0]) if seeds else "—",
                        last=pl.show(seeds[-1]) if seeds else "—",
                        steps=pl.show(settings.get("steps")),
                        clusters=pl.show(settings.get("clusters")),
                        size=pl.show(settings.get("size")),
                    ),
                ),
                (
                    ctx.t("exam_extract_prompt"),
                    pl.show(prompt) if prompt else ctx.t("exam_extract_empty"),
                ),
            ],
            130,
        )
    ]
    clusters = [c for c in results.get("clusters") or [] if isinstance(c, dict)]
    compared = pl.as_int(results.get("works_compared")) or 0
    story.append(ctx.p(ctx.t("exam_extract_table", works=compared), ctx.styles.h3))
    rows = [
        [
            ctx.p(ctx.t(key), ctx.styles.cell_bold)
            for key in (
                "exam_col_cluster",
                "exam_col_images",
                "exam_col_centre",
                "exam_col_spread",
                "exam_col_nearest",
                "exam_col_distance",
                "exam_col_metric",
            )
        ]
    ]
    for cluster in clusters:
        near = _nearest(cluster)
        rows.append(
            [
                ctx.cell(pl.show(cluster.get("cluster"))),
                ctx.cell(str(len(cluster.get("members") or []))),
                ctx.cell(ctx.t("exam_extract_seed", seed=pl.show(cluster.get("medoid_seed")))),
                ctx.cell(_num(cluster.get("spread"), "{:.3f}")),
                ctx.cell(_work(ctx, near) if near else ctx.t("exam_extract_no_work")),
                ctx.cell(f"{pl.show(near.get('phash_distance'))} / 64" if near else "—"),
                ctx.cell(ctx.t("exam_metric_phash") if near else "—"),
            ]
        )
    if len(rows) > 1:
        story.append(table(rows, [40, 45, 60, 50, FRAME_WIDTH - 355, 60, 100]))
        story.append(ctx.p(ctx.t("exam_extract_metric_note"), ctx.styles.small))

    # Each centre beside its nearest work, at the same scale.
    outputs = {link.label: link.artifact_id for link in record.linked("output")}
    for cluster in clusters[:MAX_CLUSTERS]:
        seed = pl.show(cluster.get("medoid_seed"))
        centre = artifact_sha(ctx, outputs.get(f"seed {seed}"))
        near = _nearest(cluster)
        work = artifact_sha(ctx, near.get("artifact_id")) if near else None
        left = (
            (
                centre,
                ctx.t("exam_extract_centre", cluster=pl.show(cluster.get("cluster")), seed=seed),
            )
            if centre
            else None
        )
        right = (
            (
                work,
                ctx.t(
                    "exam_extract_nearest",
                    work=_work(ctx, near),
                    distance=pl.show(near.get("phash_distance")),
                ),
            )
            if work and near
            else None
        )
        if left or right:
            story.append(KeepTogether(side_by_side(ctx, left, right, FRAME_HEIGHT * 0.2)))
    return story


def _nearest(cluster: dict) -> dict:
    near = cluster.get("nearest")
    return near[0] if isinstance(near, list) and near and isinstance(near[0], dict) else {}


def _work(ctx: Context, near: dict) -> str:
    artifact = ctx.evidence.by_id.get(pl.as_int(near.get("artifact_id")) or 0)
    return ctx.ref(artifact) if artifact else recorded(ctx.t, pl.show(near.get("name")))


def _num(value: Any, form: str) -> str:
    number = pl.number(value)
    return "—" if number is None else form.format(number)
