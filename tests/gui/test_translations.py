"""Every string the window shows is in the Chinese .ts and translated; the window switches."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication

from workstation.gui import i18n
from workstation.gui.main_window import MainWindow
from workstation.paths import PACKAGE_DIR

GUI_DIR = PACKAGE_DIR / "gui"


def test_the_ts_file_has_every_gui_string_translated(tmp_path: Path) -> None:
    copy = tmp_path / "check.ts"
    shutil.copy(i18n.ts_file("zh_CN"), copy)
    sources = sorted(str(p) for p in GUI_DIR.rglob("*.py"))
    lupdate = i18n.lrelease_binary().with_name("lupdate")
    result = subprocess.run(
        [str(lupdate), *sources, "-no-obsolete", "-locations", "none", "-ts", str(copy)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "(0 new " in result.stdout, (
        "strings without translation; run the lupdate command in workstation/gui/i18n.py\n"
        + result.stdout
    )
    text = copy.read_text(encoding="utf-8")
    assert 'type="unfinished"' not in text
    assert text == i18n.ts_file("zh_CN").read_text(encoding="utf-8"), (
        "the .ts is out of date (strings removed or moved); re-run lupdate"
    )


def test_compiled_translation_is_cached_by_content(tmp_path: Path) -> None:
    first = i18n.compiled("zh_CN", tmp_path)
    assert first.is_file() and first.stat().st_size > 1000
    mtime = first.stat().st_mtime_ns
    assert i18n.compiled("zh_CN", tmp_path) == first
    assert first.stat().st_mtime_ns == mtime


def test_a_translation_shipped_compiled_is_used_without_lrelease(tmp_path, monkeypatch) -> None:
    """The installed application has no lrelease: its build puts the .qm beside the .ts."""
    built = i18n.compiled("zh_CN", tmp_path / "build")
    shipped = tmp_path / "resources"
    shipped.mkdir()
    shutil.copy(i18n.ts_file("zh_CN"), shipped)
    shutil.copy(built, shipped)
    monkeypatch.setattr(i18n, "I18N_DIR", shipped)
    monkeypatch.setattr(i18n, "lrelease_binary", lambda: tmp_path / "no-lrelease")
    assert i18n.compiled("zh_CN", tmp_path / "cache") == shipped / built.name
    (shipped / "workstation_zh_CN.ts").write_text("<TS/>")  # edited: the shipped one is stale
    with pytest.raises(FileNotFoundError, match="no-lrelease"):  # so it must compile, and can't
        i18n.compiled("zh_CN", tmp_path / "cache")


def test_the_window_speaks_chinese(qtbot, settings, sample_case, tmp_path):
    app = QCoreApplication.instance()
    translators = i18n.install(app, "zh", cache_dir=tmp_path)
    try:
        window = MainWindow(settings)
        qtbot.addWidget(window)
        window.open_case(sample_case)
        menus = [action.text() for action in window.menuBar().actions()]
        assert menus == ["文件(&F)", "编辑(&E)", "案件(&C)", "视图(&V)", "工具(&T)", "帮助(&H)"]
        assert window.docks["case"].windowTitle() == "案件"
        assert window.case_panel.model.data(window.case_panel.model.index(0, 2)) == "参照"
        qtbot.waitUntil(lambda: not window.runner.busy, timeout=10_000)
    finally:
        i18n.remove(app, translators)
        i18n.install(app, "en")  # back to English for the tests that follow


def test_the_pair_tab_reads_in_chinese(qtbot, settings, sample_case, tmp_path):
    """Band rules, their sources, the software's notes and the bands notice in the window's
    language, from the registry and the report's catalogue (as the report prints them)."""
    from tests.gui.conftest import JOB_TIMEOUT_MS
    from workstation.analysis import bands, metrics

    app = QCoreApplication.instance()
    translators = i18n.install(app, "zh", cache_dir=tmp_path)
    try:
        window = MainWindow(settings)
        qtbot.addWidget(window)
        window.open_case(sample_case)
        qtbot.waitUntil(lambda: not window.runner.busy, timeout=JOB_TIMEOUT_MS)
        with qtbot.waitSignal(window.pair.report_ready, timeout=JOB_TIMEOUT_MS):
            window.run_comparison()
        qtbot.waitUntil(lambda: not window.runner.busy, timeout=JOB_TIMEOUT_MS)
        tab = window.analysis_panel.pair_tab
        report = window.pair.report
        rules = [row[3] for row in tab.table.rows()]
        expected = [metrics.get(r.metric).rule("zh") for r in report.bands]
        assert rules == expected and any("近似重复" in rule for rule in rules)
        details = tab.notes.toPlainText()
        assert bands.TEXT["zh"]["notice"] in details
        assert report.keypoints.status == "homography found" and "已找到单应变换" in details
        assert "no CLIP model configured" not in details
        window.compare_panel.set_mode("keypoints")  # the same status under the matches
        assert "已找到单应变换" in window.compare_panel.keypoint_caption.text()
    finally:
        i18n.remove(app, translators)
        i18n.install(app, "en")
