"""An exhibit's provenance block: what the case recorded, at import, about how the image was made.

The block shows the newest provenance record linked "about" the artifact that is not withdrawn
(analysis/provenance/record.py turns it back into `ImageMetadata`); the file is never read
again here, so the report states what the case holds. In order:

1. generator and version, and where each recipe was read from;
2. per recipe: prompt and negative, a table of its sampling stages (or the single pass), the model
   files it names with their recorded hashes and roles, and a footnote for every inferred value
   (marked † wherever it is shown);
3. IPTC/XMP source type and AI fields, C2PA state, invisible-watermark readings, reader warnings.

Every value from the file is untrusted text: `FontSet.markup` escapes it and sets CJK runs in the
CJK font; long values are cut with a note of how much was left out. Raw chunks are not printed.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph

from workstation.analysis.provenance.record import from_record
from workstation.analysis.provenance.result import (
    C2paInfo,
    ImageMetadata,
    Recipe,
    Stage,
    WatermarkReading,
    XmpSummary,
    hash_kind,
)
from workstation.core.case import Artifact, Record
from workstation.core.records import Provenance
from workstation.report.context import Context
from workstation.report.evidence import Evidence
from workstation.report.layout import FRAME_WIDTH, GREY, table
from workstation.report.recorded import recorded as written

PROMPT_LIMIT = 2000  # characters of a prompt shown; the rest is counted
VALUE_LIMIT = 300  # any other value from the file
LINE_LIMIT = 30  # line breaks kept in one value (a table row cannot split across pages)
ROW_LIMIT = 40  # rows of one table (stages, model files, reason codes, ...)
MARK = "\u2020"  # † after an inferred value

# Characters that call for breaks between any two characters: CJK, and runs without spaces
# (hashes, URLs, base64) too long for a cell.
_CJK = re.compile("[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
_LONG_RUN = re.compile(r"\S{30,}")

# Stage fields and the recipe fields that hold the same setting for a single-pass recipe.
_RECIPE_FIELD = {
    "sampler": "sampler",
    "scheduler": "schedule",
    "steps": "steps",
    "cfg": "cfg",
    "seed": "seed",
    "width": "width",
    "height": "height",
    "denoise": "denoising_strength",
    "model": "model_name",
    "mode": "mode",
}


def records_by_artifact(evidence: Evidence) -> dict[int, Record]:
    """artifact id -> its newest provenance record that is not withdrawn."""
    found: dict[int, Record] = {}
    for record in evidence.records:  # oldest first: a later record replaces an earlier one
        if record.kind != "provenance" or record.withdrawn:
            continue
        for link in record.linked("about"):
            if link.artifact_id is not None:
                found[link.artifact_id] = record
    return found


def block(ctx: Context, artifact: Artifact, record: Record | None) -> list[Flowable]:
    story: list[Flowable] = [ctx.p(ctx.t("prov_heading"), ctx.styles.h3)]
    if record is None:
        story.append(ctx.p(ctx.t("prov_none"), ctx.styles.small))
        return story
    created = record.created_at[:19].replace("T", " ")
    story.append(ctx.p(ctx.t("prov_intro", id=record.id, created=created), ctx.styles.small))
    if ctx.evidence.record_changed(record):
        story.append(ctx.p(ctx.t("record_changed"), ctx.styles.warning))
    body = record.body
    try:  # a record another version wrote may not fit these types: one line, never a crash
        if not isinstance(body, Provenance):
            raise ValueError(record.problem or f"not a provenance record ({type(body).__name__})")
        meta = from_record(body)
        shown = _Block(ctx).flowables(meta)
    except (TypeError, ValueError, KeyError, AttributeError) as error:
        text = ctx.t("prov_unreadable", id=record.id, error=_one_line(str(error)))
        return [*story, ctx.p(text, ctx.styles.warning)]
    if meta.sha256 and meta.sha256.lower() != artifact.sha256.lower():
        story.append(ctx.p(ctx.t("prov_other_file", sha=meta.sha256), ctx.styles.warning))
    return story + shown


class _Block:
    """The flowables of one record's block, in the report's language."""

    def __init__(self, ctx: Context):
        self.ctx, self.t = ctx, ctx.t
        self.mono = ctx.styles.mono
        self.label = ParagraphStyle(
            "prov_label", parent=ctx.styles.cell_bold, spaceBefore=5, spaceAfter=1, keepWithNext=1
        )
        self.detail = ParagraphStyle(
            "prov_detail", parent=ctx.styles.cell, fontSize=6.5, leading=7.8, textColor=GREY
        )

    def flowables(self, meta: ImageMetadata) -> list[Flowable]:
        story: list[Flowable] = []
        recipe = meta.recipe
        if meta.generator not in ("", "none"):
            mark = recipe is not None and recipe.is_inferred("generator")
            rows: list[tuple[str, Any]] = [
                (self.t("prov_generator"), self.value(meta.generator, mark=mark))
            ]
            if recipe is not None and recipe.generator_version:
                mark = recipe.is_inferred("generator_version")
                version = self.value(recipe.generator_version, mark=mark)
                rows.append((self.t("prov_version"), version))
            story.append(self.ctx.key_values(rows, 110))
        if not meta.recipes:
            story.append(self.ctx.p(self.t("prov_no_recipe"), self.ctx.styles.small))
        for n, one in enumerate(meta.recipes, start=1):
            story += self.recipe(n, one)
        if meta.xmp is not None:
            story += self.iptc(meta.xmp)
        story += self.c2pa(meta.c2pa)
        story += self.watermarks(meta.watermarks)
        if meta.warnings:
            story.append(self.heading(self.t("prov_warnings")))
            shown = [
                self.ctx.p("• " + _cut(written(self.t, w), VALUE_LIMIT), self.ctx.styles.small)
                for w in meta.warnings[:5]
            ]
            story += shown
            if len(meta.warnings) > 5:
                more = self.t("prov_more_rows", count=len(meta.warnings) - 5)
                story.append(self.ctx.p(more, self.ctx.styles.small))
        return story

    # 1. Text

    def value(
        self,
        text: object,
        mark: bool = False,
        limit: int = VALUE_LIMIT,
        mono: bool = False,
        small: bool = False,
    ) -> Paragraph:
        """A value from the file as a cell: escaped, cut to `limit`, † when inferred."""
        text = "" if text is None else str(text)
        shown = _cut(text, limit, self.t)
        style = self.mono if mono else self.detail if small else self.ctx.styles.cell
        if _CJK.search(shown) or _LONG_RUN.search(shown):
            style = ParagraphStyle(f"{style.name}_wrap", parent=style, wordWrap="CJK")
        markup = self.ctx.fonts.markup(shown or "—")
        if mark:
            markup += " " + MARK
        return Paragraph(markup, style)

    def stack(self, text: str, detail: str | None, mark: bool = False) -> list[Paragraph]:
        """A value with a smaller grey line under it (where it came from, how it is read)."""
        shown = [self.value(text, mark)]
        return shown + [self.value(detail, small=True)] if detail else shown

    def words(self, prefix: str, word: str | None) -> str:
        """A word the reader writes (a role, a reading), translated when the report knows it."""
        if not word:
            return "—"
        key = prefix + word.replace(" ", "_")
        return self.t(key) if self.t.has(key) else word

    def heading(self, text: str) -> Paragraph:
        return Paragraph(self.ctx.fonts.markup(text), self.label)

    def grid(self, header: list[str], rows: list[list[Any]], widths: list[float]) -> list[Flowable]:
        cells = [[self.ctx.p(h, self.ctx.styles.cell_bold) for h in header]]
        cells += rows[:ROW_LIMIT]
        story: list[Flowable] = [table(cells, widths)]
        if len(rows) > ROW_LIMIT:
            more = self.t("prov_more_rows", count=len(rows) - ROW_LIMIT)
            story.append(self.ctx.p(more, self.ctx.styles.small))
        return story

    # 2. A recipe

    def recipe(self, n: int, recipe: Recipe) -> list[Flowable]:
        t = self.t
        source = _cut(recipe.source, 200)
        title = t("prov_recipe_heading", n=n, generator=recipe.generator, source=source)
        story: list[Flowable] = [self.heading(title)]
        rows: list[tuple[str, Any]] = []

        def add(label: str, field: str, value: Any, limit: int = VALUE_LIMIT) -> None:
            if value is not None and value != "":
                rows.append((label, self.value(value, recipe.is_inferred(field), limit)))

        add(t("prov_prompt"), "prompt", recipe.prompt, PROMPT_LIMIT)
        add(t("prov_negative"), "negative", recipe.negative, PROMPT_LIMIT)
        add(t("prov_vae"), "vae", recipe.vae)
        add(t("prov_clip_skip"), "clip_skip", recipe.clip_skip)
        if not recipe.stages:  # the stages table says these per pass
            add(t("prov_hires"), "hires", _pairs(recipe.hires))
            add(t("prov_refiner"), "refiner", _pairs(recipe.refiner))
        if rows:
            story.append(self.ctx.key_values(rows, 110))
        story += self.stages(recipe)
        story += self.models(recipe)
        if recipe.inferred:
            for field, how in recipe.inferred:
                keys = ("prov_field_" + field, "prov_" + field)
                name = next((k for k in keys if t.has(k)), None)
                note = t(
                    "prov_inferred_note",
                    field=t(name) if name else field,
                    how=_cut(written(t, how), VALUE_LIMIT),
                )
                story.append(self.ctx.p(note, self.ctx.styles.small))
        return story

    def stages(self, recipe: Recipe) -> list[Flowable]:
        t = self.t
        header = [
            t("prov_stage"),
            t("prov_sampler"),
            t("prov_steps"),
            t("prov_cfg"),
            t("prov_seed"),
            t("prov_size"),
            t("prov_denoise"),
            t("prov_model"),
        ]
        stages = recipe.stages or (_single_pass(recipe),)
        rows = []
        for index, stage in enumerate(stages):

            def cell(field: str, value: Any, index: int = index, stage: Stage = stage) -> Paragraph:
                return self.value(value, self._inferred(recipe, index, stage, field), 120)

            role = (
                t("prov_single_pass") if not recipe.stages else self.words("prov_role_", stage.role)
            )
            if stage.mode:
                role += f" ({stage.mode})"
            details = [written(t, stage.source)] if recipe.stages else []
            if stage.add_noise is not None:
                details.append(f"add_noise: {'enable' if stage.add_noise else 'disable'}")
            if stage.return_with_leftover_noise is not None:
                leftover = "enable" if stage.return_with_leftover_noise else "disable"
                details.append(f"return_with_leftover_noise: {leftover}")
            details += [f"{key}: {value}" for key, value in stage.settings[:8]]
            mode_mark = self._inferred(recipe, index, stage, "mode")
            stage_cell = self.stack(role, "\n".join(details), mode_mark)
            sampler = " / ".join(str(v) for v in (stage.sampler, stage.scheduler) if v)
            size = f"{stage.width} \u00d7 {stage.height}" if stage.width and stage.height else None
            rows.append(
                [
                    stage_cell,
                    self.value(
                        sampler,
                        self._inferred(recipe, index, stage, "sampler")
                        or self._inferred(recipe, index, stage, "scheduler"),
                        120,
                    ),
                    cell("steps", self.steps(stage)),
                    cell("cfg", _number(stage.cfg)),
                    cell("seed", stage.seed),
                    self.value(
                        size,
                        self._inferred(recipe, index, stage, "width")
                        or self._inferred(recipe, index, stage, "height"),
                    ),
                    cell("denoise", _number(stage.denoise)),
                    cell("model", stage.model),
                ]
            )
        widths = [84, 58, 58, 24, 52, 50, 38]
        widths.append(FRAME_WIDTH - sum(widths))
        return self.grid(header, rows, widths)

    def steps(self, stage: Stage) -> str | None:
        if stage.start_step is None and stage.end_step is None:
            return None if stage.steps is None else str(stage.steps)
        total = "?" if stage.steps is None else stage.steps
        start = 0 if stage.start_step is None else stage.start_step
        end = total if stage.end_step is None else stage.end_step
        return self.t("prov_steps_range", start=start, end=end, steps=total)

    @staticmethod
    def _inferred(recipe: Recipe, index: int, stage: Stage, field: str) -> bool:
        """A value shown for this stage that is named inferred for it ("stages[1].seed"), or
        inferred for the recipe (by the recipe's or the stage's field name) with the same value."""
        value = getattr(stage, field)
        if value is None:
            return False
        if recipe.is_inferred(f"stages[{index}].{field}"):
            return True
        for name in dict.fromkeys((_RECIPE_FIELD.get(field, field), field)):
            if recipe.is_inferred(name):
                return not recipe.stages or value == getattr(recipe, name, value)
        return False

    def models(self, recipe: Recipe) -> list[Flowable]:
        t = self.t
        rows: list[list[Any]] = []
        loras = {_stem(lora.name): lora for lora in recipe.loras}
        shown_loras: set[str] = set()
        for index, model in enumerate(recipe.models):
            name, found_hash = model.name, model.hash
            lora = loras.get(_stem(model.name)) if model.role == "lora" else None
            if lora is not None:
                shown_loras.add(_stem(lora.name))
                name += self.scales(lora.scale, lora.text_encoder_scale)
                found_hash = found_hash or lora.hash
            name_mark = recipe.is_inferred(f"models[{index}].name")
            hash_mark = recipe.is_inferred(f"models[{index}].hash")
            if model.role in ("checkpoint", "unet") and index == 0:
                name_mark = name_mark or recipe.is_inferred("model_name")
                hash_mark = hash_mark or (
                    recipe.is_inferred("model_hash") and found_hash == recipe.model_hash
                )
            rows.append(
                self.model_row(model.role, name, found_hash, model.source, name_mark, hash_mark)
            )
        if not recipe.models:
            if recipe.model_name or recipe.model_hash:
                rows.append(
                    self.model_row(
                        "checkpoint",
                        recipe.model_name,
                        recipe.model_hash,
                        "",
                        recipe.is_inferred("model_name"),
                        recipe.is_inferred("model_hash"),
                    )
                )
            if recipe.vae:
                rows.append(self.model_row("vae", recipe.vae, None, "", recipe.is_inferred("vae")))
        for lora in recipe.loras:
            if _stem(lora.name) not in shown_loras:
                name = lora.name + self.scales(lora.scale, lora.text_encoder_scale)
                rows.append(self.model_row("lora", name, lora.hash, lora.source))
        named = {_stem(m.name) for m in recipe.models if m.role == "embedding"}
        for name, recorded in recipe.embeddings:
            if _stem(name) not in named:
                rows.append(self.model_row("embedding", name, recorded or None, ""))
        if not rows:
            return []
        header = [t("prov_role"), t("prov_name"), t("prov_hash"), t("prov_found_in")]
        widths = [64, 160, 130]
        widths.append(FRAME_WIDTH - sum(widths))
        return [self.heading(t("prov_models")), *self.grid(header, rows, widths)]

    def model_row(
        self,
        role: str,
        name: str | None,
        recorded: str | None,
        source: str,
        name_mark: bool = False,
        hash_mark: bool = False,
    ) -> list[Any]:
        if recorded:
            kind = hash_kind(recorded)
            hash_cell = self.value(recorded + (f" ({kind})" if kind else ""), hash_mark, mono=True)
        else:
            hash_cell = self.ctx.cell(self.t("prov_no_hash"))
        return [
            self.ctx.cell(self.words("prov_role_", role)),
            self.value(name, name_mark),
            hash_cell,
            self.value(source or "—"),
        ]

    def scales(self, scale: float | None, text_encoder: float | None) -> str:
        parts = []
        if scale is not None:
            parts.append(self.t("prov_lora_scale", scale=_number(scale)))
        if text_encoder is not None and text_encoder != scale:
            parts.append(self.t("prov_lora_te", scale=_number(text_encoder)))
        return f" ({', '.join(parts)})" if parts else ""

    # 3. The other signals

    def iptc(self, xmp: XmpSummary) -> list[Flowable]:
        t = self.t
        rows = [
            (t("prov_source_type"), xmp.digital_source_type, True),
            (t("prov_ai_system"), xmp.ai_system_used, False),
            (t("prov_ai_version"), xmp.ai_system_version_used, False),
            (t("prov_ai_prompt"), xmp.ai_prompt_information, False),
            (t("prov_ai_writer"), xmp.ai_prompt_writer_name, False),
            (t("prov_creator_tool"), xmp.creator_tool, False),
        ]
        shown = [
            (label, self.value(_source_type(v) if uri else v, limit=PROMPT_LIMIT))
            for label, v, uri in rows
            if v
        ]
        if not shown:
            return []
        return [self.heading(t("prov_iptc_heading")), self.ctx.key_values(shown, 110)]

    def c2pa(self, c2pa: C2paInfo | None) -> list[Flowable]:
        t = self.t
        story: list[Flowable] = [self.heading(t("prov_c2pa_heading"))]
        if c2pa is None:
            story.append(self.ctx.p(t("prov_c2pa_none"), self.ctx.styles.small))
            return story
        rows: list[tuple[str, Any]] = [
            (t("prov_c2pa_state"), self.value(self.words("prov_c2pa_", c2pa.status)))
        ]

        def add(label: str, value: Any, mono: bool = False) -> None:
            if value:
                rows.append((label, self.value(value, mono=mono)))

        if c2pa.remote_url:
            add(t("prov_remote_url"), t("prov_not_fetched", url=c2pa.remote_url))
        add(t("prov_validation"), c2pa.validation_state)
        if c2pa.trust:
            trust = self.words("prov_trust_", c2pa.trust)
            if c2pa.trust_anchors:
                trust += "; " + t("prov_trust_list", name=c2pa.trust_anchors)
            add(t("prov_trust"), trust)
        signer = ", ".join(v for v in (c2pa.signer, c2pa.issuer) if v)
        add(t("prov_signer"), signer)
        add(t("prov_signed_at"), c2pa.signed_at)
        add(t("prov_claim_generator"), c2pa.claim_generator)
        add(t("prov_generated_by"), c2pa.generated_by)
        add(
            t("prov_c2pa_source_types"),
            "\n".join(_source_type(s) for s in c2pa.digital_source_types),
        )
        if c2pa.hard_binding:
            add(t("prov_hard_binding"), self.words("prov_binding_", c2pa.hard_binding))
        codes = [f"{code}: {text}" if text else code for code, text in c2pa.validation_status]
        if codes:
            add(t("prov_reason_codes"), _lines(codes, t))
        add(t("prov_error"), c2pa.error)
        story.append(self.ctx.key_values(rows, 110))
        if c2pa.manifests:
            manifests = [self.manifest(m) for m in c2pa.manifests]
            header = [t("prov_manifests"), t("prov_actions"), t("prov_ingredients")]
            story += self.grid(header, manifests, [170, 170, FRAME_WIDTH - 340])
        return story

    def manifest(self, manifest: Any) -> list[Any]:
        about = [manifest.label]
        if manifest.active:
            about[0] += f" ({self.t('prov_manifest_active')})"
        about += [v for v in (manifest.claim_generator, manifest.signer, manifest.signed_at) if v]
        about += [f"{c}: {x}" if x else c for c, x in manifest.validation_status]
        actions = []
        for action in manifest.actions:
            extra = [
                _source_type(action.digital_source_type) if action.digital_source_type else "",
                action.software_agent or "",
                action.when or "",
            ]
            actions.append(" ".join([action.action, *(f"[{e}]" for e in extra if e)]))
        ingredients = []
        for ingredient in manifest.ingredients:
            parts = [ingredient.title or "—"]
            parts += [v for v in (ingredient.relationship, ingredient.validation_state) if v]
            ingredients.append(", ".join(parts))
        return [
            self.value(_lines(about, self.t)),
            self.value(_lines(actions, self.t) if actions else "—"),
            self.value(_lines(ingredients, self.t) if ingredients else "—"),
        ]

    def watermarks(self, readings: tuple[WatermarkReading, ...]) -> list[Flowable]:
        t = self.t
        story: list[Flowable] = [self.heading(t("prov_watermark_heading"))]
        if not readings:
            story.append(self.ctx.p(t("prov_watermark_none"), self.ctx.styles.small))
            return story
        rules: dict[str, int] = {}  # the published rule of each reading, numbered once
        rows = []
        for r in readings:
            reading = self.words("prov_reading_", r.reading)
            rule = written(t, r.rule)
            if rule:
                reading += f" [{rules.setdefault(rule, len(rules) + 1)}]"
            rows.append(
                [
                    self.value(r.method),
                    self.stack(r.message, written(t, r.used_by)),
                    self.value(t("prov_matched_value", matched=r.matched, length=r.length)),
                    self.value(reading),
                ]
            )
        header = [t("prov_method"), t("prov_message"), t("prov_matched"), t("prov_reading")]
        story += self.grid(header, rows, [44, 250, 56, FRAME_WIDTH - 350])
        for rule, n in rules.items():
            story.append(self.value(f"[{n}] {rule}", small=True))
        story.append(self.ctx.p(t("prov_watermark_caveat"), self.ctx.styles.small))
        return story


def _single_pass(recipe: Recipe) -> Stage:
    """A recipe without stages as one row of the stages table."""
    sampler = recipe.sampler_recorded or recipe.sampler
    schedule = (
        recipe.schedule if recipe.schedule and recipe.schedule not in (sampler or "") else None
    )
    return Stage(
        role="",
        source=recipe.source,
        sampler=sampler,
        scheduler=schedule,
        steps=recipe.steps,
        cfg=recipe.cfg,
        seed=recipe.seed,
        denoise=recipe.denoising_strength,
        model=recipe.model_name,
        mode=recipe.mode,
        width=recipe.width,
        height=recipe.height,
    )


def _cut(text: str, limit: int, t: Any = None) -> str:
    """At most `limit` characters and LINE_LIMIT line breaks; the rest counted (`t` given) or
    marked with an ellipsis."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if len(lines) > LINE_LIMIT + 1:
        text = "\n".join(lines[:LINE_LIMIT]) + " " + " ".join(lines[LINE_LIMIT:])
    if len(text) <= limit:
        return text
    if t is None:
        return text[: limit - 1] + "\u2026"
    return text[:limit] + " " + t("prov_more_chars", count=f"{len(text) - limit:,}")


def _lines(items: list[str], t: Any) -> str:
    shown = [_cut(item, VALUE_LIMIT) for item in items[:ROW_LIMIT]]
    if len(items) > ROW_LIMIT:
        shown.append(t("prov_more_rows", count=len(items) - ROW_LIMIT))
    return "\n".join(shown)


def _pairs(pairs: tuple[tuple[str, str], ...]) -> str | None:
    return "; ".join(f"{k}: {v}" for k, v in pairs) or None


def _number(value: float | None) -> str | None:
    return None if value is None else f"{value:g}"


def _stem(name: str) -> str:
    stem = PurePosixPath(name.replace("\\", "/")).name.lower()
    for suffix in (".safetensors", ".ckpt", ".pt", ".pth", ".bin", ".gguf"):
        stem = stem.removesuffix(suffix)
    return stem


def _source_type(value: str) -> str:
    """An IPTC digital source type URI as its term and the URI ("trainedAlgorithmicMedia")."""
    term = value.rstrip("/").rsplit("/", 1)[-1]
    return value if term == value else f"{term} ({value})"


def _one_line(text: str) -> str:
    return _cut(" ".join(text.split()), VALUE_LIMIT)
