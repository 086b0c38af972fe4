"""A model examination record (analysis/model_exam/): its method and references, the model
examined, the numbers as tables, and the limit every result is stated with.

    membership: per work and method the score, p-value, effect size and rank among the
                controls; the controls' scores; with a LoRA, its change (Δ) tested the same way
    set:        per method the set statistic, its permutation p-value, significance at α
    prompts:    per prompt the noise magnitude, robust z, flag and the tokens that carry it
    attribute:  the local models ranked by reconstruction distance with their calibration's
                threshold and error rates; models with identical VAEs named together
    extract:    the clusters of generated images, each centre beside its nearest case work
                (report/exam_extract.py)

The limit is the report's own sentence in the report's language (the record holds it in
English); a missing key or an odd type shows as "—", never stops the report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.platypus import Flowable

from workstation.core.case import Artifact, Record
from workstation.report import payload as pl
from workstation.report.context import Context
from workstation.report.exam_extract import extract
from workstation.report.exam_validation import validation
from workstation.report.layout import FRAME_HEIGHT, FRAME_WIDTH, EvidenceImage, fit, table
from workstation.report.plots import plot_scores

MAX_ROWS = 60
_DESCRIPTION = {
    "membership": "exam_membership",
    "set": "exam_set",
    "prompts": "exam_prompts",
    "attribute": "exam_attribute",
    "extract": "exam_extract",
}


def exam(ctx: Context, record: Record) -> list[Flowable]:
    payload = record.payload if isinstance(record.payload, dict) else {}
    method = pl.show(payload.get("method"))
    results = payload.get("results") if isinstance(payload.get("results"), dict) else {}
    story: list[Flowable] = []
    if method in _DESCRIPTION:
        story.append(ctx.p(ctx.t(_DESCRIPTION[method])))

    # 1. What was asked of which model, and how.
    story.append(ctx.key_values(_about_rows(ctx, payload, results), 130))

    # 2. The numbers.
    names = _names(ctx, record)
    if method == "membership":
        story += _membership(ctx, results, names)
        story += _plot(ctx, record, results.get("works"), results.get("controls"))
    elif method == "set":
        story += _set(ctx, results)
        story += _plot(ctx, record, results.get("works_scored"), results.get("controls_scored"))
    elif method == "prompts":
        story += _prompts(ctx, results)
    elif method == "attribute":
        story += _attribute(ctx, results)
    elif method == "extract":
        story += extract(ctx, record)

    # 3. The methods' own measured error rates, where membership is known.
    story += validation(ctx, method)

    # 4. The limit, in every output.
    limit = {"attribute": "exam_limit_attribute", "extract": "exam_limit_extract"}.get(
        method, "exam_limit"
    )
    story.append(ctx.p(ctx.t(limit), ctx.styles.warning))
    return story


def _about_rows(ctx: Context, payload: dict, results: dict) -> list[tuple[str, Any]]:
    method = pl.show(payload.get("method"))
    rows: list[tuple[str, Any]] = [
        (
            ctx.t("exam_method"),
            ctx.t(f"exam_kind_{method}") if ctx.has(f"exam_kind_{method}") else method,
        )
    ]
    methods = results.get("methods")
    if isinstance(methods, dict) and methods and method in ("membership", "set"):
        rows.append((ctx.t("exam_methods"), "; ".join(_method_name(ctx, m) for m in methods)))
    model = payload.get("model") if isinstance(payload.get("model"), dict) else {}
    if "models" in model and isinstance(model["models"], list):
        models = [m for m in model["models"] if isinstance(m, dict)]
        shown = [
            [ctx.cell(Path(pl.show(m.get("path"))).name), ctx.mono(m.get("sha256"))] for m in models
        ]
        rows.append((ctx.t("exam_model"), shown or "—"))
    elif model:
        rows.append(
            (
                ctx.t("exam_model"),
                [
                    ctx.cell(Path(pl.show(model.get("path"))).name),
                    ctx.mono(pl.show(model.get("sha256"))),
                ],
            )
        )
    for lora in payload.get("loras") or []:
        if isinstance(lora, dict):
            rows.append(
                (
                    ctx.t("exam_lora"),
                    [
                        ctx.cell(Path(pl.show(lora.get("path"))).name),
                        ctx.mono(pl.show(lora.get("sha256"))),
                    ],
                )
            )
    settings = payload.get("settings") if isinstance(payload.get("settings"), dict) else {}
    if method in ("membership", "set"):
        size = settings.get("size")
        timesteps = settings.get("timesteps")
        rows.append(
            (
                ctx.t("exam_settings"),
                ctx.t(
                    "exam_settings_value",
                    seed=pl.show(settings.get("seed")),
                    timesteps=pl.show(timesteps) if isinstance(timesteps, list) else "—",
                    size="×".join(str(v) for v in size) if isinstance(size, list) else "—",
                    device=pl.show(pl.get(payload.get("model"), "device")),
                    dtype=pl.show(pl.get(payload.get("model"), "dtype")),
                ),
            )
        )
    seconds = pl.number(payload.get("seconds"))
    if seconds is not None:
        rows.append((ctx.t("exam_seconds"), f"{seconds:.1f} s"))
    return rows


def _method_name(ctx: Context, method: str) -> str:
    key = f"exam_name_{method}"
    return ctx.t(key) if ctx.has(key) else method


def _short(ctx: Context, method: str) -> str:
    key = f"exam_short_{method}"
    return ctx.t(key) if ctx.has(key) else method


def _names(ctx: Context, record: Record) -> dict[str, str]:
    """Each linked image's name in the report, by SHA-256."""
    linked: dict[str, Artifact] = {
        a.sha256: a for a in ctx.evidence.record_artifacts(record).values()
    }
    return {sha: ctx.ref(artifact) for sha, artifact in linked.items()}


