"""A form that runs one long job into the open case: the Studies and Lab forms.

The job's life is the same for both: start it (signals wired, buttons switched), show its progress
text, say where the result went, report a failure, and return to idle. Subclasses build the job
and say how their buttons and progress look while it runs.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGroupBox, QLabel, QWidget

from workstation.core.progress import ProgressEvent
from workstation.gui.dialogs.errors import show_error
from workstation.gui.jobs import Job, JobRunner
from workstation.gui.session import CaseSession


class CaseJobForm(QGroupBox):
    finished = Signal(int)  # the new record's id

    def __init__(self, session: CaseSession, runner: JobRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.runner = runner
        self.job: Job | None = None
        self.status = QLabel()
        self.status.setWordWrap(True)

    # What subclasses provide.

    def _set_running(self, running: bool) -> None:
        raise NotImplementedError

    def _progress(self, event: ProgressEvent) -> None:
        if event.message and self.job is not None and not self.job.is_cancelled():
            self.status.setText(event.message)

    def _stopping_text(self) -> str:
        return self.tr("Stopping…")

    def _cancelled_text(self) -> str:
        return self.tr("Cancelled; the case is unchanged.")

    def _job_ended(self) -> None:
        """After the job, whatever its end (e.g. reset a progress bar)."""

    # The job's life.

    def start(self, job: Job) -> Job:
        job.signals.progress.connect(self._progress)
        job.signals.succeeded.connect(self._succeeded)
        job.signals.cancelled.connect(self._cancelled)
        job.signals.failed.connect(self._failed)
        job.signals.finished.connect(self._job_finished)
        self.job = job
        self.status.setText(self.tr("Starting…"))
        self._set_running(True)
        self.runner.start(job)
        return job

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.status.setText(self._stopping_text())

    def _succeeded(self, record_id: int) -> None:
        self.status.setText(self.tr("Stored as record #{id}.").format(id=record_id))
        self.session.refresh()
        self.finished.emit(record_id)

    def _cancelled(self) -> None:
        self.status.setText(self._cancelled_text())

    def _failed(self, message: str, bug: bool) -> None:
        self.status.setText(message)
        show_error(self, message, bug)

    def _job_finished(self) -> None:
        self.job = None
        self._job_ended()
        self._set_running(False)
