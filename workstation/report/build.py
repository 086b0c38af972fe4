"""`build_report`: a case in, a PDF evidence report out, stored in the case.

1. Check where an export copy goes (before any work): an existing file only with `force`.
2. Read the case and re-hash every stored file; refuse unverified evidence unless allowed.
3. Choose fonts and language; number exhibits and records.
4. Lay the story out in draft passes until the contents settle, write the PDF to a temporary
   file, and append its anchor (case ID, report ID, chain head; report/anchor.py).
5. Store it: the PDF as a read-only artifact (role "report") and its `Report` record linking to
   it, in one transaction. Then export: copy the stored bytes to `out`, with `out.sha256`.

A case opened read-only (read-only media) cannot store anything: its report goes to `out` only.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import reportlab
from reportlab import rl_config

import workstation
from workstation.core.canonical import CHUNK, sha256_file
from workstation.core.case import Artifact, Case, Record
from workstation.core.errors import CaseError, InputError
from workstation.core.records import Link, Report
from workstation.engine.runtime import Runtime
from workstation.report import payload as pl
from workstation.report import provenance
from workstation.report import records as rec
from workstation.report.anchor import Anchor, anchor_attachment, embed_anchor
from workstation.report.archival import make_archival
from workstation.report.context import Context
from workstation.report.evidence import Evidence, gather, select_exhibits
from workstation.report.figures import sha_of
from workstation.report.fonts import load_fonts
from workstation.report.generation import model_files
from workstation.report.layout import lay_out, make_styles
from workstation.report.options import STYLES, ReportOptions
from workstation.report.recorded import recorded
from workstation.report.strings import EN, LANGUAGES, Strings
from workstation.report.structure import STRUCTURES, Parts

ProgressCallback = Callable[[int, int, Any], None]  # legacy form, see Runtime.from_callbacks
STAGES = 4


@dataclass(frozen=True)
class ReportResult:
    path: Path  # the PDF to open: the stored copy, or the export when nothing could be stored
    sha256: str
    pages: int
    exhibits: int
    report_id: str
    anchor: Anchor
    record_id: int | None  # None: the case is read-only and the report was not stored
    artifact_id: int | None
    export: Path | None  # the export copy, if one was asked for
    sha256_path: Path | None  # the export's OUT.sha256
    warnings: tuple[str, ...]  # also printed in red on the cover
    unverified: tuple[str, ...]  # artifacts marked red (only with allow_unverified)

    @property
    def stored(self) -> bool:
        return self.record_id is not None


def build_report(
    case: Case,
    options: ReportOptions,
    *,
    runtime: Runtime | None = None,
    on_progress: ProgressCallback | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> ReportResult:
    """Lay out, anchor and store the report. The runtime gets one event per stage and its cancel
    is checked between them (nothing here uses torch: nothing to apply).
    `on_progress(done, total, None)`/`is_cancelled`: the legacy form of its callbacks."""
    runtime = Runtime.from_callbacks(runtime, on_progress, is_cancelled)

    def stage(done: int) -> None:
        runtime.check_cancelled("report")
        runtime.report(done, STAGES)

    if options.style not in STYLES:
        raise InputError(f"unknown report style {options.style!r}; use one of {', '.join(STYLES)}")
    if options.lang not in LANGUAGES:
        raise InputError(
            f"unknown report language {options.lang!r}; use one of {', '.join(LANGUAGES)}"
        )
    # 1. The export target first: a report that cannot be exported fails before any work, and
    # before anything is stored (a refused export leaves the case as it was).
    out = Path(options.out).absolute() if options.out is not None else None
    if out is None and case.readonly:
        raise InputError(
            f"the case {case.root} is opened read-only (read-only media or no write permission), "
            "so the report cannot be stored in it; give --out REPORT.pdf to write it elsewhere"
        )
    if out is not None:
        check_export(out, options.force)
    stage(0)
    # 2. The case, checked.
    evidence = gather(case)
    if evidence.verification.problems and not options.allow_unverified:
        raise CaseError(_refusal(evidence.verification.problems))
    chosen = select_exhibits(evidence, list(options.exhibits) if options.exhibits else None)
    stage(1)

    # 3. Fonts, language, numbering.
    fonts = load_fonts()
    lang = options.lang
    warnings: list[str] = []
    if not fonts.has_cjk:
        warnings.append(EN["warning_no_cjk"])
        if lang == "zh":
            lang = "en"
            warnings.append(EN["warning_lang_fallback"])
    created = datetime.now(timezone.utc)
    t = Strings(lang)
    with tempfile.TemporaryDirectory(prefix="workstation-report-") as workdir:
        ctx = Context(
            t=t,
            lang=lang,
            fonts=fonts,
            styles=make_styles(cjk_wrap=lang == "zh"),
            evidence=evidence,
            report_id=f"RPT-{created:%Y%m%d}-{uuid.uuid4().hex[:8].upper()}",
            examiner=case.actor,
            workdir=Path(workdir),
            exhibits={a.id: n for n, a in enumerate(chosen, start=1)},
        )
        unverified = [ctx.ref(a) for a in evidence.unverified_artifacts()]
        if unverified:
            warnings.append(t("warning_unverified", count=len(unverified)))
        elif evidence.verification.problems:
            warnings.append(t("warning_case_problems", count=len(evidence.verification.problems)))
        title = options.title or t("report_title_default", case=evidence.info.title)
        selected = set(ctx.exhibits) if options.exhibits else None
        stamp = created.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        anchor = Anchor(
            evidence.info.case_id, ctx.report_id, evidence.chain_head, stamp, _software()
        )
        # The attached files are made before the layout, which prints their SHA-256.
        records_file = rec.records_file(ctx, _records_for(evidence, selected))
        ctx.attachments += [anchor_attachment(anchor), records_file]
        file_name = out.name if out is not None else f"{ctx.report_id}.pdf"
        story, shown = _story(
            ctx, options.style, chosen, selected, title, created, file_name, warnings
        )
        stage(2)

        # 4. Lay out, write, anchor.
        pdf = Path(workdir) / f"{ctx.report_id}.pdf"
        with _binary_streams():
            lay_out(story, ctx, str(pdf), _metadata(ctx, title, case.actor))
        embed_anchor(pdf, anchor, (records_file,))
        warnings += make_archival(pdf, created)  # PDF/A-3b: after the last attachment
        stage(3)

        # 5. Stored (unless read-only), then exported.
        digest = sha256_file(pdf)
        body = _record_body(ctx, title, chosen, shown, stamp, pdf, digest, out, options.style)
        kept = _keep(case, pdf, body, out, options.force)
    stage(4)
    if fonts.missing:
        warnings.append(
            f"{len(fonts.missing)} character(s) had no font and are shown as code points"
        )
    return ReportResult(
        path=kept.path,
        sha256=digest,
        pages=ctx.pages.current,
        exhibits=len(chosen),
        report_id=ctx.report_id,
        anchor=anchor,
        record_id=kept.record_id,
        artifact_id=kept.artifact_id,
        export=out,
        sha256_path=kept.sidecar,
        warnings=tuple(warnings),
        unverified=tuple(unverified),
    )


def _record_body(
    ctx: Context,
    title: str,
    chosen: list[Artifact],
    shown: list[int],
    stamp: str,
    pdf: Path,
    digest: str,
    out: Path | None,
    style: str,
) -> Report:
    evidence = ctx.evidence
    return Report(
        report_id=ctx.report_id,
        title=title,
        lang=ctx.lang,
        sha256=digest,
        size=pdf.stat().st_size,
        pages=ctx.pages.current,
        created=stamp,
        exhibits=[
            {"exhibit": n, "artifact_id": a.id, "sha256": a.sha256}
            for n, a in enumerate(chosen, start=1)
        ],
        records=shown,
        chain_head={"seq": evidence.chain_head[0], "hash": evidence.chain_head[1]},
        verified=evidence.verification.ok,
        unverified=[a.id for a in evidence.unverified_artifacts()],
        cjk_font=ctx.fonts.cjk_path.name if ctx.fonts.cjk_path else None,
        software=_software(),
        path=str(out) if out is not None else None,
        style=style,
    )


@dataclass(frozen=True)
class _Kept:
    path: Path
    record_id: int | None = None
    artifact_id: int | None = None
    sidecar: Path | None = None


def _keep(case: Case, pdf: Path, body: Report, out: Path | None, force: bool) -> _Kept:
    """Store the report in the case (unless it is read-only), then export a copy of the stored
    bytes to `out`; the built file itself goes to `out` only when nothing can be stored."""
    if case.readonly:
        assert out is not None, "checked before the report was built"
        return _Kept(out, sidecar=export_copy(pdf, out, body.sha256, force))
    artifact, record_id = store_report(case, pdf, body)
    stored = case.object_path(artifact.sha256)
    kept = _Kept(stored, record_id, artifact.id)
    if out is None:
        return kept
    try:
        return replace(kept, sidecar=export_copy(stored, out, body.sha256, force))
    except InputError as error:
        raise InputError(
            f"the report is stored in the case as record #{record_id}, but was not exported: "
            f"{error}"
        ) from None


def store_report(case: Case, pdf: Path, body: Report) -> tuple[Artifact, int]:
    """The PDF as a read-only artifact and its record linking to it, in one transaction."""
    try:
        with case.transaction():
            artifact = case.import_file(pdf, role="report", note=f"report {body.report_id}")
            link = Link("document", "pdf", artifact_id=artifact.id)
            record_id = case.add_record(body, [link])
    except sqlite3.Error as error:
        raise CaseError(f"the report could not be stored in the case ({error})") from None
    return artifact, record_id


# Exporting a copy


def check_export(out: Path, force: bool) -> None:
    """InputError unless a copy can be written to `out` (replacing one only with `force`)."""
    if out.is_dir():
        raise InputError(
            f"{out} is a folder; give a file name for the report, e.g. {out / 'report.pdf'}"
        )
    if not out.parent.is_dir():
        raise InputError(
            f"cannot write the report to {out}: the folder {out.parent} does not exist"
        )
    for path in (out, _sidecar(out)):
        if path.exists() and not path.is_file():  # a device or FIFO is never replaced
            raise InputError(f"cannot write the report to {out}: {path} is not a regular file")
        if path.exists() and not force:
            raise InputError(
                f"{path} already exists; choose another name, or use --force to replace it"
            )
        if path.exists() and not os.access(path, os.W_OK):
            raise InputError(f"cannot write the report to {out}: {path} exists and is read-only")
    _claim(out).unlink()  # the folder takes new files


def export_copy(source: Path, out: Path, sha256: str, force: bool) -> Path:
    """Copy `source` (the stored report) to `out` and write `out.sha256`; returns its path.

    The copy is hashed as it is written and moved into place only when it matches."""
    check_export(out, force)  # again: the file may have appeared while the report was built
    temporary = _claim(out)
    try:
        digest = hashlib.sha256()
        with open(source, "rb") as src, open(temporary, "wb") as dst:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                dst.write(chunk)
            dst.flush()
            os.fsync(dst.fileno())
        if digest.hexdigest() != sha256:
            raise CaseError(f"the stored report {source} changed while it was copied to {out}")
        os.replace(temporary, out)
    finally:
        temporary.unlink(missing_ok=True)
    sidecar = _sidecar(out)
    sidecar.write_text(f"{sha256}  {out.name}\n", encoding="utf-8")
    return sidecar


def _sidecar(out: Path) -> Path:
    return out.with_name(out.name + ".sha256")


def _claim(out: Path) -> Path:
    """A new temporary file beside `out` (so the final move is atomic); InputError if we can't."""
    try:
        handle, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
    except OSError as error:
        raise InputError(f"cannot write the report to {out}: {error.strerror or error}") from None
    os.close(handle)
    return Path(name)


