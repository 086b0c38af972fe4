"""The Report panel: title, language, structure (expert report or appraisal opinion) and
exhibits; build the PDF (`report.build_report`, as `workstation report` does), which is stored in
the case; optionally export a copy (asking before replacing a file); open the stored copy with the
system's viewer."""

from __future__ import annotations

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
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from workstation.app.report import (
    ReportCheckRequest,
    ReportRequest,
    build_stored_report,
    check_report,
    export_stored,
)
from workstation.core.case import Record
from workstation.core.errors import WorkstationError
from workstation.core.progress import ProgressEvent
from workstation.gui import labels
from workstation.gui.dialogs.errors import show_error
from workstation.gui.dialogs.report_check import ReportCheckDialog
from workstation.gui.jobs import Job, JobRunner
from workstation.gui.session import CaseSession
from workstation.gui.widgets.artifact_model import utc_time
from workstation.report.options import STYLES

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
        self.style = QComboBox()
        self.style.setObjectName("reportStyle")
        names = {
            "expert": self.tr("Expert report"),
            "appraisal": self.tr("Appraisal opinion (司法鉴定意见书)"),
        }
        for code in STYLES:
            self.style.addItem(names[code], code)
        self.style.setToolTip(
            self.tr(
                "Expert report: instructions and scope, materials, methods, results with your "
                "findings, limitations, declaration and signature.\nAppraisal opinion: the "
                "sections of a Chinese judicial appraisal opinion on electronic data (basic "
                "information, case summary, examination, analysis, opinion, signature, "
                "attachments), with SHA-256 and SM3 check values."
            )
        )
        self.output = QLineEdit()
        self.output.setObjectName("reportOutput")
        self.output.setPlaceholderText(
            self.tr("Optional: the report is stored in the case; a copy can also go here")
        )
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._choose_output)
        self.title.setToolTip(self.tr("Printed on the cover; empty: the case's title"))
        self.language.setToolTip(self.tr("The report's language, whatever the window's"))
        self.output.setToolTip(
            self.tr("Optional: a copy of the PDF with its .sha256 file is also written here")
        )
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
        form.addRow(self.tr("Structure:"), self.style)
        form.addRow(self.tr("Export a copy to:"), output_row)
        form.addRow(self.allow_unverified)

        self.all_exhibits = QRadioButton(
            self.tr("All evidence (pictures made for a record appear in its section)")
        )
        self.chosen_exhibits = QRadioButton(
            self.tr("Only the artifacts ticked below, in this order (drag to reorder)")
        )
        self.all_exhibits.setChecked(True)
        self.allow_unverified.setToolTip(
            self.tr("Otherwise the report is refused while a stored file fails its hash")
        )
        self.all_exhibits.setToolTip(self.tr("Every artifact of the case is an exhibit"))
        self.chosen_exhibits.setToolTip(
            self.tr("Only the ticked artifacts are exhibits, numbered in the order shown")
        )
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
        self.folder_button = QPushButton(self.tr("Show exported copy"))
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
        self.history.itemSelectionChanged.connect(self._history_selected)
        self.export_button = QPushButton(self.tr("Export a copy…"))
        self.export_button.setObjectName("exportReport")
        self.export_button.clicked.connect(self.export_selected)
        history = QGroupBox(self.tr("Reports stored in this case (double-click to open)"))
        history_column = QVBoxLayout(history)
        self.check_button = QPushButton(self.tr("Check a report file…"))
        self.check_button.setObjectName("checkReport")
        self.check_button.setToolTip(
            self.tr(
                "Is a PDF a report of this case, unchanged, and does the case still hold the "
                "chain head it was made from? (workstation report-verify)"
            )
        )
        self.check_button.clicked.connect(self._choose_report_to_check)
        history_buttons = QHBoxLayout()
        history_buttons.addWidget(self.export_button)
        history_buttons.addWidget(self.check_button)
        history_column.addWidget(self.history)
        history_column.addLayout(history_buttons)

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
        self.output.clear()
        self._reload()

    def _reload(self) -> None:
        """Add new artifacts to the exhibit list (keeping ticks and order) and new reports."""
        listed = {
            self.exhibits.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.exhibits.count())
        }
        steps = self.session.step_artifact_ids()  # shown in their generation's section
        for artifact in self.session.artifacts():
            if artifact.id in listed or artifact.id in steps or artifact.role == "report":
                continue  # a stored report is never an exhibit of a later one
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
            path = self._stored_copy(record)
            item.setData(Qt.ItemDataRole.UserRole, str(path) if path else "")
            item.setData(Qt.ItemDataRole.UserRole + 1, p.get("sha256", ""))
            item.setToolTip(f"{p.get('report_id', '')}\n{path or ''}\n{p.get('sha256', '')}")
            self.history.addItem(item)
        self._history_selected()
        self._busy(self.job is not None)

    def _stored_copy(self, record: Record) -> Path | None:
        """The report's PDF in the object store; for a report recorded before reports were
        stored, the file it was written to."""
        case = self.session.case
        for link in record.linked("document"):
            artifact = self.session.artifact(link.artifact_id) if link.artifact_id else None
            if artifact is not None and case is not None:
                return case.object_path(artifact.sha256)
        path = record.payload.get("path")
        return Path(path) if isinstance(path, str) and path else None

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
            self,
            self.tr("Export a copy of the report to"),
            self.output.text(),
            self.tr("PDF (*.pdf)"),
            options=QFileDialog.Option.DontConfirmOverwrite,  # build() asks, with the .sha256
        )
        if path:
            self.output.setText(path if path.lower().endswith(".pdf") else path + ".pdf")

    # 3. Building

    def request(self, force: bool = False) -> ReportRequest:
        """The report as `workstation report` takes it (app/report.py)."""
        text = self.output.text().strip()
        return ReportRequest(
            out=Path(text).expanduser() if text else None,
            force=force,
            exhibits=tuple(self.chosen_ids() or ()),
            lang=self.language.currentData(),
            style=self.style.currentData(),
            title=self.title.text().strip() or None,
            allow_unverified=self.allow_unverified.isChecked(),
        )

    def build(self) -> Job | None:
        if self.session.case is None or self.job is not None:
            return None
        if self.chosen_ids() == []:
            show_error(self, self.tr("Tick at least one artifact, or choose All evidence."))
            return None
        out = self.request().out
        if out is None and self.session.case.readonly:
            show_error(
                self,
                self.tr(
                    "This case is read-only (read-only media or no write permission), so the "
                    "report cannot be stored in it. Choose a file to export it to."
                ),
            )
            return None
        force = out is not None and self._replace_confirmed(out)
        if force is None:
            self.status.setText(self.tr("Not built: the existing file was kept."))
            return None
        request = self.request(force)
        job = Job(
            lambda job: build_stored_report(request, job.writer, runtime=job.runtime()),
            "report",
            writer=self.session.writer(),
        )
        job.signals.progress.connect(self._progress)
        job.signals.succeeded.connect(self._built)
        job.signals.failed.connect(self._failed)
        job.signals.cancelled.connect(lambda: self.status.setText(self.tr("Cancelled.")))
        job.signals.finished.connect(lambda: self._busy(False))
        self.status.setText(self.tr("Re-hashing the evidence and laying out the report…"))
        self.job = self.runner.start(job)
        self._busy(True)
        return job

    def _replace_confirmed(self, out: Path) -> bool | None:
        """False when `out` (and its .sha256) are free, True when the user agreed to replace
        them, None when they did not."""
        taken = [p for p in (out, out.with_name(out.name + ".sha256")) if p.exists()]
        if not taken:
            return False
        answer = QMessageBox.question(
            self,
            self.tr("Replace the file?"),
            self.tr("{path} already exists. Replace it with the new report?").format(path=taken[0]),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return True if answer == QMessageBox.StandardButton.Yes else None

    def _busy(self, busy: bool) -> None:
        if not busy:
            self.job = None
        has_case = self.session.case is not None
        self.build_button.setEnabled(has_case and not busy)
        self.check_button.setEnabled(has_case)
        self.cancel_button.setVisible(busy)
        self.progress.setVisible(busy)
        ready = self.result is not None and self.result.path.is_file()
        exported = self.result is not None and self.result.export is not None
        self.open_button.setEnabled(ready and not busy)
        self.folder_button.setEnabled(exported and not busy)

    def _progress(self, event: ProgressEvent) -> None:
        self.progress.setRange(0, event.total)
        self.progress.setValue(event.step)

    def _built(self, result) -> None:
        self.result = result
        lines = [
            self.tr(
                "Built report {id}: {pages} page(s), {exhibits} exhibit(s), SHA-256 {sha}."
            ).format(
                id=result.report_id, pages=result.pages, exhibits=result.exhibits, sha=result.sha256
            )
        ]
        if result.stored:
            lines.append(
                self.tr("Stored in the case as record #{record} (artifact #{artifact}).").format(
                    record=result.record_id, artifact=result.artifact_id
                )
            )
        else:
            lines.append(
                self.tr(
                    "The case is read-only: the report was NOT stored in it; it exists only as "
                    "the exported file."
                )
            )
        if result.export is not None:
            lines.append(
                self.tr("Exported a copy to {path} (SHA-256 also in {file}).").format(
                    path=result.export, file=result.sha256_path.name
                )
            )
        lines += [self.tr("Warning: {text}").format(text=w) for w in result.warnings]
        self.status.setText("\n".join(lines))
        self.session.refresh()

    def _failed(self, message: str, bug: bool) -> None:
        self.status.setText(self.tr("The report was not built."))
        show_error(self, message, bug)

    def open_pdf(self) -> None:
        """Open the stored copy (the exported file only when the case could not store it)."""
        if self.result is not None:
            self._open(self.result.path)

    def open_folder(self) -> None:
        if self.result is not None and self.result.export is not None:
            self._open(self.result.export.parent)

    # 4. Exporting a stored report

    def _history_selected(self) -> None:
        item = self.history.currentItem()
        stored = item is not None and Path(item.data(Qt.ItemDataRole.UserRole) or "").is_file()
        self.export_button.setEnabled(bool(stored))

    def export_selected(self) -> None:
        """Copy the selected stored report to a file the user chooses (the dialog asks before
        replacing one), with its .sha256 beside it."""
        item = self.history.currentItem()
        if item is None:
            return
        stored, sha256 = (
            Path(item.data(Qt.ItemDataRole.UserRole)),
            item.data(Qt.ItemDataRole.UserRole + 1),
        )
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export a copy of the report"), stored.name, self.tr("PDF (*.pdf)")
        )
        if not path:
            return
        out = Path(path if path.lower().endswith(".pdf") else path + ".pdf")
        if str(out) != path and self._replace_confirmed(out) is None:
            return  # the dialog asked about the name without ".pdf"
        try:
            export_stored(stored, sha256, out, force=True)
        except (WorkstationError, OSError) as error:
            show_error(self, str(error))
            return
        self.status.setText(self.tr("Exported a copy to {path}.").format(path=out))

    # 5. Checking a report file

    def _choose_report_to_check(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Check a report file"), "", self.tr("PDF (*.pdf)")
        )
        if path:
            self.check_file(Path(path))

    def check_file(self, pdf: Path) -> Job | None:
        """Check `pdf` against its .sha256 and the open case, as `report-verify --case` does."""
        if self.session.case is None:
            return None
        request = ReportCheckRequest(pdf=pdf, case=self.session.root)
        job = Job(lambda job: check_report(request), "check report")
        job.signals.succeeded.connect(self._checked)
        job.signals.failed.connect(lambda message, bug: show_error(self, message, bug))
        self.status.setText(self.tr("Checking {file}…").format(file=pdf.name))
        return self.runner.start(job)

    def _checked(self, check) -> None:
        self.status.clear()
        self.check_dialog = ReportCheckDialog(check, self)
        self.check_dialog.open()

    def _open(self, path: Path) -> None:
        if not path.exists():
            show_error(self, self.tr("{path} no longer exists.").format(path=path))
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
