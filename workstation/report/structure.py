"""The two structures a report can take, chosen per report (`ReportOptions.style`):

    expert     a common-law expert report: instructions and scope, materials examined, methods,
               results per examination (each with the examiner's findings about it), the
               findings, limitations, the examiner's declaration and signature, appendices.
    appraisal  the sections of a Chinese judicial appraisal opinion on electronic data
               (司法鉴定意见书): 一、基本情况, 二、检案摘要, 三、检验过程, 四、分析说明,
               五、鉴定意见 (the examiner's findings verbatim), 落款, 附件; each exhibit's check
               values as SHA-256 and SM3.

Both are built from the same `Parts` (what `build._story` gathered) and the same sections; the
software states no conclusion in either: every finding and opinion is the examiner's own text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from reportlab.platypus import CondPageBreak, Flowable, PageBreak

import workstation
from workstation.core.case import Artifact, Record
from workstation.report import examiner, sections
from workstation.report import records as rec
from workstation.report.context import Context
from workstation.report.evidence import MISSING
from workstation.report.layout import FRAME_HEIGHT, FRAME_WIDTH, table


@dataclass(frozen=True)
class Parts:
    """What a report shows, gathered once for either structure."""

    title: str
    created: datetime
    scope: str
    warnings: list[str]
    file_name: str  # the report's file name, for the methods' "how to check this file"
    chosen: list[Artifact]  # the exhibits, in order
    by_section: dict[str, list[Record]]  # chapter key -> its records
    order: list[str]  # the chapter keys that have records, in report order
    names: dict[int, str]  # record id -> its heading ("Comparison 1: ...")
    mentions: dict[int, list[str]]  # artifact id -> the records that use it
    counts: dict[str, int]
    model_files: list[dict]
    reports: list[tuple[int, str, dict]]  # earlier reports: record id, time, payload


# 1. Expert report


def expert(ctx: Context, parts: Parts) -> list[Flowable]:
    t = ctx.t
    notice = t("cover_notice")
    story = sections.cover(
        ctx, parts.title, parts.created, notice, parts.warnings, t("expert_subtitle")
    )
    story += sections.contents(ctx)
    # 1. Instructions and scope
    story.append(ctx.heading(f"1 {t('expert_instructions')}", 0))
    story.append(ctx.key_values(_instructions(ctx), 130))
    story += [ctx.gap(8), ctx.p(t("scope_heading"), ctx.styles.h3), ctx.p(parts.scope)]
    # 2. Materials examined: the verification, then each exhibit with its findings
    method = 3
    story += [PageBreak(), ctx.heading(f"2 {t('expert_materials')}", 0)]
    story.append(ctx.heading(t("expert_integrity"), 1))
    story += sections.integrity(ctx, parts.counts, method)
    story.append(ctx.heading(t("exhibits"), 1))
    story += sections.exhibits(
        ctx,
        parts.chosen,
        parts.mentions,
        after=lambda artifact: examiner.findings_about(ctx, "artifact", artifact.id),
    )
    # 3. Methods
    story += [PageBreak(), ctx.heading(f"{method} {t('methodology')}", 0)]
    story += sections.methodology(ctx, parts.file_name)
    # 4... Results, one chapter per kind of examination
    number = method + 1
    if not parts.order:
        story += [PageBreak(), ctx.heading(f"{number} {t('expert_results')}", 0)]
        story.append(ctx.p(t("no_records")))
        number += 1
    for key in parts.order:
        story += [PageBreak(), ctx.heading(f"{number} {t(key)}", 0)]
        story += _records(ctx, parts.by_section[key], parts.names, findings=True)
        number += 1
    # Findings, limitations, declaration and signature, appendices
    story += examiner.findings(ctx, number, names=parts.names)
    story += [CondPageBreak(FRAME_HEIGHT * 0.3)]
    story.append(ctx.heading(f"{number + 1} {t('limitations_heading')}", 0))
    story += _limitations(ctx, parts.warnings)
    story += [PageBreak(), ctx.heading(f"{number + 2} {t('expert_declaration')}", 0)]
    story += _declaration(ctx)
    story += [ctx.gap(10), ctx.heading(t("expert_signature"), 1)]
    story.append(_signature(ctx, parts.created, "signature_name"))
    story += [PageBreak(), ctx.heading(f"{number + 3} {t('appendix')}", 0)]
    return story + sections.appendix(ctx, parts.model_files, parts.reports)


def _instructions(ctx: Context) -> list[tuple[str, str]]:
    info, missing = ctx.info, ctx.t("not_recorded")
    return [
        (ctx.t("property_instructing_party"), info.instructing_party or missing),
        (ctx.t("expert_instructions_text"), info.description or missing),
        (ctx.t("property_court"), info.court or missing),
        (ctx.t("property_case_number"), info.case_number or missing),
        (ctx.t("property_parties"), info.parties or missing),
    ]


def _declaration(ctx: Context) -> list[Flowable]:
    """The examiner's declaration, in their own voice, with the case's particulars filled in."""
    info, t = ctx.info, ctx.t
    values = {
        "examiner": ctx.examiner,
        "court": (
            t("declaration_court", name=info.court)
            if info.court
            else t("declaration_court_default")
        ),
        "instructing_party": (
            t("declaration_party", name=info.instructing_party)
            if info.instructing_party
            else t("declaration_party_default")
        ),
        "software": f"{workstation.APP_NAME} {workstation.__version__}",
    }
    intro = "declaration_intro_org" if info.organisation else "declaration_intro"
    story = [ctx.p(t(intro, organisation=info.organisation, **values))]
    items = t("declaration_items", **values).split("\n\n")
    story += [ctx.p(f"{n}. {item}") for n, item in enumerate(items, start=1)]
    story += [ctx.p(t("statement_of_truth_heading"), ctx.styles.h3)]
    story.append(ctx.p(t("statement_of_truth")))
    return story


def _limitations(ctx: Context, warnings: list[str]) -> list[Flowable]:
    story = [ctx.p(text) for text in ctx.t("limitations").split("\n\n")]
    return story + [ctx.p(line, ctx.styles.warning) for line in warnings]


# 2. Appraisal opinion (司法鉴定意见书)


def appraisal(ctx: Context, parts: Parts) -> list[Flowable]:
    t = ctx.t
    notice = t("cover_notice")
    story = sections.cover(
        ctx, parts.title, parts.created, notice, parts.warnings, t("appraisal_subtitle")
    )
    story += sections.contents(ctx)
    # 一、基本情况
    story.append(ctx.heading(_chapter(ctx, 1, "appraisal_basic"), 0))
    story.append(ctx.key_values(_basic(ctx, parts), 110))
    story += [ctx.gap(6), ctx.p(t("appraisal_materials"), ctx.styles.h3)]
    story.append(_materials(ctx, parts.chosen))
    # 二、检案摘要
    story.append(CondPageBreak(FRAME_HEIGHT * 0.25))
    story.append(ctx.heading(_chapter(ctx, 2, "appraisal_case"), 0))
    story.append(ctx.p(ctx.info.description or t("appraisal_case_none")))
    story.append(ctx.p(parts.scope))
    # 三、检验过程: integrity, methods, the exhibits, the examinations
    story += [PageBreak(), ctx.heading(_chapter(ctx, 3, "appraisal_process"), 0)]
    story.append(ctx.heading(_sub(ctx, 3, 1, "appraisal_integrity"), 1))
    story += sections.integrity(ctx, parts.counts, "三（二）" if ctx.lang == "zh" else "3.2")
    story += [PageBreak(), ctx.heading(_sub(ctx, 3, 2, "methodology"), 1)]
    story += sections.methodology(ctx, parts.file_name)
    story += [PageBreak(), ctx.heading(_sub(ctx, 3, 3, "appraisal_exhibits"), 1)]
    story += sections.exhibits(ctx, parts.chosen, parts.mentions)
    story += [PageBreak(), ctx.heading(_sub(ctx, 3, 4, "appraisal_records"), 1)]
    if not parts.order:
        story.append(ctx.p(t("no_records")))
    for key in parts.order:
        story += [CondPageBreak(FRAME_HEIGHT * 0.3), ctx.p(t(key), ctx.styles.h2)]
        story += _records(ctx, parts.by_section[key], parts.names, findings=False)
    # 四、分析说明: the examiner's findings by what they are about, and what the methods cannot show
    story += [PageBreak(), ctx.heading(_chapter(ctx, 4, "appraisal_analysis"), 0)]
    story += examiner.findings(ctx, None, names=parts.names)
    story += [ctx.p(t("limitations_heading"), ctx.styles.h3)]
    story += _limitations(ctx, parts.warnings)
    # 五、鉴定意见: the examiner's words, verbatim
    story.append(CondPageBreak(FRAME_HEIGHT * 0.3))
    story.append(ctx.heading(_chapter(ctx, 5, "appraisal_opinion"), 0))
    story += examiner.opinions(ctx, parts.names)
    # 落款, 附件
    story += [CondPageBreak(FRAME_HEIGHT * 0.3), ctx.heading(t("appraisal_signature"), 0)]
    story.append(_signature(ctx, parts.created, "signature_appraiser"))
    story += [PageBreak(), ctx.heading(t("appraisal_attachments"), 0)]
    return story + sections.appendix(ctx, parts.model_files, parts.reports)


_NUMERALS = "一二三四五六七八九十"


def _chapter(ctx: Context, n: int, key: str) -> str:
    return f"{_NUMERALS[n - 1]}、{ctx.t(key)}" if ctx.lang == "zh" else f"{n} {ctx.t(key)}"


def _sub(ctx: Context, chapter: int, n: int, key: str) -> str:
    if ctx.lang == "zh":
        return f"（{_NUMERALS[n - 1]}）{ctx.t(key)}"
    return f"{chapter}.{n} {ctx.t(key)}"


def _basic(ctx: Context, parts: Parts) -> list[tuple[str, str]]:
    """委托人, 委托事项, 受理日期, 鉴定材料, 鉴定日期, 鉴定地点, and the case's particulars."""
    info, t, missing = ctx.info, ctx.t, ctx.t("not_recorded")
    dates = [r.created_at for records in parts.by_section.values() for r in records]
    start = min(dates)[:10] if dates else parts.created.strftime("%Y-%m-%d")
    end = parts.created.strftime("%Y-%m-%d")
    rows = [
        (t("appraisal_client"), info.instructing_party or missing),
        (t("appraisal_matter"), info.description or missing),
        (t("appraisal_accepted"), info.created_at[:10]),
        (t("appraisal_materials"), t("appraisal_materials_value", count=len(parts.chosen))),
        (t("appraisal_dates"), start if start == end else t("date_range", start=start, end=end)),
        (t("appraisal_place"), info.organisation or missing),
    ]
    rows += [
        (t(f"property_{name}"), getattr(info, name))
        for name in ("case_number", "court", "parties")
        if getattr(info, name)
    ]
    return rows


