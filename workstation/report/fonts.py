"""Fonts for the report: Helvetica for Latin text, an embedded TrueType font for everything else.

Helvetica (a PDF standard font) covers the Windows-1252 characters. Any other character — Chinese
in a prompt, "≤" in a band rule — is set in the first fallback font that has a glyph for it:
a CJK font with TrueType outlines (WenQuanYi Micro Hei from Debian's fonts-wqy-microhei, or one
bundled in resources/fonts), then DejaVu Sans, which ships with matplotlib. reportlab cannot embed
CFF-outline fonts such as Noto CJK, so those are not candidates. A character no font covers is
written as its code point ("[U+4E2D]") so that nothing in the evidence is silently dropped; the
report then says that no CJK font was found.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from workstation.paths import FONTS_DIR

BASE = "Helvetica"
BOLD = "Helvetica-Bold"
MONO = "Courier"

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

# Characters Helvetica can show: the 256 of Windows-1252 that decode (five codes are unassigned).
_LATIN = "".join(ch for ch in (bytes([i]).decode("cp1252", "ignore") for i in range(32, 256)) if ch)
_LATIN_RUN = re.compile("[" + re.escape(_LATIN) + "\n]+")
_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f]")


@dataclass
class FontSet:
    """The fonts found on this machine, and the one way text becomes Paragraph markup."""

    cjk_name: str | None  # registered name of the CJK font, None when none was found
    cjk_path: Path | None
    fallbacks: list[tuple[str, dict[int, int]]] = field(default_factory=list)  # name, glyph map
    missing: set[str] = field(default_factory=set)  # characters shown as code points

    @property
    def has_cjk(self) -> bool:
        return self.cjk_name is not None

    def markup(self, text: object) -> str:
        """Escape `text` for a Paragraph and set each run in a font that has its glyphs."""
        text = _CONTROL.sub(" ", "" if text is None else str(text))
        out: list[str] = []
        position = 0
        for match in _LATIN_RUN.finditer(text):
            if match.start() > position:
                out.append(self._other(text[position : match.start()]))
            out.append(escape(match.group()).replace("\n", "<br/>"))
            position = match.end()
        if position < len(text):
            out.append(self._other(text[position:]))
        return "".join(out)

    def _other(self, run: str) -> str:
        """A run without Windows-1252 characters: split it by the first font covering each."""
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
    """Register the CJK font (first candidate that loads) and DejaVu Sans; say what was found."""
    cjk = None
    for path, index in CJK_CANDIDATES if candidates is None else candidates:
        cjk = _register(path, index)
        if cjk:
            break
    fonts = FontSet(cjk_name=cjk[0] if cjk else None, cjk_path=cjk[1] if cjk else None)
    if cjk:
        fonts.fallbacks.append((cjk[0], cjk[2]))
    dejavu = _register(_matplotlib_dejavu(), 0)
    if dejavu:
        fonts.fallbacks.append((dejavu[0], dejavu[2]))
    return fonts


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
                font = TTFont(name, str(path), subfontIndex=index)
            except (TTFError, OSError, ValueError):
                return None  # e.g. CFF outlines, which reportlab cannot embed
            pdfmetrics.registerFont(font)
            # <b> inside a run of this font keeps the font (it has no bold face).
            pdfmetrics.registerFontFamily(
                name, normal=name, bold=name, italic=name, boldItalic=name
            )
            _REGISTERED[key] = (name, path, font.face.charToGlyph)
    return _REGISTERED[key]


def _matplotlib_dejavu() -> Path | None:
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations)))
    return folder / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"
