"""The user guide: F1 opens it in the window's language, each panel's "?" opens it at the panel's
section (scrolled there), and every image and anchor the guide names exists."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QToolButton

from workstation.gui.dialogs.help import GUIDE_DIR, SECTIONS, guide_page

LANGS = ("en", "zh")
TITLES = {"en": "User Guide", "zh": "用户指南"}


def page(lang: str) -> str:
    return guide_page(lang).read_text(encoding="utf-8")


def headings(lang: str) -> dict[str, str]:
    """anchor -> the text of the heading it names."""
    return {
        name: re.sub(r"<[^>]+>", "", text)
        for name, text in re.findall(r'<a name="([\w-]+)">(.*?)</a>', page(lang), re.DOTALL)
    }


@pytest.fixture
def chinese():
    old = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    yield
    QLocale.setDefault(old)


def press_f1(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow() or True)
    QTest.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: window.help_window is not None and window.help_window.isVisible())
    return window.help_window


@pytest.mark.parametrize("lang", LANGS)
def test_f1_opens_the_guide_in_the_window_language(qtbot, window, request, lang):
    if lang == "zh":
        request.getfixturevalue("chinese")
    help_window = press_f1(qtbot, window)
    source = Path(help_window.browser.source().toLocalFile())
    assert source == GUIDE_DIR / lang / "index.html"
    text = help_window.browser.toPlainText()
    assert TITLES[lang] in text.splitlines()[0]
    other = "zh" if lang == "en" else "en"
    assert TITLES[other] not in text.splitlines()[0]
    # About is still in the Help menu, no longer on F1.
    assert any(a.text() == "&About" and a.shortcut().isEmpty() for a in window.actions())


@pytest.mark.parametrize("lang", LANGS)
def test_each_panels_question_mark_opens_its_section(qtbot, window, request, lang):
    if lang == "zh":
        request.getfixturevalue("chinese")
    names = headings(lang)
    for name, dock in window.docks.items():
        section = SECTIONS[name]
        button = dock.titleBarWidget().findChild(QToolButton, f"help_{section}")
        assert button is not None, name
        button.click()
        browser = window.help_window.browser
        assert browser.source().fragment() == section
        qtbot.waitUntil(lambda b=browser: b.verticalScrollBar().value() > 0)
        # The section's heading is the first line in view: the browser scrolled to it.
        top = browser.cursorForPosition(QPoint(8, 8)).block().text()
        assert top.strip() == names[section].strip(), (name, top)
    # Back returns to the previous panel's section.
    window.help_window.browser.backward()
    assert window.help_window.browser.source().fragment() == SECTIONS[list(window.docks)[-2]]


@pytest.mark.parametrize("lang", LANGS)
def test_every_image_and_anchor_the_guide_names_exists(lang):
    text = page(lang)
    images = re.findall(r'<img[^>]*src="([^"]+)"', text)
    assert len(images) >= 4
    for src in images:
        assert (guide_page(lang).parent / src).resolve().is_file(), src
    targets = set(re.findall(r'href="#([\w-]+)"', text))
    anchors = set(headings(lang))
    assert targets <= anchors, targets - anchors
    assert set(SECTIONS.values()) <= anchors
    # Both languages have the same sections.
    assert anchors == set(headings("en"))


def test_the_guide_stays_small():
    pictures = list((GUIDE_DIR / "img").glob("*.png"))
    assert pictures
    assert sum(p.stat().st_size for p in pictures) < 800_000


@pytest.mark.parametrize("lang", LANGS)
def test_the_guides_metric_table_is_the_registrys(lang):
    """Every metric of the registry, with its words and bands, as the report's methods table."""
    spec = importlib.util.spec_from_file_location(
        "metrics_section", GUIDE_DIR / "metrics_section.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = page(lang)
    assert module.filled(text, lang) == text, "run resources/guide/metrics_section.py"
    from workstation.analysis import metrics

    for metric in metrics.METRICS:
        assert metric.words[lang].name in text


def test_the_analysis_panels_question_mark_follows_its_tab(qtbot, window):
    analysis = window.analysis_panel
    button = window.docks["analysis"].titleBarWidget().help
    for tab, section in (
        (analysis.studies_tab, "studies"),
        (analysis.lab_tab, "lab"),
        (analysis.exam_tab, "exam"),
        (analysis.pair_tab, "analysis"),
    ):
        analysis.tabs.setCurrentWidget(tab)
        button.click()
        assert window.help_window.browser.source().fragment() == section