def _software() -> dict[str, str]:
    return {
        "name": workstation.APP_NAME,
        "version": workstation.__version__,
        "reportlab": reportlab.Version,
    }


def _metadata(ctx: Context, title: str, author: str) -> dict[str, Any]:
    """The PDF's document information (creation date: set by reportlab when it writes)."""
    info = ctx.info
    software = f"{workstation.APP_NAME} {workstation.__version__}"
    return {
        "title": title,
        "author": author,
        "subject": ctx.t("pdf_subject", case_id=info.case_id, case=info.title),
        "creator": software,
        "producer": f"{software} (ReportLab {reportlab.Version})",
        "keywords": [ctx.report_id, info.case_id],
        "lang": "zh-CN" if ctx.lang == "zh" else "en",
    }


def _story(
    ctx: Context,
    style: str,
    chosen: list[Artifact],
    selected: set[int] | None,
    title: str,
    created: datetime,
    file_name: str,
    warnings: list[str],
) -> tuple[list, list[int]]:
    """All flowables of the report in the structure `style` (report/structure.py), and the IDs
    of the records it shows."""
    evidence, t = ctx.evidence, ctx.t
    shown = _records_for(evidence, selected)
    by_section: dict[str, list[Record]] = {}
    items = evidence.study_items()  # a study's generations: shown in the study's section
    for record in shown:
        if record.kind in ("report", "finding", "amendment") or record.id in items:
            continue  # reports and amendments: the appendix; findings: their own section
        if record.kind == "provenance":
            continue  # shown in its exhibit's provenance block
        key = rec.SECTION_KINDS.get(record.kind, "other_records")
        by_section.setdefault(key, []).append(record)
    names = _record_names(ctx, by_section)
    mentions: dict[int, list[str]] = {}
    for records in by_section.values():
        for record in records:
            for artifact in evidence.record_artifacts(record).values():
                if names[record.id] not in mentions.setdefault(artifact.id, []):
                    mentions[artifact.id].append(names[record.id])

    order = [
        key
        for key in ("comparisons", "generations", "studies", "other_records")
        if by_section.get(key)
    ]
    counts = {
        "exhibits": len(chosen),
        "comparisons": len(by_section.get("comparisons", [])),
        "generations": len(by_section.get("generations", [])),
        "studies": len(by_section.get("studies", [])),
        "others": len(by_section.get("other_records", [])),
        "artifacts": len(evidence.artifacts),
        "records": len(evidence.records),
    }
    kinds = t("list_separator").join(
        t("kind_count", kind=t(key), count=len(by_section[key])) for key in order
    ) or t("kinds_none")
    head_seq = evidence.chain_head[0]
    scope = t(
        "scope",
        exhibits=len(chosen),
        case=evidence.info.title,
        records=sum(len(v) for v in by_section.values()),
        kinds=kinds,
        date=created.strftime("%Y-%m-%d %H:%M UTC"),
        seq=head_seq,
    )

    # Reproductions sit among the comparisons, but they name model files too.
    generations = by_section.get("generations", []) + [
        r for r in by_section.get("comparisons", []) if r.kind == "reproduction"
    ]
    reports = [(r.id, r.created_at, r.payload) for r in evidence.records if r.kind == "report"]
    parts = Parts(
        title=title,
        created=created,
        scope=scope,
        warnings=warnings,
        file_name=file_name,
        chosen=chosen,
        by_section=by_section,
        order=order,
        names=names,
        mentions=mentions,
        counts=counts,
        model_files=model_files(ctx, generations, names),
        reports=reports,
    )
    story = STRUCTURES[style](ctx, parts)
    own_words = [r.id for r in evidence.records if r.kind in ("finding", "amendment")]
    found = provenance.records_by_artifact(evidence)
    provenances = [found[a.id].id for a in chosen if a.id in found]
    return story, [r.id for records in by_section.values() for r in records] + [
        r[0] for r in reports
    ] + own_words + provenances


