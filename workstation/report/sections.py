"""The fixed parts of the report: cover, contents, integrity, exhibits, methodology, appendix."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
)

import workstation
from workstation.analysis import metrics
from workstation.core.case import Artifact
from workstation.report import payload as pl
from workstation.report import provenance, records
from workstation.report.context import Context
from workstation.report.examiner import amendment_history, particulars
from workstation.report.layout import FRAME_HEIGHT, FRAME_WIDTH, Contents, table
from workstation.report.recorded import recorded


def cover(
    ctx: Context,
    title: str,
    created: datetime,
    notice: str,
    warnings: list[str],
    subtitle: str,
) -> list[Flowable]:
    info, (head_seq, head_hash) = ctx.info, ctx.evidence.chain_head
    local = created.astimezone()
    rows = [
        (ctx.t("case_title"), info.title),
        (ctx.t("case_id"), ctx.mono(info.case_id)),
        (ctx.t("examiner"), ctx.examiner),
        (ctx.t("organisation"), info.organisation or "—"),
        *particulars(ctx),
        (ctx.t("created_utc"), created.strftime("%Y-%m-%d %H:%M:%S UTC")),
        (ctx.t("created_local"), local.strftime("%Y-%m-%d %H:%M:%S ") + _zone(local)),
        (ctx.t("report_id"), ctx.mono(ctx.report_id)),
        (ctx.t("software"), f"{workstation.APP_NAME} {workstation.__version__}"),
        (ctx.t("chain_head"), ctx.mono(ctx.t("chain_head_value", seq=head_seq, hash=head_hash))),
    ]
    story: list[Flowable] = [
        ctx.gap(60),
        ctx.p(title, ctx.styles.title),
        ctx.p(subtitle, ctx.styles.subtitle),
        ctx.key_values(rows, 120),
        ctx.gap(14),
    ]
    story.append(ctx.p(notice))
    story += [ctx.p(line, ctx.styles.warning) for line in warnings]
    story += [NextPageTemplate("body"), PageBreak()]
    return story


def _zone(moment: datetime) -> str:
    offset = moment.strftime("%z")
    return f"{moment.tzname()} (UTC{offset[:3]}:{offset[3:]})"


def contents(ctx: Context) -> list[Flowable]:
    toc = Contents(levelStyles=list(ctx.styles.toc), dotsMinLevel=0, rightColumnWidth=36)
    return [ctx.p(ctx.t("contents"), ctx.styles.h1), toc, PageBreak()]


def integrity(ctx: Context, counts: dict[str, int], method_number: int | str) -> list[Flowable]:
    """The verification's result, what was checked, and how to check the report."""
    evidence, check = ctx.evidence, ctx.evidence.verification
    story: list[Flowable] = []
    verdict = ctx.t("verify_ok") if check.ok else ctx.t("verify_failed", count=len(check.problems))
    story.append(ctx.p(verdict, ctx.styles.body if check.ok else ctx.styles.warning))
    story.append(
        ctx.key_values(
            [
                (ctx.t("objects_checked"), str(check.objects_checked)),
                (ctx.t("records_checked"), str(check.records_checked)),
                (ctx.t("entries_checked"), str(check.entries_checked)),
                (
                    ctx.t("chain_head"),
                    ctx.mono(
                        ctx.t(
                            "chain_head_value",
                            seq=evidence.chain_head[0],
                            hash=evidence.chain_head[1],
                        )
                    ),
                ),
            ],
            150,
        )
    )
    for problem in check.problems:
        story.append(ctx.p("• " + problem, ctx.styles.warning))
    story.append(ctx.gap(8))
    story.append(ctx.p(ctx.t("contents_summary", **counts)))
    story.append(ctx.p(ctx.t("how_to_verify", method=method_number)))
    return story


# Exhibits


