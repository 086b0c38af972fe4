"""Untrusted metadata text into typed values: every failure becomes a warning, never a crash."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from typing import Any

# A1111's extra-network syntax, `<lora:name:0.8>`, `<hypernet:name:1>` (modules/extra_networks.py).
# A1111 removes these tags from the prompt before the text encoder sees it. Use it through
# `extra_networks` / `strip_extra_networks`: run on a whole text, a tag left open ("<a:" with no
# ">" after it) makes `re` scan to the end from every "<", quadratic in the text's length.
EXTRA_NETWORK = re.compile(r"<(\w+):([^>]+)>")
MAX_DIGITS = 100  # a whole number longer than this is refused (as text or as JSON)

_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def clean(text: str) -> str:
    """Text safe to print and write as UTF-8: lone surrogates (from JSON escapes) become \\uXXXX."""
    if _LONE_SURROGATE.search(text) is None:
        return text
    return _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def extra_networks(text: str) -> Iterator[re.Match[str]]:
    """The `<kind:arguments>` tags A1111 finds in `text`, in linear time: no match can end
    after the last ">", so the search stops there."""
    return EXTRA_NETWORK.finditer(text, 0, text.rfind(">") + 1)


def strip_extra_networks(text: str) -> str:
    """`text` without its extra-network tags, as A1111 gives it to the text encoder."""
    end = text.rfind(">") + 1
    return EXTRA_NETWORK.sub("", text[:end]) + text[end:]


def decode_utf8(data: bytes) -> tuple[str, str]:
    """(text, note): strict UTF-8, else the valid parts with each bad byte written as \\xNN."""
    try:
        return data.decode("utf-8"), ""
    except UnicodeDecodeError:
        return (
            data.decode("utf-8", "backslashreplace"),
            "not valid UTF-8; undecodable bytes shown as \\xNN",
        )


def load_json(text: str, what: str, warnings: list[str]) -> Any:
    """Parsed JSON, or None with a warning. NaN/Infinity stay text, so output stays valid JSON."""
    try:
        return _clean_tree(json.loads(text, parse_constant=str))
    except ValueError as error:
        warnings.append(f"{what}: not valid JSON ({error})")
    except RecursionError:
        warnings.append(f"{what}: JSON nested too deeply to read")
    return None


def _clean_tree(value: Any) -> Any:
    # json.loads already refused anything nested deeper than the interpreter's recursion limit.
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list):
        return [_clean_tree(item) for item in value]
    if isinstance(value, dict):
        return {clean(key): _clean_tree(item) for key, item in value.items()}
    return value


def as_text(value: Any) -> str:
    """A JSON value as one line of text: strings as they are, the rest as compact JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def to_int(value: Any, name: str, warnings: list[str]) -> int | None:
    """A whole number from text or JSON (12, "12", 12.0); None and a warning otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        warnings.append(f"{name}: {value!r} is not a whole number")
        return None
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        if abs(value) < 10**MAX_DIGITS:
            return value
        warnings.append(f"{name}: a whole number of more than {MAX_DIGITS} digits")
        return None
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(rf"[+-]?[0-9]{{1,{MAX_DIGITS}}}", text):
            return int(text)
    warnings.append(f"{name}: {_short(value)} is not a whole number")
    return None


def to_float(value: Any, name: str, warnings: list[str]) -> float | None:
    """A finite number from text or JSON; None and a warning otherwise (NaN, inf, words)."""
    if value is None or value == "":
        return None
    number: float | None = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value) if abs(value) < 1e308 else math.inf
    elif isinstance(value, str) and len(value) <= 100:
        try:
            number = float(value.strip())
        except ValueError:
            number = None
    if number is None or not math.isfinite(number):
        warnings.append(f"{name}: {_short(value)} is not a finite number")
        return None
    return number


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
