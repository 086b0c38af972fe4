"""The Case panel's Provenance tab: what an image says about how it was made (app/metadata.py,
as `workstation metadata IMAGE` prints it) — generator, recipe, C2PA, EXIF, XMP, raw fields.

Headings and the recipe's labels are translated; values, and the names of EXIF, XMP and raw
fields, are shown exactly as read from the file.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QLocale
from PySide6.QtWidgets import QTextBrowser, QWidget

from workstation.analysis.provenance import ImageMetadata
from workstation.app.metadata import LABELS, Row, Section, sections

RAW_SHOWN = 2000  # characters of each raw field shown (a ComfyUI graph can be far longer)

# app/metadata.py LABELS (the CLI's words) as the window names them, listed so that lupdate
# extracts them.
_LABELS = {
    "prompt": QT_TRANSLATE_NOOP("Provenance", "Prompt"),
    "negative": QT_TRANSLATE_NOOP("Provenance", "Negative prompt"),
    "seed": QT_TRANSLATE_NOOP("Provenance", "Seed"),
    "steps": QT_TRANSLATE_NOOP("Provenance", "Steps"),
    "CFG scale": QT_TRANSLATE_NOOP("Provenance", "CFG scale"),
    "sampler": QT_TRANSLATE_NOOP("Provenance", "Sampler"),
    "size": QT_TRANSLATE_NOOP("Provenance", "Size"),
    "model": QT_TRANSLATE_NOOP("Provenance", "Model"),
    "VAE": QT_TRANSLATE_NOOP("Provenance", "VAE"),
    "clip skip": QT_TRANSLATE_NOOP("Provenance", "CLIP skip"),
    "mode": QT_TRANSLATE_NOOP("Provenance", "Mode"),
    "denoising": QT_TRANSLATE_NOOP("Provenance", "Denoising strength"),
    "version": QT_TRANSLATE_NOOP("Provenance", "Version"),
    "LoRA": QT_TRANSLATE_NOOP("Provenance", "LoRA"),
    "embedding": QT_TRANSLATE_NOOP("Provenance", "Embedding"),
    "hires": QT_TRANSLATE_NOOP("Provenance", "Hires fix"),
    "refiner": QT_TRANSLATE_NOOP("Provenance", "Refiner"),
    "status": QT_TRANSLATE_NOOP("Provenance", "Status"),
    "remote URL": QT_TRANSLATE_NOOP("Provenance", "Remote URL"),
    "claim by": QT_TRANSLATE_NOOP("Provenance", "Claimed by"),
    "title": QT_TRANSLATE_NOOP("Provenance", "Title"),
    "signer": QT_TRANSLATE_NOOP("Provenance", "Signer"),
    "issuer": QT_TRANSLATE_NOOP("Provenance", "Issuer"),
    "signed at": QT_TRANSLATE_NOOP("Provenance", "Signed at"),
    "validation": QT_TRANSLATE_NOOP("Provenance", "Validation"),
    "error": QT_TRANSLATE_NOOP("Provenance", "Error"),
    "source type": QT_TRANSLATE_NOOP("Provenance", "Source type"),
    "assertion": QT_TRANSLATE_NOOP("Provenance", "Assertion"),
    "status code": QT_TRANSLATE_NOOP("Provenance", "Status code"),
}
assert set(_LABELS) == set(LABELS), "every label app/metadata.py uses has its translation"


def _label(text: str) -> str:
    return QCoreApplication.translate("Provenance", _LABELS[text]) if text in _LABELS else text


class ProvenanceView(QTextBrowser):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("provenanceView")
        self.setOpenLinks(False)
        self.sha256: str | None = None  # the artifact shown (or being read)
        self.show_message(self.tr("Select an image to see what it says about its making."))

    def show_message(self, text: str) -> None:
        self.setHtml(f"<p><i>{html.escape(text)}</i></p>")

    def show_metadata(self, meta: ImageMetadata) -> None:
        generator = meta.generator if meta.generator != "none" else self.tr("none found")
        size = QLocale().formattedDataSize(meta.size)
        parts = [
            self._table(
                [
                    (self.tr("Generator"), generator),
                    (self.tr("Format"), f"{meta.format}  ·  {size}"),
                ]
            )
        ]
        for section in sections(meta):
            parts.append(f"<h3>{html.escape(self._heading(section))}</h3>")
            parts.append(self._body(section))
        if not meta.recipes and meta.c2pa is None:
            parts.append(
                "<p>"
                + html.escape(
                    self.tr(
                        "The file records no generator settings and no Content Credentials. "
                        "That is not evidence either way: most sites and editors remove them."
                    )
                )
                + "</p>"
            )
        self.setHtml("".join(parts))

    def _heading(self, section: Section) -> str:
        count = len(section.rows)
        if section.kind == "recipe":
            return self.tr("Recipe ({generator}, from {source})").format(
                generator=section.generator, source=section.source
            )
        if section.kind == "raw":
            return self.tr("Raw fields (%n), verbatim", "", count)
        if section.kind == "warnings":
            return self.tr("Warnings (%n)", "", count)
        if section.kind == "c2pa":
            return self.tr("C2PA Content Credentials")
        return {"exif": "EXIF", "xmp": "XMP"}[section.kind]

    def _body(self, section: Section) -> str:
        if section.kind == "warnings":
            return (
                "<ul>" + "".join(f"<li>{html.escape(r.value)}</li>" for r in section.rows) + "</ul>"
            )
        if section.kind == "raw":
            return "".join(self._raw(row) for row in section.rows)
        return self._table([(_label(row.label), row.value) for row in section.rows])

    def _raw(self, row: Row) -> str:
        value = row.value
        if len(value) > RAW_SHOWN:
            more = self.tr("(+{count} characters)").format(
                count=QLocale().toString(len(value) - RAW_SHOWN)
            )
            value = f"{value[:RAW_SHOWN]}… {more}"
        note = f" <i>[{html.escape(row.note)}]</i>" if row.note else ""
        return (
            f"<p><b>{html.escape(row.label)}</b>{note}<br>"
            f"<code style='white-space: pre-wrap'>{html.escape(value)}</code></p>"
        )

    @staticmethod
    def _table(rows: list[tuple[str, str]]) -> str:
        cells = "".join(
            f"<tr><td style='padding-right: 12px; white-space: nowrap'><b>{html.escape(name)}</b>"
            f"</td><td style='white-space: pre-wrap'>{html.escape(value)}</td></tr>"
            for name, value in rows
        )
        return f"<table cellspacing='0' cellpadding='2'>{cells}</table>"