def exhibits(
    ctx: Context,
    chosen: list[Artifact],
    mentions: dict[int, list[str]],
    after: Callable[[Artifact], list[Flowable]] | None = None,
) -> list[Flowable]:
    """Each exhibit with its picture, hashes and provenance; `after(artifact)`: what follows it
    (the examiner's findings about it)."""
    if not ctx.evidence.artifacts:
        return [ctx.p(ctx.t("case_empty"))]
    story: list[Flowable] = [ctx.p(ctx.t("exhibits_intro", count=len(chosen)))]
    found = provenance.records_by_artifact(ctx.evidence)
    for artifact in chosen:
        story.append(CondPageBreak(FRAME_HEIGHT * 0.45))
        story.append(KeepTogether(exhibit(ctx, artifact, mentions.get(artifact.id, []))))
        record = found.get(artifact.id)
        if record is not None or artifact.media_type.startswith("image/"):
            story += provenance.block(ctx, artifact, record)
        if after is not None:
            story += after(artifact)
    return story


def exhibit(ctx: Context, artifact: Artifact, mentioned_in: list[str]) -> list[Flowable]:
    number = ctx.exhibits[artifact.id]
    block: list[Flowable] = [
        ctx.heading(ctx.t("exhibit_heading", n=number, name=artifact.original_name), 1)
    ]
    problem = ctx.artifact_problem(artifact)
    notes: list[str] = []
    if artifact.width:
        picture = ctx.picture(artifact.sha256, FRAME_WIDTH, FRAME_HEIGHT * 0.52)
        block += picture.flowables
        notes = picture.notes
    else:
        if problem:
            block.append(ctx.mark(artifact, artifact.sha256, problem))
        block.append(ctx.p(ctx.t("not_an_image", media_type=artifact.media_type), ctx.styles.small))
    caption = ctx.t(
        "exhibit_caption",
        n=number,
        name=artifact.original_name,
        role=ctx.t("role_" + artifact.role) if artifact.role else "—",
    )
    note = recorded(ctx.t, artifact.note)  # a note the workstation wrote, translated
    if note:
        caption += " " + note
    block.append(ctx.p(caption, ctx.styles.caption))
    block += [ctx.p(note, ctx.styles.small) for note in notes]

    entry = ctx.evidence.import_entries.get(artifact.id)
    imported = artifact.imported_at
    if entry:
        imported += "  " + ctx.t("audit_entry_by", seq=entry.seq, actor=entry.actor)
    size = ctx.t("dimensions", w=artifact.width, h=artifact.height) if artifact.width else "—"
    rows = [
        (ctx.t("artifact"), f"#{artifact.id}"),
        ("SHA-256", ctx.mono(artifact.sha256, red=problem is not None)),
        (ctx.t("file_size"), ctx.t("bytes", n=f"{artifact.size:,}")),
        (ctx.t("dimensions_type"), f"{size}, {artifact.media_type}"),
        (ctx.t("role"), ctx.t("role_" + artifact.role)),
        (ctx.t("original_name"), artifact.original_name),
        (ctx.t("original_path"), artifact.original_path),
        (ctx.t("imported"), imported),
        (ctx.t("note"), note or "—"),
        (ctx.t("integrity"), ctx.cell(problem, red=True) if problem else ctx.t("integrity_ok")),
    ]
    if mentioned_in:
        rows.append((ctx.t("shown_in"), ctx.t("list_separator").join(mentioned_in)))
    block.append(ctx.key_values(rows))
    return block


# Methodology


def methodology(ctx: Context, file_name: str) -> list[Flowable]:
    """How each kind of work was done, every metric with its limits, bands and integrity."""
    story: list[Flowable] = [ctx.p(ctx.t("method_intro"))]
    studied = ctx.t("list_separator").join(
        metric.words[ctx.lang].name for metric in metrics.for_studies(with_clip=True)
    )
    for title_key, body_key in (
        ("method_diffusion_title", "method_diffusion"),
        ("method_img2img_title", "method_img2img"),
        ("method_lora_title", "method_lora"),
        ("method_reproduction_title", "method_reproduction"),
        ("method_studies_title", "method_studies"),
        ("method_metrics_title", "method_metrics_intro"),
    ):
        story.append(ctx.p(ctx.t(title_key), ctx.styles.h3))
        body = ctx.t(body_key, metrics=studied) if body_key == "method_studies" else ctx.t(body_key)
        story += [ctx.p(text) for text in body.split("\n\n")]
    rows = [
        [
            ctx.p(ctx.t("metric"), ctx.styles.cell_bold),
            ctx.p(ctx.t("measures"), ctx.styles.cell_bold),
            ctx.p(ctx.t("limits"), ctx.styles.cell_bold),
        ]
    ]
    # One row per metric of the registry, and one per picture that explains itself.
    for metric in metrics.METRICS:
        words = metric.words[ctx.lang]
        rows.append([ctx.cell(words.name), ctx.cell(words.measures), ctx.cell(words.limits)])
        picture = metric.picture.words[ctx.lang] if metric.picture else None
        if picture and picture.measures:
            rows.append(
                [ctx.cell(picture.title), ctx.cell(picture.measures), ctx.cell(picture.limits)]
            )
    story.append(table(rows, [80, (FRAME_WIDTH - 80) * 0.5, (FRAME_WIDTH - 80) * 0.5]))
    story.append(ctx.gap(6))
    for title_key, body_key in (
        ("method_bands_title", "method_bands"),
        ("method_integrity_title", "method_integrity"),
    ):
        story.append(ctx.p(ctx.t(title_key), ctx.styles.h3))
        story += [ctx.p(text) for text in ctx.t(body_key, name=file_name).split("\n\n")]
    return story


