"""The examiner's own words in the report: the case particulars, the findings, and the history of
every amendment (what was corrected, from what, when, by whom and why).

Values are the current ones (amendments applied); the appendix keeps the history, so nothing the
case once said is hidden from the reader.
"""

from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import CondPageBreak, Flowable, Paragraph

from workstation.core.case import Record
from workstation.core.records import Amendment, Finding
from workstation.report import finding_geometry
from workstation.report.context import Context
from workstation.report.layout import FRAME_HEIGHT, FRAME_WIDTH, table
from workstation.report.recorded import recorded

# Case properties shown on the cover when set, after title, case ID, examiner and organisation.
PARTICULARS = ("case_number", "court", "parties", "instructing_party", "description")
STATUS_COLOURS = {"ok": "#2e7d32", "check": "#b26a00", "warning": "#c62828"}


def particulars(ctx: Context) -> list[tuple[str, str]]:
    """(label, value) of the case properties that are set, for the cover."""
    info = ctx.info
    return [
        (ctx.t(f"property_{name}"), getattr(info, name))
        for name in PARTICULARS
        if getattr(info, name, "")
    ]


def all_findings(ctx: Context) -> list[Record]:
    """Every finding of the case, oldest first (withdrawn ones too)."""
    return [r for r in ctx.evidence.records if isinstance(r.body, Finding)]


def target(record: Record) -> tuple[str, int] | None:
    """What a finding is about: ("artifact", id) or ("record", id)."""
    [link] = record.linked("about") or [None]
    if link is None:
        return None
    if link.artifact_id is not None:
        return ("artifact", link.artifact_id)
    return ("record", link.record_id)  # type: ignore[return-value]


def findings(
    ctx: Context, number: int | None, names: dict[int, str] | None = None
) -> list[Flowable]:
    """The examiner's findings, each with what it is about; withdrawn ones are listed struck.
    `number`: a chapter of its own; None: the findings only (under a heading of the caller's).
    `names`: the headings of the records the report shows (what a finding about one says)."""
    shown = all_findings(ctx)
    story: list[Flowable] = []
    if number is not None:
        heading = ctx.heading(f"{number} {ctx.t('findings_heading')}", 0)
        story += [CondPageBreak(FRAME_HEIGHT * 0.3), heading]
    if not shown:
        return story + [ctx.p(ctx.t("findings_none"))]
    story.append(ctx.p(ctx.t("findings_intro")))
    for record in shown:
        story += _entry(ctx, record, _about(ctx, record, names or {}), detail=True)
    return story


def findings_about(ctx: Context, kind: str, ident: int) -> list[Flowable]:
    """Under an exhibit or a record's results: the examiner's findings about it (the report's
    spine), or a line saying there is none."""
    about = [r for r in all_findings(ctx) if target(r) == (kind, ident)]
    story: list[Flowable] = [ctx.p(ctx.t("findings_about_heading"), ctx.styles.h3)]
    if not about:
        return story + [ctx.p(ctx.t("findings_about_none"), ctx.styles.small)]
    for record in about:
        figure = record.body.figure if isinstance(record.body, Finding) else None
        story += _entry(ctx, record, ctx.t("finding_figure", figure=figure) if figure else None)
    return story


def opinions(ctx: Context, names: dict[int, str]) -> list[Flowable]:
    """The examiner's findings as the opinion: each text verbatim, numbered, with what it is
    about; withdrawn findings are left out (the appendix keeps them). The software adds none."""
    kept = [r for r in all_findings(ctx) if not r.withdrawn]
    if not kept:
        return [ctx.p(ctx.t("opinion_none"))]
    story: list[Flowable] = [ctx.p(ctx.t("opinion_intro"))]
    for n, record in enumerate(kept, start=1):
        body = record.body
        assert isinstance(body, Finding)
        story.append(ctx.p(f"{n}. {body.text}", ctx.styles.body))
        status = ctx.t(f"finding_status_{body.status}")
        source = ctx.t(
            "opinion_source",
            about=_about(ctx, record, names),
            status=status,
            when=_when(ctx, record),
        )
        story.append(ctx.p(source, ctx.styles.small))
    return story


