"""Start the window: application object, preferences, translation, theme, and `--screenshot`."""

from __future__ import annotations

import logging
import os
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from workstation import APP_NAME, __version__
from workstation.app import first_start
from workstation.core.errors import WorkstationError
from workstation.gui import i18n, theme
from workstation.gui.dialogs.errors import show_error
from workstation.gui.gc_policy import GuiGarbageCollector
from workstation.gui.main_window import MainWindow
from workstation.gui.settings import Settings
from workstation.paths import ICON_FILE

log = logging.getLogger(__name__)
SCREENSHOT_SIZE = (1440, 900)
SCREENSHOT_TIMEOUT_MS = 60_000  # give up waiting for background work after this long


class Workstation:
    """The running application: one window, rebuilt when the language changes."""

    def __init__(self, app: QApplication, settings: Settings, language: str | None = None):
        self.app = app
        self.settings = settings
        self.language = language or settings.language
        self.system_style = app.style().name()
        self.translators = i18n.install(app, self.language)
        theme.apply(app, settings.theme, self.system_style)
        self.window = self._new_window()

    def _new_window(self) -> MainWindow:
        window = MainWindow(self.settings)
        window.preferences_changed.connect(self._preferences_changed)
        return window

    def _preferences_changed(self, old_language: str, old_theme: str) -> None:
        if self.settings.theme != old_theme:
            theme.apply(self.app, self.settings.theme, self.system_style)
        if self.settings.language == self.language:
            return
        if self.window.runner.busy:  # switch once the current work is done
            self.window.statusBar().showMessage(
                QCoreApplication.translate(
                    "Workstation", "The language changes when the current work has finished."
                )
            )
            self.window.runner.busy_changed.connect(self._switch_when_idle)
            return
        self._switch_language()

    def _switch_when_idle(self, busy: bool) -> None:
        if not busy:
            self.window.runner.busy_changed.disconnect(self._switch_when_idle)
            self._switch_language()

    def _switch_language(self) -> None:
        """Rebuild the window in the new language, on the same case and layout."""
        self.language = self.settings.language
        i18n.remove(self.app, self.translators)
        self.translators = i18n.install(self.app, self.language)
        old, root = self.window, self.window.session.root
        old.save_layout()
        self.window = self._new_window()
        if root is not None:
            self.window.open_case(root)
        self.window.show()
        old.close()
        old.deleteLater()

    def screenshot(self, target: Path) -> None:
        """Once start-up work is done, save the window as a PNG and quit."""
        window = self.window
        waited = {"ms": 0}

        def attempt() -> None:
            if window.runner.busy and waited["ms"] < SCREENSHOT_TIMEOUT_MS:
                waited["ms"] += 100
                QTimer.singleShot(100, attempt)
                return
            saved = window.grab().save(str(target), "PNG")
            if not saved:
                print(f"error: cannot write {target}", file=sys.stderr)
            self.app.exit(0 if saved else 2)

        QTimer.singleShot(300, attempt)  # let the first layout and paint happen


def run(
    case_dir: Path | None = None, screenshot: Path | None = None, language: str | None = None
) -> int:
    _choose_platform(screenshot is not None)
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("aigc-evidence-workstation")  # installer/linux/…desktop
    app.setWindowIcon(QIcon(str(ICON_FILE)))
    settings = Settings()
    if case_dir is None:
        case_dir = _case_to_start_on(settings)
    workstation = Workstation(app, settings, language)
    window = workstation.window
    if case_dir is not None:
        try:
            window.session.open(case_dir)  # a WorkstationError reaches the CLI: one line, exit 2
        except BaseException:
            # Start-up jobs (the model scan) must end before their window goes away.
            window.runner.cancel_all()
            window.runner.wait()
            raise
        window.settings.add_recent_case(window.session.root)
        window.actions_.refresh_recent()
    if screenshot is not None:
        window.resize(*SCREENSHOT_SIZE)
        workstation.screenshot(screenshot)
    else:
        sys.excepthook = _show_bug
    window.show()
    collector = GuiGarbageCollector(app).start()  # cyclic GC on the GUI thread only
    try:
        return app.exec()
    finally:
        collector.stop()


def _case_to_start_on(settings: Settings) -> Path | None:
    """With no case named: the case opened last, where it still is; else (the first start) the
    sample case in the user's data folder, made now unless an earlier start made it."""
    for root in settings.recent_cases:
        if (Path(root) / "case.sqlite").is_file():
            return Path(root)
    try:
        return first_start.prepare().sample_case
    except (OSError, WorkstationError) as error:  # e.g. a read-only home: open without it
        log.warning("no sample case: %s", error)
        return None


def _choose_platform(screenshot: bool) -> None:
    """Without a display, a screenshot renders offscreen; a window cannot open at all (Qt would
    abort with a message about its platform plugin)."""
    no_display = sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )
    if not no_display or os.environ.get("QT_QPA_PLATFORM"):
        return
    if not screenshot:
        raise WorkstationError(
            "no display to open the window on (DISPLAY is not set); run it in a desktop session,"
            " or use --screenshot, which works without one"
        )
    os.environ["QT_QPA_PLATFORM"] = "offscreen"


def _show_bug(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
    """An exception nobody caught in a slot: log it in full, tell the user in one line."""
    log.error("".join(traceback.format_exception(kind, error, tb)))
    if isinstance(error, WorkstationError):
        show_error(QApplication.activeWindow(), str(error))
    else:
        show_error(QApplication.activeWindow(), f"{kind.__name__}: {error}", bug=True)
