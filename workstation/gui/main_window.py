"""The main window: menus, toolbar, status bar, dockable panels, drag-and-drop import."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QCloseEvent, QDesktopServices, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QProgressBar,
    QTabWidget,
    QWidget,
)

from workstation import APP_NAME
from workstation.app.case import CaseInitRequest
from workstation.app.evidence import ImportRequest, import_evidence
from workstation.app.examiner_records import FindingRow
from workstation.app.resources import ClipHolder, LoadTimes, ModelHolder
from workstation.core.case import Artifact, Record
from workstation.core.errors import WorkstationError
from workstation.gui import targets
from workstation.gui.case_edits import CaseEdits
from workstation.gui.dialogs.about import show_about
from workstation.gui.dialogs.errors import show_error
from workstation.gui.dialogs.help import SECTIONS, HelpWindow, analysis_section
from workstation.gui.dialogs.import_files import ImportDialog
from workstation.gui.dialogs.new_case import NewCaseDialog
from workstation.gui.dialogs.preferences import PreferencesDialog
from workstation.gui.jobs import Job, JobRunner
from workstation.gui.pair_state import PairState
from workstation.gui.panels.analysis_panel import AnalysisPanel
from workstation.gui.panels.case_panel import CasePanel
from workstation.gui.panels.compare_panel import ComparePanel
from workstation.gui.panels.findings_panel import FindingsPanel
from workstation.gui.panels.generate_panel import GeneratePanel
from workstation.gui.panels.records_panel import RecordsPanel, open_record
from workstation.gui.panels.report_panel import ReportPanel
from workstation.gui.session import CaseSession
from workstation.gui.settings import Settings
from workstation.gui.targets import Target
from workstation.gui.tools import ToolDialogs
from workstation.gui.widgets.dock_title import DockTitle
from workstation.gui.window_actions import WindowActions

PANELS = ("case", "generate", "compare", "analysis", "report", "findings", "records")


class MainWindow(QMainWindow):
    preferences_changed = Signal(str, str)  # old language, old theme

    def __init__(self, settings: Settings, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.settings = settings
        self.session = CaseSession(self)
        self.session.actor = settings.examiner
        self.runner = JobRunner(self)
        self.setAcceptDrops(True)
        self.setDockOptions(
            QMainWindow.DockOption.AllowTabbedDocks
            | QMainWindow.DockOption.AllowNestedDocks
            | QMainWindow.DockOption.AnimatedDocks
        )
        self.setTabPosition(Qt.DockWidgetArea.AllDockWidgetAreas, QTabWidget.TabPosition.North)

        # 1. Panels, each in a dock; all tabbed together by default.
        self.clips = ClipHolder()  # the window's CLIP model, kept loaded between jobs
        self.pair = PairState(self.session, self.runner, self, self.clips)
        self.pair.clip = settings.clip()
        self.case_panel = CasePanel(self.session, self.runner)
        # The window's generation model, kept loaded between jobs; load times are remembered.
        self.models = ModelHolder(settings.model_load_times, self._model_loaded)
        self.generate_panel = GeneratePanel(
            self.session, self.runner, self.models, settings=settings
        )
        self.compare_panel = ComparePanel(self.pair, self.runner)
        self.report_panel = ReportPanel(self.session, self.runner)
        self.findings_panel = FindingsPanel(self.session)
        self.records_panel = RecordsPanel(self.session)  # every record, reopened into its panel
        self.records_panel.open_requested.connect(lambda record_id: open_record(self, record_id))
        # Studies generate from the Generate panel's recipe; they and the lab measure with the
        # preferences' CLIP model.
        self.analysis_panel = AnalysisPanel(
            self.session,
            self.pair,
            self.runner,
            self.generate_panel.form.recipe,
            settings.clip,
            self.clips,
        )
        self.panels: dict[str, QWidget] = {
            "case": self.case_panel,
            "generate": self.generate_panel,
            "compare": self.compare_panel,
            "analysis": self.analysis_panel,
            "report": self.report_panel,
            "findings": self.findings_panel,
            "records": self.records_panel,
        }
        self.docks: dict[str, QDockWidget] = {}
        titles = self.panel_titles()
        for name in PANELS:
            dock = QDockWidget(titles[name], self)
            dock.setObjectName(f"{name}Dock")
            dock.setWidget(self.panels[name])
            # No close button: the View menu shows a panel, Reset Layout brings them all back.
            dock.setFeatures(
                QDockWidget.DockWidgetFeature.DockWidgetMovable
                | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            )
            title = DockTitle(dock, SECTIONS[name])
            title.help_requested.connect(self.show_help)
            dock.setTitleBarWidget(title)
            dock.topLevelChanged.connect(self._update_dock_titles)
            dock.dockLocationChanged.connect(self._update_dock_titles)
            self.docks[name] = dock
        self.help_window: HelpWindow | None = None
        self.reset_layout()

        # 2. Menus, toolbar, status bar.
        self.tools = ToolDialogs(self)  # Reproduce, Train, Models
        self.actions_ = WindowActions(self)
        self.case_label = QLabel()
        self.job_label = QLabel()
        self.job_progress = QProgressBar()
        self.job_progress.setMaximumWidth(180)
        self.job_progress.setRange(0, 0)
        self.job_progress.hide()
        self.statusBar().addWidget(self.case_label, 1)
        self.statusBar().addPermanentWidget(self.job_label)
        self.statusBar().addPermanentWidget(self.job_progress)
        self.runner.busy_changed.connect(self._busy_changed)
        self.case_panel.status.connect(lambda text: self.statusBar().showMessage(text, 4000))
        self.case_panel.new_case_requested.connect(self.new_case)
        self.case_panel.open_case_requested.connect(self.choose_case)
        self.case_panel.compare_requested.connect(self._compare_requested)
        self.case_panel.init_image_requested.connect(self._init_image_requested)
        self.case_panel.recipe_to_generate.connect(self.send_recipe_to_generate)
        self.case_panel.reproduce_requested.connect(self.reproduce_artifact)
        self._connect_examiner_edits()
        self.generate_panel.preferences_requested.connect(self.edit_preferences)
        self.generate_panel.set_preferences(settings.model_folder, settings.device)
        self.session.opened.connect(self._case_opened)
        self.session.changed.connect(self._update_title)
        if settings.warm_up:  # once the model scan has chosen the Generate panel's model
            self.generate_panel.form.model_changed.connect(self._warm_up)

        geometry, state = settings.window_layout()
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1440, 900)
        if state is not None:
            self.restoreState(state)
            self._update_dock_titles()
        self._case_opened()

    def panel_titles(self) -> dict[str, str]:
        return {
            "case": self.tr("Case"),
            "generate": self.tr("Generate"),
            "compare": self.tr("Compare"),
            "analysis": self.tr("Analysis"),
            "report": self.tr("Report"),
            "findings": self.tr("Findings"),
            "records": self.tr("Records"),
        }

    def reset_layout(self) -> None:
        """All panels tabbed in one area, the Case panel in front."""
        first = self.docks[PANELS[0]]
        for dock in self.docks.values():
            dock.setFloating(False)
            dock.show()
            self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
        for name in PANELS[1:]:
            self.tabifyDockWidget(first, self.docks[name])
        self._update_dock_titles()
        self.show_panel("case")

    def _update_dock_titles(self) -> None:
        """A tab names its panel: a tabbed dock's title bar shows only its "?"."""
        for dock in self.docks.values():
            tabbed = not dock.isFloating() and bool(self.tabifiedDockWidgets(dock))
            dock.titleBarWidget().set_tabbed(tabbed)

    def show_panel(self, name: str) -> None:
        dock = self.docks[name]
        dock.show()
        dock.raise_()

    def export_report(self) -> None:
        self.show_panel("report")
        self.report_panel.build_button.setFocus()

    def generate(self) -> None:
        self.show_panel("generate")
        self.generate_panel.generate()

    def run_comparison(self) -> None:
        self.show_panel("analysis")
        self.analysis_panel.tabs.setCurrentWidget(self.analysis_panel.pair_tab)
        self.pair.run(self.analysis_panel.pair_tab.prompt.text())

    def build_report(self) -> None:
        self.show_panel("report")
        self.report_panel.build()

    # 3. Cases

    def new_case(self) -> None:
        dialog = NewCaseDialog(self.settings.examiner, self.settings.organisation, self)
        dialog.accepted.connect(lambda: self._create_case(dialog.root(), dialog.request()))
        dialog.open()

    def _create_case(self, root: Path, request: CaseInitRequest) -> None:
        try:
            self.session.create(root, request)
        except WorkstationError as error:
            show_error(self, str(error))

    def choose_case(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Open a case folder"))
        if folder:
            self.open_case(Path(folder))

    def open_case(self, root: Path) -> bool:
        try:
            self.session.open(root)
        except WorkstationError as error:
            show_error(self, str(error))
            return False
        self.settings.add_recent_case(self.session.root)
        self.actions_.refresh_recent()
        return True

    def close_case(self) -> None:
        self.runner.cancel_all()
        self.session.close()

    def _case_opened(self) -> None:
        self._update_title()
        self.actions_.case_state_changed(self.session.case is not None)
        self.findings_panel.set_writable(self.edits.writable, self.edits.why_not())
        self.analysis_panel.pair_tab.update_finding_button()

    def _update_title(self) -> None:
        case = self.session.case
        if case is None:
            self.setWindowTitle(APP_NAME)
            self.case_label.setText(self.tr("No case open"))
            return
        title = case.info.title  # read now: amendments since opening show
        self.setWindowTitle(f"{title} — {APP_NAME}")
        entries = self.session.audit_entries()
        seq, head = (entries[-1].seq, entries[-1].hash) if entries else (0, "")
        self.case_label.setText(
            self.tr(
                "{title} · {count} artifact(s) · {entries} log entries · chain head {head}"
            ).format(
                title=title,
                count=len(self.session.artifacts()),
                entries=seq,
                head=head[:12],
            )
        )
        self.case_label.setToolTip(str(case.root))

    def open_case_folder(self) -> None:
        if self.session.root is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.session.root)))

    # 4. Importing

    def choose_files_to_import(self) -> None:
        if self.session.case is None:
            return
        files, _ = QFileDialog.getOpenFileNames(self, self.tr("Import files into the case"))
        if files:
            self.ask_import([Path(f) for f in files])

    def ask_import(self, paths: list[Path], role: str | None = None) -> ImportDialog | None:
        """Ask for role and note, then import (non-blocking; returns the dialog)."""
        if self.session.case is None:
            show_error(self, self.tr("Open or create a case first, then import files into it."))
            return None
        dialog = ImportDialog(paths, self)
        if role:
            dialog.set_role(role)
        dialog.accepted.connect(lambda: self.import_files(*dialog.values()))
        dialog.open()
        return dialog

    def import_files(self, paths: list[Path], role: str, note: str) -> Job:
        request = ImportRequest(files=tuple(paths), role=role, note=note)
        job = Job(
            lambda job: import_evidence(request, job.writer),
            "import",
            writer=self.session.writer(),
        )
        job.signals.succeeded.connect(self._imported)
        job.signals.failed.connect(lambda message, bug: show_error(self, message, bug))
        self.job_label.setText(self.tr("Importing %n file(s)…", "", len(paths)))
        return self.runner.start(job)

    def _imported(self, artifacts: list[Artifact]) -> None:
        self.session.refresh()
        self.case_panel.select_ids([a.id for a in artifacts])
        self.statusBar().showMessage(self.tr("Imported %n file(s).", "", len(artifacts)), 5000)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and self.session.case is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.ask_import(paths)

    # 5. Links between panels

    def _compare_requested(self, artifact_id: int, side: str) -> None:
        self.compare_panel.picker.set_side(side, artifact_id)
        self.show_panel("compare")

    def _init_image_requested(self, artifact_id: int) -> None:
        self.generate_panel.set_init_image(artifact_id)
        self.show_panel("generate")

    def send_recipe_to_generate(self, recipe) -> None:
        """The Provenance view's recipe in the Generate panel's fields; the status bar names
        what could not be filled."""
        missing = self.generate_panel.form.fill_from(recipe)
        self.show_panel("generate")
        if missing:
            text = self.tr("Filled from the recipe, except: {missing}.").format(
                missing=", ".join(missing)
            )
        else:
            text = self.tr("Filled every field from the recipe.")
        self.statusBar().showMessage(text, 10000)

    def reproduce_artifact(self, artifact_id: int) -> None:
        """Tools ▸ Reproduce for this image; its models are looked for at once when the
        preferences name a model folder."""
        dialog = self.tools.reproduce(artifact_id)
        if dialog.models.path() is not None and dialog.job is None:
            dialog.find_models()

    def show_target(self, finding: FindingRow) -> None:
        """Show what a finding is about: an artifact (or a record's figure) in the Case panel, a
        study or lab in its tab, a comparison's pair in the Pair tab, else the record's files."""
        about = finding.about
        if finding.geometry is not None and about.artifact_id is not None:
            # A shape drawn on the artifact: drawn again on it in the Compare panel.
            self.compare_panel.inspection.show_finding(about.artifact_id, finding.geometry)
            self.show_panel("compare")
            return
        record = targets.record_of(about, self.session) if about.record_id is not None else None
        if about.artifact_id is not None:
            ids = [about.artifact_id]
        elif record is None:
            return
        elif finding.figure:
            ids = [targets.figure_artifact(record, finding.figure)]
        elif self._show_record(record):
            return
        else:
            ids = [k.artifact_id for k in record.linked("output", "document", "figure")]
        panel = self.case_panel
        if set(ids) & panel.step_ids:
            panel.show_steps.setChecked(True)  # a denoising step is hidden until asked for
        panel.select_ids([i for i in ids if i is not None])
        self.show_panel("case")

    def _show_record(self, record: Record) -> bool:
        analysis = self.analysis_panel
        for tab in (analysis.studies_tab, analysis.lab_tab):
            if record.id in {r.id for r in tab.records.shown()}:
                tab.records.select(record.id)
                analysis.tabs.setCurrentWidget(tab)
                self.show_panel("analysis")
                return True
        if record.kind == "comparison" and self.pair.restore(record):  # its numbers as stored
            analysis.tabs.setCurrentWidget(analysis.pair_tab)
            self.show_panel("analysis")
            return True
        return False

    # 6. The examiner's words: findings, corrections, case properties

    def _connect_examiner_edits(self) -> None:
        self.edits = CaseEdits(self.session, self.runner, self)
        self.edits.done.connect(lambda text: self.statusBar().showMessage(text, 5000))
        analysis = self.analysis_panel
        self.case_panel.why_not_write = self.edits.why_not
        self.case_panel.finding_requested.connect(
            lambda artifact_id: self.edits.ask_finding(Target(artifact_id=artifact_id))
        )
        self.case_panel.correction_requested.connect(self.edits.ask_correction)
        for source in (analysis.studies_tab.records, analysis.lab_tab.records, analysis.pair_tab):
            source.why_not_write = self.edits.why_not
            source.finding_requested.connect(
                lambda record_id: self.edits.ask_finding(Target(record_id=record_id))
            )
        self.findings_panel.add_requested.connect(self.add_finding)
        self.findings_panel.withdraw_requested.connect(self.edits.ask_withdraw)
        self.findings_panel.open_requested.connect(self.show_target)
        self.findings_panel.table.selectionModel().selectionChanged.connect(
            lambda *_: self.compare_panel.inspection.select_finding(self.findings_panel.selected())
        )
        self.compare_panel.inspect_tools.record_requested.connect(
            lambda artifact_id, geometry: self.edits.ask_finding(
                Target(artifact_id=artifact_id), geometry
            )
        )

    def add_finding(self) -> None:
        """About the artifact selected in the Case panel, or anything the examiner picks."""
        ids = self.case_panel.selected_ids()
        self.edits.ask_finding(Target(artifact_id=ids[0]) if ids else None)

    def correct_artifact(self) -> None:
        ids = self.case_panel.selected_ids()
        if ids:
            self.edits.ask_correction(ids[0])
            return
        self.show_panel("case")
        self.statusBar().showMessage(
            self.tr("Select the artifact to correct in the Case panel first."), 5000
        )

    def case_properties(self) -> None:
        self.edits.ask_properties()

    # 7. Preferences, about, closing

    def edit_preferences(self) -> None:
        dialog = PreferencesDialog(self.settings, self)
        old = (self.settings.language, self.settings.theme)

        def accepted() -> None:
            dialog.apply()
            self.session.actor = self.settings.examiner
            self.pair.clip = self.settings.clip()
            self.generate_panel.set_preferences(self.settings.model_folder, self.settings.device)
            self.preferences_changed.emit(*old)

        dialog.accepted.connect(accepted)
        dialog.open()
        return dialog

    def about(self) -> None:
        show_about(self)

    def _model_loaded(self, times: LoadTimes) -> None:
        self.settings.model_load_times = times  # QSettings may be written from a worker thread

    def _warm_up(self) -> Job | None:
        """Preferences ▸ "Load the model when the window starts": the Generate panel's model,
        loaded in the background once, so the first generation finds it loaded."""
        self.generate_panel.form.model_changed.disconnect(self._warm_up)
        info = self.generate_panel.form.model.currentData()
        if info is None:
            return None
        device, holder = self.generate_panel.form.device, self.models
        job = Job(lambda job: holder.warm_up(info.path, device, "auto"), "warm-up")
        job.signals.failed.connect(
            lambda message, bug: self.statusBar().showMessage(
                self.tr("The model could not be loaded at start: {message}").format(
                    message=message
                ),
                10000,
            )
        )
        self.job_label.setText(self.tr("Loading the model…"))
        return self.runner.start(job)

    def show_help(self, section: str = "") -> HelpWindow:
        """Help ▸ User Guide (F1), or a panel's "?": the guide at that panel's section."""
        if section == "analysis":
            section = analysis_section(self.analysis_panel)
        if self.help_window is None:
            self.help_window = HelpWindow(self)
        self.help_window.show_section(section)
        return self.help_window

    def _busy_changed(self, busy: bool) -> None:
        self.job_progress.setVisible(busy)
        if not busy:
            self.job_label.clear()

    def save_layout(self) -> None:
        self.settings.save_window_layout(self.saveGeometry(), self.saveState())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Returns at once: jobs are cancelled and muted, and none is waited for beyond a moment
        (a model load cannot stop; its daemon thread ends with the process)."""
        self.save_layout()
        self.generate_panel.save_request()
        self.runner.abandon()
        self.runner.wait(300)
        self.session.close(emit=False)
        event.accept()
