"""A comparison record: the PairReport, with the images it compared (links "input" image_a and
image_b) and the pictures its metrics drew (links "figure", labelled by the picture's name in the
metric registry: difference_map, …). Metric labels and picture titles come from the registry in
the report's language; a metric this version does not know is shown as recorded."""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Flowable

from workstation.analysis import bands, metrics
from workstation.core.case import Artifact, Record
from workstation.report import measurements
from workstation.report import payload as pl
from workstation.report.context import Context
from workstation.report.figures import caption, figure, sha_of, side_by_side
from workstation.report.layout import FRAME_HEIGHT, FRAME_WIDTH, table
from workstation.report.recorded import recorded

PICTURES = tuple(m.picture for m in metrics.METRICS if m.picture)


def comparison(ctx: Context, record: Record) -> list[Flowable]:
    payload = record.payload
    data = payload.get("report") if isinstance(payload.get("report"), dict) else payload
    linked = ctx.evidence.linked(record, "input", "figure")
    story = pair_report(ctx, data, linked)
    # An old record's "artifacts" map is not shown: the case read it into links.
    extra = {k: v for k, v in payload.items() if k not in ("report", "artifacts")}
    if data is not payload and extra:
        story += ctx.also_recorded(extra, set())
    return story


def pair_report(ctx: Context, data: dict, linked: dict[str, Artifact]) -> list[Flowable]:
    """A PairReport's section: `linked` maps image_a, image_b and the picture labels to the
    artifacts holding them (a reproduction passes its own)."""
    story: list[Flowable] = []

    # 1. The two images, same scale.
    sides = []
    for name, key in (("A", "image_a"), ("B", "image_b")):
        sha = linked[key].sha256 if key in linked else sha_of(ctx, data.get(key))
        if sha:
            sides.append((sha, caption(ctx, sha, f"{name}: ")))
        else:
            story.append(
                ctx.p(
                    ctx.t(
                        "image_not_stored", name=name, path=pl.show(pl.path(data, f"{key}.path"))
                    ),
                    ctx.styles.small,
                )
            )
    if sides:
        story += side_by_side(ctx, *(sides + [None])[:2], max_height=FRAME_HEIGHT * 0.38)
    for name, key in (("A", "image_a"), ("B", "image_b")):
        for note in pl.path(data, f"{key}.notes", []) or []:
            story.append(ctx.p(f"{name}: {recorded(ctx.t, str(note))}", ctx.styles.small))
    for note in data.get("normalisation") or []:
        story.append(ctx.p(recorded(ctx.t, str(note)), ctx.styles.small))

    # 2. Metric table: value, band, rule, and a numbered note for the threshold's source.
    readings = [r for r in data.get("bands") or [] if isinstance(r, dict)]
    if readings:
        story.append(ctx.p(ctx.t("metrics_heading"), ctx.styles.h3))
        story += _metric_table(ctx, readings)
        story += measurements.framing_table(ctx, readings)
    story.append(ctx.p(_notice(ctx, data.get("bands_notice")), ctx.styles.small))
    story += _comparison_summary(ctx, data)

    # 3. Pictures the comparison produced.
    for picture in PICTURES:
        if picture.name in linked:
            sha = linked[picture.name].sha256
            title = picture.words[ctx.lang].title
            text = f"{title} — {caption(ctx, sha)}"
            story += figure(ctx, sha, text, FRAME_HEIGHT * 0.4, picture.scale)
    if not any(picture.name in linked for picture in PICTURES):
        story.append(ctx.p(ctx.t("pictures_not_stored"), ctx.styles.small))

    # 4. Everything else the record holds.
    hashes = [h for h in data.get("hashes") or [] if isinstance(h, dict)]
    if hashes:
        story.append(ctx.p(ctx.t("hash_values"), ctx.styles.h3))
        rows = [
            [
                ctx.p(text, ctx.styles.cell_bold)
                for text in (ctx.t("hash"), "A", "B", ctx.t("distance"))
            ]
        ]
        for h in hashes:
            distance = h.get("distance")
            if distance is None and h.get("similarity") is not None:
                distance = ctx.t("similarity_value", value=_value(h.get("similarity")))
            elif h.get("bits"):
                distance = f"{distance} / {h['bits']}"
            rows.append(
                [
                    ctx.cell(pl.show(h.get("name"))),
                    ctx.mono(pl.show(h.get("hex_a"), 120)),
                    ctx.mono(pl.show(h.get("hex_b"), 120)),
                    ctx.cell(pl.show(distance)),
                ]
            )
        story.append(table(rows, [70, 170, 170, FRAME_WIDTH - 410]))
    return story + measurements.details(ctx, data)


