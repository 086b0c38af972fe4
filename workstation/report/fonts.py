"""Fonts for the report: DejaVu Sans for Latin text, an embedded TrueType font for the rest.

Every font the report uses is embedded (PDF/A asks for it; a reader without the font sees the
same glyphs). The Latin fonts ship with the workstation (resources/fonts/dejavu, under the
Bitstream Vera licence beside them): DejaVu Sans Condensed and its bold, whose widths are within
a few percent of Helvetica's (the layout's columns were measured with Helvetica; DejaVu Sans
itself is 14% wider), and DejaVu Sans Mono for hashes and IDs. They also cover Greek, Cyrillic
and symbols such as "≤" and "→". Any other character — Chinese in
a prompt or in the Chinese report — is set in the first fallback font that has a glyph for it: a
CJK font with TrueType outlines (WenQuanYi Micro Hei from Debian's fonts-wqy-microhei, or one
bundled in resources/fonts). reportlab cannot embed CFF-outline fonts such as Noto CJK, so those
are not candidates. A character no font covers is written as its code point ("[U+4E2D]") so that
nothing in the evidence is silently dropped; the report then says that no CJK font was found.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.textsplit import ALL_CANNOT_START
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import paragraph
from reportlab.platypus.tables import CellStyle

from workstation.paths import FONTS_DIR

LATIN_DIR = FONTS_DIR / "dejavu"
BASE = "DejaVuSansCondensed"
BOLD = "DejaVuSansCondensed-Bold"
MONO = "DejaVuSansMono"

# (file, subfont index): tried in order; the first that loads is the CJK font.
CJK_CANDIDATES: tuple[tuple[Path, int], ...] = (
    *((path, 0) for path in sorted(FONTS_DIR.glob("*.tt[cf]"))),
    (Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"), 0),  # Debian, Ubuntu
    (Path("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc"), 0),  # Fedora
    (Path("/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc"), 0),  # Arch
    (Path("C:/Windows/Fonts/msyh.ttc"), 0),  # Microsoft YaHei
    (Path("C:/Windows/Fonts/simsun.ttc"), 0),
    (Path("/Library/Fonts/Arial Unicode.ttf"), 0),
)

_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f]")
# Values a line must not break inside: the spaces in them become no-break spaces. Timestamps
# ("2026-11-30 10:29:55 UTC"), sizes and dimensions ("6,916 bytes", "512 × 512 px"). A value
# too long for its column still breaks where reportlab must: columns that hold timestamps and
# SHA-256 values are made wide enough for them.
_UNBREAKABLE = re.compile(
    r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d(?::\d\d(?:\.\d+)?)?Z?(?: UTC)?"
    r"|\d[\d,.]*(?: × \d[\d,.]*)?(?: (?:bytes?|B|KB|MB|GB|KiB|MiB|GiB|px|ms|dpi|bits?|%))(?!\w)"
    r"|\d[\d,.]* × \d[\d,.]*"
)
NO_BREAK_SPACE = "\xa0"


@dataclass
class FontSet:
    """The fonts found on this machine, and the one way text becomes Paragraph markup."""

    cjk_name: str | None  # registered name of the CJK font, None when none was found
    cjk_path: Path | None
    latin_run: re.Pattern[str]  # a run of characters BASE has glyphs for (and newlines)
    fallbacks: list[tuple[str, dict[int, int]]] = field(default_factory=list)  # name, glyph map
    missing: set[str] = field(default_factory=set)  # characters shown as code points

    @property
    def has_cjk(self) -> bool:
        return self.cjk_name is not None

    def markup(self, text: object) -> str:
        """Escape `text` for a Paragraph and set each run in a font that has its glyphs."""
        text = _CONTROL.sub(" ", "" if text is None else str(text))
        text = _UNBREAKABLE.sub(lambda value: value[0].replace(" ", NO_BREAK_SPACE), text)
        out: list[str] = []
        position = 0
        for match in self.latin_run.finditer(text):
            if match.start() > position:
                out.append(self._other(text[position : match.start()]))
            out.append(escape(match.group()).replace("\n", "<br/>"))
            position = match.end()
        if position < len(text):
            out.append(self._other(text[position:]))
        return "".join(out)

    def _other(self, run: str) -> str:
        """A run the Latin font cannot show: split it by the first font covering each character."""
        pieces: list[str] = []
        current_font: str | None = None
        buffer: list[str] = []

        def flush() -> None:
            if not buffer:
                return
            chunk = "".join(buffer)
            if current_font is None:
                codes = " ".join(f"U+{ord(ch):04X}" for ch in chunk)
                pieces.append(f'<font name="{MONO}">[{codes}]</font>')
            else:
                pieces.append(f'<font name="{current_font}">{escape(chunk)}</font>')
            buffer.clear()

        for ch in run:
            font = next((name for name, glyphs in self.fallbacks if ord(ch) in glyphs), None)
            if font is None:
                self.missing.add(ch)
            if font != current_font:
                flush()
                current_font = font
            buffer.append(ch)
        flush()
        return "".join(pieces)


def load_fonts(candidates: tuple[tuple[Path, int], ...] | None = None) -> FontSet:
    """Register the Latin fonts and the CJK font (first candidate that loads); say what was
    found."""
    glyphs = _register_latin()
    cjk = None
    for path, index in CJK_CANDIDATES if candidates is None else candidates:
        cjk = _register(path, index)
        if cjk:
            break
    fonts = FontSet(
        cjk_name=cjk[0] if cjk else None,
        cjk_path=cjk[1] if cjk else None,
        latin_run=_run_of(glyphs),
    )
    if cjk:
        fonts.fallbacks.append((cjk[0], cjk[2]))
    return fonts


_LATIN: dict[int, int] = {}  # what _register_latin did: the base font's glyph map


def _register_latin() -> dict[int, int]:
    """DejaVu Sans Condensed (regular and bold, one family, so that <b> works) and DejaVu Sans
    Mono."""
    if not _LATIN:
        faces = {}
        for name in (BASE, BOLD, MONO):
            faces[name] = _repaired(TTFont(name, str(LATIN_DIR / f"{name}.ttf")))
            pdfmetrics.registerFont(faces[name])
        pdfmetrics.registerFontFamily(BASE, normal=BASE, bold=BOLD, italic=BASE, boldItalic=BOLD)
        pdfmetrics.registerFontFamily(MONO, normal=MONO, bold=MONO, italic=MONO, boldItalic=MONO)
        _LATIN.update(faces[BASE].face.charToGlyph)
        # A reportlab table cell selects its style's font before it draws its contents, even
        # when they are Paragraphs in fonts of their own; by default that is Helvetica, which
        # would then be listed (not embedded) among the fonts of every page with a table.
        CellStyle.fontname = BASE
        # reportlab's CJK line breaking ends a line at any space separator, the no-break space
        # included: the values glued by _UNBREAKABLE would still break in the Chinese report.
        paragraph.category = _category
        # It also lets a closing mark ("。", "）") hang past the line's end rather than start the
        # next line, then draws that line with its spaces squeezed by the overhang, to nothing:
        # "比对 1 项" printed as "比对1项". The mark hangs; the spaces keep their width.
        if not getattr(paragraph.cjkFragSplit, "hangs_marks", False):
            paragraph.cjkFragSplit = _hanging(paragraph.cjkFragSplit)
    return _LATIN


def _hanging(split: Any) -> Any:
    def cjk_frag_split(*args: Any, **kwargs: Any) -> Any:
        found = split(*args, **kwargs)
        for line in found.lines:
            words = getattr(line, "words", None) or []
            last = words[-1].text[-1:] if words and getattr(words[-1], "text", "") else ""
            if line.extraSpace < 0 and last in ALL_CANNOT_START:
                line.extraSpace = 0
        return found

    cjk_frag_split.hangs_marks = True
    return cjk_frag_split


def _category(character: str) -> str:
    """unicodedata.category, but the no-break space is not a space separator (for reportlab's
    CJK line breaking, which looks back for one)."""
    return "Zs-no-break" if character == NO_BREAK_SPACE else unicodedata.category(character)


def _run_of(glyphs: dict[int, int]) -> re.Pattern[str]:
    """A pattern for runs of the characters in `glyphs` (and newlines), as ranges."""
    codes = sorted(code for code in glyphs if code >= 32 and not 0xD800 <= code <= 0xDFFF)
    ranges: list[list[int]] = []
    for code in codes:
        if ranges and code == ranges[-1][1] + 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    spans = "".join(
        f"\\U{low:08x}" + (f"-\\U{high:08x}" if high > low else "") for low, high in ranges
    )
    return re.compile(f"[{spans}\\n]+")


def _repaired(font: TTFont) -> TTFont:
    """The font, with the advance widths its embedded subsets are written with made right.

    A TrueType font may list an advance width for its first glyphs only; the rest share the
    last one. reportlab (5.1) keeps that shared width in PDF units (1/1000 em) instead of the
    font's units, so the subsets it embeds of a font like DejaVu Sans Mono say every glyph is
    half as wide as the widths in the PDF's font dictionary (which are right): PDF/A forbids
    the disagreement. The widths read in font units are integers; the wrong ones are not.
    """
    metrics = font.face.hmetrics
    shared = None
    for glyph, (advance, side_bearing) in enumerate(metrics):
        if isinstance(advance, int):
            shared = advance
        else:
            metrics[glyph] = (shared, side_bearing)
    return font


_REGISTERED: dict[tuple[Path, int], tuple[str, Path, dict] | None] = {}


def _register(path: Path | None, index: int) -> tuple[str, Path, dict] | None:
    """Register a TrueType font once per process; None when it is absent or cannot be embedded."""
    if path is None:
        return None
    key = (path, index)
    if key not in _REGISTERED:
        _REGISTERED[key] = None
        if path.is_file():
            name = re.sub(r"[^A-Za-z0-9]+", "", path.stem) + (f"-{index}" if index else "")
            try:
                font = _repaired(TTFont(name, str(path), subfontIndex=index))
            except (TTFError, OSError, ValueError):
                return None  # e.g. CFF outlines, which reportlab cannot embed
            pdfmetrics.registerFont(font)
            # <b> inside a run of this font keeps the font (it has no bold face).
            pdfmetrics.registerFontFamily(
                name, normal=name, bold=name, italic=name, boldItalic=name
            )
            _REGISTERED[key] = (name, path, font.face.charToGlyph)
    return _REGISTERED[key]
