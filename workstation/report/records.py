"""Sections for the case's records: comparisons, generations, studies and labs, and anything else.

Each known kind gets its own layout; whatever a record holds beyond what that layout shows, and
every record of an unknown kind, is printed as a key/value table. A missing key or an unexpected
type never stops the report: the value is shown as found, or as "—".
"""

from __future__ import annotations

from reportlab.platypus import CondPageBreak, Flowable, PageBreak

from workstation.core.case import Record
from workstation.report.comparison import comparison
from workstation.report.context import Context
from workstation.report.figures import grid
from workstation.report.generation import generation
from workstation.report.layout import FRAME_HEIGHT
from workstation.report.reproduction import reproduction
from workstation.report.study import study

SECTION_KINDS = {
    "comparison": "comparisons",
    "reproduction": "comparisons",
    "generation": "generations",
    "study": "studies",
    "lab": "studies",
    "sweep": "studies",
}


def record_header(ctx: Context, record: Record) -> list[Flowable]:
    line = ctx.t(
        "record_line",
        id=record.id,
        kind=record.kind,
        created=record.created_at.replace("T", " "),
        sha=record.payload_sha256,
    )
    story = [ctx.p(line, ctx.styles.small)]
    if ctx.evidence.record_changed(record):
        story.append(ctx.p(ctx.t("record_changed"), ctx.styles.warning))
    return story


def section(
    ctx: Context, number: int, title_key: str, records: list[Record], names: dict[int, str]
) -> list[Flowable]:
    story: list[Flowable] = [PageBreak(), ctx.heading(f"{number} {ctx.t(title_key)}", 0)]
    for record in records:
        render = RENDERERS.get(record.kind, other)
        story.append(CondPageBreak(FRAME_HEIGHT * 0.3))
        story.append(ctx.heading(names[record.id], 1))
        story += record_header(ctx, record)
        story += render(ctx, record)
    return story


def other(ctx: Context, record: Record) -> list[Flowable]:
    story = ctx.flat_table(record.payload)
    if not story:
        story = [ctx.p(ctx.t("empty_record"), ctx.styles.small)]
    refs = ctx.evidence.record_artifacts(record)
    pictures = [(a.sha256, f"{label}: {ctx.ref(a)}") for label, a in refs.items() if a.width]
    unique = list({sha: (sha, label) for sha, label in pictures}.values())
    if unique:
        story.append(ctx.p(ctx.t("referenced_images"), ctx.styles.h3))
        story += grid(ctx, unique, columns=4)
    return story


RENDERERS = {
    "comparison": comparison,
    "reproduction": reproduction,
    "generation": generation,
    "study": study,
    "lab": study,
    "sweep": study,
}