def _image(entry: dict, names: dict[str, str]) -> str:
    sha = entry.get("sha256")
    return names.get(sha) or Path(pl.show(entry.get("path"))).name


def _num(value: Any, form: str = "{:.4g}") -> str:
    number = pl.number(value)
    return "—" if number is None else form.format(number)


def _head(ctx: Context, *keys: str) -> list:
    return [ctx.p(ctx.t(key), ctx.styles.cell_bold) for key in keys]


def _membership(ctx: Context, results: dict, names: dict[str, str]) -> list[Flowable]:
    works = [w for w in results.get("works") or [] if isinstance(w, dict)]
    controls = [c for c in results.get("controls") or [] if isinstance(c, dict)]
    story: list[Flowable] = []
    widths = [FRAME_WIDTH - 330, 70, 70, 70, 70, 50]
    tables = (
        ("exam_works_table", None),
        ("exam_delta_table", "delta"),
        ("exam_adjusted_table", "adjusted"),
    )
    for title, key in tables:
        rows = [
            _head(
                ctx,
                "exam_col_work",
                "exam_col_method",
                "exam_col_score",
                "exam_col_p",
                "exam_col_effect",
                "exam_col_rank",
            )
        ]
        for work in works[:MAX_ROWS]:
            source = work.get(key) if key else work
            if not isinstance(source, dict):
                continue
            scores = source.get("scores") if isinstance(source.get("scores"), dict) else {}
            for method, score in scores.items():
                rows.append(
                    [
                        ctx.cell(_image(work, names)),
                        ctx.cell(_short(ctx, method)),
                        ctx.cell(_num(score)),
                        ctx.cell(_num(pl.get(source.get("p_value"), method), "{:.3f}")),
                        ctx.cell(_num(pl.get(source.get("effect_size"), method), "{:.2f}")),
                        ctx.cell(pl.show(pl.get(source.get("rank"), method))),
                    ]
                )
        if len(rows) > 1:
            story += [ctx.p(ctx.t(title), ctx.styles.h3), table(rows, widths)]
    methods = list((controls[0].get("scores") or {}) if controls else {})
    if controls and methods:
        head = [ctx.p(ctx.t("exam_col_control"), ctx.styles.cell_bold)]
        head += [ctx.p(_short(ctx, m), ctx.styles.cell_bold) for m in methods]
        rows = [head]
        for control in controls[:MAX_ROWS]:
            scores = control.get("scores") if isinstance(control.get("scores"), dict) else {}
            rows.append(
                [ctx.cell(_image(control, names))]
                + [ctx.cell(_num(scores.get(m))) for m in methods]
            )
        side = (FRAME_WIDTH - 200) / len(methods)
        story += [
            ctx.p(ctx.t("exam_controls_table"), ctx.styles.h3),
            table(rows, [200] + [side] * len(methods)),
        ]
    return story


