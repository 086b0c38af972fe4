"""Text the workstation itself wrote into a case, in the report's language.

Records and artifact notes hold English the software wrote ("generated, seed 42", "homography
found", a study's title). Each such sentence has a `machine_*` entry in the string tables: the
English entry is the pattern the software writes, with its values as fields; the other
language's entry says the same. `recorded(ctx, text)` matches a text against the English
patterns and returns it in the report's language; anything else, such as a note the examiner
typed, is returned as recorded. Fields named in `_WORDS` hold words the software wrote too
(a study's title, a picture, metric names): they must translate for the pattern to apply, so
"{title}: {item}" does not swallow an examiner's note that happens to contain a colon.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from functools import cache

from workstation.analysis import metrics
from workstation.report.strings import EN, Strings

_FIELD = re.compile(r"\{(\w+)[^}]*\}")


def recorded(t: Strings, text: str) -> str:
    """`text` in `t`'s language when the software wrote it; otherwise unchanged."""
    if t.lang == "en" or not text:
        return text
    return _translate(t, text) or text


def _translate(t: Strings, text: str) -> str | None:
    for key, pattern in _patterns():
        match = pattern.fullmatch(text)
        if match is None:
            continue
        values = {}
        for name, value in match.groupdict().items():
            convert = _WORDS.get(name)
            values[name] = convert(t, value) if convert else value
        if None not in values.values():
            return t(key, **values)
    return None


@cache
def _patterns() -> list[tuple[str, re.Pattern]]:
    """(key, regex) of every `machine_*` entry, the most literal text first (so "homography
    found (B mirrored)" is not read as "homography found" plus something)."""
    out = []
    for key, template in EN.items():
        if not key.startswith("machine_"):
            continue
        parts = []
        for literal, name, _spec, _conv in string.Formatter().parse(template):
            parts.append(re.escape(literal))
            if name:
                parts.append(f"(?P<{name}>.+?)")
        out.append((key, re.compile("".join(parts), re.DOTALL)))
    return sorted(out, key=lambda item: -len(_FIELD.sub("", EN[item[0]])))


def _metric_names(t: Strings, text: str) -> str | None:
    """ "SSIM and colour histogram" (the metrics measured in one frame) in `t`'s language."""
    names = re.split(r", | and ", text)
    by_name = {m.words["en"].name: m.words[t.lang].name for m in metrics.METRICS}
    if not all(name in by_name for name in names):
        return None
    return t("list_separator").join(by_name[name] for name in names)


def _picture(t: Strings, text: str) -> str | None:
    """A picture a comparison drew, by the words its note uses ("difference map")."""
    for metric in metrics.METRICS:
        if metric.picture and metric.picture.name.replace("_", " ") == text:
            return metric.picture.words[t.lang].title
    return None


def _nested(t: Strings, text: str) -> str | None:
    return _translate(t, text)


def _item(t: Strings, text: str) -> str | None:
    """A study item's label, "strength 0.3, seed 1": each swept value with its name."""
    parts = []
    for part in text.split(", "):
        name, _, value = part.partition(" ")
        key = "sweep_" + name
        if not value or not t.has(key):
            return None
        parts.append(t("sweep_value", name=t(key), value=value))
    return t("list_separator").join(parts)


def _metric(t: Strings, text: str) -> str | None:
    """A metric by the short name plots and study columns use."""
    for metric in metrics.METRICS:
        if text in (metric.words["en"].short, metric.words["en"].name):
            return metric.words[t.lang].short
    return None


def _metric_values(t: Strings, text: str) -> str | None:
    """ "pHash 8, SSIM 0.441" (a study image's measurements) with the metrics' names."""
    by_name = {m.words["en"].name: m.words[t.lang].name for m in metrics.METRICS}
    parts = []
    for part in text.split(", "):
        name, _, value = part.rpartition(" ")
        if name not in by_name:
            return None
        parts.append(t("sweep_value", name=by_name[name], value=value))
    return t("list_separator").join(parts)


def _side(t: Strings, text: str) -> str | None:
    return text if text in ("A", "B") else None


def _reference(t: Strings, text: str) -> str | None:
    key = "sweep_" + text
    return t(key) if text in ("reference", "source") else None


_WORDS: dict[str, Callable[[Strings, str], str | None]] = {
    "users": _metric_names,
    "picture": _picture,
    "title": _nested,
    "note": _nested,
    "item": _item,
    "metric": _metric,
    "values": _metric_values,
    "side": _side,
    "reference": _reference,
}
