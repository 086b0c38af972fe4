"""Text for a terminal: what files and users wrote never reaches it raw.

A prompt, a file name or a case title can hold escape sequences (clear the screen, retitle the
window, hide a line), bidi overrides that show text in another order than it is stored (U+202E),
or invisible characters. `printable` writes each as a visible escape (\\x1b, \\u202e), as Python
would in a string literal. `json_text` keeps `--json` exact: JSON escapes the same characters
(\\u001b, \\u202e), and the data read back is what the file held.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_NOT_ASCII_TEXT = re.compile(r"[^\x20-\x7e]")  # the only characters that may need an escape


def printable(text: str, indent: str | None = None) -> str:
    """`text` with every control, format (bidi, zero-width), separator other than a space,
    surrogate, private-use or unassigned character escaped. With `indent`, a newline stays a
    newline and the lines after it are indented by `indent` (a multi-line value under its label)."""
    if indent is not None:
        return ("\n" + indent).join(printable(line) for line in text.split("\n"))
    return _NOT_ASCII_TEXT.sub(
        lambda found: found[0] if _safe(found[0]) else _escape(found[0]), text
    )


def json_text(data: Any) -> str:
    """`data` as indented JSON, every character `printable` would escape written as a JSON escape
    (JSON's own syntax is ASCII, so such a character can only be inside a string)."""
    text = json.dumps(data, indent=2, ensure_ascii=False)

    def shown(found: re.Match) -> str:  # a raw newline is JSON's own line break
        ch = found[0]
        return ch if ch == "\n" or _safe(ch) else _json_escape(ch)

    return _NOT_ASCII_TEXT.sub(shown, text)


def _safe(ch: str) -> bool:
    return ch.isprintable() or unicodedata.category(ch) == "Zs"  # no-break, ideographic space…


def _escape(ch: str) -> str:
    code = ord(ch)
    if ch in _NAMED:
        return _NAMED[ch]
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _json_escape(ch: str) -> str:
    code = ord(ch)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000  # a UTF-16 surrogate pair, as JSON writes characters past the BMP
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
