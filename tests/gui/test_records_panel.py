"""The Records panel, comparisons kept without asking, Discard, and a restart that shows what was
last measured: every earlier result found again in the window."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.app.test_records_browse import WITHDRAWN_REASON, build_every_kind_case
from tests.gui.conftest import JOB_TIMEOUT_MS, wait_idle
from workstation.analysis.metrics import METRICS
from workstation.app.pair import DISCARD_REASON
from workstation.app.records_browse import KINDS
from workstation.core.case import Case
from workstation.core.records import Amendment
from workstation.gui.main_window import MainWindow
from workstation.gui.panels.records_panel import RecordsPanel, kind_label
from workstation.gui.widgets.metric_table import format_value


@pytest.fixture(scope="module")
def every_kind_template(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("records") / "case"
    build_every_kind_case(root, tmp_path_factory.mktemp("records-inputs")).close()
    return root


@pytest.fixture
def every_kind_case(tmp_path: Path, every_kind_template: Path) -> Path:
    root = tmp_path / "case"
    shutil.copytree(every_kind_template, root)
    return root


def listed(panel: RecordsPanel) -> list[tuple[str, int, str]]:
    """(kind, id, status) of each row as the table shows it."""
    table = panel.table
    return [
        (
            table.item(row, panel.KIND).text(),
            int(table.item(row, panel.ID).text()),
            table.item(row, panel.STATUS).text(),
        )
        for row in range(table.rowCount())
    ]


def choose_kind(panel: RecordsPanel, kind: str | None) -> None:
    panel.kind.setCurrentIndex(panel.kind.findData(kind))


def open_row(qtbot, panel: RecordsPanel, record_id: int) -> None:
    """Select a record's row and press Enter in the table, as the examiner would."""
    assert panel.select(record_id)
    panel.table.setFocus()
    QTest.keyClick(panel.table, Qt.Key.Key_Return)


def stored_readings(record) -> list[list[str]]:
    """The metric table's value and band columns as the record stores them."""
    return [[format_value(b["value"]), b["band"]] for b in record.payload["report"]["bands"]]


def test_the_panel_lists_every_kind_and_filters_them(qtbot, window, every_kind_case):
    window.open_case(every_kind_case)
    wait_idle(qtbot, window)
    window.show_panel("records")
    panel = window.records_panel
    with Case.open(every_kind_case, readonly=True) as case:
        records = case.records()
    withdrawn = [r.id for r in records if r.withdrawn]
    assert len(withdrawn) == 1
    # By default every kind but the images' provenance records (the Case panel shows those).
    shown = listed(panel)
    assert [row[1] for row in shown] == [
        r.id for r in reversed(records) if not r.withdrawn and r.kind != "provenance"
    ]
    # Newest first; the withdrawn examination is hidden until asked for.
    choose_kind(panel, None)
    shown = listed(panel)
    assert [row[1] for row in shown] == [r.id for r in reversed(records) if not r.withdrawn]
    assert {row[0] for row in shown} == {kind_label(kind) for kind in KINDS}
    assert f"{len(shown)} of {len(records)} record" in panel.summary.text()
    assert "1 withdrawn hidden" in panel.summary.text()
    panel.show_withdrawn.setChecked(True)
    assert (kind_label("exam"), withdrawn[0], "withdrawn") in listed(panel)
    row = [r[1] for r in listed(panel)].index(withdrawn[0])
    assert WITHDRAWN_REASON in panel.table.item(row, panel.TITLE).toolTip()

    choose_kind(panel, "generation")
    assert {row[0] for row in listed(panel)} == {"generation"}
    choose_kind(panel, None)
    panel.search.setText("disputed_image")
    kinds = {row[0] for row in listed(panel)}
    assert {"comparison", "reproduction", "provenance"} <= kinds and "lab" not in kinds
    panel.search.setText("海边的灯塔")  # the generation's Chinese prompt
    assert [row[0] for row in listed(panel)] == ["generation"]
    panel.search.clear()
    assert len(listed(panel)) == len(records)
    # Every field the examiner uses says what it does.
    for widget in (panel.kind, panel.search, panel.show_withdrawn, panel.open_button):
        assert widget.toolTip()


