"""A comparison's measurements and settings as tables a reader can follow (no raw keys).

The comparison record (analysis/pair.py `PairReport.to_dict`) holds, besides the readings and
hashes that report/comparison.py shows: the SSIM and difference figures of the common frame and
of the registered comparison, the keypoint matching (counts, status, homography), CLIP, the
settings of each method, the software versions and timings. Everything is in the attached
records file too (report/records.py); what these tables leave out is named under them.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Table

from workstation.analysis import metrics
from workstation.analysis.framing import Framing
from workstation.report import payload as pl
from workstation.report.context import Context
from workstation.report.layout import FRAME_WIDTH, table
from workstation.report.recorded import recorded

# Keys of a PairReport that report/comparison.py or this module show.
SHOWN = frozenset(
    {
        "schema",
        "created",
        "image_a",
        "image_b",
        "bands",
        "bands_notice",
        "normalisation",
        "hashes",
        "structure",
        "registered_structure",
        "keypoints",
        "clip",
        "timings_ms",
        "versions",
    }
)
# The parameters the settings rows name (analysis/structure.py, analysis/keypoints.py).
SSIM_SETTINGS = ("greyscale", "sigma", "gaussian_weights", "use_sample_covariance", "data_range")
KEYPOINT_SETTINGS = (
    "detector",
    "max_features",
    "working_side",
    "ratio",
    "ransac_reprojection_px",
    "min_inliers",
    "rng_seed",
)


def details(ctx: Context, data: dict) -> list[Flowable]:
    """Measurement details, then settings, then one line for anything else recorded."""
    story: list[Flowable] = []
    structure = _dict(data.get("structure"))
    registered = _dict(data.get("registered_structure"))
    keypoints = _dict(data.get("keypoints"))
    if structure or registered or keypoints:
        story.append(ctx.p(ctx.t("details_heading"), ctx.styles.h3))
    if structure or registered:
        story.append(_structure_table(ctx, structure, registered))
        story.append(ctx.gap(4))
    if keypoints:
        story.append(ctx.key_values(_keypoint_rows(ctx, keypoints), 190))
        story.append(ctx.gap(4))
    clip = _dict(data.get("clip"))
    if pl.number(clip.get("image_similarity")) is not None:
        story.append(ctx.key_values(_clip_rows(ctx, clip), 190))
        story.append(ctx.gap(4))

    settings = _settings_rows(ctx, data, structure or registered, keypoints)
    if settings:
        story.append(ctx.p(ctx.t("settings_heading"), ctx.styles.h3))
        story.append(ctx.key_values(settings, 120))
    story += ctx.also_recorded(data, set(SHOWN))
    return story


def framing_table(ctx: Context, readings: list[dict]) -> list[Flowable]:
    """How the measured metrics brought the two images together, one row per framing rule
    (the rules are defined once, in analysis/framing.py)."""
    groups: dict[str, tuple[Framing, list[str]]] = {}
    for reading in readings:
        known = metrics.find(str(reading.get("metric")))
        if known is not None and known.framing is not None:
            entry = groups.setdefault(known.framing.key, (known.framing, []))
            entry[1].append(known.words[ctx.lang].name)
    if not groups:
        return []
    bold = ctx.styles.cell_bold
    rows: list[list] = [[ctx.p(ctx.t(k), bold) for k in ("framing_metrics", "framing_rule")]]
    for framing, names in groups.values():
        rows.append([ctx.cell(", ".join(names)), ctx.cell(framing.rule(ctx.lang))])
    return [
        ctx.p(ctx.t("framing_heading"), ctx.styles.h3),
        table(rows, [120, FRAME_WIDTH - 120]),
        ctx.gap(4),
    ]


def _structure_table(ctx: Context, plain: dict, registered: dict) -> Flowable:
    """One row per quantity, one column for the common frame and one after registration."""
    bold = ctx.styles.cell_bold
    columns = [(ctx.t("col_common_frame"), plain)]
    if registered:
        columns.append((ctx.t("col_registered"), registered))
    rows: list[list] = [[ctx.p("", bold)] + [ctx.p(title, bold) for title, _ in columns]]

    def row(label: str, shown) -> None:
        rows.append([ctx.cell(label)] + [ctx.cell(shown(values)) for _, values in columns])

    def size(values: dict) -> str:
        found = values.get("size")
        if isinstance(found, list) and len(found) == 2:
            return ctx.t("dimensions", w=found[0], h=found[1])
        return "—"

    level = pl.path(plain or registered, "parameters.changed_level", "?")
    row(ctx.t("row_compared_size"), size)
    row(ctx.t("row_compared_share"), lambda v: _percent(v.get("compared_fraction")))
    row("SSIM", lambda v: _fixed(v.get("ssim")))
    row(ctx.t("row_mean_difference"), lambda v: _percent(v.get("mean_abs_difference"), 2))
    row(ctx.t("row_changed", level=level), lambda v: _percent(v.get("changed_fraction")))
    width = (FRAME_WIDTH - 200) / len(columns)
    return table(rows, [200] + [width] * len(columns))


def _keypoint_rows(ctx: Context, k: dict) -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = [
        (ctx.t("kp_counts"), f"{pl.show(k.get('keypoints_a'))} / {pl.show(k.get('keypoints_b'))}"),
        (ctx.t("kp_matches"), pl.show(k.get("matches"))),
    ]
    inliers = pl.show(k.get("inliers"))
    ratio = pl.number(k.get("inlier_ratio"))
    rows.append((ctx.t("kp_inliers"), f"{inliers} ({ratio:.1%})" if ratio is not None else inliers))
    if k.get("mirrored") is not None:
        rows.append((ctx.t("kp_mirrored"), ctx.t("yes" if k.get("mirrored") else "no")))
    if k.get("status"):
        rows.append((ctx.t("kp_status"), recorded(ctx.t, pl.show(k.get("status")))))
    matrix = k.get("homography_b_to_a")
    if isinstance(matrix, list) and matrix and all(isinstance(r, list) for r in matrix):
        right = ParagraphStyle("mono_right", parent=ctx.styles.mono, alignment=TA_RIGHT)
        cells = [[ctx.p(_number(v), right) for v in line] for line in matrix]
        grid = Table(cells, colWidths=[72] * max(len(line) for line in cells), hAlign="LEFT")
        grid.setStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0)])
        rows.append((ctx.t("kp_homography"), grid))
    return rows


def _clip_rows(ctx: Context, clip: dict) -> list[tuple[str, Any]]:
    rows = [(ctx.t("clip_image_similarity"), _fixed(clip.get("image_similarity")))]
    for side in ("a", "b"):
        value = pl.number(clip.get(f"text_similarity_{side}"))
        if value is not None:
            rows.append((ctx.t("clip_text_similarity", side=side.upper()), _fixed(value)))
    if clip.get("prompt"):
        rows.append((ctx.t("clip_prompt"), pl.show(clip.get("prompt"))))
    model = clip.get("model")
    if isinstance(model, dict):
        name = pl.show(pl.get(model, "name", "path", default="—"))
        sha = pl.get(model, "sha256")
        rows.append((ctx.t("clip_model"), [ctx.cell(name), ctx.mono(sha)] if sha else name))
    elif model:
        rows.append((ctx.t("clip_model"), pl.show(model)))
    return rows


def _settings_rows(ctx: Context, data: dict, structure: dict, k: dict) -> list[tuple[str, Any]]:
    rows: list[tuple[str, Any]] = []
    ssim = _dict(structure.get("parameters"))
    if ssim:
        rows.append(("SSIM", ctx.t("settings_ssim", **_fields(ssim, SSIM_SETTINGS))))
    keypoints = _dict(k.get("parameters"))
    if keypoints:
        rows.append(
            (
                ctx.t("settings_keypoints_label"),
                ctx.t("settings_keypoints", **_fields(keypoints, KEYPOINT_SETTINGS)),
            )
        )
    versions = _dict(data.get("versions"))
    if versions:
        rows.append(
            (
                ctx.t("software_versions"),
                ", ".join(f"{name} {pl.show(v)}" for name, v in versions.items()),
            )
        )
    timings = [pl.number(v) for v in _dict(data.get("timings_ms")).values()]
    if any(t is not None for t in timings):
        total = sum(t for t in timings if t is not None)
        rows.append(
            (ctx.t("computation_time"), ctx.t("computation_time_value", ms=f"{total:,.0f}"))
        )
    if data.get("created"):
        rows.append((ctx.t("compared_at"), pl.show(data["created"]).replace("T", " ")))
    return rows


def _fields(parameters: dict, names: tuple[str, ...]) -> dict[str, str]:
    """The parameters a template names, as text; "?" for one the record lacks."""
    return {name: pl.show(parameters[name]) if name in parameters else "?" for name in names}


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _percent(value: Any, decimals: int = 1) -> str:
    number = pl.number(value)
    return "—" if number is None else f"{number:.{decimals}%}"


def _fixed(value: Any) -> str:
    number = pl.number(value)
    return "—" if number is None else f"{number:.4f}"


def _number(value: Any) -> str:
    number = pl.number(value)
    return "?" if number is None else f"{number:.6g}"
