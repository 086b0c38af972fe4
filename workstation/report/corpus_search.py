"""A corpus search record (app/corpus.py `search_into_case`): the query image, the index file
searched with its parameters as its meta records them (format, folder, works, hash kinds, CLIP
model, search kind and parameters, an approximate kind's measured recall@10), how it was
searched (engine, shards), and per metric the ranked works with their distances. It states the
search, never a conclusion: the section ends with the limit of what a rank says.

A missing key or an odd type shows as "—", never stops the report.
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Flowable

from workstation.core.case import Record
from workstation.report import payload as pl
from workstation.report.context import Context
from workstation.report.layout import FRAME_WIDTH, table
from workstation.report.recorded import recorded

HASH_NAMES = {"phash": "pHash", "dhash": "dHash", "ahash": "aHash", "colorhash": "colorhash"}
MAX_HITS = 50


def corpus_search(ctx: Context, record: Record) -> list[Flowable]:
    payload = record.payload if isinstance(record.payload, dict) else {}
    story: list[Flowable] = [ctx.p(ctx.t("corpus_intro"))]
    story.append(ctx.key_values(_about_rows(ctx, record, payload), 150))
    results = payload.get("results") if isinstance(payload.get("results"), dict) else {}
    order = [*HASH_NAMES, "clip"]  # the index's order (the stored JSON sorts its keys)
    for metric in sorted(results, key=lambda m: (order.index(m) if m in order else 99, m)):
        hits = results[metric]
        if not isinstance(hits, list):
            continue
        if metric == "clip":
            title = ctx.t("corpus_metric_clip")
        else:
            title = ctx.t("corpus_metric_hash", metric=_hash_name(ctx, metric))
        story.append(ctx.p(title, ctx.styles.h3))
        story.append(_hits(ctx, hits[:MAX_HITS]))
    notes = payload.get("notes") if isinstance(payload.get("notes"), list) else []
    for note in notes:
        note = recorded(ctx.t, pl.show(note))
        story.append(ctx.p(ctx.t("corpus_note", note=note), ctx.styles.small))
    story.append(ctx.p(ctx.t("corpus_limit"), ctx.styles.warning))
    return story


def _about_rows(ctx: Context, record: Record, payload: dict) -> list[tuple[str, Any]]:
    t = ctx.t
    index = _dict(payload.get("index"))
    query = _dict(payload.get("query"))
    search = _dict(payload.get("search"))
    linked = ctx.evidence.linked(record)
    rows: list[tuple[str, Any]] = [
        (
            t("corpus_query"),
            [
                ctx.cell(ctx.ref(linked.get("query"), query.get("sha256"))),
                ctx.mono(pl.show(query.get("sha256"))),
            ],
        ),
        (
            t("corpus_index"),
            [
                ctx.cell(
                    t(
                        "corpus_index_value",
                        name=pl.show(index.get("name")),
                        size=_number(index.get("size")),
                    )
                ),
                ctx.mono(pl.show(index.get("sha256"))),
            ],
        ),
        (t("corpus_format"), f"{pl.show(index.get('format'))} {pl.show(index.get('version'))}"),
        (t("corpus_root"), pl.show(index.get("root"))),
        (t("corpus_entries"), _number(index.get("entries"))),
        (
            t("corpus_built"),
            f"{pl.show(index.get('created'))} / {pl.show(index.get('updated'))}",
        ),
        (t("corpus_hashes"), _hash_kinds(ctx, index)),
    ]
    clip = index.get("clip")
    if isinstance(clip, dict):
        rows.append(
            (
                t("corpus_clip"),
                [
                    ctx.cell(pl.show(clip.get("arch"))),
                    ctx.mono(pl.show(clip.get("checkpoint_sha256"))),
                ],
            )
        )
    else:
        rows.append((t("corpus_clip"), t("corpus_no_clip")))
    kind = pl.show(search.get("kind"))
    rows.append(
        (t("corpus_kind"), t(f"corpus_kind_{kind}") if ctx.has(f"corpus_kind_{kind}") else kind)
    )
    parameters = _dict(search.get("parameters"))
    if parameters:
        rows.append(
            (t("corpus_parameters"), ", ".join(f"{k}={pl.show(v)}" for k, v in parameters.items()))
        )
    recall = search.get("recall_at_10")
    if isinstance(recall, (int, float)):
        rows.append(
            (
                t("corpus_recall"),
                t(
                    "corpus_recall_value",
                    recall=f"{recall:.3f}",
                    queries=pl.show(search.get("recall_queries")),
                ),
            )
        )
    engine = t("corpus_engine_value", engine=pl.show(search.get("engine")))
    if search.get("shards"):
        engine += "; " + t(
            "corpus_shards", shards=search["shards"], executor=pl.show(search.get("executor"))
        )
    rows.append((t("corpus_engine"), engine))
    stored_engine = _dict(index.get("search"))
    if stored_engine.get("sha256"):
        rows.append(
            (
                t("corpus_faiss_file"),
                [
                    ctx.cell(ctx.ref(linked.get("search_index"), stored_engine.get("sha256"))),
                    ctx.mono(pl.show(stored_engine.get("sha256"))),
                ],
            )
        )
    rows.append((t("corpus_k"), pl.show(payload.get("k"))))
    return rows


def _hits(ctx: Context, hits: list) -> Flowable:
    t = ctx.t
    bold = ctx.styles.cell_bold
    head = [t("corpus_rank"), t("corpus_distance"), t("corpus_similarity"), t("corpus_work")]
    rows: list[list] = [[ctx.p(text, bold) for text in head]]
    for hit in hits:
        hit = _dict(hit)
        rows.append(
            [
                ctx.cell(pl.show(hit.get("rank"))),
                ctx.cell(_value(hit.get("distance"))),
                ctx.cell(_value(hit.get("similarity"))),
                [ctx.cell(pl.show(hit.get("path"))), ctx.mono(pl.show(hit.get("sha256")))],
            ]
        )
    return table(rows, [40, 60, 70, FRAME_WIDTH - 170])


def _hash_kinds(ctx: Context, index: dict) -> str:
    kinds = index.get("hash_kinds")
    if not isinstance(kinds, list):
        return "—"
    return ctx.t("list_separator").join(_hash_name(ctx, str(k)) for k in kinds)


def _hash_name(ctx: Context, kind: str) -> str:
    if kind == "colorhash":
        return ctx.t("corpus_colorhash")
    return HASH_NAMES.get(kind, kind)


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _number(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return pl.show(value)


def _value(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return pl.show(value)
    return str(value) if isinstance(value, int) else f"{value:.4f}"