# Appendix

SUBSECTION_ROOM = 150  # points left on a page below which a subsection starts on the next


def appendix(
    ctx: Context, model_files: list[dict], reports: list[tuple[int, str, dict]]
) -> list[Flowable]:
    """Manifest, model files, audit log, earlier reports and amendments."""
    story = manifest(ctx) + records.attached_files(ctx)
    story += model_table(ctx, model_files)
    story += audit_log(ctx)
    if reports:
        story += earlier_reports(ctx, reports)
    story += amendment_history(ctx, "E" if reports else "D")
    return story


def manifest(ctx: Context) -> list[Flowable]:
    story: list[Flowable] = [ctx.heading(ctx.t("manifest_heading"), 1)]
    artifacts = ctx.evidence.artifacts
    if not artifacts:
        return story + [ctx.p(ctx.t("case_empty"))]
    story.append(ctx.p(ctx.t("manifest_intro", count=len(artifacts))))
    head = [
        "#",
        "SHA-256 / " + ctx.t("original_name"),
        ctx.t("file_size_bytes"),
        ctx.t("role"),
        ctx.t("imported_utc"),
        ctx.t("exhibit"),
    ]
    rows: list[list] = [[ctx.p(text, ctx.styles.cell_bold) for text in head]]
    for a in artifacts:
        problem = ctx.artifact_problem(a)
        red = problem is not None
        first = [ctx.mono(a.sha256, red=red), ctx.cell(a.original_name, red=red)]
        if problem:
            first = [ctx.mark(a, a.sha256, problem), *first, ctx.cell(problem, red=True)]
        exhibit_number = ctx.exhibits.get(a.id)
        rows.append(
            [
                ctx.cell(f"#{a.id}", red=red),
                first,
                ctx.cell(f"{a.size:,}", red=red),
                ctx.cell(ctx.t("role_" + a.role), red=red),
                ctx.cell(a.imported_at.replace("T", "\n"), red=red),  # date, then time
                ctx.cell(str(exhibit_number) if exhibit_number else "—", red=red),
            ]
        )
    story.append(table(rows, [22, 262, 46, 46, 70, FRAME_WIDTH - 446]))  # a hash, a time: one line
    return story


def model_table(ctx: Context, model_files: list[dict]) -> list[Flowable]:
    story: list[Flowable] = [
        CondPageBreak(SUBSECTION_ROOM),
        ctx.heading(ctx.t("models_heading"), 1),
    ]
    if not model_files:
        return story + [ctx.p(ctx.t("no_model_files"))]
    story.append(ctx.p(ctx.t("models_intro")))
    head = [ctx.t("kind"), f"{ctx.t('file')} / SHA-256 / {ctx.t('other_hashes')}", ctx.t("used_in")]
    rows: list[list] = [[ctx.p(text, ctx.styles.cell_bold) for text in head]]
    for item in model_files:
        rows.append(
            [
                ctx.cell(ctx.t("kind_" + item["kind"])),
                [
                    ctx.cell(item["file"]),
                    ctx.mono(item["sha256"] or "—"),
                    ctx.cell(item["other"] or ""),
                ],
                ctx.cell(", ".join(item["used_in"])),
            ]
        )
    story.append(table(rows, [40, 270, FRAME_WIDTH - 310]))
    return story


