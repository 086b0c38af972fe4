"""Findings in the window: added through the dialog about an artifact, a record and one figure of
a record, listed, shown and withdrawn; every one a verified record of the case."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel

from tests.gui.conftest import wait_idle
from workstation.app.sample_case import build_sample_case
from workstation.core.case import Case
from workstation.core.records import Comparison, Finding, Link
from workstation.gui.dialogs.finding import FindingDialog
from workstation.gui.dialogs.withdraw import WithdrawDialog
from workstation.gui.targets import Target
from workstation.gui.widgets.findings_model import FindingsModel


@pytest.fixture(scope="module")
def compared_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample case with a comparison of A1 and A2 kept in it, its difference map a figure
    (written through the core, as `compare --case` writes one), made once."""
    root = tmp_path_factory.mktemp("compared") / "case"
    picture = root.parent / "difference-map.png"
    Image.new("RGB", (32, 32), (250, 240, 200)).save(picture)
    with build_sample_case(root) as case:
        figure = case.import_file(picture, role="other", note="difference_map: A vs B")
        links = [
            Link("input", "image_a", artifact_id=1),
            Link("input", "image_b", artifact_id=2),
            Link("figure", "difference_map", artifact_id=figure.id),
        ]
        case.add_record(Comparison(report={"schema": "workstation.pair-report/1"}), links)
    return root


@pytest.fixture
def compared_case(tmp_path: Path, compared_template: Path) -> Path:
    root = tmp_path / "case"
    shutil.copytree(compared_template, root)
    return root


def comparison_id(window) -> int:
    return window.session.records("comparison")[0].id


def ok(dialog) -> None:
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()


def action(menu, text: str):
    return next(a for a in menu.actions() if a.text() == text)


def stored_findings(root: Path):
    with Case.open(root) as case:
        assert case.verify().ok
        return [r for r in case.records("finding") if isinstance(r.body, Finding)]


def test_a_finding_about_an_artifact_from_the_case_panel(qtbot, window, compared_case):
    window.open_case(compared_case)
    wait_idle(qtbot, window)
    panel = window.case_panel
    panel.select_ids([2])
    action(panel.artifact_menu(), "Add Finding…").trigger()
    dialog = window.findChild(FindingDialog)
    assert dialog.isVisible()
    assert dialog.about.currentData() == Target(artifact_id=2)
    assert dialog.about.currentText() == "A2 disputed_image.png"
    assert not dialog.figure_label.isVisibleTo(dialog)  # an artifact has no figures
    ok_button = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok_button.isEnabled()  # no text yet
    dialog.set_status("warning")
    dialog.text.setPlainText("The lighthouse's lamp housing matches the\nprotected work.")
    ok(dialog)
    wait_idle(qtbot, window)

    [finding] = stored_findings(compared_case)
    assert finding.body.status == "warning"
    assert finding.body.text.startswith("The lighthouse's lamp housing")
    assert finding.body.figure is None
    assert finding.links == (Link("about", "", artifact_id=2),)
    table = window.findings_panel.model
    assert table.rowCount() == 1
    assert table.index(0, FindingsModel.ABOUT).data() == "A2 disputed_image.png"
    assert table.index(0, FindingsModel.STATUS).data() == "Warning"
    assert table.index(0, FindingsModel.ACTOR).data() == "Demo Examiner"
    assert "Recorded finding" in window.statusBar().currentMessage()


def test_a_finding_about_one_figure_of_a_comparison(qtbot, window, compared_case):
    window.open_case(compared_case)
    record_id = comparison_id(window)
    # The Studies and Lab lists share one menu; any record they list offers it.
    records = window.analysis_panel.studies_tab.records
    [record] = window.session.records("comparison")
    with qtbot.waitSignal(records.finding_requested):
        action(records.menu_for(record), "Add Finding…").trigger()
    dialog = window.findChild(FindingDialog)
    assert dialog.about.currentData() == Target(record_id=record_id)
    assert dialog.about.currentText().startswith(f"R{record_id} comparison — A1 vs A2")
    figures = [dialog.figure.itemData(row) for row in range(dialog.figure.count())]
    assert figures[0] is None  # the whole record
    assert "difference_map" in figures and "image_a" in figures
    dialog.set_figure("difference_map")
    dialog.set_status("check")
    dialog.text.setPlainText("Differences concentrate in the sky; check the resampling.")
    ok(dialog)
    wait_idle(qtbot, window)

    [finding] = stored_findings(compared_case)
    assert (finding.body.status, finding.body.figure) == ("check", "difference_map")
    assert finding.links == (Link("about", "", record_id=record_id),)
    # Double-click shows the figure itself in the Case panel.
    row = window.findings_panel.model.finding(0)
    window.show_target(row)
    figure_id = next(k.artifact_id for k in record.links if k.label == "difference_map")
    assert window.case_panel.selected_ids() == [figure_id]


