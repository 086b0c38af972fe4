"""The main window's actions, menus and toolbar, with their keyboard shortcuts."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QStyle, QToolBar

if TYPE_CHECKING:
    from workstation.gui.main_window import MainWindow

Key = QKeySequence.StandardKey
Pixmap = QStyle.StandardPixmap
PANEL_KEYS = ("Ctrl+1", "Ctrl+2", "Ctrl+3", "Ctrl+4", "Ctrl+5", "Ctrl+6", "Ctrl+7")


class WindowActions(QObject):
    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window
        w = window

        # 1. Actions
        self.new_case = self._action(
            self.tr("&New Case…"),
            w.new_case,
            Key.New,
            Pixmap.SP_FileDialogNewFolder,
            self.tr("Create a new case folder"),
        )
        self.open_case = self._action(
            self.tr("&Open Case…"),
            w.choose_case,
            Key.Open,
            Pixmap.SP_DialogOpenButton,
            self.tr("Open an existing case"),
        )
        self.close_case = self._action(self.tr("&Close Case"), w.close_case, Key.Close)
        self.import_files = self._action(
            self.tr("&Import Files…"),
            w.choose_files_to_import,
            "Ctrl+I",
            Pixmap.SP_FileIcon,
            self.tr("Copy files into the case (or drop them on the window)"),
        )
        self.export_report = self._action(
            self.tr("&Export Report…"),
            w.export_report,
            "Ctrl+E",
            Pixmap.SP_DialogSaveButton,
            self.tr("Choose exhibits and build the PDF report"),
        )
        self.open_folder = self._action(self.tr("Show Case &Folder"), w.open_case_folder)
        self.quit = self._action(self.tr("&Quit"), w.close, Key.Quit)
        self.quit.setMenuRole(QAction.MenuRole.QuitRole)

        self.copy_sha = self._action(
            self.tr("&Copy SHA-256"), w.case_panel.copy_sha256, "Ctrl+Shift+C"
        )
        self.preferences = self._action(self.tr("&Preferences…"), w.edit_preferences, "Ctrl+,")
        self.preferences.setMenuRole(QAction.MenuRole.PreferencesRole)

        self.reset_layout = self._action(self.tr("&Reset Layout"), w.reset_layout)
        self.full_screen = self._action(
            self.tr("&Full Screen"), self._toggle_full_screen, Key.FullScreen
        )

        self.verify = self._action(
            self.tr("&Verify Case"),
            w.case_panel.verify,
            "Ctrl+Shift+V",
            Pixmap.SP_DialogApplyButton,
            self.tr("Re-hash every stored file and check the audit chain"),
        )

        # The examiner's words: audited records, so off on a read-only case (the tooltip says why).
        self.add_finding = self._action(
            self.tr("Add &Finding…"),
            w.add_finding,
            "Ctrl+Shift+F",
            None,
            self.tr("Record a finding about an artifact, a record or one of its figures"),
        )
        self.correct_artifact = self._action(
            self.tr("&Correct Role or Note…"),
            w.correct_artifact,
            None,
            None,
            self.tr("Correct the selected artifact's role or note by an amendment"),
        )
        self.case_properties = self._action(
            self.tr("&Properties…"),
            w.case_properties,
            None,
            None,
            self.tr("The case number, court, parties and other particulars, with their history"),
        )
        for action in (self.add_finding, self.correct_artifact, self.case_properties):
            action.setMenuRole(QAction.MenuRole.NoRole)  # not moved to macOS's app menu
        self.write_tips = {
            action: action.toolTip() for action in (self.add_finding, self.correct_artifact)
        }

        self.generate = self._action(
            self.tr("&Generate"),
            w.generate,
            "Ctrl+Return",
            None,
            self.tr("Generate with the settings of the Generate panel"),
        )
        self.compare = self._action(
            self.tr("&Run Comparison"),
            w.run_comparison,
            "Ctrl+R",
            None,
            self.tr("Compute every metric for images A and B"),
        )
        self.build_report = self._action(
            self.tr("&Build Report"),
            w.build_report,
            "Ctrl+B",
            None,
            self.tr("Build the PDF report with the Report panel's choices"),
        )

        # Operations without a panel of their own, each in a dialog (gui/tools.py).
        self.reproduce = self._action(
            self.tr("Re&produce an Image…"),
            w.tools.reproduce,
            None,
            None,
            self.tr("Regenerate a disputed image from its recorded recipe and compare"),
        )
        self.train = self._action(
            self.tr("&Train a Model…"),
            w.tools.train,
            None,
            None,
            self.tr("Train a LoRA or a small UNet on a folder of captioned images"),
        )
        self.models = self._action(
            self.tr("&Models…"),
            w.tools.models,
            None,
            None,
            self.tr(
                "List a model folder's files with their kinds and hashes; read a LoRA's "
                "training metadata"
            ),
        )

        self.guide = self._action(
            self.tr("&User Guide"),
            w.show_help,
            Key.HelpContents,
            None,
            self.tr("How to examine a case, and what each measurement means and does not mean"),
        )
        self.about = self._action(self.tr("&About"), w.about)
        self.about.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_qt = self._action(self.tr("About &Qt"), QApplication.aboutQt)

        # 2. Menus
        bar = w.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        file_menu.addActions([self.new_case, self.open_case])
        self.recent_menu = file_menu.addMenu(self.tr("Open &Recent"))
        file_menu.addAction(self.close_case)
        file_menu.addSeparator()
        file_menu.addActions([self.import_files, self.export_report])
        file_menu.addSeparator()
        file_menu.addAction(self.open_folder)
        file_menu.addSeparator()
        file_menu.addAction(self.quit)

        edit_menu = bar.addMenu(self.tr("&Edit"))
        edit_menu.addAction(self.copy_sha)
        edit_menu.addSeparator()
        edit_menu.addAction(self.preferences)

        case_menu = bar.addMenu(self.tr("&Case"))
        case_menu.setToolTipsVisible(True)
        case_menu.addActions([self.add_finding, self.correct_artifact])
        case_menu.addSeparator()
        case_menu.addAction(self.case_properties)

        view_menu = bar.addMenu(self.tr("&View"))
        self.panel_actions = {}
        titles = w.panel_titles()
        for name, key in zip(w.docks, PANEL_KEYS, strict=True):
            action = self._action(titles[name], lambda _=False, n=name: w.show_panel(n), key)
            self.panel_actions[name] = action
            view_menu.addAction(action)
        view_menu.addSeparator()
        self.toolbar = QToolBar(self.tr("Main toolbar"), w)
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        view_menu.addAction(self.toolbar.toggleViewAction())
        view_menu.addActions([self.reset_layout, self.full_screen])

        tools_menu = bar.addMenu(self.tr("&Tools"))
        tools_menu.addActions([self.verify, self.generate, self.compare, self.build_report])
        tools_menu.addSeparator()
        tools_menu.addActions([self.reproduce, self.train, self.models])

        help_menu = bar.addMenu(self.tr("&Help"))
        help_menu.addActions([self.guide, self.about, self.about_qt])

        # 3. Toolbar
        self.toolbar.addActions([self.new_case, self.open_case])
        self.toolbar.addSeparator()
        self.toolbar.addActions([self.import_files, self.verify, self.export_report])
        w.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)
        self.refresh_recent()

    def _action(
        self,
        text: str,
        slot: Callable,
        shortcut: str | Key | None = None,
        icon: Pixmap | None = None,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self.window)
        # Toolbar text: no mnemonic, also not the "(&N)" form Chinese menus use, no ellipsis.
        action.setIconText(re.sub(r"\(&\w\)|&", "", text).rstrip("…").strip())
        if icon is not None:
            action.setIcon(self.window.style().standardIcon(icon))
        if isinstance(shortcut, str):
            action.setShortcut(QKeySequence(shortcut))
        elif shortcut is not None:
            action.setShortcuts(shortcut)
        if tip:
            shown = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            action.setStatusTip(tip)
            action.setToolTip(f"{tip} ({shown})" if shown else tip)
        action.triggered.connect(lambda _=False: slot())
        self.window.addAction(action)  # shortcuts work even when the menu bar is hidden
        return action

    def refresh_recent(self) -> None:
        self.recent_menu.clear()
        recent = self.window.settings.recent_cases
        for number, path in enumerate(recent, start=1):
            action = self.recent_menu.addAction(f"&{number}  {path}")
            action.triggered.connect(lambda _=False, p=path: self.window.open_case(Path(p)))
        if recent:
            self.recent_menu.addSeparator()
            clear = self.recent_menu.addAction(self.tr("Clear List"))
            clear.triggered.connect(self._clear_recent)
        self.recent_menu.setEnabled(bool(recent))

    def _clear_recent(self) -> None:
        self.window.settings.clear_recent_cases()
        self.refresh_recent()

    def case_state_changed(self, has_case: bool) -> None:
        for action in (
            self.close_case,
            self.import_files,
            self.export_report,
            self.open_folder,
            self.copy_sha,
            self.verify,
            self.case_properties,
        ):
            action.setEnabled(has_case)
        why_not = self.window.edits.why_not() if has_case else ""
        for action, tip in self.write_tips.items():
            action.setEnabled(has_case and not why_not)
            action.setToolTip(why_not or tip)

    def _toggle_full_screen(self) -> None:
        w = self.window
        w.showNormal() if w.isFullScreen() else w.showFullScreen()
