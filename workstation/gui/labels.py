"""Words the lower layers store in English (roles, bands, audit actions, metric labels) as the user
reads them.

The stored values never change with the language; only what is shown does. Unknown values are
shown as stored.
"""

from __future__ import annotations

import functools

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from workstation.analysis import metrics
from workstation.gui import i18n
from workstation.report import comparison as comparison_words
from workstation.report.recorded import recorded
from workstation.report.strings import Strings


def _shown(context: str, names: dict[str, str], value: str) -> str:
    return QCoreApplication.translate(context, names[value]) if value in names else value


# Each source text is listed with QT_TRANSLATE_NOOP so that lupdate extracts it.
_ROLES = {
    "reference": QT_TRANSLATE_NOOP("Labels", "reference"),
    "disputed": QT_TRANSLATE_NOOP("Labels", "disputed"),
    "generated": QT_TRANSLATE_NOOP("Labels", "generated"),
    "other": QT_TRANSLATE_NOOP("Labels", "other"),
}
_BANDS = {
    "near-duplicate": QT_TRANSLATE_NOOP("Labels", "near-duplicate"),
    "similar": QT_TRANSLATE_NOOP("Labels", "similar"),
    "different": QT_TRANSLATE_NOOP("Labels", "different"),
    "no band": QT_TRANSLATE_NOOP("Labels", "no band"),
}
_ACTIONS = {
    "case created": QT_TRANSLATE_NOOP("Labels", "case created"),
    "import": QT_TRANSLATE_NOOP("Labels", "import"),
    "verify": QT_TRANSLATE_NOOP("Labels", "verify"),
    "verified": QT_TRANSLATE_NOOP("Labels", "verified"),
    "schema migrated": QT_TRANSLATE_NOOP("Labels", "schema migrated"),
    "generation": QT_TRANSLATE_NOOP("Labels", "generation"),
    "comparison": QT_TRANSLATE_NOOP("Labels", "comparison"),
    "study": QT_TRANSLATE_NOOP("Labels", "study"),
    "report": QT_TRANSLATE_NOOP("Labels", "report"),
    "lab": QT_TRANSLATE_NOOP("Labels", "lab"),
    "reproduction": QT_TRANSLATE_NOOP("Labels", "reproduction"),
    "provenance": QT_TRANSLATE_NOOP("Labels", "provenance"),
    "finding": QT_TRANSLATE_NOOP("Labels", "finding"),
    "amendment": QT_TRANSLATE_NOOP("Labels", "amendment"),
}
# A finding's status (core/records.py FINDING_STATUSES), as forensic tools mark bookmarks.
_STATUSES = {
    "ok": QT_TRANSLATE_NOOP("Labels", "OK"),
    "check": QT_TRANSLATE_NOOP("Labels", "Check"),
    "warning": QT_TRANSLATE_NOOP("Labels", "Warning"),
}
# Case properties (core/records.py CASE_PROPERTIES) and the artifact fields an amendment corrects.
_PROPERTIES = {
    "title": QT_TRANSLATE_NOOP("Labels", "Title"),
    "examiner": QT_TRANSLATE_NOOP("Labels", "Examiner"),
    "organisation": QT_TRANSLATE_NOOP("Labels", "Organisation"),
    "case_number": QT_TRANSLATE_NOOP("Labels", "Case number"),
    "court": QT_TRANSLATE_NOOP("Labels", "Court"),
    "parties": QT_TRANSLATE_NOOP("Labels", "Parties"),
    "instructing_party": QT_TRANSLATE_NOOP("Labels", "Instructing party"),
    "description": QT_TRANSLATE_NOOP("Labels", "Description"),
    "role": QT_TRANSLATE_NOOP("Labels", "Role"),
    "note": QT_TRANSLATE_NOOP("Labels", "Note"),
    "withdrawn": QT_TRANSLATE_NOOP("Labels", "Withdrawn"),
}
# What a record's link to an artifact says it is (core/records.py LINK_ROLES).
_LINK_ROLES = {
    "input": QT_TRANSLATE_NOOP("Labels", "input"),
    "reference": QT_TRANSLATE_NOOP("Labels", "reference"),
    "output": QT_TRANSLATE_NOOP("Labels", "output"),
    "step": QT_TRANSLATE_NOOP("Labels", "step"),
    "figure": QT_TRANSLATE_NOOP("Labels", "figure"),
    "document": QT_TRANSLATE_NOOP("Labels", "document"),
}
_THEMES = {
    "system": QT_TRANSLATE_NOOP("Labels", "system"),
    "light": QT_TRANSLATE_NOOP("Labels", "light"),
    "dark": QT_TRANSLATE_NOOP("Labels", "dark"),
}


def role(value: str) -> str:
    return _shown("Labels", _ROLES, value)


def band(value: str) -> str:
    return _shown("Labels", _BANDS, value)


def action(value: str) -> str:
    return _shown("Labels", _ACTIONS, value)


def status(value: str) -> str:
    return _shown("Labels", _STATUSES, value)


def field(value: str) -> str:
    return _shown("Labels", _PROPERTIES, value)


def link_role(value: str) -> str:
    return _shown("Labels", _LINK_ROLES, value)


def theme(value: str) -> str:
    return _shown("Labels", _THEMES, value)


def language(value: str) -> str:
    names = {"en": "English", "zh": "简体中文"}  # each in its own language, never translated
    return names.get(value, value)


def note(text: str) -> str:
    """A note in the window's language when the software wrote it ("generated, seed 42"), by the
    report's patterns (report/recorded.py); an examiner's own note as typed."""
    return _note(i18n.language(), text)


@functools.lru_cache(maxsize=4096)
def _note(language: str, text: str) -> str:
    # Every picker shows every artifact's note after each change to the case: matching the
    # report's patterns once per note and language keeps that refresh off the GUI thread's clock.
    return recorded(Strings(language), text)


def metric(reading) -> str:
    """A reading's metric label in the window's language. The metric's own module declares its
    words in every language (analysis/metrics), so they are not in the .ts; a metric this
    version does not know is shown as recorded."""
    known = metrics.find(reading.metric)
    return reading.label if known is None else known.words[i18n.language()].label


def rule_and_source(reading) -> tuple[str, str]:
    """A reading's band rule and thresholds' source in the window's language: the registry's
    words when the reading holds what the registry says (as the report prints them)."""
    return comparison_words.rule_and_source(
        i18n.language(),
        {"metric": reading.metric, "rule": reading.rule, "source": reading.source},
    )
