"""Page layout: styles, the document template, page furniture and the report's own flowables.

The document is laid out once as a *draft* (images are placed, their pixels not written) to learn
the page numbers, then for real. Each pass prints "Page X of Y" with Y counted by the pass before;
`lay_out` only stops after a real pass whose contents and page count match the pass before, so
every page number in the written file is right.
"""

from __future__ import annotations

import io
import re
import weakref
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import _digester
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from workstation.report import fonts as f
from workstation.report.pngembed import PngXObject, read_png

if TYPE_CHECKING:
    from workstation.report.context import Context

PAGE = A4
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 20 * mm, 26 * mm, 20 * mm
FRAME_WIDTH = PAGE[0] - 2 * MARGIN_X
FRAME_HEIGHT = PAGE[1] - MARGIN_TOP - MARGIN_BOTTOM
RED = colors.HexColor("#C00000")
GREY = colors.HexColor("#777777")
RULE = colors.HexColor("#BBBBBB")
HEAD_BG = colors.HexColor("#E8ECF2")


# 1. Styles


@dataclass(frozen=True)
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    caption: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    mono: ParagraphStyle
    warning: ParagraphStyle
    toc: tuple[ParagraphStyle, ...]


def make_styles(cjk_wrap: bool) -> Styles:
    """`cjk_wrap`: break lines between any two characters (for Chinese labels and text)."""
    wrap = {"wordWrap": "CJK"} if cjk_wrap else {}

    def style(name: str, size: float, font: str = f.BASE, **options: Any) -> ParagraphStyle:
        values = {"fontName": font, "fontSize": size, "leading": size * 1.3, **wrap, **options}
        return ParagraphStyle(name, **values)

    return Styles(
        title=style("title", 22, f.BOLD, leading=28, spaceAfter=10),
        subtitle=style("subtitle", 13, spaceAfter=18, textColor=GREY),
        h1=style("h1", 15, f.BOLD, spaceBefore=6, spaceAfter=8, keepWithNext=True),
        h2=style("h2", 12, f.BOLD, spaceBefore=10, spaceAfter=6, keepWithNext=True),
        h3=style("h3", 10, f.BOLD, spaceBefore=8, spaceAfter=4, keepWithNext=True),
        body=style("body", 9.5, spaceAfter=5),
        small=style("small", 8, textColor=GREY, spaceAfter=4),
        caption=style("caption", 8.5, spaceBefore=3, spaceAfter=6, alignment=TA_CENTER),
        cell=style("cell", 7.5, leading=9.2),
        cell_bold=style("cell_bold", 7.5, f.BOLD, leading=9.2),
        mono=style("mono", 6.6, f.MONO, leading=8.2),
        warning=style("warning", 9, f.BOLD, textColor=RED, spaceAfter=5),
        toc=(
            style("toc0", 10, f.BOLD, leftIndent=0, firstLineIndent=0, spaceBefore=4),
            style("toc1", 8.5, leftIndent=14, firstLineIndent=0, leading=10.5),
        ),
    )


# 2. Flowables


class Heading(Paragraph):
    """A heading that enters the table of contents (level 0 or 1) and the PDF outline."""

    def __init__(self, markup: str, style: ParagraphStyle, level: int, plain: str, key: str):
        super().__init__(markup, style)
        self.markup, self.level, self.plain, self.key = markup, level, plain, key


class Contents(TableOfContents):
    """The table of contents; `prime` gives it one line per heading before the first pass."""

    def prime(self, headings: list[Heading]) -> None:
        self._entries = [(h.level, h.markup, 0, h.key) for h in headings]


class PageMark(Flowable):
    """Invisible: tells the page furniture that an unverified item appears on this page."""

    def __init__(self, label: str):
        super().__init__()
        self.label = label

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.page_marks.append(self.label)


