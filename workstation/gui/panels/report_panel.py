"""The Report panel: title, language and exhibits; build the PDF (`report.build_report`, as
`workstation report` does); open it with the system's viewer."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QLocale, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from workstation.gui import labels
from workstation.gui.dialogs.errors import show_error
from workstation.gui.jobs import Job, JobRunner
from workstation.gui.session import CaseSession
from workstation.gui.widgets.artifact_model import utc_time

REPORT_LANGUAGES = ("en", "zh")
EVIDENCE_ROLES = ("reference", "disputed")  # ticked by default when choosing exhibits by hand


class ReportPanel(QWidget):
    def __init__(self, session: CaseSession, runner: JobRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.runner = runner
        self.job: Job | None = None
        self.result = None
        self._build()
        session.opened.connect(self._case_opened)
        session.changed.connect(self._reload)
        self._case_opened()

    # 1. Layout

    def _build(self) -> None:
        self.title = QLineEdit()
        self.title.setObjectName("reportTitle")
        self.language = QComboBox()
        self.language.setObjectName("reportLanguage")
        for code in REPORT_LANGUAGES:
            self.language.addItem(labels.language(code), code)
        chinese = QLocale().language() == QLocale.Language.Chinese  # the window's language
        self.language.setCurrentIndex(self.language.findData("zh" if chinese else "en"))
        self.output = QLineEdit()
        self.output.setObjectName("reportOutput")
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._choose_output)
        output_row = QHBoxLayout()
        output_row.addWidget(self.output, 1)
        output_row.addWidget(browse)
        self.allow_unverified = QCheckBox(
            self.tr("Build even if stored files are missing or altered (they are marked in red)")
        )
        settings = QGroupBox(self.tr("Report"))
        form = QFormLayout(settings)
        form.addRow(self.tr("Title:"), self.title)
        form.addRow(self.tr("Language:"), self.language)
        form.addRow(self.tr("Save as:"), output_row)
        form.addRow(self.allow_unverified)

        self.all_exhibits = QRadioButton(
            self.tr("All evidence (pictures made for a record appear in its section)")
        )
        self.chosen_exhibits = QRadioButton(
            self.tr("Only the artifacts ticked below, in this order (drag to reorder)")
        )
        self.all_exhibits.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.all_exhibits)
        group.addButton(self.chosen_exhibits)
        self.exhibits = QListWidget()
        self.exhibits.setObjectName("exhibitList")
        self.exhibits.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.chosen_exhibits.toggled.connect(self.exhibits.setEnabled)
        self.exhibits.setEnabled(False)
        exhibits = QGroupBox(self.tr("Exhibits"))
        exhibit_column = QVBoxLayout(exhibits)
        exhibit_column.addWidget(self.all_exhibits)
        exhibit_column.addWidget(self.chosen_exhibits)
        exhibit_column.addWidget(self.exhibits, 1)

        self.build_button = QPushButton(self.tr("Build report"))
        self.build_button.setObjectName("buildReport")
        self.build_button.clicked.connect(self.build)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(lambda: self.job and self.job.cancel())
        self.progress = QProgressBar()
        self.open_button = QPushButton(self.tr("Open PDF"))
        self.open_button.setObjectName("openReport")
        self.open_button.clicked.connect(self.open_pdf)
        self.folder_button = QPushButton(self.tr("Show folder"))
        self.folder_button.clicked.connect(self.open_folder)
        actions = QHBoxLayout()
        for widget in (
            self.build_button,
            self.cancel_button,
            self.progress,
            self.open_button,
            self.folder_button,
        ):
            actions.addWidget(widget)
        actions.addStretch(1)
        self.status = QLabel()
        self.status.setObjectName("reportStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.history = QListWidget()
        self.history.setObjectName("reportHistory")
        self.history.itemDoubleClicked.connect(
            lambda item: self._open(Path(item.data(Qt.ItemDataRole.UserRole)))
        )
        history = QGroupBox(self.tr("Reports built from this case (double-click to open)"))
        QVBoxLayout(history).addWidget(self.history)

        left = QVBoxLayout()
        left.addWidget(settings)
        left.addWidget(exhibits, 1)
        columns = QHBoxLayout()
        columns.addLayout(left, 3)
        columns.addWidget(history, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addLayout(actions)
        layout.addWidget(self.status)
        self._busy(False)

    # 2. Contents

    def _case_opened(self) -> None:
        case = self.session.case
        self.title.clear()
        self.result = None
        self.exhibits.clear()
        if case is not None:
            self.title.setPlaceholderText(
                self.tr("Evidence report: {case}").format(case=case.info.title)
            )
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            self.output.setText(str(case.root / "reports" / f"report-{stamp}.pdf"))
        self._reload()

    def _reload(self) -> None:
        """Add new artifacts to the exhibit list (keeping ticks and order) and new reports."""
        listed = {
            self.exhibits.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.exhibits.count())
        }
        steps = self.session.step_artifact_ids()  # shown in their generation's section
        for artifact in self.session.artifacts():
            if artifact.id in listed or artifact.id in steps:
                continue
            item = QListWidgetItem(
                f"#{artifact.id}  {artifact.original_name}  ({labels.role(artifact.role)})"
            )
            item.setData(Qt.ItemDataRole.UserRole, artifact.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            chosen = artifact.role in EVIDENCE_ROLES
            item.setCheckState(Qt.CheckState.Checked if chosen else Qt.CheckState.Unchecked)
            self.exhibits.addItem(item)
        self.history.clear()
        for record in reversed(self.session.records("report")):
            p = record.payload
            item = QListWidgetItem(
                f"{utc_time(p.get('created', record.created_at))}  {p.get('title', '')}\n"
                f"{p.get('pages', '?')} p. · SHA-256 {str(p.get('sha256', ''))[:16]}…"
            )
            item.setData(Qt.ItemDataRole.UserRole, p.get("path", ""))
            item.setToolTip(f"{p.get('path', '')}\n{p.get('sha256', '')}")
            self.history.addItem(item)
        self._busy(self.job is not None)

    def chosen_ids(self) -> list[int] | None:
        if self.all_exhibits.isChecked():
            return None
        return [
            self.exhibits.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.exhibits.count())
            if self.exhibits.item(i).checkState() == Qt.CheckState.Checked
        ]

    def _choose_output(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save the report as"), self.output.text(), self.tr("PDF (*.pdf)")
        )
        if path:
            self.output.setText(path if path.lower().endswith(".pdf") else path + ".pdf")

    # 3. Building

    def build(self) -> Job | None:
        if self.session.case is None or self.job is not None:
            return None
        exhibits = self.chosen_ids()
        if exhibits == []:
            show_error(self, self.tr("Tick at least one artifact, or choose All evidence."))
            return None
        out = Path(self.output.text().strip()).expanduser()
        lang, title = self.language.currentData(), self.title.text().strip() or None
        allow_unverified = self.allow_unverified.isChecked()
        opener = self.session.opener()

        def work(job: Job):
            from workstation.report import ReportOptions, build_report  # reportlab: not at start

            options = ReportOptions(out, exhibits, lang, title, allow_unverified)
            out.parent.mkdir(parents=True, exist_ok=True)
            with opener() as case:
                return build_report(
                    case, options, on_progress=job.on_progress, is_cancelled=job.is_cancelled
                )

        job = Job(work, "report", commits=True)
        job.signals.progress.connect(self._progress)
        job.signals.succeeded.connect(self._built)
        job.signals.failed.connect(self._failed)
        job.signals.cancelled.connect(lambda: self.status.setText(self.tr("Cancelled.")))
        job.signals.finished.connect(lambda: self._busy(False))
        self.status.setText(self.tr("Re-hashing the evidence and laying out the report…"))
        self.job = self.runner.start(job)
        self._busy(True)
        return job

    def _busy(self, busy: bool) -> None:
        if not busy:
            self.job = None
        has_case = self.session.case is not None
        self.build_button.setEnabled(has_case and not busy)
        self.cancel_button.setVisible(busy)
        self.progress.setVisible(busy)
        ready = self.result is not None and self.result.path.is_file()
        self.open_button.setEnabled(ready and not busy)
        self.folder_button.setEnabled(ready and not busy)

    def _progress(self, done: int, total: int, _detail: object) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    def _built(self, result) -> None:
        self.result = result
        lines = [
            self.tr("Wrote {path}: {pages} page(s), {exhibits} exhibit(s), report ID {id}.").format(
                path=result.path, pages=result.pages, exhibits=result.exhibits, id=result.report_id
            ),
            self.tr(
                "SHA-256 {sha} (also in {file}); recorded in the case as record #{record}."
            ).format(sha=result.sha256, file=result.sha256_path.name, record=result.record_id),
        ]
        lines += [self.tr("Warning: {text}").format(text=w) for w in result.warnings]
        self.status.setText("\n".join(lines))
        self.session.refresh()

    def _failed(self, message: str, bug: bool) -> None:
        self.status.setText(self.tr("The report was not built."))
        show_error(self, message, bug)

    def open_pdf(self) -> None:
        if self.result is not None:
            self._open(self.result.path)

    def open_folder(self) -> None:
        if self.result is not None:
            self._open(self.result.path.parent)

    def _open(self, path: Path) -> None:
        if not path.exists():
            show_error(self, self.tr("{path} no longer exists.").format(path=path))
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