def _metric_table(ctx: Context, readings: list[dict]) -> list[Flowable]:
    head = [ctx.t("metric"), ctx.t("value"), ctx.t("band"), ctx.t("band_rule"), ctx.t("source")]
    rows: list[list] = [[ctx.p(text, ctx.styles.cell_bold) for text in head]]
    sources: list[str] = []
    for reading in readings:
        band = pl.show(reading.get("band"))
        rule, source = _rule_and_source(ctx, reading)
        if source not in sources:
            sources.append(source)
        rows.append(
            [
                ctx.cell(_label(ctx, reading)),
                ctx.cell(_value(reading.get("value"))),
                ctx.cell(ctx.t("band_" + band) if ctx.has("band_" + band) else band),
                ctx.cell(rule or "—"),
                ctx.cell(f"[{sources.index(source) + 1}]"),
            ]
        )
    story: list[Flowable] = [table(rows, [130, 48, 66, FRAME_WIDTH - 280, 36]), ctx.gap(3)]
    story.append(ctx.p(ctx.t("threshold_sources"), ctx.styles.cell_bold))
    story += [
        ctx.p(f"[{n}] {source}", ctx.styles.cell) for n, source in enumerate(sources, start=1)
    ]
    return story + [ctx.gap(4)]


def _rule_and_source(ctx: Context, reading: dict) -> tuple[str, str]:
    return rule_and_source(ctx.lang, reading)


def rule_and_source(lang: str, reading: dict) -> tuple[str, str]:
    """The band rule and the thresholds' source as recorded; in another language the registry's
    words for them, when the record holds what the registry says in English (a record made with
    other thresholds keeps its own words). The window shows them from here too."""
    rule, source = pl.show(reading.get("rule") or ""), pl.show(reading.get("source"))
    known = metrics.find(str(reading.get("metric")))
    if known is not None and known.bands is not None and rule in known.bands.former_rules:
        rule = known.rule()  # the same bands, as an earlier version worded them
    if lang == "en" or known is None:
        return rule, source
    if rule == known.rule():
        rule = known.rule(lang)
    if source == known.threshold_source():
        source = known.threshold_source(lang)
    return rule, source


def _notice(ctx: Context, recorded: object) -> str:
    """The record's notice about bands; this version's own notice in the report's language."""
    if not recorded or recorded == bands.NOTICE:
        return bands.TEXT[ctx.lang]["notice"]
    return pl.show(recorded)


def _label(ctx: Context, reading: dict) -> str:
    """The registry's words for the metric (its label says how it framed the images, as the
    metric does now); a metric this version does not know, as recorded."""
    known = metrics.find(str(reading.get("metric")))
    if known is None:
        return pl.get(reading, "label", "metric", default="—")
    return known.words[ctx.lang].label


def _comparison_summary(ctx: Context, data: dict) -> list[Flowable]:
    lines = []
    k = data.get("keypoints")
    if isinstance(k, dict):
        lines.append(
            ctx.t(
                "keypoint_summary",
                inliers=pl.show(k.get("inliers")),
                matches=pl.show(k.get("matches")),
                status=recorded(ctx.t, pl.show(k.get("status"))),
            )
        )
    s = data.get("structure")
    if isinstance(s, dict) and pl.number(s.get("mean_abs_difference")) is not None:
        lines.append(
            ctx.t(
                "difference_summary",
                mean=f"{s['mean_abs_difference']:.2%}",
                changed=f"{pl.number(s.get('changed_fraction')) or 0:.1%}",
            )
        )
    clip = data.get("clip")
    if isinstance(clip, dict) and clip.get("message"):
        lines.append(ctx.t("clip_message", message=recorded(ctx.t, str(clip["message"]))))
    return [ctx.p(line, ctx.styles.small) for line in lines]


def _value(value: Any) -> str:
    number = pl.number(value)
    if number is None:
        return pl.show(value)
    return str(int(number)) if number.is_integer() else f"{number:.4f}"