class EvidenceImage(Flowable):
    """An image file drawn at a fixed size. The same file path is embedded in the PDF once."""

    def __init__(self, path: Path, width: float, height: float, red: bool = False):
        super().__init__()
        self.path, self.width, self.height, self.red = str(path), width, height, red
        self.hAlign = "CENTER"

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        self.canv.drawImage(self.path, 0, 0, self.width, self.height, mask="auto")
        self.canv.setStrokeColor(RED if self.red else RULE)
        self.canv.setLineWidth(2.5 if self.red else 0.4)
        self.canv.rect(0, 0, self.width, self.height, stroke=1, fill=0)


class Placeholder(Flowable):
    """A framed box with a message where an image cannot be shown."""

    def __init__(
        self, markup: str, style: ParagraphStyle, width: float, height: float, red: bool = True
    ):
        super().__init__()
        self.paragraph = Paragraph(markup, style)
        self.width, self.height, self.red = width, height, red

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        self.canv.setStrokeColor(RED if self.red else RULE)
        self.canv.setLineWidth(1.5 if self.red else 0.6)
        self.canv.rect(0, 0, self.width, self.height, stroke=1, fill=0)
        inner = self.width - 12
        _, text_height = self.paragraph.wrap(inner, self.height)
        self.paragraph.drawOn(self.canv, 6, max(4, (self.height - text_height) / 2))


def fit(width_px: int, height_px: int, max_width: float, max_height: float) -> tuple[float, float]:
    """Display size in points: as large as fits, aspect ratio kept."""
    scale = min(max_width / width_px, max_height / height_px)
    return width_px * scale, height_px * scale


def table(
    rows: list[list[Any]], widths: list[float], header: bool = True, extra: list[tuple] = ()
) -> Table:
    """A ruled table of Paragraph cells; the first row repeats on every page when `header`."""
    style = [
        ("GRID", (0, 0), (-1, -1), 0.35, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), HEAD_BG))
    rows = [[_fitted(cell, w - 6) for cell, w in zip(row, widths, strict=False)] for row in rows]
    for row in rows:
        for cell in row:
            for paragraph in cell if isinstance(cell, list) else [cell]:
                _latin_wrap(paragraph)
    return RuledTable(
        rows,
        colWidths=widths,
        repeatRows=1 if header else 0,
        style=TableStyle(style + list(extra)),
        hAlign="LEFT",
    )


class RuledTable(Table):
    """A table whose rows go to the next page whole, except a row taller than a page (a finding
    of several pages in one cell): that one is split inside, where reportlab would give up."""

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        parts = super().split(available_width, available_height)
        if parts or self.splitInRow or max(self._rowHeights, default=0) <= FRAME_HEIGHT:
            return parts
        self.splitInRow = 1
        try:
            return super().split(available_width, available_height)
        finally:
            self.splitInRow = 0


def _fitted(cell: Any, width: float) -> Any:
    """The cell, unless a value fonts.markup glued with no-break spaces is wider than its column:
    then that value may break at its spaces ("2026-11-30" above "10:29:55 UTC") rather than
    wherever reportlab cuts a word too long for its line."""
    if isinstance(cell, list):
        return [_fitted(item, width) for item in cell]
    if not isinstance(cell, Paragraph) or f.NO_BREAK_SPACE not in cell.text:
        return cell
    font, size = cell.style.fontName, cell.style.fontSize
    glued = _GLUED.findall(cell.text)
    if all(stringWidth(value, font, size) <= width for value in glued):
        return cell
    return Paragraph(cell.text.replace(f.NO_BREAK_SPACE, " "), cell.style)


_GLUED = re.compile(f"[^ \\n<>]*{f.NO_BREAK_SPACE}[^ \\n<>]*")  # a value with its no-break spaces


def _latin_wrap(paragraph: Any) -> None:
    """A cell without Chinese text breaks its lines at spaces, as in English.

    reportlab's CJK line breaking (the Chinese report's) looks back for a space at most half a
    line: in a narrow column it cuts "Demo Examiner" into "Demo Examin" and "er".
    """
    style = getattr(paragraph, "style", None)
    if style is None or style.wordWrap != "CJK" or _HAS_CJK.search(paragraph.text):
        return
    if style not in _LATIN_STYLES:
        _LATIN_STYLES[style] = ParagraphStyle(style.name + "-latin", parent=style, wordWrap=None)
    paragraph.style = _LATIN_STYLES[style]