def test_a_kept_comparison_takes_a_finding_from_the_pair_tab(qtbot, window, compared_case):
    window.open_case(compared_case)  # it opens on its newest stored comparison
    tab = window.analysis_panel.pair_tab
    assert window.pair.record_id == comparison_id(window)
    assert tab.finding_button.isEnabled()
    tab.finding_button.click()
    dialog = window.findChild(FindingDialog)
    assert dialog.about.currentData() == Target(record_id=comparison_id(window))
    window.pair.swap()  # another reading: no longer the kept record
    assert window.pair.record_id is None and not tab.finding_button.isEnabled()
    assert "Run the comparison first" in tab.finding_button.toolTip()
    wait_idle(qtbot, window)


def test_withdraw_keeps_the_finding_greyed_with_its_reason(qtbot, window, compared_case):
    with Case.open(compared_case) as case:
        made = case.add_finding("ok", "Hashes of the reference match the exhibit.", artifact_id=1)
    window.open_case(compared_case)
    panel = window.findings_panel
    assert not panel.withdraw_button.isEnabled()  # nothing selected
    panel.select(made)
    assert panel.withdraw_button.isEnabled()
    panel.withdraw_button.click()
    dialog = window.findChild(WithdrawDialog)
    assert dialog.findChild(QLabel, "withdrawQuestion").text() == f"Withdraw R{made} finding?"
    dialog.reason.setText("superseded by a later reading")
    ok(dialog)
    wait_idle(qtbot, window)

    [finding] = stored_findings(compared_case)
    assert finding.withdrawn
    row = panel.model.index(0, FindingsModel.TEXT)
    assert row.data(Qt.ItemDataRole.ForegroundRole) is not None  # greyed
    assert "superseded by a later reading" in row.data(Qt.ItemDataRole.ToolTipRole)
    assert "1 withdrawn" in panel.summary.text()
    panel.select(made)
    assert not panel.withdraw_button.isEnabled()  # already withdrawn
    panel.show_withdrawn.setChecked(False)
    assert panel.proxy.rowCount() == 0


def test_case_add_finding_offers_every_artifact_and_record(qtbot, window, compared_case):
    window.open_case(compared_case)
    window.case_panel.select_ids([])
    window.actions_.add_finding.trigger()
    dialog = window.findChild(FindingDialog)
    shown = [dialog.about.itemText(row) for row in range(dialog.about.count())]
    assert shown[:4] == [
        "A1 protected_work.png",
        "A2 disputed_image.png",
        "A3 independent_work.png",
        "A4 unrelated_work.png",
    ]
    # R1-R4: the sample images' provenance records, made at import
    assert any(text.startswith("R5 comparison — A1 vs A2") for text in shown)
    wait_idle(qtbot, window)


def test_double_click_on_a_finding_about_a_comparison_shows_its_pair(qtbot, window, compared_case):
    with Case.open(compared_case) as case:
        (comparison,) = case.records("comparison")
        case.add_finding("ok", "The pair was compared as recorded.", record_id=comparison.id)
    window.open_case(compared_case)
    window.pair.set_side("a", window.session.artifact(3))
    panel = window.findings_panel
    panel.table.doubleClicked.emit(panel.proxy.index(0, FindingsModel.TEXT))
    assert (window.pair.a.id, window.pair.b.id) == (1, 2)
    assert window.analysis_panel.tabs.currentWidget() is window.analysis_panel.pair_tab
    wait_idle(qtbot, window)
