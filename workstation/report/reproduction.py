"""A reproduction record (analysis/reproduce.py): the verdict, how each model file was found,
the full comparison of the image (A) with its reproduction (B), and the parameters run."""

from __future__ import annotations

from reportlab.platypus import Flowable

from workstation.core.case import Record
from workstation.report import payload as pl
from workstation.report.comparison import pair_report
from workstation.report.context import Context
from workstation.report.generation import SHOWN as GENERATION_SHOWN
from workstation.report.generation import parameter_rows, run_rows
from workstation.report.layout import FRAME_WIDTH, table
from workstation.report.recorded import recorded

_SHOWN = {
    "schema",
    "title",
    "disputed",
    "matches",
    "missing",
    "exact_match",
    "pixels",
    "notes",
    "comparison",
    "artifacts",
    # the regeneration's generation record, shown as the parameters table
    "generation_schema",
    "mode",
    "params",
    "model",
    "loras",
    "init_image",
    "scheduler",
    "sampling",
    "steps_run",
    "image",
    "environment",
}


def reproduction(ctx: Context, record: Record) -> list[Flowable]:
    payload = record.payload
    disputed = ctx.evidence.linked(record, "input").get("disputed")
    disputed_sha = disputed.sha256 if disputed else pl.path(payload, "disputed.sha256")
    if disputed is None and disputed_sha:
        disputed = ctx.evidence.by_sha.get(str(disputed_sha).lower())
    story: list[Flowable] = [
        ctx.p(ctx.t("reproduction_intro", a=ctx.ref(disputed, disputed_sha))),
        ctx.p(_verdict(ctx, payload), ctx.styles.h3),
    ]
    for note in payload.get("notes") or []:
        story.append(ctx.p(recorded(ctx.t, pl.show(note)), ctx.styles.small))

    # 1. How each model file was found.
    matches = [m for m in payload.get("matches") or [] if isinstance(m, dict)]
    if matches:
        story.append(ctx.p(ctx.t("models_found"), ctx.styles.h3))
        story += _matches(ctx, matches)

    # 2. The full comparison, A = the image, B = its reproduction.
    linked = ctx.evidence.linked(record, "figure")
    for side, label, role in (
        ("image_a", "disputed", "input"),
        ("image_b", "regenerated", "output"),
    ):
        artifact = ctx.evidence.linked(record, role).get(label)
        if artifact is not None:
            linked[side] = artifact
    report = payload.get("comparison") if isinstance(payload.get("comparison"), dict) else {}
    story += pair_report(ctx, report, linked)

    # 3. What was run.
    params = payload.get("params") if isinstance(payload.get("params"), dict) else {}
    if params:
        story.append(ctx.p(ctx.t("parameters"), ctx.styles.h3))
        story.append(ctx.key_values(parameter_rows(ctx, payload, params), 120))
    run = run_rows(ctx, payload)
    if run:
        story.append(ctx.p(ctx.t("run_heading"), ctx.styles.h3))
        story.append(ctx.key_values(run, 120))
    return story + ctx.also_recorded(payload, _SHOWN | GENERATION_SHOWN)


def _verdict(ctx: Context, payload: dict) -> str:
    pixels = payload.get("pixels") if isinstance(payload.get("pixels"), dict) else {}
    width, height = (pixels.get("disputed_size") or ["?", "?"])[:2]
    if pixels.get("exact_match"):
        return ctx.t("reproduction_exact", w=width, h=height)
    if not pixels.get("same_size", True):
        other = pixels.get("regenerated_size") or ["?", "?"]
        return ctx.t(
            "reproduction_sizes",
            a=ctx.t("dimensions", w=width, h=height),
            b=ctx.t("dimensions", w=other[0], h=other[1]),
        )
    psnr = pixels.get("psnr_db")
    return ctx.t(
        "reproduction_differs",
        equal=f"{pl.number(pixels.get('identical_fraction')) or 0:.1%}",
        changed=f"{pl.number(pixels.get('changed_fraction')) or 0:.1%}",
        level=pixels.get("changed_level", "?"),
        mean=pl.show(pixels.get("mean_abs")),
        max=pl.show(pixels.get("max_abs")),
        psnr=f"{psnr:.2f} dB" if pl.number(psnr) is not None else "—",
    )


def _role(ctx: Context, role: object) -> str:
    key = f"prov_role_{str(role).lower()}"
    return ctx.t(key) if ctx.has(key) else pl.show(role)


def _matches(ctx: Context, matches: list[dict]) -> list[Flowable]:
    bold = ctx.styles.cell_bold
    rows = [[ctx.p(ctx.t(key), bold) for key in ("model_role", "recorded", "matched_by", "file")]]
    for match in matches:
        hashes = "\n".join(
            f"{h.get('kind')} {h.get('value')}"
            for h in match.get("looked_for") or []
            if isinstance(h, dict)
        )
        scale = f" @ {pl.show(match['scale'])}" if match.get("scale") is not None else ""
        how = match.get("matched_by")
        found = (
            ctx.t("not_found")
            if not match.get("path")
            else ctx.t("by_name_only")
            if how == "name"
            else pl.show(how)
        )
        file_cell = [ctx.cell(pl.show(match.get("path") or "—"))]
        if match.get("sha256"):
            file_cell.append(ctx.mono(f"SHA-256 {match['sha256']}"))
        file_cell += [
            ctx.p(recorded(ctx.t, pl.show(note)), ctx.styles.small)
            for note in match.get("notes") or []
        ]
        rows.append(
            [
                ctx.cell(_role(ctx, match.get("role"))),
                [ctx.cell(pl.show(match.get("name")) + scale), ctx.mono(hashes or "—")],
                ctx.cell(found, red=not match.get("path") or how == "name"),
                file_cell,
            ]
        )
    widths = [55, 175, 70, FRAME_WIDTH - 300]
    return [table(rows, widths)]
