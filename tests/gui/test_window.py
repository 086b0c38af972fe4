"""The main window: menus and shortcuts, layout kept across restarts, preferences, about, new case,
switching language."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QDockWidget, QMessageBox

from tests.gui.conftest import wait_idle
from workstation.core.case import Case
from workstation.gui import i18n
from workstation.gui.app import Workstation
from workstation.gui.dialogs.new_case import NewCaseDialog
from workstation.gui.dialogs.preferences import PreferencesDialog
from workstation.gui.main_window import MainWindow
from workstation.gui.settings import Settings
from workstation.paths import SAMPLES_DIR as SAMPLES


def shortcut_of(window, text: str) -> str:
    action = next(a for a in window.actions() if a.text() == text)
    return action.shortcut().toString(QKeySequence.SequenceFormat.PortableText)


def test_menus_and_shortcuts(window):
    menus = [action.text() for action in window.menuBar().actions()]
    assert menus == ["&File", "&Edit", "&Case", "&View", "&Tools", "&Help"]
    assert shortcut_of(window, "&New Case…") == "Ctrl+N"
    assert shortcut_of(window, "&Open Case…") == "Ctrl+O"
    assert shortcut_of(window, "&Import Files…") == "Ctrl+I"
    assert shortcut_of(window, "&Verify Case") == "Ctrl+Shift+V"
    assert shortcut_of(window, "Case") == "Ctrl+1"
    assert shortcut_of(window, "Findings") == "Ctrl+6"
    assert shortcut_of(window, "Add &Finding…") == "Ctrl+Shift+F"
    # Without a case, what needs one is off, and the Case panel says what to do.
    import_action = next(a for a in window.actions() if a.text() == "&Import Files…")
    assert not import_action.isEnabled()
    assert window.case_panel.welcome.isVisible()
    assert not window.case_panel.splitter.isVisible()


def test_panels_are_tabbed_and_layout_survives_a_restart(qtbot, tmp_path):
    store = str(tmp_path / "layout.ini")
    first = MainWindow(Settings(QSettings(store, QSettings.Format.IniFormat)))
    qtbot.addWidget(first)
    first.show()
    assert set(first.tabifiedDockWidgets(first.docks["case"])) == {
        first.docks[name]
        for name in ("generate", "compare", "analysis", "report", "findings", "records")
    }
    # A panel has no close button (the View menu shows it again); a hidden one stays hidden.
    assert not first.docks["analysis"].features() & QDockWidget.DockWidgetFeature.DockWidgetClosable
    first.docks["analysis"].hide()
    first.close()

    second = MainWindow(Settings(QSettings(store, QSettings.Format.IniFormat)))
    qtbot.addWidget(second)
    second.show()
    assert not second.docks["analysis"].isVisible()
    assert second.docks["case"].isVisible()
    second.reset_layout()
    second.show_panel("analysis")
    assert second.docks["analysis"].isVisible()


def test_preferences_are_stored_and_applied(qtbot, window, settings, tmp_path, models_dir):
    window.edit_preferences()
    dialog = window.findChild(PreferencesDialog)
    dialog.model_folder.setText(str(models_dir))
    dialog.examiner.setText("B. Examiner")
    dialog.organisation.setText("Lab")
    dialog.device.setCurrentIndex(dialog.device.findData("cpu"))
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    with qtbot.waitSignal(window.preferences_changed) as changed:
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
    assert changed.args == ["en", "system"]  # what they were before

    again = Settings(QSettings(settings.store.fileName(), QSettings.Format.IniFormat))
    assert (again.model_folder, again.examiner, again.organisation, again.device, again.theme) == (
        str(models_dir),
        "B. Examiner",
        "Lab",
        "cpu",
        "dark",
    )
    assert window.session.actor == "B. Examiner"
    qtbot.waitUntil(lambda: window.generate_panel.form.model.count() > 0, timeout=30_000)
    wait_idle(qtbot, window)


def test_actions_are_logged_under_the_examiner_from_the_preferences(qtbot, settings, sample_case):
    settings.examiner = "C. Examiner"
    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.open_case(sample_case)
    window.import_files([SAMPLES / "unrelated_work.png"], "other", "again")
    wait_idle(qtbot, window)
    assert window.session.audit_entries()[-1].actor == "C. Examiner"


def test_new_case_dialog_creates_and_opens_the_case(qtbot, window, tmp_path):
    window.settings.examiner = "D. Examiner"
    window.new_case()
    dialog = window.findChild(NewCaseDialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()  # nothing filled in yet
    assert dialog.examiner.text() == "D. Examiner"
    dialog.folder.setText(str(tmp_path / "new-case"))
    dialog.title.setText("Doe v. Roe")
    ok.click()
    assert window.session.case is not None
    assert window.session.case.info.title == "Doe v. Roe"
    assert "Doe v. Roe" in window.windowTitle()
    with Case.open(tmp_path / "new-case") as case:
        assert case.info.examiner == "D. Examiner"
    wait_idle(qtbot, window)


def test_about_lists_the_versions_of_what_computes_evidence(window):
    window.about()
    box = window.findChild(QMessageBox, "aboutBox")
    text = box.informativeText()
    for name in ("Python", "Qt", "PySide6", "torch", "diffusers", "reportlab"):
        assert f"<td>{name}</td>" in text


def test_switching_language_rebuilds_the_window_on_the_same_case(
    qtbot, settings, sample_case, tmp_path, monkeypatch
):
    app = QApplication.instance()
    style, palette = app.style().name(), app.palette()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))  # the compiled .qm goes here
    workstation = Workstation(app, settings)
    try:
        old = workstation.window  # deleted by the switch, so not handed to qtbot
        old.open_case(sample_case)  # its thumbnails load in the background
        settings.language = "zh"
        old.preferences_changed.emit("en", settings.theme)
        qtbot.waitUntil(lambda: workstation.window is not old, timeout=10_000)
        new = workstation.window
        qtbot.addWidget(new)
        assert new is not old
        assert new.session.root == sample_case
        assert new.menuBar().actions()[0].text() == "文件(&F)"
        assert QCoreApplication.translate("Labels", "disputed") == "争议"
        wait_idle(qtbot, new)
    finally:
        i18n.remove(app, workstation.translators)
        i18n.install(app, "en")  # back to English for the tests that follow
        app.setStyle(style)
        app.setPalette(palette)