def _entry(ctx: Context, record: Record, about: str | None, detail: bool = False) -> list[Flowable]:
    """One finding: its status and what it is about, then its words as the examiner wrote them
    (struck if withdrawn) in a paragraph of their own, which runs on over pages however long it
    is, then who recorded it and when, then the shape drawn with it in words (and, with
    `detail`, the findings chapter, a picture of it: once per report)."""
    body = record.body
    assert isinstance(body, Finding)
    status = ctx.fonts.markup(ctx.t(f"finding_status_{body.status}"))
    head = f'<font color="{STATUS_COLOURS[body.status]}">{status}</font>'
    if about:
        head += " · " + ctx.fonts.markup(about)
    text = ctx.fonts.markup(body.text)
    if record.withdrawn:
        text = f"<strike>{text}</strike> ({ctx.fonts.markup(ctx.t('withdrawn'))})"
    indented = ParagraphStyle("finding", parent=ctx.styles.body, leftIndent=12, spaceAfter=1)
    when = ParagraphStyle("finding_when", parent=ctx.styles.small, leftIndent=12)
    return [
        Paragraph(head, ctx.styles.h3),
        Paragraph(text, indented),
        ctx.p(_when(ctx, record), when),
        *finding_geometry.flowables(ctx, record, detail),
    ]


def _about(ctx: Context, record: Record, names: dict[int, str]) -> str:
    [link] = record.linked("about") or [None]
    if link is None:
        return "—"
    if link.artifact_id is not None:
        return ctx.ref(ctx.evidence.by_id.get(link.artifact_id))
    target = next((r for r in ctx.evidence.records if r.id == link.record_id), None)
    key = f"record_kind_{target.kind}" if target else ""
    kind = ctx.t(key) if ctx.has(key) else (target.kind if target else "?")
    name = names.get(link.record_id) or ctx.t("record_ref", id=link.record_id, kind=kind)
    figure = record.body.figure if isinstance(record.body, Finding) else None
    return f"{name}, {figure}" if figure else name


def _when(ctx: Context, record: Record) -> str:
    entry = ctx.evidence.record_entries.get(record.id)
    actor = entry.actor if entry else "?"
    return ctx.t("recorded_by", time=record.created_at[:19].replace("T", " "), actor=actor)


def amendment_history(ctx: Context, letter: str) -> list[Flowable]:
    """Appendix: every amendment, oldest first."""
    amendments = [r for r in ctx.evidence.records if isinstance(r.body, Amendment)]
    if not amendments:
        return []
    story: list[Flowable] = [ctx.heading(ctx.t("amendments_heading", letter=letter), 1)]
    story.append(ctx.p(ctx.t("amendments_intro")))
    head = [
        ctx.t("amendment_what"),
        ctx.t("amendment_previous"),
        ctx.t("amendment_value"),
        ctx.t("amendment_reason"),
    ]
    rows: list[list] = [[ctx.p(text, ctx.styles.cell_bold) for text in head]]
    for record in amendments:
        body = record.body
        assert isinstance(body, Amendment)
        rows.append(
            [
                [ctx.cell(_target(ctx, record, body)), ctx.p(_when(ctx, record), ctx.styles.small)],
                ctx.cell(_value(ctx, body.previous)),
                ctx.cell(_value(ctx, body.value)),
                ctx.cell(recorded(ctx.t, body.reason) or "—"),
            ]
        )
    story.append(table(rows, [150, 100, 100, FRAME_WIDTH - 350]))
    return story


def _target(ctx: Context, record: Record, body: Amendment) -> str:
    if body.target == "case":
        return ctx.t("amended_case", field=ctx.t(f"property_{body.field}"))
    [link] = record.linked("amends") or [None]
    if body.target == "artifact" and link is not None:
        what = ctx.t("role") if body.field == "role" else ctx.t("note")
        return ctx.t(
            "amended_artifact", ref=ctx.ref(ctx.evidence.by_id.get(link.artifact_id)), field=what
        )
    target = link.record_id if link is not None else "?"
    return ctx.t("amended_record", id=target)


def _value(ctx: Context, value: object) -> str:
    if value is True:
        return ctx.t("withdrawn")
    if value is False or value in (None, ""):
        return "—"
    return str(value)
