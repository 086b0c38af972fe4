"""What every section needs while it is written: strings, fonts, styles, the evidence, pictures.

`Context.picture` is the one way an image from the case enters the report: it checks the stored
file, picks the size, marks unverified files in red on their page, and hands reportlab the store's
own file path, so a file shown twice is embedded once.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, UnidentifiedImageError
from reportlab.platypus import Flowable, Paragraph, Spacer

from workstation.core.case import Artifact, CaseInfo
from workstation.report.anchor import Attachment
from workstation.report.evidence import ALTERED, MISSING, Evidence
from workstation.report.fonts import FontSet
from workstation.report.layout import (
    FRAME_WIDTH,
    RED,
    EvidenceImage,
    Heading,
    PageCount,
    PageMark,
    Placeholder,
    Styles,
    fit,
    table,
)
from workstation.report.strings import Strings

_EXIF_FORMATS = {"JPEG", "MPO", "TIFF", "WEBP"}
# Pillow modes reportlab embeds as they are (others are converted to 8-bit for display).
_EMBEDDABLE = {"RGB", "RGBA", "L", "LA", "P", "CMYK", "1"}


@dataclass(frozen=True)
class ImageFacts:
    width: int
    height: int
    mode: str
    format: str | None
    frames: int
    orientation: int
    bits: int | None  # bits per channel, where the header says (PNG)


@dataclass
class Picture:
    flowables: list[Flowable]
    width: float
    height: float
    notes: list[str]  # how the display differs from the stored file
    problem: str | None  # why the file is unverified, in the report's language


@dataclass
class Context:
    t: Strings
    lang: str
    fonts: FontSet
    styles: Styles
    evidence: Evidence
    report_id: str
    examiner: str
    workdir: Path  # temporary files for this build (plots, display conversions)
    exhibits: dict[int, int] = field(default_factory=dict)  # artifact id -> exhibit number
    pages: PageCount = field(default_factory=PageCount)
    _facts: dict[str, ImageFacts | None] = field(default_factory=dict)
    _display: dict[str, Path] = field(default_factory=dict)
    headings: list[Heading] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)  # files carried in the PDF

    @property
    def info(self) -> CaseInfo:
        return self.evidence.info

    def has(self, key: str) -> bool:
        return self.t.has(key)

    # 1. Text

    def p(self, text: object, style: Any = None, red: bool = False) -> Paragraph:
        markup = self.fonts.markup(text)
        if red:
            markup = f'<font color="{RED.hexval()}">{markup}</font>'
        return Paragraph(markup, style or self.styles.body)

    def cell(self, text: object, red: bool = False) -> Paragraph:
        return self.p(text, self.styles.cell, red)

    def mono(self, text: object, red: bool = False) -> Paragraph:
        return self.p(text, self.styles.mono, red)

    def heading(self, text: str, level: int) -> Heading:
        """level 0: section (h1), 1: numbered item (h2); both enter the contents and outline."""
        style = self.styles.h1 if level == 0 else self.styles.h2
        key = f"h{len(self.headings) + 1}"
        self.headings.append(Heading(self.fonts.markup(text), style, level, text, key))
        return self.headings[-1]

    def key_values(self, rows: list[tuple[str, Any]], label_width: float = 110) -> Flowable:
        """Two columns, label and value; a value may be text or a flowable."""
        cells = [
            [
                self.p(label, self.styles.cell_bold),
                value if isinstance(value, (Flowable, list)) else self.cell(value),
            ]
            for label, value in rows
        ]
        return table(cells, [label_width, FRAME_WIDTH - label_width], header=False)

    def also_recorded(self, data: Any, shown: set[str]) -> list[Flowable]:
        """One line naming what a record holds beyond the section's tables: its full values are
        in the attached records file (report/records.py). [] when the tables showed it all."""
        if not isinstance(data, dict):
            return []
        rest = [
            key
            for key, value in data.items()
            if key not in shown and value not in (None, "", [], {})
        ]
        if not rest:
            return []
        return [self.p(self.t("also_recorded", keys=", ".join(rest)), self.styles.small)]

    # 2. Naming things

    def ref(self, artifact: Artifact | None, sha256: str | None = None) -> str:
        """How the report names a file: "Exhibit 3 (work.png)", "artifact #7 (map.png)", ..."""
        if artifact is not None:
            number = self.exhibits.get(artifact.id)
            if number is not None:
                return self.t("exhibit_ref", n=number, name=artifact.original_name)
            return self.t("artifact_ref", id=artifact.id, name=artifact.original_name)
        return self.t("file_ref", sha=(sha256 or "?")[:12])

    def short_ref(self, artifact: Artifact | None, sha256: str | None = None) -> str:
        """The short name, for headings: "Exhibit 3", "artifact #7", "stored file 1a2b…"."""
        if artifact is not None:
            number = self.exhibits.get(artifact.id)
            if number is not None:
                return self.t("exhibit_short", n=number)
            return self.t("artifact_short", id=artifact.id)
        return self.t("file_ref", sha=(sha256 or "?")[:12])

    def problem_text(self, problem: str | None, actual: str | None = None) -> str | None:
        if problem is None:
            return None
        if problem == MISSING:
            return self.t("problem_missing")
        if problem == ALTERED:
            return self.t("problem_altered", actual=actual or "?")
        return self.t("problem_row")

    def artifact_problem(self, artifact: Artifact) -> str | None:
        problem = self.evidence.artifact_problem(artifact)
        return self.problem_text(problem, self.evidence.file(artifact.sha256).actual_sha256)

    def mark(self, artifact: Artifact | None, sha256: str, problem: str) -> PageMark:
        return PageMark(f"{self.ref(artifact, sha256)}: {problem}")

    # 3. Pictures

    def facts(self, sha256: str) -> ImageFacts | None:
        """Size, mode and format of a stored image, read from its header; None if not an image."""
        if sha256 not in self._facts:
            stored = self.evidence.file(sha256)
            facts = None
            if stored.state != MISSING:
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                        with Image.open(stored.path) as image:
                            # Header-only EXIF read (a PNG's may sit after its pixel data).
                            exif = image.getexif() if image.format in _EXIF_FORMATS else {}
                            facts = ImageFacts(
                                image.width,
                                image.height,
                                image.mode,
                                image.format,
                                getattr(image, "n_frames", 1),
                                int(exif.get(0x0112, 1) or 1),
                                _png_bits(stored.path, image.format),
                            )
                except (
                    UnidentifiedImageError,
                    OSError,
                    SyntaxError,
                    ValueError,
                    Image.DecompressionBombError,
                ):
                    facts = None
            self._facts[sha256] = facts
        return self._facts[sha256]

    def pixel_size(self, sha256: str) -> tuple[int, int] | None:
        """(width, height) from the file, else from the artifact's row; None if not an image."""
        facts = self.facts(sha256)
        if facts:
            return facts.width, facts.height
        artifact = self.evidence.by_sha.get(sha256)
        return (artifact.width, artifact.height) if artifact and artifact.width else None

    def is_image(self, sha256: str | None) -> bool:
        return sha256 is not None and self.facts(sha256) is not None

    def picture(self, sha256: str, max_width: float, max_height: float) -> Picture:
        sha256 = sha256.lower()
        stored = self.evidence.file(sha256)
        artifact = self.evidence.by_sha.get(sha256)
        if artifact is not None:
            problem = self.artifact_problem(artifact)
        else:
            problem = self.problem_text(
                stored.state if stored.state == ALTERED else None, stored.actual_sha256
            )
        flowables: list[Flowable] = [self.mark(artifact, sha256, problem)] if problem else []
        facts = self.facts(sha256)
        if facts is None:
            # Where the image would be: its recorded size if known, else a small box.
            known = self.pixel_size(sha256)
            box_width, box_height = (
                fit(*known, max_width, max_height)
                if known
                else (
                    min(max_width, 220),
                    min(max_height, 60),
                )
            )
            if stored.state == MISSING:
                message = self.t("image_missing", sha=sha256[:16])
            else:
                message = self.t("image_unreadable", sha=sha256[:16])
            red = artifact is not None or stored.state == ALTERED
            flowables.append(
                Placeholder(
                    self.fonts.markup(message), self.styles.cell, box_width, box_height, red=red
                )
            )
            return Picture(flowables, box_width, box_height, [], problem)
        width, height = fit(facts.width, facts.height, max_width, max_height)
        path, notes = self._display_file(sha256, stored.path, facts)
        flowables.append(EvidenceImage(path, width, height, red=problem is not None))
        return Picture(flowables, width, height, notes, problem)

    def _display_file(self, sha256: str, path: Path, facts: ImageFacts) -> tuple[Path, list[str]]:
        """The file to embed and notes on how the display differs from the stored file."""
        notes = []
        if facts.frames > 1:
            notes.append(self.t("note_first_frame", frames=facts.frames))
        if facts.orientation != 1:
            notes.append(self.t("note_orientation", value=facts.orientation))
        if facts.mode in _EMBEDDABLE:
            if facts.bits and facts.bits > 8:
                notes.append(self.t("note_16bit", bits=facts.bits))
            return path, notes
        notes.append(self.t("note_converted", mode=facts.mode))
        if sha256 not in self._display:
            converted = self.workdir / f"{sha256}.png"
            with Image.open(path) as image:
                _to_8bit(image).save(converted, format="PNG", compress_level=1)
            self._display[sha256] = converted
        return self._display[sha256], notes

    def gap(self, height: float = 6) -> Spacer:
        return Spacer(1, height)


def _png_bits(path: Path, image_format: str | None) -> int | None:
    if image_format != "PNG":
        return None
    with open(path, "rb") as stream:
        header = stream.read(25)
    return header[24] if len(header) == 25 else None  # IHDR: signature, length, type, w, h, depth


def _to_8bit(image: Image.Image) -> Image.Image:
    """16-bit and float greyscale to 8-bit (as the analysis does); any other mode to RGB(A)."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        values = np.asarray(image).astype(np.float64)
        if image.mode == "F":
            low, high = float(values.min()), float(values.max())
            values = (values - low) / (high - low or 1.0) * 255.0
        else:
            values = values / 257.0
        return Image.fromarray(np.clip(np.rint(values), 0, 255).astype(np.uint8))
    has_alpha = "A" in image.mode or "a" in image.mode or "transparency" in image.info
    return image.convert("RGBA" if has_alpha else "RGB")