def audit_log(ctx: Context) -> list[Flowable]:
    seq, head = ctx.evidence.chain_head
    story: list[Flowable] = [
        CondPageBreak(SUBSECTION_ROOM),
        ctx.heading(ctx.t("audit_heading"), 1),
        ctx.p(ctx.t("audit_intro", count=len(ctx.evidence.audit))),
        ctx.key_values(
            [(ctx.t("chain_head"), ctx.mono(ctx.t("chain_head_value", seq=seq, hash=head)))], 110
        ),
        ctx.gap(6),
    ]
    head_row = ["#", ctx.t("time_utc"), ctx.t("actor"), ctx.t("action"), ctx.t("details_and_hash")]
    rows: list[list] = [[ctx.p(text, ctx.styles.cell_bold) for text in head_row]]
    for entry in ctx.evidence.audit:
        rows.append(
            [
                ctx.cell(str(entry.seq)),
                ctx.cell(entry.time.replace("T", "\n")),  # date, then time: the one break
                ctx.cell(entry.actor),
                ctx.cell(_action(ctx, entry.action)),
                [ctx.cell(_summary(ctx, entry.action, entry.details)), ctx.mono(entry.hash)],
            ]
        )
    story.append(table(rows, [20, 78, 66, 56, FRAME_WIDTH - 220]))  # time, hash: one line each
    return story


def _action(ctx: Context, action: str) -> str:
    """The action in the report's language: the workstation's own actions, and a record kind
    for the entry that stored a record; an action this version does not know as recorded."""
    for key in ("audit_action_" + action, "record_kind_" + action):
        if ctx.has(key):
            return ctx.t(key)
    return action


def _summary(ctx: Context, action: str, details: object) -> str:
    """What an entry did, in words; the entry itself is canonical JSON (its hash covers it)."""
    if not isinstance(details, dict):
        return pl.show(details, 300)
    sha = str(details.get("sha256") or details.get("payload_sha256") or "")[:16]
    if action == "import":
        role = str(details.get("role"))
        return ctx.t(
            "audit_import",
            id=pl.show(details.get("id")),
            role=ctx.t("role_" + role) if ctx.has("role_" + role) else role,
            name=pl.show(details.get("original_name")),
            size=f"{pl.number(details.get('size')) or 0:,.0f}",
            sha=sha,
        )
    if "record_id" in details and "payload_sha256" in details:
        links = details.get("links")
        return ctx.t(
            "audit_record",
            id=pl.show(details.get("record_id")),
            sha=sha,
            links=len(links) if isinstance(links, list) else 0,
        )
    if action == "verified" and ":" in str(details.get("head_before")):
        seq, head = str(details["head_before"]).split(":", 1)
        return ctx.t(
            "audit_verified", seq=seq, hash=head[:16], objects=pl.show(details.get("objects"))
        )
    parts = []
    for key, value in details.items():
        if value in ("", None, [], {}):
            continue
        label = next((ctx.t(k) for k in ("audit_key_" + key, "property_" + key) if ctx.has(k)), key)
        parts.append(ctx.t("audit_key_value", name=label, value=pl.show(value, 80)))
    return pl.show(ctx.t("audit_separator").join(parts), 300)


def earlier_reports(ctx: Context, reports: list[tuple[int, str, dict]]) -> list[Flowable]:
    story: list[Flowable] = [
        CondPageBreak(SUBSECTION_ROOM),
        ctx.heading(ctx.t("earlier_reports_heading"), 1),
    ]
    head = [
        ctx.t("record"),
        ctx.t("time_utc"),
        ctx.t("report_id") + " / " + ctx.t("title"),
        "SHA-256",
    ]
    rows: list[list] = [[ctx.p(text, ctx.styles.cell_bold) for text in head]]
    for record_id, created, data in reports:
        rows.append(
            [
                ctx.cell(f"#{record_id}"),
                ctx.cell(created.replace("T", " ")),
                [
                    ctx.mono(pl.show(pl.get(data, "report_id"))),
                    ctx.cell(pl.show(pl.get(data, "title"))),
                ],
                ctx.mono(pl.show(pl.get(data, "sha256"))),
            ]
        )
    story.append(table(rows, [36, 74, 130, FRAME_WIDTH - 240]))
    return story