def _plot(ctx: Context, record: Record, works: Any, controls: Any) -> list[Flowable]:
    """Each method's work and control scores on one axis: where the works fall among the
    controls (lower = more member-like)."""
    works = [w.get("scores") for w in works or [] if isinstance(w, dict)]
    controls = [c.get("scores") for c in controls or [] if isinstance(c, dict)]
    works = [w for w in works if isinstance(w, dict)]
    controls = [c for c in controls if isinstance(c, dict)]
    if not works or not controls:
        return []
    panels = []
    for method in controls[0]:
        control_values = tuple(v for c in controls if (v := pl.number(c.get(method))) is not None)
        work_values = tuple(v for w in works if (v := pl.number(w.get(method))) is not None)
        if control_values and work_values:
            panels.append((_method_name(ctx, method), control_values, work_values))
    if not panels:
        return []
    out = ctx.workdir / f"exam-{record.id}.png"
    labels = (ctx.t("exam_col_control"), ctx.t("exam_col_work"))
    plot_scores(panels, labels, ctx.t("exam_plot_title"), out, ctx.fonts.cjk_path)
    width, height = fit(
        int(FRAME_WIDTH),
        int(FRAME_WIDTH * (0.8 + 1.1 * len(panels)) / 6.3),
        FRAME_WIDTH,
        FRAME_HEIGHT * 0.6,
    )
    return [
        EvidenceImage(out, width, height),
        ctx.p(ctx.t("exam_plot_caption"), ctx.styles.caption),
    ]


def _set(ctx: Context, results: dict) -> list[Flowable]:
    methods = results.get("methods") if isinstance(results.get("methods"), dict) else {}
    rows = [
        _head(
            ctx,
            "exam_col_method",
            "exam_col_statistic",
            "exam_col_p",
            "exam_col_effect",
            "exam_col_significant",
        )
    ]
    for method, values in methods.items():
        if not isinstance(values, dict):
            continue
        significant = values.get("significant")
        rows.append(
            [
                ctx.cell(_method_name(ctx, method)),
                ctx.cell(_num(values.get("statistic"))),
                ctx.cell(_num(values.get("p_value"), "{:.4f}")),
                ctx.cell(_num(values.get("effect_size"), "{:.2f}")),
                ctx.cell(
                    "—"
                    if not isinstance(significant, bool)
                    else ctx.t("exam_yes" if significant else "exam_no")
                ),
            ]
        )
    title = ctx.t(
        "exam_set_table",
        works=pl.show(results.get("works")),
        controls=pl.show(results.get("controls")),
        alpha=_num(results.get("alpha"), "{:g}"),
        floor=_num(results.get("p_floor"), "{:.3g}"),
        minimum=pl.show(results.get("minimum_n")),
    )
    story: list[Flowable] = [ctx.p(title, ctx.styles.h3)]
    if len(rows) > 1:
        story.append(table(rows, [FRAME_WIDTH - 270, 70, 70, 70, 60]))
    return story


def _prompts(ctx: Context, results: dict) -> list[Flowable]:
    prompts = [p for p in results.get("prompts") or [] if isinstance(p, dict)]
    flagged = sum(1 for p in prompts if p.get("flagged") is True)
    story: list[Flowable] = [
        ctx.p(ctx.t("exam_prompts_table", flagged=flagged, count=len(prompts)), ctx.styles.h3)
    ]
    reference = results.get("reference")
    if isinstance(reference, dict):
        kind = pl.show(reference.get("kind"))
        key = f"exam_reference_{kind}"
        story.append(
            ctx.p(
                ctx.t(
                    "exam_reference",
                    kind=ctx.t(key) if ctx.has(key) else kind,
                    count=pl.show(reference.get("count")),
                    median=_num(reference.get("median")),
                    mad=_num(reference.get("mad")),
                ),
                ctx.styles.small,
            )
        )
    rows = [
        _head(
            ctx,
            "exam_col_prompt",
            "exam_col_magnitude",
            "exam_col_z",
            "exam_col_flagged",
            "exam_col_tokens",
        )
    ]
    for prompt in prompts[:MAX_ROWS]:
        tokens = [t for t in prompt.get("tokens") or [] if isinstance(t, dict)]
        shares = ", ".join(
            f"{pl.show(t.get('token'))} {_num(t.get('share'), '{:.2f}')}" for t in tokens[:5]
        )
        flag = prompt.get("flagged")
        rows.append(
            [
                ctx.cell(pl.show(prompt.get("prompt"), 200)),
                ctx.cell(_num(prompt.get("magnitude"))),
                ctx.cell(_num(prompt.get("z"), "{:.2f}")),
                ctx.cell(
                    "—" if not isinstance(flag, bool) else ctx.t("exam_yes" if flag else "exam_no"),
                    red=flag is True,
                ),
                ctx.cell(shares or "—"),
            ]
        )
    if len(rows) > 1:
        story.append(table(rows, [FRAME_WIDTH - 330, 65, 55, 50, 160]))
    return story


