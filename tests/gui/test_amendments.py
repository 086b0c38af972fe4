"""Case properties set at creation and amended with their history; an artifact's role corrected;
on a read-only case every write action is off and says why."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QLabel

from tests.gui.conftest import wait_idle
from workstation.core.case import Case
from workstation.core.records import Amendment, Link
from workstation.gui.dialogs.case_properties import CasePropertiesDialog
from workstation.gui.dialogs.correct_artifact import CorrectArtifactDialog
from workstation.gui.dialogs.new_case import NewCaseDialog


def ok(dialog) -> None:
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()


def amend(qtbot, window, values: dict[str, str], reason: str) -> CasePropertiesDialog:
    window.actions_.case_properties.trigger()
    dialog = [d for d in window.findChildren(CasePropertiesDialog) if d.isVisible()][-1]
    for name, value in values.items():
        dialog.fields[name].setText(value)
    assert not dialog.ok.isEnabled()  # a reason is required
    dialog.reason.setText(reason)
    ok(dialog)
    wait_idle(qtbot, window)
    return dialog


def test_new_case_takes_its_particulars(qtbot, window, tmp_path):
    window.new_case()
    dialog = window.findChild(NewCaseDialog)
    dialog.folder.setText(str(tmp_path / "case"))
    dialog.title.setText("张三诉某科技公司")
    dialog.examiner.setText("李四")
    dialog.case_number.setText("(2025)京0491民初1234号")
    dialog.court.setText("北京互联网法院")
    dialog.parties.setText("张三（原告）；某科技公司（被告）")
    dialog.instructing_party.setText("原告代理律师")
    dialog.description.setPlainText("Whether the disputed image was generated from the work.")
    ok(dialog)
    info = window.session.case.info
    assert (info.case_number, info.court, info.instructing_party) == (
        "(2025)京0491民初1234号",
        "北京互联网法院",
        "原告代理律师",
    )
    assert info.description.startswith("Whether the disputed")
    wait_idle(qtbot, window)


def test_amending_properties_records_each_field_and_shows_the_history(qtbot, window, sample_case):
    window.open_case(sample_case)
    amend(qtbot, window, {"case_number": "(2025)沪0104民初1号", "court": "Court A"}, "assigned")
    amend(qtbot, window, {"case_number": "(2025)沪0104民初2号"}, "typo in the number")

    with Case.open(sample_case) as case:
        assert case.verify().ok
        assert case.info.case_number == "(2025)沪0104民初2号"
        assert case.info.court == "Court A"
        amendments = [r.body for r in case.records("amendment")]
    assert [(a.field, a.previous, a.value, a.reason) for a in amendments] == [
        ("case_number", "", "(2025)沪0104民初1号", "assigned"),
        ("court", "", "Court A", "assigned"),
        ("case_number", "(2025)沪0104民初1号", "(2025)沪0104民初2号", "typo in the number"),
    ]
    assert window.session.case.info.case_number == "(2025)沪0104民初2号"

    window.actions_.case_properties.trigger()
    dialog = [d for d in window.findChildren(CasePropertiesDialog) if d.isVisible()][-1]
    assert dialog.fields["case_number"].text() == "(2025)沪0104民初2号"
    history = dialog.history
    assert history.rowCount() == 3
    last = [history.item(2, column).text() for column in range(history.columnCount())]
    assert last[1:] == [
        "Demo Examiner",
        "Case number",
        "(2025)沪0104民初1号",
        "(2025)沪0104民初2号",
        "typo in the number",
    ]
    dialog.reject()
    amend(qtbot, window, {"title": "Doe v. Roe (renamed)"}, "court's caption")
    assert window.windowTitle().startswith("Doe v. Roe (renamed) — ")


def test_correcting_an_artifact_role_supersedes_the_import(qtbot, window, sample_case):
    window.open_case(sample_case)
    panel = window.case_panel
    panel.select_ids([4])
    menu = panel.artifact_menu()
    next(a for a in menu.actions() if a.text() == "Correct Role or Note…").trigger()
    dialog = window.findChild(CorrectArtifactDialog)
    assert dialog.role.currentData() == "reference"
    dialog.role.setCurrentIndex(dialog.role.findData("other"))
    assert not dialog.ok.isEnabled()  # a reason is required
    dialog.reason.setText("not a reference: a different subject")
    ok(dialog)
    wait_idle(qtbot, window)

    with Case.open(sample_case) as case:
        assert case.verify().ok
        assert case.artifact(4).role == "other"
        [record] = case.records("amendment")
    assert isinstance(record.body, Amendment)
    assert (record.body.field, record.body.previous, record.body.value) == (
        "role",
        "reference",
        "other",
    )
    assert record.links == (Link("amends", "role", artifact_id=4),)
    assert window.session.artifact(4).role == "other"
    # The next correction lists this one.
    panel.select_ids([4])
    window.actions_.correct_artifact.trigger()
    again = [d for d in window.findChildren(CorrectArtifactDialog) if d.isVisible()][-1]
    history = again.findChild(QLabel, "correctionHistory")
    assert "not a reference" in history.text()
    again.reject()


def test_a_read_only_case_offers_no_write_and_says_why(qtbot, window, sample_case, monkeypatch):
    with Case.open(sample_case) as case:
        case.add_finding("ok", "Seen.", artifact_id=1)
    real_open = Case.open
    monkeypatch.setattr(
        Case,
        "open",
        lambda root, actor=None, readonly=None, on_wait=None: real_open(root, actor, True),
    )
    window.open_case(sample_case)
    assert window.session.case.readonly
    why = "open read-only"
    for action in (window.actions_.add_finding, window.actions_.correct_artifact):
        assert not action.isEnabled() and why in action.toolTip()
    panel = window.case_panel
    panel.select_ids([1])
    menu = panel.artifact_menu()
    for text in ("Add Finding…", "Correct Role or Note…"):
        entry = next(a for a in menu.actions() if a.text() == text)
        assert not entry.isEnabled() and why in entry.toolTip()
    findings = window.findings_panel
    findings.select(findings.model.finding(0).record_id)
    assert not findings.add_button.isEnabled() and not findings.withdraw_button.isEnabled()
    assert why in findings.withdraw_button.toolTip()
    records = window.analysis_panel.studies_tab.records
    [record] = window.session.records("finding")
    assert not records.menu_for(record).actions()[0].isEnabled()
    window.pair.record_id = 1
    window.analysis_panel.pair_tab.update_finding_button()
    assert not window.analysis_panel.pair_tab.finding_button.isEnabled()
    # Properties can be read, not amended.
    window.actions_.case_properties.trigger()
    dialog = window.findChild(CasePropertiesDialog)
    assert dialog.ok is None and dialog.fields["title"].isReadOnly()
    assert why in dialog.findChild(QLabel, "propertiesHint").text()
    dialog.reject()
    wait_idle(qtbot, window)


def test_zh_names_the_examiners_words_in_legal_chinese(qtbot, tmp_path):
    from PySide6.QtCore import QCoreApplication

    from workstation.gui import i18n, labels

    app = QCoreApplication.instance()
    translators = i18n.install(app, "zh", cache_dir=tmp_path)
    try:
        assert [labels.field(name) for name in ("case_number", "court", "parties")] == [
            "案号",
            "法院",
            "当事人",
        ]
        assert labels.field("instructing_party") == "委托方"
        assert labels.field("description") == "案情描述"
        assert labels.action("finding") == "检验意见"
        assert labels.action("amendment") == "更正"
        assert [labels.status(s) for s in ("ok", "check", "warning")] == [
            "正常",
            "待核查",
            "警示",
        ]
        assert QCoreApplication.translate("FindingsPanel", "Withdraw…") == "撤回…"
        assert QCoreApplication.translate("CaseEdits", "Open a case first.") != "Open a case first."
    finally:
        i18n.remove(app, translators)
        i18n.install(app, "en")
