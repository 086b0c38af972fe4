"""Analysis ▸ Corpus search on a case the window can write: every search is kept, as every
comparison is: the index file by SHA-256, the corpus_search record, listed in the Records panel;
on a case open read-only the search runs and nothing is kept."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.gui.conftest import wait_idle
from workstation.core.canonical import sha256_file
from workstation.core.case import Case


def _tab(window, case, monkeypatch):
    monkeypatch.delenv("WORKSTATION_CLIP_MODEL", raising=False)
    monkeypatch.delenv("WORKSTATION_CLIP_ARCH", raising=False)
    window.open_case(case)
    window.show_panel("analysis")
    tab = window.analysis_panel.corpus_tab
    window.analysis_panel.tabs.setCurrentWidget(tab)
    return tab


def _index(qtbot, window, tab, samples, tmp_path):
    index = tmp_path / "works.npz"
    tab.build(samples, index)
    wait_idle(qtbot, window)
    assert index.is_file()
    tab.index_path.setText(str(index))
    return index


def test_a_search_in_the_window_is_kept_in_the_case(
    qtbot, window, sample_case, samples, tmp_path, monkeypatch
):
    tab = _tab(window, sample_case, monkeypatch)
    index = _index(qtbot, window, tab, samples, tmp_path)
    assert tab.search() is not None
    wait_idle(qtbot, window)
    assert tab.hits.count() > 0 and tab.record_id is not None
    assert f"corpus search record #{tab.record_id}" in tab.status.text()
    with Case.open(sample_case, readonly=True) as case:
        (record,) = case.records("corpus_search")
        links = {link.label: case.artifact(link.artifact_id) for link in record.links}
        assert record.id == tab.record_id
        assert links["index"].sha256 == sha256_file(index) == record.body.index["sha256"]
        assert links["query"].id == window.pair.a.id  # image A, already in the case
        assert record.body.results["phash"][0]["rank"] == 1
        assert case.verify().ok

    window.show_panel("records")
    panel = window.records_panel
    panel.kind.setCurrentIndex(panel.kind.findData(None))
    titles = [
        panel.table.item(row, panel.TITLE).text()
        for row in range(panel.table.rowCount())
        if panel.table.item(row, panel.KIND).text() == "corpus search"
    ]
    assert titles == [
        f"#{window.pair.a.id} {window.pair.a.original_name} in works.npz (4 works, flat)"
    ]

    # Opened from the Records panel, the corpus tab shows the search as stored
    shown = [tab.hits.item(row).text() for row in range(tab.hits.count())]
    tab.hits.clear()
    tab.status.clear()
    assert panel.select(record.id)
    panel.table.setFocus()
    QTest.keyClick(panel.table, Qt.Key.Key_Return)
    assert window.analysis_panel.tabs.currentWidget() is tab
    assert [tab.hits.item(row).text() for row in range(tab.hits.count())] == shown
    assert f"record #{record.id}, as stored" in tab.status.text()


def test_a_read_only_case_searches_and_keeps_nothing(
    qtbot, window, sample_case, samples, tmp_path, monkeypatch
):
    real_open = Case.open
    monkeypatch.setattr(
        Case,
        "open",
        lambda root, actor=None, readonly=None, on_wait=None: real_open(root, actor, True),
    )
    tab = _tab(window, sample_case, monkeypatch)
    _index(qtbot, window, tab, samples, tmp_path)
    tab.search()
    wait_idle(qtbot, window)
    assert tab.hits.count() > 0 and tab.record_id is None
    with real_open(sample_case, readonly=True) as case:
        assert case.records("corpus_search") == []