def _attribute(ctx: Context, results: dict) -> list[Flowable]:
    """The ranking, a group of models with one VAE sharing its place, and each model's held-out
    error rates (a record from before the held-out split shows its in-sample rates)."""
    ranking = [r for r in results.get("ranking") or [] if isinstance(r, dict)]
    rows = [
        _head(
            ctx,
            "exam_col_rank",
            "exam_col_model",
            "exam_col_distance",
            "exam_col_threshold",
            "exam_col_within",
            "exam_col_fnr",
            "exam_col_fa_models",
            "exam_col_fpr",
            "exam_col_first",
        )
    ]
    for number, reading in enumerate(ranking[:MAX_ROWS], start=1):
        calibration = pl.get(reading, "calibration")
        calibration = calibration if isinstance(calibration, dict) else {}
        within = reading.get("within_calibration")
        group = pl.number(reading.get("group"))
        rows.append(
            [
                ctx.cell(pl.show(reading.get("place", number))),
                [
                    ctx.cell(Path(pl.show(reading.get("model"))).name),
                    ctx.mono(pl.show(reading.get("sha256"))[:16]),
                ]
                + ([ctx.cell(ctx.t("exam_vae_group", group=int(group)))] if group else []),
                ctx.cell(_num(reading.get("distance"))),
                ctx.cell(_num(calibration.get("threshold"))),
                ctx.cell(
                    "—"
                    if not isinstance(within, bool)
                    else ctx.t("exam_yes" if within else "exam_no")
                ),
                _rate_cell(ctx, calibration, "false_reject", "false_negative_rate"),
                _rate_cell(ctx, calibration, "false_accept_models", None),
                _rate_cell(ctx, calibration, "false_accept_non_generated", "false_positive_rate"),
                ctx.cell(_num(calibration.get("ranked_first"), "{:.2f}")),
            ]
        )
    story: list[Flowable] = [ctx.p(ctx.t("exam_ranking_table"), ctx.styles.h3)]
    if len(rows) > 1:
        story.append(table(rows, [28, FRAME_WIDTH - 384, 44, 44, 50, 58, 58, 58, 44]))
    settings = ranking[0].get("calibration") if ranking else None
    if isinstance(settings, dict) and isinstance(settings.get("held_out_seeds"), list):
        story.append(
            ctx.p(
                ctx.t(
                    "exam_held_out_note",
                    fit=", ".join(pl.show(s) for s in settings.get("fit_seeds") or []),
                    held=", ".join(pl.show(s) for s in settings["held_out_seeds"]),
                    real=len(results.get("held_out_real_images") or []),
                ),
                ctx.styles.small,
            )
        )
    if pl.number(results.get("held_out_accuracy")) is not None:
        story.append(
            ctx.p(
                ctx.t(
                    "exam_held_out_summary",
                    first=_num(results.get("ranking_accuracy"), "{:.2f}"),
                    attributed=_num(results.get("held_out_accuracy"), "{:.2f}"),
                    accepted=_num(results.get("non_generated_accepted"), "{:.2f}"),
                ),
                ctx.styles.small,
            )
        )
    for group in results.get("indistinguishable") or []:
        if isinstance(group, list) and group:
            models = ", ".join(Path(pl.show(m)).name for m in group)
            story.append(ctx.p(ctx.t("exam_indistinguishable", models=models), ctx.styles.warning))
    return story


def _rate_cell(ctx: Context, calibration: dict, key: str, old: str | None) -> Any:
    """A held-out rate as `rate (errors/count)` over `≤ upper bound`; a record from before the
    held-out split gives its in-sample rate under `old`."""
    measured = calibration.get(key)
    if isinstance(measured, dict):
        text = (
            f"{_num(measured.get('rate'), '{:.2f}')} "
            f"({pl.show(measured.get('errors'))}/{pl.show(measured.get('count'))})"
        )
        return [ctx.cell(text), ctx.cell(f"≤ {_num(measured.get('upper95'), '{:.2f}')}")]
    if old is not None and old in calibration:
        return ctx.cell(_num(calibration.get(old), "{:.2f}"))
    return ctx.cell("—")
