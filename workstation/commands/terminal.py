"""Text for a terminal: what files and users wrote never reaches it raw.

A prompt, a file name or a case title can hold escape sequences (clear the screen, retitle the
window, hide a line), bidi overrides that show text in another order than it is stored (U+202E),
or invisible characters. `printable` writes each as a visible escape (\\x1b, \\u202e), as Python
would in a string literal; `--json` output needs none of this (JSON escapes them itself).
"""

from __future__ import annotations

import unicodedata

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str, indent: str | None = None) -> str:
    """`text` with every control, format (bidi, zero-width), separator other than a space,
    surrogate, private-use or unassigned character escaped. With `indent`, a newline stays a
    newline and the lines after it are indented by `indent` (a multi-line value under its label)."""
    if text.isprintable():
        return text
    if indent is not None:
        return ("\n" + indent).join(printable(line) for line in text.split("\n"))
    return "".join(ch if _safe(ch) else _escape(ch) for ch in text)


def _safe(ch: str) -> bool:
    return ch.isprintable() or unicodedata.category(ch) == "Zs"  # no-break, ideographic space…


def _escape(ch: str) -> str:
    code = ord(ch)
    if ch in _NAMED:
        return _NAMED[ch]
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
