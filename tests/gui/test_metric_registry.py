"""Adding a metric is one module plus its strings: the newest metric (the colour histogram) shows
in the comparison, the studies' columns, the window's metric table and the report's comparison
and methods sections, and none of those files names it."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from reportlab.platypus import Paragraph, Table

from tests.conftest import SAMPLES
from workstation.analysis import metrics
from workstation.analysis.images import load_image
from workstation.analysis.pair import compare_images
from workstation.analysis.studies.metrics import metric_names
from workstation.gui import i18n
from workstation.gui.widgets.metric_table import MetricTable
from workstation.paths import PACKAGE_DIR
from workstation.report import comparison, sections
from workstation.report.context import Context
from workstation.report.fonts import load_fonts
from workstation.report.layout import make_styles
from workstation.report.strings import Strings

NEW = metrics.get("colour_histogram")
# Every file that shows or stores metrics: the comparison, the studies, the window, the report.
CONSUMERS = [
    "analysis/pair.py",
    "analysis/casefile.py",
    *(f"analysis/studies/{p.name}" for p in (PACKAGE_DIR / "analysis/studies").glob("*.py")),
    "gui/labels.py",
    "gui/widgets/metric_table.py",
    "gui/panels/pair_tab.py",
    "report/comparison.py",
    "report/sections.py",
    "report/study.py",
    "report/strings.py",
]


@pytest.fixture(scope="module")
def report():
    disputed, work = SAMPLES / "disputed_image.png", SAMPLES / "protected_work.png"
    return compare_images(load_image(disputed), load_image(work))


def test_no_consumer_names_the_new_metric():
    names = {NEW.name, NEW.picture.name, *(w.name for w in NEW.words.values())}
    names |= {w.label for w in NEW.words.values()} | {NEW.name.replace("_", " ")}
    for path in CONSUMERS:
        text = (PACKAGE_DIR / path).read_text(encoding="utf-8").lower()
        assert not [n for n in names if n.lower() in text], path


def test_it_is_measured_in_a_comparison_and_in_studies(report):
    assert NEW.name in {reading.metric for reading in report.bands}
    assert NEW.picture.name in report.pictures
    assert NEW.study_column in metric_names(None)


def test_the_window_shows_it_in_english_and_chinese(qtbot, report, tmp_path):
    table = MetricTable()
    qtbot.addWidget(table)
    table.show_readings(report.bands)
    assert [row[0] for row in table.rows()] == [reading.label for reading in report.bands]
    assert NEW.words["en"].label in [row[0] for row in table.rows()]

    app = QCoreApplication.instance()
    translators = i18n.install(app, "zh", cache_dir=tmp_path)
    try:
        table.show_readings(report.bands)
        shown = [row[0] for row in table.rows()]
    finally:
        i18n.remove(app, translators)
        i18n.install(app, "en")
    assert shown == [metrics.get(r.metric).words["zh"].label for r in report.bands]


def _context(language: str, folder: Path) -> Context:
    return Context(
        t=Strings(language),
        lang=language,
        fonts=load_fonts(),
        styles=make_styles(cjk_wrap=language == "zh"),
        evidence=None,
        report_id="RPT-TEST",
        examiner="test",
        workdir=folder,
    )


def _text(flowables) -> str:
    """Every paragraph's text, tables included."""
    out = []
    for item in flowables:
        if isinstance(item, Paragraph):
            out.append(item.getPlainText())
        elif isinstance(item, Table):
            out.append(_text(cell for row in item._cellvalues for cell in row))
        elif isinstance(item, list):
            out.append(_text(item))
    return "\n".join(out)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_report_shows_it_in_the_comparison_and_the_methods(report, tmp_path, language):
    ctx = _context(language, tmp_path)
    words = NEW.words[language]
    # A comparison record's payload, without its images (they would need a case).
    data = {**report.to_dict(), "image_a": None, "image_b": None}
    shown = _text(comparison.pair_report(ctx, data, linked={}))
    assert (words.label if language == "zh" else NEW.words["en"].label) in shown
    methods = _text(sections.methodology(ctx, "report.pdf"))
    assert words.name in methods and words.measures in methods and words.limits in methods