def test_reopening_a_comparison_sets_the_pair_and_shows_its_stored_numbers(
    qtbot, window, every_kind_case
):
    window.open_case(every_kind_case)
    window.pair.set_side("a", window.session.artifact(3))  # another pair, not measured
    wait_idle(qtbot, window)
    panel = window.records_panel
    (record,) = window.session.records("comparison")
    before = len(window.session.records())
    open_row(qtbot, panel, record.id)
    pair_tab = window.analysis_panel.pair_tab
    assert (window.pair.a.id, window.pair.b.id) == (2, 1)
    assert window.analysis_panel.tabs.currentWidget() is pair_tab
    assert window.docks["analysis"].isVisible()
    # Its numbers as stored, in the table, without a comparison run.
    assert not window.pair.running
    assert [row[1:3] for row in pair_tab.table.rows()] == [
        [value, band] for value, band in stored_readings(record)
    ]
    assert f"Comparison record #{record.id} as stored" in pair_tab.status.text()
    assert window.pair.record_id == record.id and pair_tab.finding_button.isEnabled()
    assert len(pair_tab.table.rows()) == len(
        [m for m in METRICS if m.name in {b["metric"] for b in record.payload["report"]["bands"]}]
    )
    wait_idle(qtbot, window)
    window.session.refresh()
    assert len(window.session.records()) == before  # nothing measured, nothing stored


def test_reopening_a_study_an_exam_a_finding_and_a_generation(qtbot, window, every_kind_case):
    window.open_case(every_kind_case)
    wait_idle(qtbot, window)
    panel, analysis = window.records_panel, window.analysis_panel
    records = {r.kind: r for r in window.session.records()}

    open_row(qtbot, panel, records["study"].id)
    assert analysis.tabs.currentWidget() is analysis.studies_tab
    assert analysis.studies_tab.records.currentItem().data(Qt.ItemDataRole.UserRole).id == (
        records["study"].id
    )

    exam = [r for r in window.session.records("exam") if not r.withdrawn][-1]
    open_row(qtbot, panel, exam.id)
    assert analysis.tabs.currentWidget() is analysis.exam_tab
    assert analysis.exam_tab.records.currentItem().data(Qt.ItemDataRole.UserRole).id == exam.id

    open_row(qtbot, panel, records["finding"].id)
    assert window.findings_panel.selected().record_id == records["finding"].id
    assert window.docks["findings"].isVisible()

    generation = records["generation"]
    open_row(qtbot, panel, generation.id)
    output = generation.linked("output")[0].artifact_id
    steps = [k.artifact_id for k in generation.linked("step")]
    assert window.docks["case"].isVisible()
    assert window.case_panel.show_steps.isChecked()
    assert set(window.case_panel.selected_ids()) == {output, *steps}

    reproduction = records["reproduction"]  # its two images, and their comparison as stored
    open_row(qtbot, panel, reproduction.id)
    regenerated = reproduction.linked("output")[0].artifact_id
    assert (window.pair.a.id, window.pair.b.id) == (2, regenerated)
    assert window.pair.report.to_dict() == reproduction.payload["comparison"]
    assert not window.pair.running and window.pair.record_id is None
    assert set(window.case_panel.selected_ids()) == {2, regenerated}
    assert window.docks["case"].isVisible()

    open_row(qtbot, panel, records["report"].id)
    assert window.docks["report"].isVisible()
    assert window.report_panel.history.currentRow() == 0  # the newest report
    wait_idle(qtbot, window)


