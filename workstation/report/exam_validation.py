"""How the examination methods did where the answer is known: the workstation's own benchmark
figures (resources/model_exam/validation.json, written by benchmarks/model_exam_lab.py and
benchmarks/exam_lora_rank.py), printed beside every exam record so that a reader sees the
method's measured error rates next to its result.

The figures are from the workstation's small models, not from the model examined; the text says
so. A missing or malformed file prints nothing (the report never stops for it) — a test keeps the
shipped file well-formed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from reportlab.platypus import Flowable, Spacer

from workstation.paths import MODEL_EXAM_DIR
from workstation.report import payload as pl
from workstation.report.context import Context
from workstation.report.layout import FRAME_WIDTH, table

VALIDATION_FILE = MODEL_EXAM_DIR / "validation.json"
_MEMBERSHIP = ("loss", "sima", "pia")


def read_validation(path: Path | None = None) -> dict[str, Any]:
    try:
        path = path or VALIDATION_FILE
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def validation(ctx: Context, method: str, data: dict[str, Any] | None = None) -> list[Flowable]:
    """The benchmark block for one exam kind ("membership", "set", "prompts"); [] for others."""
    data = read_validation() if data is None else data
    lab = [row for row in data.get("lab") or [] if isinstance(row, dict)]
    if not lab or method not in ("membership", "set", "prompts"):
        return []
    story: list[Flowable] = [
        ctx.p(ctx.t("exam_validation_intro", measured=pl.show(data.get("measured"))))
    ]
    if method == "prompts":
        rows = [
            [
                ctx.cell(pl.show(row.get("size"))),
                ctx.cell(_num(pl.get(row.get("prompts"), "auc"))),
                ctx.cell(_num(pl.get(row.get("prompts"), "auc_reversed"))),
            ]
            for row in lab
        ]
        head = _head(
            ctx,
            ctx.t("exam_validation_size"),
            ctx.t("exam_validation_auc"),
            ctx.t("exam_validation_reversed"),
        )
        story += [table([head, *rows], _widths(0.3, 0.35, 0.35)), Spacer(1, 6)]
        return story

    head = _head(
        ctx,
        ctx.t("exam_validation_size"),
        ctx.t("exam_validation_images"),
        *(ctx.t(f"exam_short_{name}") for name in _MEMBERSHIP),
    )
    rows = []
    for row in lab:
        methods = row.get("methods") if isinstance(row.get("methods"), dict) else {}
        cells = [
            ctx.cell(pl.show(row.get("size"))),
            ctx.cell(f"{pl.show(row.get('members'))} / {pl.show(row.get('held_out'))}"),
        ]
        for name in _MEMBERSHIP:
            scores = methods.get(name) if isinstance(methods.get(name), dict) else {}
            cells.append(
                ctx.cell(f"{_num(scores.get('auc'))} / {_num(scores.get('tpr_at_1pct_fpr'))}")
            )
        rows.append(cells)
    story.append(ctx.p(ctx.t("exam_validation_lab")))
    story += [table([head, *rows], _widths(0.16, 0.2, 0.21, 0.21, 0.22)), Spacer(1, 6)]
    story += _lora_rank(ctx, data.get("lora_rank"))
    return story


def _lora_rank(ctx: Context, rank: Any) -> list[Flowable]:
    """Per statistic (the score with the LoRA, its plain change, its change adjusted for the
    base) and method: how often the trained-on work had p ≤ 0.02, and the other LoRA's p > 0.1."""
    if not isinstance(rank, dict):
        return []
    rows = []
    repeats = pl.show(rank.get("repeats"))
    for suffix, statistic in (("", None), ("_delta", "Δ"), ("_adjusted", "adjusted")):
        one = rank.get(f"one_work{suffix}")
        other = rank.get(f"other_works{suffix}")
        one = one if isinstance(one, dict) else {}
        other = other if isinstance(other, dict) else {}
        for name in [m for m in _MEMBERSHIP if m in one or m in other]:
            first = one.get(name) if isinstance(one.get(name), dict) else {}
            second = other.get(name) if isinstance(other.get(name), dict) else {}
            shown = ctx.t(f"exam_short_{name}")
            if statistic is not None:
                shown = ctx.t(f"exam_validation_stat_{statistic.replace('Δ', 'delta')}", m=shown)
            rows.append(
                [
                    ctx.cell(shown),
                    ctx.cell(f"{pl.show(first.get('p_le_0_02'))} / {repeats}"),
                    ctx.cell(_num(first.get("median_p"))),
                    ctx.cell(f"{pl.show(second.get('p_gt_0_1'))} / {repeats}"),
                    ctx.cell(_num(second.get("median_p"))),
                ]
            )
    if not rows:
        return []
    head = _head(
        ctx,
        ctx.t("exam_validation_method"),
        ctx.t("exam_validation_one_work"),
        ctx.t("exam_validation_median_p"),
        ctx.t("exam_validation_other_works"),
        ctx.t("exam_validation_median_p"),
    )
    return [
        ctx.p(ctx.t("exam_validation_lora", controls=pl.show(rank.get("controls")))),
        table([head, *rows], _widths(0.28, 0.2, 0.14, 0.24, 0.14)),
        Spacer(1, 6),
    ]


def _num(value: Any) -> str:
    number = pl.number(value)
    return "—" if number is None else f"{number:.2f}"


def _head(ctx: Context, *labels: str) -> list:
    return [ctx.p(label, ctx.styles.cell_bold) for label in labels]


def _widths(*shares: float) -> list[float]:
    return [FRAME_WIDTH * share for share in shares]
