"""A finding's geometry in the report: the shape in words ("Box at (120, 80), 64 × 40 px on
Exhibit 2") and a detail of the artifact around it with the shape drawn (Pillow), said to be the
workstation's drawing; the stored file is never changed. No detail when the file is missing,
altered, unreadable, rotated by EXIF, or not the size the shape was drawn on."""

from __future__ import annotations

import math

from PIL import Image, ImageDraw
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Indenter

from workstation.core.case import Artifact, Record
from workstation.core.records import MEASURE_SHAPES, Finding, geometry_measures
from workstation.report.context import Context, _to_8bit
from workstation.report.evidence import MISSING
from workstation.report.layout import EvidenceImage, fit

DETAIL_SIDE = 480  # pixels across the longer side of a detail, drawn at this size
DETAIL_MAX = (220.0, 160.0)  # points on the page
MEASURE_RGB, ANNOTATION_RGB = (0, 229, 255), (255, 64, 129)  # as the window draws them


def _n(value: float) -> str:
    return f"{round(value, 1):g}"


def words(ctx: Context, geometry: dict, artifact: Artifact | None) -> str:
    """The shape in the report's language, with the file it is on."""
    values = geometry_measures(geometry)
    points = geometry["points"]
    on = ctx.short_ref(artifact) if artifact is not None else "?"
    named = {
        "x": _n(values["x"]),
        "y": _n(values["y"]),
        "x1": _n(points[0][0]),
        "y1": _n(points[0][1]),
        "x2": _n(points[-1][0]),
        "y2": _n(points[-1][1]),
        "length": _n(values.get("length", 0.0)),
        "degrees": _n(values.get("degrees", 0.0)),
        "w": _n(values.get("width", 0.0)),
        "h": _n(values.get("height", 0.0)),
        "area": _n(values.get("area", 0.0)),
        "text": geometry.get("text") or "",
        "on": on,
    }
    return ctx.t(f"geometry_{geometry['shape']}", **named)


def flowables(ctx: Context, record: Record, detail: bool = True) -> list[Flowable]:
    """Under a finding: its shape in words, and (`detail`) the picture when it can be drawn."""
    body = record.body
    if not isinstance(body, Finding) or body.geometry is None:
        return []
    [link] = record.linked("about") or [None]
    artifact = ctx.evidence.by_id.get(link.artifact_id) if link is not None else None
    shape = ParagraphStyle("finding_shape", parent=ctx.styles.body, leftIndent=12, spaceAfter=2)
    note = ParagraphStyle("finding_detail", parent=ctx.styles.small, leftIndent=12, spaceAfter=6)
    story: list[Flowable] = [ctx.p(words(ctx, body.geometry, artifact), shape)]
    drawn = _detail(ctx, record.id, artifact, body.geometry) if detail else None
    if drawn is not None:
        image, box = drawn
        image.hAlign = "LEFT"
        story += [Indenter(left=12), image, Indenter(left=-12)]
        story.append(ctx.p(ctx.t("geometry_detail", on=ctx.short_ref(artifact), **box), note))
    return story


def _detail(
    ctx: Context, record_id: int, artifact: Artifact | None, geometry: dict
) -> tuple[Flowable, dict[str, int]] | None:
    if artifact is None or ctx.artifact_problem(artifact):
        return None
    stored = ctx.evidence.file(artifact.sha256)
    facts = ctx.facts(artifact.sha256)
    size = (geometry["image"]["width"], geometry["image"]["height"])
    if stored.state == MISSING or facts is None or facts.orientation != 1:
        return None
    if (facts.width, facts.height) != size:
        return None
    points = [(float(x), float(y)) for x, y in geometry["points"]]
    xs, ys = [x for x, _ in points], [y for _, y in points]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 16.0)
    margin = max(16.0, span * 0.35)
    left, right = max(0, math.floor(min(xs) - margin)), min(size[0], math.ceil(max(xs) + margin))
    top, bottom = max(0, math.floor(min(ys) - margin)), min(size[1], math.ceil(max(ys) + margin))
    if right - left < 1 or bottom - top < 1:
        return None
    with Image.open(stored.path) as opened:
        crop = _to_8bit(opened).convert("RGB").crop((left, top, right, bottom))
    scale = DETAIL_SIDE / max(crop.width, crop.height)
    crop = crop.resize(
        (max(1, round(crop.width * scale)), max(1, round(crop.height * scale))),
        Image.Resampling.NEAREST,  # the pixels as they are, enlarged
    )
    shown = [((x - left) * scale, (y - top) * scale) for x, y in points]
    _draw(ImageDraw.Draw(crop), geometry["shape"], shown)
    path = ctx.workdir / f"finding-{record_id}-geometry.png"
    crop.save(path, format="PNG", compress_level=1)
    width, height = fit(crop.width, crop.height, *DETAIL_MAX)
    box = {"x0": left, "x1": right, "y0": top, "y1": bottom}
    return EvidenceImage(path, width, height), box


def _draw(draw: ImageDraw.ImageDraw, shape: str, points: list[tuple[float, float]]) -> None:
    colour = MEASURE_RGB if shape in MEASURE_SHAPES else ANNOTATION_RGB
    if shape in ("box", "region"):
        (x1, y1), (x2, y2) = points
        draw.rectangle(
            (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)), outline=colour, width=3
        )
    elif len(points) > 1:
        draw.line(points, fill=colour, width=3)
    for x, y in points if shape != "arrow" else points[:1]:
        draw.ellipse((x - 5, y - 5, x + 5, y + 5), fill=colour)
    if shape == "arrow":
        (x1, y1), (x2, y2) = points
        angle = math.atan2(y2 - y1, x2 - x1)
        head = [
            (x2, y2),
            (x2 - 18 * math.cos(angle - 0.4), y2 - 18 * math.sin(angle - 0.4)),
            (x2 - 18 * math.cos(angle + 0.4), y2 - 18 * math.sin(angle + 0.4)),
        ]
        draw.polygon(head, fill=colour)
    if shape == "callout":
        (x, y) = points[0]
        draw.ellipse((x - 9, y - 9, x + 9, y + 9), outline=colour, width=3)
