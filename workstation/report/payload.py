"""Reading record payloads whose exact shape may vary: lookups that never raise, and values shown
as table text.

Records are written by other parts of the workstation (and by older versions of it). The report
reads them through these helpers so that a missing key or an unexpected type becomes "—" in a
table instead of an exception; the whole payload is in the report's attached records file.
"""

from __future__ import annotations

import json
import re
from typing import Any

SHA256 = re.compile(r"[0-9a-fA-F]{64}")
MAX_TEXT = 1500  # characters of one value shown in a table; the full value stays in the case


def is_sha256(value: Any) -> bool:
    return isinstance(value, str) and SHA256.fullmatch(value) is not None


def get(mapping: Any, *keys: str, default: Any = None) -> Any:
    """The value of the first of `keys` present (and not None) in `mapping`."""
    if isinstance(mapping, dict):
        for key in keys:
            if mapping.get(key) is not None:
                return mapping[key]
    return default


def path(mapping: Any, dotted: str, default: Any = None) -> Any:
    """`path(p, "report.image_a.sha256")`: nested lookup; `default` where any level is missing."""
    value = mapping
    for key in dotted.split("."):
        if not isinstance(value, dict) or key not in value:
            return default
        value = value[key]
    return default if value is None else value


def number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("#").isdigit():
        return int(value.strip().lstrip("#"))
    return None


def is_plain(value: Any) -> bool:
    """A value one table cell shows whole: a scalar, or a short list of scalars."""
    if isinstance(value, list):
        return len(value) <= 8 and all(_scalar(v) for v in value)
    return _scalar(value)


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def show(value: Any, limit: int = MAX_TEXT) -> str:
    """A value as table text: scalars as written, short lists joined, anything else as JSON."""
    if value is None:
        text = "—"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, float):
        text = f"{value:.6g}"
    elif isinstance(value, str):
        text = value
    elif isinstance(value, list) and all(_scalar(v) for v in value):
        text = ", ".join(show(v) for v in value) if value else "[]"
    elif isinstance(value, dict) and not value:
        text = "{}"
    else:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if len(text) > limit:
        text = f"{text[:limit]} … (+{len(text) - limit} characters)"
    return text
