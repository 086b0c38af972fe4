"""GUI tests: a real MainWindow on Qt's offscreen platform, with preferences in a temporary file."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from workstation.app.sample_case import build_sample_case
from workstation.gui.main_window import MainWindow
from workstation.gui.settings import Settings

# Before pytest-qt creates the QApplication: no window ever needs a display.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
JOB_TIMEOUT_MS = 30_000


@pytest.fixture(scope="package", autouse=True)
def gui_thread_collection(qapp):
    """As in the application: cyclic garbage collected on the GUI thread only, never in a job's
    worker thread (where destroying a Qt object crashes)."""
    from workstation.gui.gc_policy import GuiGarbageCollector

    collector = GuiGarbageCollector(qapp).start()
    yield collector
    collector.stop()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture(scope="session")
def sample_case_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("template") / "sample-case"
    build_sample_case(root).close()
    return root


@pytest.fixture
def sample_case(tmp_path: Path, sample_case_template: Path) -> Path:
    """A fresh copy of the bundled sample case (four images), safe to change."""
    root = tmp_path / "sample-case"
    shutil.copytree(sample_case_template, root)
    return root


@pytest.fixture
def window(qtbot, settings: Settings) -> MainWindow:
    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    yield window
    window.runner.cancel_all()
    window.runner.wait(JOB_TIMEOUT_MS)


def error_box(window) -> QMessageBox | None:
    boxes = [b for b in window.findChildren(QMessageBox, "errorBox") if b.isVisible()]
    return boxes[-1] if boxes else None


def wait_idle(qtbot, window: MainWindow, timeout: int = JOB_TIMEOUT_MS) -> None:
    """Wait until every background job of the window has finished and its slots have run."""
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=timeout)


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model folder as a user would set it: a tiny SD model and a LoRA for it."""
    from workstation.engine.tiny import build_tiny_lora, build_tiny_model

    folder = tmp_path_factory.mktemp("models")
    build_tiny_model(folder / "tiny-sd", "diffusers")
    build_tiny_lora(folder / "tiny-style.safetensors", "kohya", seed=1)
    return folder


@pytest.fixture
def generate_ready(qtbot, window: MainWindow, sample_case: Path, models_dir: Path) -> MainWindow:
    """The window on the sample case, its model folder scanned, the Generate panel in front."""
    window.open_case(sample_case)
    panel = window.generate_panel
    panel.set_preferences(str(models_dir), "cpu")
    qtbot.waitUntil(lambda: panel.form.model.count() > 0, timeout=JOB_TIMEOUT_MS)
    wait_idle(qtbot, window)
    window.show_panel("generate")
    panel.form.prompt.setPlainText("a lighthouse at dusk")
    panel.form.width_.setValue(64)
    panel.form.height_.setValue(64)
    return window
