"""Sections for the case's records: comparisons, generations, studies and labs, and anything else.

Each known kind gets its own layout: tables of what a reader needs (the measurements, the
settings, the files). The full machine record, every shown record's payload as canonical JSON,
goes into one file attached to the PDF (`records_file`: workstation-records.json, listed with
its SHA-256 in the appendix); each section names it. A record of an unknown kind shows its plain
top-level values. A missing key or an unexpected type never stops the report: the value is
shown as found, or as "—".
"""

from __future__ import annotations

from reportlab.platypus import CondPageBreak, Flowable, PageBreak

from workstation.core.canonical import canonical_json
from workstation.core.case import Record
from workstation.report import payload as pl
from workstation.report.anchor import ANCHOR_FILE, Attachment
from workstation.report.comparison import comparison
from workstation.report.context import Context
from workstation.report.corpus_search import corpus_search
from workstation.report.exam import exam
from workstation.report.figures import grid
from workstation.report.generation import generation
from workstation.report.layout import FRAME_HEIGHT, FRAME_WIDTH, table
from workstation.report.reproduction import reproduction
from workstation.report.study import study

RECORDS_FILE = "workstation-records.json"
RECORDS_SCHEMA = "workstation.report-records/1"
SECTION_KINDS = {
    "comparison": "comparisons",
    "reproduction": "comparisons",
    "generation": "generations",
    "study": "studies",
    "lab": "studies",
    "sweep": "studies",
}


def record_header(ctx: Context, record: Record) -> list[Flowable]:
    kind = f"record_kind_{record.kind}"
    line = ctx.t(
        "record_line",
        id=record.id,
        kind=ctx.t(kind) if ctx.has(kind) else record.kind,
        created=record.created_at.replace("T", " "),
        sha=record.payload_sha256,
    )
    story = [ctx.p(line, ctx.styles.small), ctx.p(ctx.t("record_attached"), ctx.styles.small)]
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
    """A kind this version has no layout for: its plain top-level values (nested ones are in the
    attached file), and the pictures it refers to."""
    payload = record.payload if isinstance(record.payload, dict) else {"value": record.payload}
    rows = [
        (key.replace("_", " "), ctx.mono(value) if pl.is_sha256(value) else pl.show(value))
        for key, value in payload.items()
        if pl.is_plain(value)
    ]
    story: list[Flowable] = [ctx.key_values(rows, 150)] if rows else []
    story += ctx.also_recorded(
        payload, {key for key, value in payload.items() if pl.is_plain(value)}
    )
    if not payload:
        story = [ctx.p(ctx.t("empty_record"), ctx.styles.small)]
    refs = ctx.evidence.record_artifacts(record)
    pictures = [(a.sha256, f"{label}: {ctx.ref(a)}") for label, a in refs.items() if a.width]
    unique = list({sha: (sha, label) for sha, label in pictures}.values())
    if unique:
        story.append(ctx.p(ctx.t("referenced_images"), ctx.styles.h3))
        story += grid(ctx, unique, columns=4)
    return story


def records_file(ctx: Context, records: list[Record]) -> Attachment:
    """The machine record of `records`: each one's ID, kind, time, links, payload SHA-256 and
    payload, as canonical JSON (sorted keys; the payload's canonical JSON hashes to its
    payload_sha256, as in the case)."""
    info = ctx.evidence.info
    data = {
        "schema": RECORDS_SCHEMA,
        "case_id": info.case_id,
        "report_id": ctx.report_id,
        "chain_head": {"seq": ctx.evidence.chain_head[0], "hash": ctx.evidence.chain_head[1]},
        "records": [
            {
                "id": record.id,
                "kind": record.kind,
                "created_at": record.created_at,
                "schema_version": record.schema_version,
                "withdrawn": record.withdrawn,
                "links": [
                    {
                        "role": link.role,
                        "label": link.label,
                        "artifact_id": link.artifact_id,
                        "record_id": link.record_id,
                    }
                    for link in record.links
                ],
                "payload_sha256": record.payload_sha256,
                "payload": record.payload,
            }
            for record in records
        ],
    }
    return Attachment(
        RECORDS_FILE,
        canonical_json(data).encode("utf-8"),
        "every record this report shows, in full (canonical JSON)",
    )


RENDERERS = {
    "comparison": comparison,
    "reproduction": reproduction,
    "generation": generation,
    "study": study,
    "lab": study,
    "sweep": study,
    "exam": exam,
    "corpus_search": corpus_search,
}


def attached_files(ctx: Context) -> list[Flowable]:
    """The files the PDF carries, with their SHA-256 (the manifest's last table)."""
    if not ctx.attachments:
        return []
    holds = {ANCHOR_FILE: "attached_anchor", RECORDS_FILE: "attached_records"}
    bold = ctx.styles.cell_bold
    head = [ctx.t("attached_file") + " / SHA-256", ctx.t("attached_holds"), ctx.t("attached_size")]
    rows: list[list] = [[ctx.p(text, bold) for text in head]]
    for file in ctx.attachments:
        what = ctx.t(holds[file.name]) if file.name in holds else file.description
        rows.append(
            [
                [ctx.cell(file.name), ctx.mono(file.sha256)],
                ctx.cell(what),
                ctx.cell(f"{len(file.data):,}"),
            ]
        )
    return [
        CondPageBreak(120),
        ctx.p(ctx.t("attached_heading"), ctx.styles.h3),
        ctx.p(ctx.t("attached_intro"), ctx.styles.small),
        table(rows, [262, FRAME_WIDTH - 322, 60]),
    ]
