"""Analysis ▸ Studies ▸ "Run a study": which study, against which case image, over which values.

The images are generated from the request shown in the form (model, LoRAs, prompt, seed, steps,
size…: the request box), which the examiner takes from a generation record of the case or from
the Generate panel, and may edit; this form adds what the study varies, and builds the same
request `workstation study …` builds from its arguments. It runs `app.study.run_study` as a job
with progress and cancel, measuring with the preferences' CLIP model when one is set.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

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

from workstation.app.clip import ClipChoice
from workstation.app.recipe import Recipe
from workstation.app.resources import ClipHolder
from workstation.app.study import (
    KINDS,
    LoraScaleRequest,
    SeedsRequest,
    StrengthRequest,
    StudyRequest,
    TrajectoryRequest,
    parse_numbers,
    parse_seeds,
    run_study,
    show_numbers,
    show_seeds,
)
from workstation.core.errors import InputError, WorkstationError
from workstation.core.progress import ProgressEvent
from workstation.gui.dialogs.errors import show_error
from workstation.gui.jobs import Job, JobRunner
from workstation.gui.session import CaseSession
from workstation.gui.widgets.artifact_combo import ArtifactCombo
from workstation.gui.widgets.case_job_form import CaseJobForm
from workstation.gui.widgets.request_box import RequestBox
from workstation.gui.widgets.run_on import RunOn


class StudyForm(CaseJobForm):
    def __init__(
        self,
        session: CaseSession,
        runner: JobRunner,
        recipe: Callable[[], Recipe] | None,
        clip: Callable[[], ClipChoice] = ClipChoice,
        clips: ClipHolder | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(session, runner, parent)
        self.setTitle(self.tr("Run a study"))
        self.recipe = recipe  # the Generate panel's, copied only by "Take from Generate tab"
        self.clip = clip  # the preferences' CLIP model, read when a study starts
        self.clips = clips or ClipHolder()

        self.kind = QComboBox()
        self.kind.setObjectName("studyKind")
        labels = {
            "seeds": self.tr("Seed sweep (memorisation test)"),
            "strength": self.tr("img2img strength sweep"),
            "lora-scale": self.tr("LoRA scale sweep (first LoRA)"),
            "trajectory": self.tr("Denoising trajectory"),
        }
        for name in KINDS:
            self.kind.addItem(labels[name], name)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.kind.setToolTip(self.tr("What the study varies, and what it measures"))
        self.reference = ArtifactCombo(self.tr("(choose an image of the case)"), session=session)
        self.reference.setObjectName("studyReference")
        self.reference.setToolTip(
            self.tr(
                "The case image each generated image is measured against (the source image of "
                "an img2img sweep)"
            )
        )
        self.reference_label = QLabel()
        self.values = QLineEdit()
        self.values.setObjectName("studyValues")
        self.values.setToolTip(self.tr("The values swept, separated by commas"))
        self.values_label = QLabel()
        self.seeds = QLineEdit()
        self.seeds.setObjectName("studySeeds")
        self.seeds.setToolTip(self.tr("Seeds separated by commas, or a range such as 1-20"))
        self.seeds_label = QLabel(self.tr("Seeds"))
        self.run_on = RunOn("study")
        self.run_on.choice.setToolTip(
            self.tr(
                "Where the images are generated: in this process, or on Ray workers (this "
                "machine's cores, or the Ray cluster at the address given; needs the optional "
                "Ray install). Either way only this window writes to the case."
            )
        )
        self.executor, self.ray_address = self.run_on.choice, self.run_on.address
        self.request_box = RequestBox(session, recipe)
        self.request_box.changed.connect(lambda: self._set_running(self.job is not None))

        self.run_button = QPushButton(self.tr("Run"))
        self.run_button.setObjectName("runStudy")
        self.run_button.clicked.connect(self.run)
        self.run_button.setToolTip(
            self.tr("Generate and measure every image of the study with the request shown")
        )
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
        form.addRow(self.request_box)
        form.addRow(self.tr("Run on"), self.run_on)
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
        request = KINDS[kind].request  # its defaults, as the command line has them
        values = getattr(request, "strengths", None) or getattr(request, "scales", None)
        self.values.setText(show_numbers(values) if values else "")
        seeds = getattr(request, "seeds", None)
        self.seeds.setText(show_seeds(seeds) if seeds else "")
        for widget in (self.reference, self.reference_label):
            widget.setVisible(kind != "trajectory")
        for widget in (self.values, self.values_label):
            widget.setVisible(values is not None)
        for widget in (self.seeds, self.seeds_label):
            widget.setVisible(seeds is not None)
        swept = getattr(KINDS[kind].request, "SWEPT", ())
        self.request_box.set_swept((*swept, "lora") if kind == "lora-scale" else swept)

    def _set_running(self, running: bool) -> None:
        ready = self.session.case is not None and self.request_box.recipe is not None
        self.run_button.setEnabled(ready and not running)
        self.cancel_button.setEnabled(running)
        self.kind.setEnabled(not running)
        self.executor.setEnabled(not running)
        self.ray_address.setEnabled(not running)
        self.request_box.setEnabled(not running)

    def study_request(self) -> StudyRequest:
        """The form and the request shown as the study's request (not yet checked)."""
        recipe = self.request_box.recipe
        if recipe is None:
            raise InputError(
                self.tr(
                    "Choose the request to generate with: a generation record of the case, or "
                    "take the Generate tab's."
                )
            )
        kind = self.kind.currentData()
        if kind == "trajectory":
            return TrajectoryRequest(recipe=recipe)
        artifact_id = self.reference.currentData()
        if artifact_id is None:
            what = "source" if kind == "strength" else "reference"
            raise InputError(f"choose the {what} image from the case")
        image = self.session.case.object_path(self.session.artifact(artifact_id).sha256)
        seeds, clip = parse_seeds(self.seeds.text()), self.clip()
        if kind == "seeds":
            return SeedsRequest(recipe=recipe, reference=image, seeds=seeds, clip=clip)
        values = parse_numbers(self.values.text())
        if kind == "strength":
            return StrengthRequest(
                recipe=recipe, source=image, strengths=values, seeds=seeds, clip=clip
            )
        if not recipe.loras:
            raise InputError("add the LoRA to sweep to the request (the first one is swept)")
        swept, *fixed = recipe.loras
        return LoraScaleRequest(
            recipe=recipe.replace(loras=tuple(fixed)),
            sweep_lora=Path(swept.path),
            reference=image,
            scales=values,
            seeds=seeds,
            clip=clip,
        )

    def run(self) -> Job | None:
        if self.job is not None or self.session.case is None:
            return None
        try:
            request = self.study_request()
            request.study()  # settings that cannot work are refused before the job starts
            executor = self.run_on.executor()
        except WorkstationError as error:
            show_error(self, str(error))
            return None
        clips = self.clips

        def work(job: Job) -> int:
            return run_study(
                request, writer=job.writer, runtime=job.runtime(), clips=clips, executor=executor
            ).record_id

        self.progress.setRange(0, 0)
        return self.start(Job(work, "study", writer=self.session.writer()))

    def _stopping_text(self) -> str:
        return self.tr("Stopping after the current step…")

    def _progress(self, event: ProgressEvent) -> None:
        if event.total:
            self.progress.setRange(0, event.total)
            self.progress.setValue(event.step)
        if event.message:
            self.status.setText(event.message)

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
