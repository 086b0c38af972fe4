"""The examiner's own words in the case: findings, withdrawals, and amendments of the case's
properties and of an artifact's role or note.

Each `ask_…` opens a dialog (non-blocking); its answer becomes one request of app/case.py or
app/findings.py (the ones `workstation case amend` and `finding add` build), run as a job with
the session's writer; every change is an audited record. Nothing is edited in place. When the job
has written, the session is re-read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from workstation.app import examiner_records
from workstation.app.case import AmendRequest, amend
from workstation.app.case_writer import CaseWriter
from workstation.app.findings import FindingRequest, add_finding
from workstation.gui import labels, targets
from workstation.gui.dialogs.case_properties import CasePropertiesDialog
from workstation.gui.dialogs.correct_artifact import CorrectArtifactDialog
from workstation.gui.dialogs.errors import show_error
from workstation.gui.dialogs.finding import FindingDialog
from workstation.gui.dialogs.withdraw import WithdrawDialog
from workstation.gui.jobs import Job, JobRunner
from workstation.gui.session import CaseSession
from workstation.gui.targets import Target


class CaseEdits(QObject):
    done = Signal(str)  # one line for the status bar, after a job has written

    def __init__(self, session: CaseSession, runner: JobRunner, window: QWidget):
        super().__init__(window)
        self.session = session
        self.runner = runner
        self.window = window

    # 1. Whether the case can take them

    @property
    def writable(self) -> bool:
        return self.session.case is not None and not self.session.case.readonly

    def why_not(self) -> str:
        """Why the write actions are off ("" when they are on): a tooltip for them."""
        if self.session.case is None:
            return self.tr("Open a case first.")
        if self.session.case.readonly:
            return self.tr(
                "This case is open read-only (read-only media or no write permission): it can be "
                "examined, verified and reported, but not changed."
            )
        return ""

    # 2. Dialogs

    def ask_finding(
        self, about: Target | None = None, geometry: dict | None = None
    ) -> FindingDialog:
        """`geometry`: a shape drawn on the artifact `about` (the Compare panel's tools)."""
        dialog = FindingDialog(self.session, about, self.window)
        if geometry is not None:
            dialog.set_geometry(geometry)
        dialog.accepted.connect(lambda: self.add_finding(*dialog.values(), geometry=geometry))
        dialog.open()
        return dialog

    def ask_withdraw(self, record_id: int) -> WithdrawDialog:
        record = targets.record_of(Target(record_id=record_id), self.session)
        what = f"R{record_id} {labels.action(record.kind)}"
        dialog = WithdrawDialog(what, targets.record_summary(record), self.window)
        dialog.accepted.connect(lambda: self.withdraw(record_id, dialog.value()))
        dialog.open()
        return dialog

    def ask_properties(self) -> CasePropertiesDialog:
        """Shown for every open case; only a writable one can be amended from it."""
        dialog = CasePropertiesDialog(self.session, self.why_not(), self.window)
        dialog.accepted.connect(lambda: self.amend_case(dialog.changes(), dialog.reason_text()))
        dialog.open()
        return dialog

    def ask_correction(self, artifact_id: int) -> CorrectArtifactDialog:
        artifact = self.session.artifact(artifact_id)
        earlier = examiner_records.changes(self.session, "artifact", artifact_id)
        dialog = CorrectArtifactDialog(artifact, earlier, self.window)
        dialog.accepted.connect(
            lambda: self.correct_artifact(artifact_id, dialog.changes(), dialog.reason_text())
        )
        dialog.open()
        return dialog

    # 3. The jobs: the requests `workstation finding add` and `case amend` build

    def add_finding(
        self,
        about: Target,
        status: str,
        text: str,
        figure: str | None,
        geometry: dict | None = None,
    ) -> Job:
        request = FindingRequest(
            about=about, status=status, text=text, figure=figure, geometry=geometry
        )
        return self._start(
            lambda writer: add_finding(request, writer),
            "add finding",
            lambda made: self.tr("Recorded finding R{id} ({status}) about {about}.").format(
                id=made, status=labels.status(status), about=about.code
            ),
        )

    def withdraw(self, record_id: int, reason: str) -> Job:
        request = AmendRequest(withdraw=record_id, reason=reason)
        return self._start(
            lambda writer: amend(request, writer),
            "withdraw record",
            lambda made: self.tr("Withdrew R{id} (amendment R{made}).").format(
                id=record_id, made=made[0]
            ),
        )

    def amend_case(self, changes: dict[str, str], reason: str) -> Job:
        # All the changed fields, or none (one transaction).
        request = AmendRequest(properties=tuple(changes.items()), reason=reason)
        return self._start(
            lambda writer: amend(request, writer),
            "amend case",
            lambda made: self.tr("Recorded %n amendment(s) of the case properties.", "", len(made)),
        )

    def correct_artifact(self, artifact_id: int, changes: dict[str, str], reason: str) -> Job:
        request = AmendRequest(
            artifact=artifact_id, role=changes.get("role"), note=changes.get("note"), reason=reason
        )
        return self._start(
            lambda writer: amend(request, writer),
            "correct artifact",
            lambda made: self.tr("Corrected A{id} (%n amendment(s)).", "", len(made)).format(
                id=artifact_id
            ),
        )

    def _start(
        self, write: Callable[[CaseWriter], Any], name: str, said: Callable[[Any], str]
    ) -> Job:
        job = Job(lambda job: write(job.writer), name, writer=self.session.writer())
        job.signals.succeeded.connect(lambda result: self._written(said(result)))
        job.signals.failed.connect(lambda message, bug: show_error(self.window, message, bug))
        return self.runner.start(job)

    def _written(self, message: str) -> None:
        self.session.refresh()
        self.done.emit(message)
