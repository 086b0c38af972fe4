"""The Case panel: artifacts as thumbnails and a table, details, an image's provenance, the audit
log, verification."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, QSize, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workstation.app.case import VerifyRequest, verify_case
from workstation.app.metadata import MetadataRequest, read_provenance
from workstation.app.provenance import stored_provenance
from workstation.core.case import ROLES, Artifact, Case, VerifyReport
from workstation.core.progress import ProgressEvent
from workstation.gui import labels
from workstation.gui.dialogs.errors import show_error
from workstation.gui.dialogs.verify_result import VerifyResultDialog
from workstation.gui.images import load_qimage
from workstation.gui.jobs import Job, JobRunner
from workstation.gui.session import CaseSession
from workstation.gui.widgets.artifact_model import (
    THUMB_SIDE,
    ArtifactFilter,
    ArtifactModel,
    ArtifactRole,
)
from workstation.gui.widgets.audit_model import AuditModel
from workstation.gui.widgets.details_pane import PREVIEW_SIDE, DetailsPane
from workstation.gui.widgets.provenance_view import ProvenanceView


class CasePanel(QWidget):
    new_case_requested = Signal()
    open_case_requested = Signal()
    compare_requested = Signal(int, str)  # artifact id, "a" or "b"
    init_image_requested = Signal(int)  # artifact id for img2img
    finding_requested = Signal(int)  # artifact id
    correction_requested = Signal(int)  # artifact id: correct its role or note
    recipe_to_generate = Signal(
        object
    )  # an image's recipe (analysis Recipe) for the Generate panel
    reproduce_requested = Signal(int)  # artifact id: regenerate it from its recipe
    status = Signal(str)

    def __init__(self, session: CaseSession, runner: JobRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.runner = runner
        self.model = ArtifactModel(self)
        self.proxy = ArtifactFilter(self)
        self.proxy.setSourceModel(self.model)
        self.audit = AuditModel(self)
        self._thumb_job: Job | None = None
        self._preview_job: Job | None = None
        self._provenance_job: Job | None = None
        self.verifying = False
        self.step_ids: set[int] = set()
        # Why the case cannot take the examiner's words now ("" when it can); set by the window.
        self.why_not_write: Callable[[], str] = lambda: ""
        self._build()
        session.opened.connect(self.reload)
        session.changed.connect(self._changed)
        self.reload()

    # 1. Layout

    def _build(self) -> None:
        self.role_filter = QComboBox()
        self.role_filter.setObjectName("roleFilter")
        self.role_filter.addItem(self.tr("All roles"), None)
        for role in ROLES:
            self.role_filter.addItem(labels.role(role), role)
        self.role_filter.currentIndexChanged.connect(
            lambda: self.proxy.set_role(self.role_filter.currentData())
        )
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Filter by name, note or SHA-256"))
        self.search.setClearButtonEnabled(True)
        self.role_filter.setToolTip(self.tr("Show only the artifacts of one role"))
        self.search.setToolTip(
            self.tr("Shows the artifacts whose name, note or SHA-256 contains this text")
        )
        self.search.textChanged.connect(self.proxy.set_text)
        self.show_steps = QCheckBox(self.tr("Show denoising steps"))
        self.show_steps.setObjectName("showSteps")
        self.show_steps.setToolTip(
            self.tr("Every generation keeps the picture of each denoising step in the case")
        )
        self.show_steps.toggled.connect(self._apply_step_filter)
        # Verification is started by Tools ▸ Verify Case (the toolbar); its result shows here.
        self.verify_label = QLabel()
        self.verify_label.setObjectName("verifyResult")
        self.verify_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        header = QHBoxLayout()
        header.addWidget(QLabel(self.tr("Show:")))
        header.addWidget(self.role_filter)
        header.addWidget(self.search, 1)
        header.addWidget(self.show_steps)
        header.addSpacing(12)
        header.addWidget(self.verify_label)

        self.grid = QListView()
        self.grid.setObjectName("thumbnails")
        self.grid.setViewMode(QListView.ViewMode.IconMode)
        self.grid.setIconSize(QSize(THUMB_SIDE, THUMB_SIDE))
        self.grid.setGridSize(QSize(THUMB_SIDE + 36, THUMB_SIDE + 40))
        self.grid.setResizeMode(QListView.ResizeMode.Adjust)
        self.grid.setMovement(QListView.Movement.Static)
        self.grid.setWordWrap(True)
        self.grid.setModel(self.proxy)
        self.grid.setModelColumn(ArtifactModel.NAME)

        self.table = QTableView()
        self.table.setObjectName("artifactTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(ArtifactModel.ID, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(
            ArtifactModel.NAME, QHeaderView.ResizeMode.Stretch
        )
        self.table.setIconSize(QSize(20, 20))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for view in (self.grid, self.table):
            view.setSelectionModel(self.grid.selectionModel())
            view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
            view.setDragEnabled(True)
            view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
            view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            view.customContextMenuRequested.connect(self._context_menu)
        self.grid.selectionModel().currentRowChanged.connect(self._current_changed)

        self.details = DetailsPane()
        self.details.records = self.session.records  # names the record that made an artifact
        self.audit_view = QTableView()
        self.audit_view.setObjectName("auditLog")
        self.audit_view.setModel(self.audit)
        self.audit_view.verticalHeader().hide()
        self.audit_view.setAlternatingRowColors(True)
        self.audit_view.setWordWrap(False)
        self.audit_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        audit_header = self.audit_view.horizontalHeader()
        audit_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        audit_header.setSectionResizeMode(AuditModel.SUMMARY, QHeaderView.ResizeMode.Stretch)
        self.provenance = ProvenanceView()
        self.provenance.send_requested.connect(self.recipe_to_generate)
        self.provenance.reproduce_requested.connect(self._reproduce_shown)
        self.side_tabs = QTabWidget()
        self.side_tabs.addTab(self.details, self.tr("Details"))
        self.side_tabs.addTab(self.provenance, self.tr("Provenance"))
        self.side_tabs.addTab(self.audit_view, self.tr("Audit log"))

        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.grid)
        left.addWidget(self.table)
        left.setSizes([320, 260])
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("caseSplitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.side_tabs)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)

        self.empty_hint = QLabel(
            self.tr(
                "This case holds no evidence yet. Drop files here, or use "
                "File ▸ Import Files (Ctrl+I)."
            )
        )
        self.empty_hint.setObjectName("emptyHint")
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_hint.setWordWrap(True)

        self.header = QWidget()
        header.setContentsMargins(0, 0, 0, 0)
        self.header.setLayout(header)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.empty_hint)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self._welcome(), 1)

    def _welcome(self) -> QWidget:
        """What the panel shows while no case is open."""
        self.welcome = QWidget()
        self.welcome.setObjectName("welcome")
        text = QLabel(
            self.tr(
                "No case is open. Create one with File ▸ New Case (Ctrl+N) "
                "or open one with File ▸ Open Case (Ctrl+O)."
            )
        )
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setWordWrap(True)
        new = QPushButton(self.tr("New Case…"))
        new.clicked.connect(self.new_case_requested)
        open_ = QPushButton(self.tr("Open Case…"))
        open_.clicked.connect(self.open_case_requested)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(new)
        buttons.addWidget(open_)
        buttons.addStretch(1)
        column = QVBoxLayout(self.welcome)
        column.addStretch(1)
        column.addWidget(text)
        column.addLayout(buttons)
        column.addStretch(2)
        return self.welcome

    # 2. Contents

    def reload(self) -> None:
        """Show the case just opened (or none)."""
        self.model.clear_thumbnails()
        self.model.set_artifacts([])
        self.audit.set_entries([])
        self.step_ids = set()
        self._apply_step_filter()
        self._changed()
        has_case = self.session.case is not None
        self.role_filter.setEnabled(has_case)
        self.search.setEnabled(has_case)
        self.verify_label.clear()
        self.select_ids([a.id for a in self.model.artifacts()[:1]])
        if not self.selected_ids():
            self.details.show_artifact(None)

    def _changed(self) -> None:
        """Add what is new in the case (after an import, a verification or any new record)."""
        self.model.set_artifacts(self.session.artifacts())
        self.audit.set_entries(self.session.audit_entries())
        step_ids = self.session.step_artifact_ids()
        if step_ids != self.step_ids:
            self.step_ids = step_ids
            self._apply_step_filter()
        has_case = self.session.case is not None
        self.welcome.setVisible(not has_case)
        for widget in (self.header, self.splitter):
            widget.setVisible(has_case)
        self.empty_hint.setVisible(has_case and not self.model.rowCount())
        self._load_thumbnails()

    def _apply_step_filter(self) -> None:
        self.proxy.set_hidden(set() if self.show_steps.isChecked() else self.step_ids)
        self.show_steps.setText(self.tr("Show denoising steps (%n)", "", len(self.step_ids)))
        self.show_steps.setVisible(bool(self.step_ids))

    def _load_thumbnails(self) -> None:
        if self._thumb_job is not None:
            self._thumb_job.cancel()
        case = self.session.case
        if case is None:
            self.model.clear_thumbnails()
            return
        wanted = [
            (a.sha256, case.object_path(a.sha256))
            for a in self.model.artifacts()
            if a.media_type.startswith("image/") and not self.model.has_thumbnail(a.sha256)
        ]
        if not wanted:
            return

        def work(job: Job) -> None:
            for number, (_sha, path) in enumerate(wanted, start=1):
                if job.is_cancelled():
                    return
                job.report(
                    ProgressEvent(number, len(wanted), preview=load_qimage(path, THUMB_SIDE))
                )

        job = Job(work, "thumbnails")
        job.signals.progress.connect(
            lambda event: self.model.set_thumbnail(wanted[event.step - 1][0], event.preview)
        )
        self._thumb_job = self.runner.start(job)

    # 3. Selection

    def selected_artifacts(self) -> list[Artifact]:
        rows = self.grid.selectionModel().selectedRows(ArtifactModel.NAME)
        return [index.data(ArtifactRole) for index in rows]

    def selected_ids(self) -> list[int]:
        return [artifact.id for artifact in self.selected_artifacts()]

    def select_ids(self, ids: list[int]) -> None:
        selection = self.grid.selectionModel()
        selection.clearSelection()
        for artifact_id in ids:
            row = self.model.row_of(artifact_id)
            if row is None:
                continue
            index = self.proxy.mapFromSource(self.model.index(row, ArtifactModel.NAME))
            flags = (
                QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
            )
            selection.select(index, flags)
            selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)

    def _current_changed(self, current) -> None:
        artifact = current.data(ArtifactRole) if current.isValid() else None
        self.details.show_artifact(artifact)
        if self.side_tabs.currentWidget() is not self.provenance:
            self.side_tabs.setCurrentWidget(self.details)
        self._read_provenance(artifact)
        if artifact is None or self.session.case is None:
            return
        if not artifact.media_type.startswith("image/"):
            self.details.preview.setText(
                self.tr("No preview for {type}.").format(type=artifact.media_type)
            )
            return
        if self._preview_job is not None:
            self._preview_job.cancel()
        path, sha = self.session.case.object_path(artifact.sha256), artifact.sha256
        job = Job(lambda job: load_qimage(path, PREVIEW_SIDE), "preview")
        job.signals.succeeded.connect(lambda image: self.details.set_preview(sha, image))
        self._preview_job = self.runner.start(job)

    def _read_provenance(self, artifact: Artifact | None) -> None:
        """What the image's own metadata says: its provenance record, made when it was imported
        (app/provenance.py), else read from its stored copy now (`workstation metadata` on the
        same bytes)."""
        if self._provenance_job is not None:
            self._provenance_job.cancel()
            self._provenance_job = None
        view = self.provenance
        view.sha256 = artifact.sha256 if artifact is not None else None
        if artifact is None or self.session.case is None:
            view.show_message(self.tr("Select an image to see what it says about its making."))
            return
        if not artifact.media_type.startswith("image/"):
            view.show_message(self.tr("Only images carry provenance metadata."))
            return
        view.show_message(self.tr("Reading the image's metadata…"))
        request, sha = MetadataRequest(image=self.session.object_path(artifact)), artifact.sha256
        root, artifact_id = self.session.case.root, artifact.id

        def work(job: Job) -> tuple:
            with Case.open(root, readonly=True) as case:  # this thread's own connection
                stored = stored_provenance(case, artifact_id)
            return (stored, True) if stored is not None else (read_provenance(request), False)

        job = Job(work, "provenance")
        job.signals.succeeded.connect(lambda found: self._provenance_read(sha, *found))
        job.signals.failed.connect(lambda message, _bug: self._provenance_read(sha, message))
        self._provenance_job = self.runner.start(job)

    def _provenance_read(self, sha256: str, found: object, stored: bool = False) -> None:
        if self.provenance.sha256 != sha256:
            return  # another artifact was selected meanwhile
        if isinstance(found, str):
            self.provenance.show_message(found)
        else:
            self.provenance.show_metadata(found, stored)

    def _reproduce_shown(self) -> None:
        artifact = self.details.artifact
        if artifact is not None and artifact.sha256 == self.provenance.sha256:
            self.reproduce_requested.emit(artifact.id)

    def _context_menu(self, position) -> None:
        menu = self.artifact_menu()
        if menu is not None:
            menu.exec(self.sender().viewport().mapToGlobal(position))

    def artifact_menu(self) -> QMenu | None:
        artifacts = self.selected_artifacts()
        if not artifacts:
            return None
        first = artifacts[0]
        menu = QMenu(self)
        menu.setToolTipsVisible(True)
        is_image = first.media_type.startswith("image/")
        for text, side in (
            (self.tr("Compare as image A"), "a"),
            (self.tr("Compare as image B"), "b"),
        ):
            action = menu.addAction(text)
            action.setEnabled(is_image)
            action.triggered.connect(
                lambda _=False, s=side: self.compare_requested.emit(first.id, s)
            )
        init = menu.addAction(self.tr("Use as init image (img2img)"))
        init.setEnabled(is_image)
        init.triggered.connect(lambda: self.init_image_requested.emit(first.id))
        menu.addSeparator()
        # The examiner's words about it: audited records, so off on a read-only case.
        why = self.why_not_write()
        finding = menu.addAction(self.tr("Add Finding…"))
        finding.triggered.connect(lambda: self.finding_requested.emit(first.id))
        correct = menu.addAction(self.tr("Correct Role or Note…"))
        correct.triggered.connect(lambda: self.correction_requested.emit(first.id))
        for action in (finding, correct):
            action.setEnabled(not why)
            action.setToolTip(why)
        menu.addSeparator()
        copy: QAction = menu.addAction(self.tr("Copy SHA-256"))
        copy.triggered.connect(self.copy_sha256)
        return menu

    def copy_sha256(self) -> None:
        artifacts = self.selected_artifacts()
        if artifacts:
            QGuiApplication.clipboard().setText("\n".join(a.sha256 for a in artifacts))
            self.status.emit(self.tr("Copied the SHA-256 of %n artifact(s).", "", len(artifacts)))

    # 4. Verification

    def verify(self, record: bool = False) -> None:
        """`workstation case verify [--record]`: reads only, unless a pass is to be logged (then
        the job gets the case's writer)."""
        if self.session.case is None or self.verifying:
            return
        request, writer = VerifyRequest(record=record), self.session.writer()
        self.verifying = True
        self.verify_label.setText(self.tr("Verifying…"))
        self.verify_label.setStyleSheet("")
        if record:
            job = Job(lambda job: verify_case(request, job.writer).report, "verify", writer=writer)
        else:
            job = Job(lambda job: verify_case(request, writer).report, "verify")
        job.signals.succeeded.connect(self._verified)
        job.signals.failed.connect(self._verify_failed)
        job.signals.finished.connect(self._verify_finished)
        self.runner.start(job)

    def _verify_finished(self) -> None:
        self.verifying = False

    def _verified(self, report: VerifyReport) -> None:
        if report.ok:
            self.verify_label.setText(self.tr("✔ Verified"))
            self.verify_label.setStyleSheet("color: #2e8b57; font-weight: bold;")
        else:
            self.verify_label.setText(self.tr("✘ %n problem(s)", "", len(report.problems)))
            self.verify_label.setStyleSheet("color: #d03030; font-weight: bold;")
        self.verify_label.setToolTip(self.tr("Chain head {head}").format(head=report.chain_head))
        self.session.refresh()
        self.result_dialog = VerifyResultDialog(report, self.why_not_write(), self)
        self.result_dialog.record_requested.connect(lambda: self.verify(record=True))
        self.result_dialog.open()

    def _verify_failed(self, message: str, bug: bool) -> None:
        self.verify_label.clear()
        show_error(self, message, bug)