def _materials(ctx: Context, chosen: list[Artifact]) -> Flowable:
    """One row per exhibit: its name and size, and its check values (SHA-256 and SM3, both
    computed from the stored bytes; a file that is missing has none)."""
    t = ctx.t
    head = [t("exhibit"), t("original_name"), t("file_size_bytes"), t("appraisal_check_values")]
    rows: list[list] = [[ctx.p(text, ctx.styles.cell_bold) for text in head]]
    for artifact in chosen:
        problem = ctx.artifact_problem(artifact)
        red = problem is not None
        values = [ctx.mono(f"SHA-256 {artifact.sha256}", red=red)]
        sm3 = sm3_of(ctx, artifact)
        values.append(ctx.mono(f"SM3 {sm3}" if sm3 else f"SM3 — ({problem})", red=red))
        rows.append(
            [
                ctx.cell(str(ctx.exhibits[artifact.id]), red=red),
                ctx.cell(artifact.original_name, red=red),
                ctx.cell(f"{artifact.size:,}", red=red),
                values,
            ]
        )
    return table(rows, [40, 100, 42, FRAME_WIDTH - 182])


def sm3_of(ctx: Context, artifact: Artifact) -> str | None:
    """The SM3 (GB/T 32905) of the stored file's bytes; None when the file is missing."""
    stored = ctx.evidence.file(artifact.sha256)
    if stored.state == MISSING:
        return None
    digest = hashlib.new("sm3")
    with open(stored.path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


# 3. Shared by both


def _records(
    ctx: Context, records: list[Record], names: dict[int, str], findings: bool
) -> list[Flowable]:
    """Each record's heading, header line and layout; with `findings`, the examiner's findings
    about it after its results."""
    story: list[Flowable] = []
    for record in records:
        render = rec.RENDERERS.get(record.kind, rec.other)
        story.append(CondPageBreak(FRAME_HEIGHT * 0.3))
        story.append(ctx.heading(names[record.id], 1))
        story += rec.record_header(ctx, record)
        story += render(ctx, record)
        if findings:
            story += examiner.findings_about(ctx, "record", record.id)
    return story


def _signature(ctx: Context, created: datetime, name_key: str) -> Flowable:
    """Name, organisation, date and a line to sign on."""
    t = ctx.t
    rows = [
        (t(name_key), ctx.examiner),
        (t("organisation"), ctx.info.organisation or t("not_recorded")),
        (t("signature_date"), created.strftime("%Y-%m-%d")),
        (t("signature_line"), [ctx.gap(30), ctx.p("_" * 44)]),
    ]
    return ctx.key_values(rows, 110)


STRUCTURES: dict[str, Callable[[Context, Parts], list[Flowable]]] = {
    "expert": expert,
    "appraisal": appraisal,
}
