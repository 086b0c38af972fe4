"""A study record as a reader needs it: what was swept from what, the outputs' measurements and
bands in one table, the summary and the bands notice — in the window's language, with the report's
own words (report/strings.py, report/study.py), never the stored JSON."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path

from PySide6.QtWidgets import QTextBrowser, QWidget

from workstation.core.case import Record
from workstation.gui import i18n
from workstation.report import study as report_study
from workstation.report.recorded import recorded
from workstation.report.strings import Strings

MAX_ROWS = 200  # the table of a long sweep; the rest are in the study's CSV and JSON figures


@dataclass
class _Words:
    """The part of the report's context its study helpers read: the language's strings."""

    t: Strings

    @property
    def lang(self) -> str:
        return self.t.lang

    def has(self, key: str) -> bool:
        return self.t.has(key)


def study_html(record: Record, lang: str) -> str:
    """The study as HTML: title, description, settings, summary, measurements table, notice."""
    t = Strings(lang)
    words = _Words(t)
    payload = record.payload if isinstance(record.payload, dict) else {}
    parts = [f"<h3>#{record.id} {escape(recorded(t, str(payload.get('title') or '')))}</h3>"]
    if payload.get("description"):
        parts.append(f"<p>{escape(recorded(t, str(payload['description'])))}</p>")

    rows: list[tuple[str, str]] = []
    kind = payload.get("study")
    if kind:
        key = f"study_kind_{kind}"
        rows.append((t("study_kind"), t(key) if t.has(key) else str(kind)))
    reference = payload.get("reference") if isinstance(payload.get("reference"), dict) else {}
    if reference.get("artifact_id") is not None or reference.get("sha256"):
        rows.append(
            (
                t("study_reference"),
                f"#{reference.get('artifact_id', '?')} · SHA-256 {reference.get('sha256', '')}",
            )
        )
    settings = payload.get("settings") if isinstance(payload.get("settings"), dict) else {}
    for key, value in settings.items():
        shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        rows.append((report_study._column_title(words, key.removesuffix("s")), shown))
    summary = payload.get("summary") if isinstance(payload.get("summary"), dict) else {}
    rows += report_study._summary_rows(words, summary)
    if rows:
        cells = "".join(
            f"<tr><td><b>{escape(label)}</b></td><td>{escape(str(value))}</td></tr>"
            for label, value in rows
        )
        parts.append(f"<table cellspacing='2' cellpadding='3'>{cells}</table>")

    points = [p for p in payload.get("points") or [] if isinstance(p, dict)]
    if points:
        parts.append(_points_table(words, payload, points))
    # Always: a band is a range of a measurement, never a finding (older records lack the line).
    parts.append(f"<p><i>{escape(t('bands_notice'))}</i></p>")
    return "".join(parts)


def _points_table(words: _Words, payload: dict, points: list[dict]) -> str:
    """One row per output: the swept value, the seed, each metric and its band, the image."""
    t = words.t
    keys = [k for k in points[0] if not k.endswith(("_key", "sha256")) and k != "artifact_id"]
    x_label = str(payload.get("parameter") or "")
    lead = [k for k in dict.fromkeys((x_label, "seed")) if k in keys]
    for metric in [m for m in payload.get("metrics") or [] if m in keys]:
        lead.append(metric)
        band = report_study._band_column(metric)
        if band in keys:
            lead.append(band)
    keys = lead + [k for k in keys if k not in lead]
    head = (
        "".join(f"<th>{escape(report_study._column_title(words, k))}</th>" for k in keys)
        + f"<th>{escape(t('image'))}</th>"
    )
    body = []
    for point in points[:MAX_ROWS]:
        cells = []
        for k in keys:
            value = point.get(k)
            band = k.endswith("_band")
            text = report_study._band(words, value) if band else report_study._number(value)
            cells.append(f"<td align='right'>{escape(text)}</td>")
        image = point.get("artifact_id")
        cells.append(f"<td>{'#' + str(image) if image is not None else '—'}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    table = (
        f"<table border='1' cellspacing='0' cellpadding='3'><tr>{head}</tr>{''.join(body)}</table>"
    )
    if len(points) > MAX_ROWS:
        table += (
            f"<p>{escape(t('study_rows_left_out', count=len(points) - MAX_ROWS, where='CSV'))}</p>"
        )
    return table


def redraw_plot(record: Record, lang: str, out: Path) -> Path | None:
    """The study's plot drawn again from the record's numbers with its words in `lang` (as the
    report does for a Chinese report); None when the record holds no series."""
    from workstation.report.fonts import load_fonts
    from workstation.report.plots import plot_series

    payload = record.payload if isinstance(record.payload, dict) else {}
    x_label, series = report_study.series_of(payload)
    if not series:
        return None
    words = _Words(Strings(lang))
    shown = [report_study._series_in(words, item) for item in series]
    title = recorded(words.t, str(payload.get("title") or ""))
    cjk = load_fonts().cjk_path if lang != "en" else None
    x_title = report_study._column_title(words, x_label)
    return plot_series(shown, x_title, title, out, cjk)


class StudyDetails(QTextBrowser):
    """The details pane of the Studies tab."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("studyDetails")
        self.setOpenLinks(False)

    def show_record(self, record: Record) -> None:
        self.setHtml(study_html(record, i18n.language()))