def _records_for(evidence: Evidence, selected: set[int] | None) -> list[Record]:
    """With exhibits chosen by the user, only the records that touch one (or no artifact)."""
    if selected is None:
        return list(evidence.records)
    kept = []
    for record in evidence.records:
        touched = {a.id for a in evidence.record_artifacts(record).values()}
        if not touched or touched & selected:
            kept.append(record)
    return kept


def _record_names(ctx: Context, by_section: dict[str, list[Record]]) -> dict[int, str]:
    t, evidence = ctx.t, ctx.evidence
    names: dict[int, str] = {}
    for key, records in by_section.items():
        for n, record in enumerate(records, start=1):
            data = record.payload
            inputs = evidence.linked(record, "input")
            if record.kind == "reproduction":
                artifact = inputs.get("disputed")
                sha = artifact.sha256 if artifact else pl.path(data, "disputed.sha256")
                names[record.id] = t("reproduction_n", n=n, a=ctx.short_ref(artifact, sha))
            elif key == "comparisons":
                inner = data.get("report") if isinstance(data.get("report"), dict) else data
                sides = []
                for side in ("image_a", "image_b"):
                    artifact = inputs.get(side)
                    sha = artifact.sha256 if artifact else sha_of(ctx, inner.get(side))
                    sides.append(ctx.short_ref(artifact, sha))
                names[record.id] = t("comparison_n", n=n, a=sides[0], b=sides[1])
            elif key == "generations":
                params = pl.get(data, "params", "parameters", default=data)
                prompt = pl.get(params, "prompt", default="") if isinstance(params, dict) else ""
                summary = _short(pl.show(prompt) or pl.show(pl.get(data, "mode")))
                names[record.id] = t("generation_n", n=n, summary=summary)
            elif key == "studies":
                title = pl.show(pl.get(data, "title", "name", "parameter", default=f"#{record.id}"))
                summary = _short(recorded(t, title))
                names[record.id] = t("study_n", n=n, summary=summary)
            else:
                kind = f"record_kind_{record.kind}"
                names[record.id] = t(
                    "record_n", id=record.id, kind=t(kind) if t.has(kind) else record.kind
                )
    return names


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _refusal(problems: list[str]) -> str:
    shown = "; ".join(problems[:4])
    more = f"; and {len(problems) - 4} more" if len(problems) > 4 else ""
    return (
        f"the case failed verification, so no report was built: {shown}{more} (see "
        "`workstation case verify`; --allow-unverified builds it with these marked in red)"
    )


@contextlib.contextmanager
def _binary_streams() -> Iterator[None]:
    """Binary PDF streams: reportlab's default ASCII85 encoding is pure Python and ~7× slower."""
    saved = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = saved


def _fsync(path: Path) -> None:
    with open(path, "rb") as stream:
        os.fsync(stream.fileno())