def test_a_comparison_is_kept_without_asking_and_discard_withdraws_it(qtbot, window, sample_case):
    window.open_case(sample_case)
    tab = window.analysis_panel.pair_tab
    assert not [b for b in tab.findChildren(type(tab.run_button)) if "Keep" in b.text()]
    with qtbot.waitSignal(window.pair.stored, timeout=JOB_TIMEOUT_MS) as stored:
        tab.run_button.click()  # nothing else is pressed
    wait_idle(qtbot, window)
    (record_id,) = stored.args
    with Case.open(sample_case, readonly=True) as case:
        (record,) = case.records("comparison")
        assert record.id == record_id
        assert record.payload["report"]["image_a"]["sha256"] == window.pair.a.sha256
        entry = next(e for e in case.audit_entries() if e.details.get("record_id") == record_id)
        assert entry.action == "comparison"
    assert f"comparison record #{record_id}" in tab.status.text()
    # The Records panel lists it at once.
    assert (kind_label("comparison"), record_id, "in the case") in listed(window.records_panel)

    assert tab.discard_button.isEnabled() and tab.discard_button.toolTip()
    with qtbot.waitSignal(window.pair.discarded, timeout=JOB_TIMEOUT_MS):
        tab.discard_button.click()
    wait_idle(qtbot, window)
    assert "discarded" in tab.status.text() and not tab.discard_button.isEnabled()
    assert window.pair.report is not None and window.pair.record_id is None
    with Case.open(sample_case, readonly=True) as case:
        (record,) = case.records("comparison")
        assert record.withdrawn
        (amendment,) = case.records("amendment")
        body = amendment.body
        assert isinstance(body, Amendment)
        assert (body.target, body.field, body.value, body.reason) == (
            "record",
            "withdrawn",
            True,
            DISCARD_REASON,
        )
        assert [k.record_id for k in amendment.linked("amends")] == [record_id]
        logged = [e for e in case.audit_entries() if e.details.get("record_id") == amendment.id]
        assert len(logged) == 1
        assert case.verify().ok
    assert (kind_label("comparison"), record_id, "in the case") not in listed(window.records_panel)


def test_a_new_window_on_the_case_shows_the_newest_comparison(qtbot, window, settings, sample_case):
    window.open_case(sample_case)
    window.pair.set_side("b", window.session.artifact(3))
    with qtbot.waitSignal(window.pair.stored, timeout=JOB_TIMEOUT_MS):
        window.run_comparison()
    wait_idle(qtbot, window)
    shown = window.analysis_panel.pair_tab.table.rows()
    record_id = window.pair.record_id
    window.close()

    # A restart: a new window, the same case.
    again = MainWindow(settings)
    qtbot.addWidget(again)
    again.show()
    again.open_case(sample_case)
    assert (again.pair.a.id, again.pair.b.id) == (2, 3)
    assert again.pair.record_id == record_id and not again.pair.running
    assert again.analysis_panel.pair_tab.table.rows() == shown
    compare = again.compare_panel
    assert "#2" in compare.caption_a.text() and "#3" in compare.caption_b.text()
    wait_idle(qtbot, again)
    compare.set_mode("difference")  # the stored heat map, not a new comparison
    assert not again.pair.running
    assert compare.stack.currentWidget() is compare.pages["difference"]
    assert len(compare.difference_view.items) == 1
    compare.set_mode("wipe")
    compare.inliers_box.setChecked(True)  # a stored comparison has no matched points: no marks
    wait_idle(qtbot, again)
    with Case.open(sample_case, readonly=True) as case:
        assert len(case.records("comparison")) == 1


def test_a_read_only_case_measures_but_keeps_nothing(qtbot, window, sample_case, monkeypatch):
    real_open = Case.open
    monkeypatch.setattr(
        Case,
        "open",
        lambda root, actor=None, readonly=None, on_wait=None: real_open(root, actor, True),
    )
    window.open_case(sample_case)
    tab = window.analysis_panel.pair_tab
    with qtbot.waitSignal(window.pair.report_ready, timeout=JOB_TIMEOUT_MS):
        tab.run_button.click()
    wait_idle(qtbot, window)
    assert tab.table.rowCount() > 5 and window.pair.record_id is None
    assert "Not kept: the case is open read-only." in tab.status.text()
    assert not tab.discard_button.isEnabled()
    assert window.session.records("comparison") == []
    with real_open(sample_case, readonly=True) as case:
        assert case.records("comparison") == []
