"""Pictures from the case inside record sections: one figure, a grid, or two side by side.

Records name their images by links (`Evidence.linked`) and, inside points and highlights, by
artifact ID (`artifact_sha`); `Context.picture` does the rest (size, integrity, marking).
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Flowable, KeepTogether, Table

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


def figure(ctx: Context, sha: str, caption: str, max_height: float) -> list[Flowable]:
    """One picture from the case at full width, with its caption, kept together."""
    picture = ctx.picture(sha, FRAME_WIDTH, max_height)
    block = picture.flowables + [ctx.p(caption, ctx.styles.caption)]
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
