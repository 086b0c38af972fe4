"""Pictures from the case inside record sections: one figure, a grid, or two side by side.

Records name their images by links (`Evidence.linked`) and, inside points and highlights, by
artifact ID (`artifact_sha`); `Context.picture` does the rest (size, integrity, marking).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PIL import Image
from reportlab.platypus import Flowable, KeepTogether, Table

from workstation.analysis import structure
from workstation.report import fonts
from workstation.report import payload as pl
from workstation.report.context import Context
from workstation.report.layout import FRAME_WIDTH


def artifact_sha(ctx: Context, value: Any) -> str | None:
    """The SHA-256 of the artifact with this ID (a typed field such as a point's artifact_id)."""
    artifact_id = pl.as_int(value) if not isinstance(value, str) else None
    artifact = ctx.evidence.by_id.get(artifact_id) if artifact_id is not None else None
    return artifact.sha256 if artifact else None


def sha_of(ctx: Context, value: Any) -> str | None:
    """A stored file named by a SHA-256, an artifact ID, or a dict holding either."""
    if pl.is_sha256(value):
        return value.lower()
    artifact_id = pl.as_int(value) if not isinstance(value, str) else None
    if artifact_id is not None and artifact_id in ctx.evidence.by_id:
        return ctx.evidence.by_id[artifact_id].sha256
    if isinstance(value, dict):
        for key in ("sha256", "image_sha256", "object", "file_sha256"):
            if pl.is_sha256(value.get(key)):
                return value[key].lower()
        for key in ("artifact_id", "artifact", "id"):
            found = pl.as_int(value.get(key))
            if found is not None and found in ctx.evidence.by_id:
                return ctx.evidence.by_id[found].sha256
    return None


def caption(ctx: Context, sha: str, prefix: str = "") -> str:
    artifact = ctx.evidence.by_sha.get(sha)
    facts = ctx.facts(sha)
    parts = [prefix + ctx.ref(artifact, sha)]
    if facts:
        parts.append(ctx.t("dimensions", w=facts.width, h=facts.height))
    parts.append(f"SHA-256 {sha[:16]}…")
    return " · ".join(parts)


def figure(
    ctx: Context, sha: str, caption: str, max_height: float, scale: str = ""
) -> list[Flowable]:
    """One picture from the case at full width, with its caption (and the colour bar of its
    `scale`, see `Picture.scale` in analysis/metrics), kept together."""
    picture = ctx.picture(sha, FRAME_WIDTH, max_height)
    block = picture.flowables + colour_bar(ctx, scale) + [ctx.p(caption, ctx.styles.caption)]
    block += [ctx.p(note, ctx.styles.small) for note in picture.notes]
    if picture.problem:
        block.append(ctx.p(picture.problem, ctx.styles.warning))
    return [KeepTogether(block)]


def grid(
    ctx: Context, items: list[tuple[str, str]], columns: int = 5, max_height: float | None = None
) -> list[Flowable]:
    """(sha, label) pictures in a grid of equal cells, e.g. the kept denoising steps."""
    if not items:
        return []
    cell_width = FRAME_WIDTH / columns
    cells = []
    for sha, label in items:
        picture = ctx.picture(sha, cell_width - 8, min(cell_width - 8, max_height or cell_width))
        cells.append(picture.flowables + [ctx.p(label, ctx.styles.caption)])
    rows = [cells[i : i + columns] for i in range(0, len(cells), columns)]
    rows[-1] += [""] * (columns - len(rows[-1]))
    return [
        Table(
            rows,
            colWidths=[cell_width] * columns,
            hAlign="LEFT",
            style=[("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (0, 0), (-1, -1), "CENTER")],
        )
    ]


def side_by_side(
    ctx: Context, left: tuple[str, str] | None, right: tuple[str, str] | None, max_height: float
) -> list[Flowable]:
    """Two pictures at the same scale (points per pixel), with their captions beneath."""
    gap = 14
    sides = [side for side in (left, right) if side]
    sizes = [ctx.pixel_size(sha) or (200, 150) for sha, _ in sides]
    widths = [width for width, _ in sizes]
    heights = [height for _, height in sizes]
    scale = min((FRAME_WIDTH - gap * len(sides)) / sum(widths), max_height / max(heights))
    cells, column_widths = [], []
    for (sha, caption), width, height in zip(sides, widths, heights, strict=True):
        picture = ctx.picture(sha, width * scale, height * scale)
        column = max(picture.width + gap, 90)
        column_widths.append(column)
        cells.append(
            picture.flowables
            + [ctx.p(caption, ctx.styles.caption)]
            + [ctx.p(note, ctx.styles.small) for note in picture.notes]
        )
    return [
        Table(
            [cells],
            colWidths=column_widths,
            hAlign="CENTER",
            style=[("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (0, 0), (-1, -1), "CENTER")],
        )
    ]


def colour_bar(ctx: Context, scale: str) -> list[Flowable]:
    """The difference scale's colour bar (structure.colour_scale) with its values and unit;
    [] for a picture in its own colours."""
    if not scale:
        return []
    path = ctx.workdir / "difference-scale.png"
    if not path.exists():
        Image.fromarray(structure.colour_scale(256, 1)).save(path)
    text = ctx.t("colour_scale_caption", level=structure.CHANGED_LEVEL)
    if scale == "difference_masked":
        text += "; " + ctx.t("colour_scale_outside")
    return [
        ColourBar(path, marks=(0, structure.CHANGED_LEVEL, 128, 255)),
        ctx.p(text, ctx.styles.small),
    ]


class ColourBar(Flowable):
    """A horizontal colour bar for values 0–255, with tick marks and their values beneath."""

    BAR, TICKS, WIDTH = 9.0, 9.0, 260.0

    def __init__(self, path: Path, marks: tuple[int, ...]):
        super().__init__()
        self.path, self.marks = str(path), marks
        self.width, self.height = self.WIDTH, self.BAR + self.TICKS + 2
        self.hAlign = "CENTER"

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        bottom = self.TICKS + 2
        canvas.drawImage(self.path, 0, bottom, self.width, self.BAR)
        canvas.setLineWidth(0.4)
        canvas.rect(0, bottom, self.width, self.BAR, stroke=1, fill=0)
        canvas.setFont(fonts.BASE, 6.5)
        for mark in self.marks:
            x = self.width * mark / 255
            canvas.line(x, bottom, x, bottom - 2)
            canvas.drawCentredString(x, 2, str(mark))