_HAS_CJK = re.compile("[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
_LATIN_STYLES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # CJK style -> Latin


# 3. Canvas, page furniture and the document


class ReportCanvas(Canvas):
    """Skips image pixels in draft passes, copies PNG pixel data as it is, and collects the
    unverified items of each page (for the red banner)."""

    def __init__(self, *args: Any, draft: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.draft = draft
        self.page_marks: list[str] = []

    def drawImage(self, image: Any, x: float, y: float, *args: Any, **kwargs: Any) -> Any:  # noqa: N802
        if self.draft:
            return None
        if isinstance(image, str):
            # reportlab names an image file's XObject by path and mask, and reuses a registered
            # one: registering a PngXObject under that name first makes it embed the PNG's own
            # pixel stream (once, however often the file is drawn).
            name = _digester(f"{image}{kwargs.get('mask')}".encode())
            reference = self._doc.getXObjectName(name)
            if reference not in self._doc.idToObject:
                png = read_png(image)
                if png is not None:
                    xobject = PngXObject(name, png)
                    self._doc.Reference(xobject, reference)
                    self._doc.addForm(name, xobject)
        return super().drawImage(image, x, y, *args, **kwargs)

    def showPage(self) -> None:  # noqa: N802
        super().showPage()
        self.page_marks = []


@dataclass
class PageCount:
    previous: int | None = None  # pages counted by the pass before, shown as "of Y"
    current: int = 0


class ReportDocument(BaseDocTemplate):
    def __init__(self, target: Any, ctx: Context, indexes: list[Flowable], **metadata: Any):
        super().__init__(
            target,
            pagesize=PAGE,
            leftMargin=MARGIN_X,
            rightMargin=MARGIN_X,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
            initialFontName=f.BASE,  # reportlab starts pages in Helvetica, which is not embedded
            **metadata,
        )
        self.ctx, self.indexes = ctx, indexes
        frame = Frame(
            MARGIN_X,
            MARGIN_BOTTOM,
            FRAME_WIDTH,
            FRAME_HEIGHT,
            id="body",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        self.addPageTemplates(
            [
                PageTemplate("cover", [frame], onPageEnd=lambda c, d: _furniture(c, d, False)),
                PageTemplate("body", [frame], onPageEnd=lambda c, d: _furniture(c, d, True)),
            ]
        )

    def beforeDocument(self) -> None:  # noqa: N802
        count = self.ctx.pages
        count.previous, count.current = (count.current or None), 0

    def afterPage(self) -> None:  # noqa: N802
        self.ctx.pages.current = self.page

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802
        if isinstance(flowable, Heading):
            self.canv.bookmarkPage(flowable.key)
            self.canv.addOutlineEntry(
                flowable.plain, flowable.key, flowable.level, closed=flowable.level > 0
            )
            for index in self.indexes:
                index.notify("TOCEntry", (flowable.level, flowable.markup, self.page, flowable.key))


def lay_out(story: list[Flowable], ctx: Context, target: str, metadata: dict) -> None:
    """A draft pass to learn the page numbers, then passes into `target` until they hold.

    This is reportlab's multiBuild with two changes. The contents start with one line per heading,
    so the first pass already has their final length and the second (which writes the images)
    usually settles. And reportlab's undo steps for flowables it moved to a later page
    (`_postponed`) are applied after every pass, so the same story can be laid out again.
    """
    contents = [flowable for flowable in story if isinstance(flowable, Contents)]
    for toc in contents:
        toc.prime(ctx.headings)
    draft = True
    for _ in range(MAX_PASSES):
        for toc in contents:
            toc.beforeBuild()
        _build(story, ctx, contents, io.BytesIO() if draft else target, metadata, draft)
        for toc in contents:
            toc.afterBuild()
        settled = all(toc.isSatisfied() for toc in contents)
        if settled and not draft and ctx.pages.current == ctx.pages.previous:
            return
        draft = False
    raise RuntimeError(f"the page numbers did not settle in {MAX_PASSES} passes")


MAX_PASSES = 6


def _build(
    story: list[Flowable],
    ctx: Context,
    indexes: list[Flowable],
    target: Any,
    metadata: dict,
    draft: bool,
) -> None:
    document = ReportDocument(target, ctx, indexes, **metadata)
    undo: list[tuple] = []
    document._multiBuildEdits = undo.append  # reportlab's hook for per-pass state to reset
    document.build(list(story), canvasmaker=partial(ReportCanvas, draft=draft))
    for function, *arguments in undo:
        function(*arguments)


def _furniture(canvas: ReportCanvas, doc: ReportDocument, header: bool) -> None:
    """Running header (case title), footer (report ID, "Page X of Y") and the red banner."""
    ctx = doc.ctx
    width, height = PAGE
    canvas.saveState()
    if header:
        _line(
            canvas,
            ctx.fonts.markup(ctx.info.title),
            MARGIN_X,
            height - 14 * mm,
            FRAME_WIDTH,
            ctx.styles.small,
        )
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN_X, height - 15.5 * mm, width - MARGIN_X, height - 15.5 * mm)
    total = ctx.pages.previous or "?"
    page_text = ctx.t("page_x_of_y", page=doc.page, total=total)
    footer_y = 10 * mm
    canvas.setStrokeColor(RULE)
    canvas.line(MARGIN_X, footer_y + 9, width - MARGIN_X, footer_y + 9)
    _line(
        canvas,
        ctx.fonts.markup(ctx.t("footer_report_id", report_id=ctx.report_id)),
        MARGIN_X,
        footer_y,
        FRAME_WIDTH * 0.7,
        ctx.styles.small,
    )
    right = ParagraphStyle("right", parent=ctx.styles.small, alignment=2)
    _line(
        canvas,
        ctx.fonts.markup(page_text),
        MARGIN_X + FRAME_WIDTH * 0.5,
        footer_y,
        FRAME_WIDTH * 0.5,
        right,
    )
    if canvas.page_marks:
        _banner(canvas, ctx, canvas.page_marks)
    canvas.restoreState()


def _line(
    canvas: Canvas, markup: str, x: float, y: float, width: float, style: ParagraphStyle
) -> None:
    paragraph = Paragraph(markup, ParagraphStyle("line", parent=style, spaceBefore=0, spaceAfter=0))
    paragraph.wrap(width, 20)
    if len(paragraph.blPara.lines) > 1:  # one line only: shorten instead of overlapping
        paragraph = Paragraph(markup[: max(20, len(markup) * 2 // 3)] + "…", paragraph.style)
        paragraph.wrap(width, 20)
    paragraph.drawOn(canvas, x, y)


def _banner(canvas: Canvas, ctx: Context, marks: list[str]) -> None:
    unique = list(dict.fromkeys(marks))
    shown = unique[:3]
    text = ctx.t("banner_unverified") + " " + "; ".join(shown)
    if len(unique) > len(shown):
        text += " " + ctx.t("and_more", count=len(unique) - len(shown))
    style = ParagraphStyle("banner", parent=ctx.styles.cell_bold, textColor=colors.white)
    paragraph = Paragraph(ctx.fonts.markup(text), style)
    _, text_height = paragraph.wrap(FRAME_WIDTH - 8, 40)
    top = PAGE[1] - 16.5 * mm
    box_height = text_height + 5
    canvas.setFillColor(RED)
    canvas.rect(MARGIN_X, top - box_height, FRAME_WIDTH, box_height, stroke=0, fill=1)
    paragraph.drawOn(canvas, MARGIN_X + 4, top - box_height + 2.5)
