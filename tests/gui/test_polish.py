"""Polish: panels as tabs without a second title or close button, one Verify, a quick exit, the
full SHA-256 in Details, generated artifacts named by their record, and the model kept loaded
with a load estimate and an optional warm-up."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

from PySide6.QtCore import QLocale, QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDockWidget, QLabel, QPushButton, QTextEdit, QToolButton

from tests.gui.conftest import JOB_TIMEOUT_MS, wait_idle
from workstation.app.resources import LoadTimes, ModelHolder, model_bytes
from workstation.core.case import Case
from workstation.engine.stored import output_id
from workstation.gui.jobs import Job
from workstation.gui.main_window import MainWindow
from workstation.gui.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_tabbed_panels_have_no_second_title_and_no_close_button(qtbot, window):
    for name, dock in window.docks.items():
        assert not dock.features() & QDockWidget.DockWidgetFeature.DockWidgetClosable, name
        title = dock.titleBarWidget()
        assert not title.label.isVisible(), name  # the tab names it
        assert title.findChild(QToolButton, f"help_{name}") is not None
        assert title.height() <= title.help.sizeHint().height() + 4
    # A panel that stands alone shows its name; the View menu and Reset Layout still work.
    compare = window.docks["compare"]
    compare.setFloating(True)
    qtbot.waitUntil(lambda: compare.titleBarWidget().label.isVisible())
    window.docks["report"].hide()
    window.actions_.panel_actions["report"].trigger()
    assert window.docks["report"].isVisible()
    window.reset_layout()
    assert not compare.isFloating()
    assert not compare.titleBarWidget().label.isVisible()


def test_one_verify_the_toolbars(qtbot, window, sample_case):
    window.open_case(sample_case)
    wait_idle(qtbot, window)
    verify_buttons = [
        b for b in window.findChildren(QPushButton) if "erify" in b.text().replace("&", "")
    ]
    assert verify_buttons == []
    toolbar = window.actions_.toolbar
    (verify,) = [a for a in toolbar.actions() if a.text() == "&Verify Case"]
    verify.trigger()
    qtbot.waitUntil(
        lambda: "Verified" in window.case_panel.verify_label.text(), timeout=JOB_TIMEOUT_MS
    )


def test_closing_returns_at_once_while_a_job_cannot_stop(qtbot, settings):
    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.show()
    release = threading.Event()
    heard = []
    job = Job(lambda job: release.wait(30), "a model load that cannot be cancelled")
    job.signals.finished.connect(lambda: heard.append("finished"))
    window.runner.start(job)
    qtbot.waitUntil(lambda: window.runner.busy)
    started = time.monotonic()
    window.close()
    assert time.monotonic() - started < 1.5
    release.set()
    assert window.runner.wait(5000)
    qtbot.wait(50)
    assert heard == []  # an abandoned job reports to no one


def test_the_process_exits_at_once_after_the_window_closes(tmp_path):
    """Python does not wait for a running job's thread at exit (the old pool waited up to 10 s,
    and for a model load until it ended)."""
    script = textwrap.dedent(
        f"""
        import os, sys, time
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        sys.path.insert(0, {str(ROOT)!r})
        from PySide6.QtCore import QSettings, QTimer
        from PySide6.QtWidgets import QApplication
        from workstation.gui.jobs import Job
        from workstation.gui.main_window import MainWindow
        from workstation.gui.settings import Settings
        app = QApplication([])
        store = QSettings({str(tmp_path / "s.ini")!r}, QSettings.Format.IniFormat)
        window = MainWindow(Settings(store))
        window.show()
        window.runner.start(Job(lambda job: time.sleep(60), "stuck"))
        def close():
            print("closing", time.time(), flush=True)
            window.close()
            app.quit()
        QTimer.singleShot(300, close)
        app.exec()
        """
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=tmp_path
    )
    out, _ = process.communicate(timeout=60)
    ended = time.time()
    closing = float(out.split()[-1])
    assert process.returncode == 0
    assert ended - closing < 3.0


def test_the_full_hash_is_shown_selectable_and_copied(qtbot, sample_case, settings):
    window = MainWindow(settings)  # the window's own default size
    qtbot.addWidget(window)
    window.show()
    window.open_case(sample_case)
    wait_idle(qtbot, window)
    panel = window.case_panel
    panel.select_ids([1])
    field = panel.details.findChild(QTextEdit, "sha256")
    qtbot.waitUntil(lambda: field.isVisible())
    sha = panel.details.artifact.sha256
    assert field.toPlainText() == sha and len(sha) == 64
    # Every line of the wrapped hash is inside the field: nothing clipped, nothing to scroll.
    layout = field.document().documentLayout()
    assert layout.documentSize().height() <= field.viewport().height() + 1
    assert layout.documentSize().width() <= field.viewport().width() + 1
    assert field.verticalScrollBar().maximum() == 0
    field.selectAll()
    assert field.textCursor().selectedText() == sha
    panel.details.findChild(QToolButton, "copySha256").click()
    assert QGuiApplication.clipboard().text() == sha


def _value_of(details, name: str) -> str | None:
    form = details.form
    for row in range(form.rowCount()):
        label = form.itemAt(row, form.ItemRole.LabelRole)
        if label is not None and label.widget().text() == name:
            return form.itemAt(row, form.ItemRole.FieldRole).widget().text()
    return None


def test_a_generated_image_names_its_record_and_its_note_in_the_ui_language(
    qtbot, generate_ready, sample_case
):
    window = generate_ready
    window.generate_panel.form.steps.setValue(2)
    window.generate_panel.generate()
    wait_idle(qtbot, window)
    with Case.open(sample_case) as case:
        (record,) = case.records("generation")
        output = case.artifact(output_id(record))
    details = window.case_panel.details
    window.case_panel.select_ids([output.id])
    assert details.artifact.id == output.id
    assert _value_of(details, "Origin") == f"made by generation record #{record.id}"
    assert _value_of(details, "Imported from") is None
    assert "workstation-generate-" not in " ".join(w.text() for w in details.findChildren(QLabel))
    assert _value_of(details, "Note") == output.note  # English as stored, in English
    old = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    try:
        details.show_artifact(output)
        seed = record.payload["params"]["seed"]
        assert _value_of(details, "Note") == f"生成图像，种子 {seed}"
        model = window.case_panel.model  # the thumbnail's tooltip too
        tip = model.index(model.row_of(output.id), 0).data(Qt.ItemDataRole.ToolTipRole)
        assert tip.endswith(f"生成图像，种子 {seed}")
    finally:
        QLocale.setDefault(old)
    # An imported file still names where it came from.
    details.show_artifact(window.session.artifact(1))
    assert _value_of(details, "Imported from").endswith("protected_work.png")


def test_load_times_give_an_estimate_and_are_remembered(tmp_path, models_dir, settings):
    model = models_dir / "tiny-sd"
    times = LoadTimes()
    assert times.estimate(model) is None
    times.add(model, 2.0)
    assert times.estimate(model) == 2.0
    assert times.rate == model_bytes(model) / 2.0
    other = models_dir / "tiny-style.safetensors"
    assert abs(times.estimate(other) - model_bytes(other) / times.rate) < 1e-9
    # The first load of a process also imports torch and diffusers: measured apart.
    times.add(model, 30.0, first_in_process=True)
    assert times.imports == 28.0
    assert times.estimate(model, first_in_process=True) == 30.0
    assert times.estimate(model) == 2.0
    settings.model_load_times = times
    again = Settings(QSettings(settings.store.fileName(), QSettings.Format.IniFormat))
    assert again.model_load_times == times


def test_the_model_stays_loaded_and_the_caption_says_how_long_a_load_takes(
    qtbot, generate_ready, settings
):
    window = generate_ready
    panel = window.generate_panel
    panel.form.steps.setValue(2)
    model = panel.form.model.currentData().path
    assert window.models.times.estimate(model) is None
    panel.generate()
    assert "no estimate yet" in panel.preview_caption.text()
    wait_idle(qtbot, window)
    # The load was timed, remembered in the settings, and the model kept.
    assert window.models.times.estimate(model) > 0
    assert settings.model_load_times.estimate(model) == window.models.times.estimate(model)
    panel.generate()
    assert panel.preview_caption.text() == "The model is already loaded; starting…"
    wait_idle(qtbot, window)


def test_warm_up_at_start_loads_the_generate_panels_model(qtbot, settings, models_dir):
    settings.model_folder = str(models_dir)
    settings.device = "cpu"
    settings.warm_up = True
    window = MainWindow(settings)
    qtbot.addWidget(window)
    form = window.generate_panel.form
    qtbot.waitUntil(lambda: form.model.count() > 0, timeout=JOB_TIMEOUT_MS)
    wait_idle(qtbot, window)
    assert window.models.is_loaded(form.model.currentData().path, "cpu", "auto")
    # Off by default: a window without the preference loads nothing.
    assert not Settings(QSettings(str(models_dir / "none.ini"), QSettings.Format.IniFormat)).warm_up


def test_a_holder_loads_once_for_two_uses(models_dir):
    holder = ModelHolder()
    model = models_dir / "tiny-sd"
    with holder.use(model, "cpu", "auto") as first:
        pass
    with holder.use(model, "cpu", "auto") as second:
        assert second is first
    assert holder.is_loaded(model, "cpu", "auto")
