"""Analysis ▸ Studies ▸ "Run a study": which study, against which case image, over which values.

The images are generated from the request in the Generate panel (model, LoRAs, prompt, steps,
size…); this form adds only what the study varies. It runs as a job with progress and cancel,
exactly as `workstation study …` does.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QWidget,
)

from workstation.core.errors import WorkstationError
from workstation.core.params import GenerationParams
from workstation.gui.dialogs.errors import show_error
from workstation.gui.jobs import Job, JobRunner
from workstation.gui.session import CaseSession
from workstation.gui.study_jobs import (
    DEFAULT_SEEDS,
    DEFAULT_VALUES,
    StudyRequest,
    build_study,
    run_study,
)
from workstation.gui.widgets.artifact_combo import ArtifactCombo
from workstation.gui.widgets.case_job_form import CaseJobForm


class StudyForm(CaseJobForm):
    def __init__(
        self,
        session: CaseSession,
        runner: JobRunner,
        request: Callable[[], GenerationParams] | None,
        parent: QWidget | None = None,
    ):
        super().__init__(session, runner, parent)
        self.setTitle(self.tr("Run a study"))
        self.request = request

        self.kind = QComboBox()
        self.kind.setObjectName("studyKind")
        self.kind.addItem(self.tr("Seed sweep (memorisation test)"), "seeds")
        self.kind.addItem(self.tr("img2img strength sweep"), "strength")
        self.kind.addItem(self.tr("LoRA scale sweep (first LoRA)"), "lora-scale")
        self.kind.addItem(self.tr("Denoising trajectory"), "trajectory")
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.reference = ArtifactCombo(self.tr("(choose an image of the case)"))
        self.reference.setObjectName("studyReference")
        self.reference_label = QLabel()
        self.values = QLineEdit()
        self.values.setObjectName("studyValues")
        self.values_label = QLabel()
        self.seeds = QLineEdit()
        self.seeds.setObjectName("studySeeds")
        self.seeds.setToolTip(self.tr("Seeds separated by commas, or a range such as 1-20"))
        self.seeds_label = QLabel(self.tr("Seeds"))
        hint = QLabel(
            self.tr("Images are made from the request in the Generate panel (model, prompt, …).")
        )
        hint.setWordWrap(True)

        self.run_button = QPushButton(self.tr("Run"))
        self.run_button.setObjectName("runStudy")
        self.run_button.clicked.connect(self.run)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setObjectName("cancelStudy")
        self.cancel_button.setToolTip(
            self.tr(
                "Stop after the current step; finished images stay in the case, no study record "
                "is written"
            )
        )
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setFormat(self.tr("step %v of %m"))
        self.status.setObjectName("studyStatus")
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.progress, 1)

        form = QFormLayout(self)
        form.addRow(self.tr("Study"), self.kind)
        form.addRow(self.reference_label, self.reference)
        form.addRow(self.values_label, self.values)
        form.addRow(self.seeds_label, self.seeds)
        form.addRow(hint)
        form.addRow(buttons)
        form.addRow(self.status)

        session.opened.connect(self._reload_images)
        session.changed.connect(self._reload_images)
        self._reload_images()
        self._kind_changed()
        self._set_running(False)

    def _reload_images(self) -> None:
        self.reference.set_artifacts(self.session.image_artifacts())
        self._set_running(self.job is not None)

    def _kind_changed(self) -> None:
        kind = self.kind.currentData()
        self.reference_label.setText(
            self.tr("Source") if kind == "strength" else self.tr("Reference")
        )
        self.values_label.setText(
            self.tr("Scales") if kind == "lora-scale" else self.tr("Strengths")
        )
        self.values.setText(DEFAULT_VALUES.get(kind, ""))
        self.seeds.setText(DEFAULT_SEEDS.get(kind, ""))
        for widget in (self.reference, self.reference_label):
            widget.setVisible(kind != "trajectory")
        for widget in (self.values, self.values_label):
            widget.setVisible(kind in DEFAULT_VALUES)
        for widget in (self.seeds, self.seeds_label):
            widget.setVisible(kind != "trajectory")

    def _set_running(self, running: bool) -> None:
        ready = self.session.case is not None and self.request is not None
        self.run_button.setEnabled(ready and not running)
        self.cancel_button.setEnabled(running)
        self.kind.setEnabled(not running)

    def study_request(self) -> StudyRequest:
        """The form and the Generate panel's request as one StudyRequest (checked)."""
        if self.request is None:
            raise WorkstationError(self.tr("No generation settings are available."))
        artifact_id = self.reference.currentData()
        artifact = self.session.artifact(artifact_id) if artifact_id is not None else None
        reference = str(self.session.case.object_path(artifact.sha256)) if artifact else None
        request = StudyRequest(
            kind=self.kind.currentData(),
            params=self.request(),
            reference=reference,
            values=self.values.text(),
            seeds=self.seeds.text(),
        )
        build_study(request)
        return request

    def run(self) -> Job | None:
        if self.job is not None or self.session.case is None:
            return None
        try:
            request = self.study_request()
        except WorkstationError as error:
            show_error(self, str(error))
            return None
        opener = self.session.opener()
        self.progress.setRange(0, 0)
        return self.start(Job(lambda job: run_study(job, request, opener), "study", commits=True))

    def _stopping_text(self) -> str:
        return self.tr("Stopping after the current step…")

    def _progress(self, step: int, total: int, detail: object) -> None:
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(step)
        if isinstance(detail, str):
            self.status.setText(detail)

    def _cancelled_text(self) -> str:
        return self.tr(
            "Cancelled; no study record was written. The finished images are stored in the case "
            "and reused when the same study runs again."
        )

    def _cancelled(self) -> None:
        super()._cancelled()
        self.session.refresh()  # the images finished before the cancel are in the case

    def _job_ended(self) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
