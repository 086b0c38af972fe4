"""The Generate panel: the form on the left; on the right a live step preview while the engine
runs, a filmstrip of the kept steps after, and where the result was stored in the case."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from workstation.app.resources import ModelHolder
from workstation.core.errors import WorkstationError
from workstation.core.progress import ProgressEvent
from workstation.gui.dialogs.errors import show_error
from workstation.gui.figure_export import FigureExport
from workstation.gui.generation import Outcome, run_generation
from workstation.gui.jobs import Job, JobRunner
from workstation.gui.panels.generate_form import GenerateForm
from workstation.gui.session import CaseSession
from workstation.gui.settings import Settings
from workstation.gui.widgets.filmstrip import Filmstrip
from workstation.gui.widgets.image_view import ImageView
from workstation.gui.widgets.load_estimate import LoadCaption


class GeneratePanel(QWidget):
    preferences_requested = Signal()
    generated = Signal(object)  # Outcome

    def __init__(
        self,
        session: CaseSession,
        runner: JobRunner,
        models: ModelHolder | None = None,
        parent: QWidget | None = None,
        settings: Settings | None = None,
    ):
        super().__init__(parent)
        self.session = session
        self.runner = runner
        self.models = models or ModelHolder()  # the window's: kept loaded between runs
        self.settings = settings  # where the last request is kept across restarts
        self.job: Job | None = None
        self._build()
        if settings is not None:
            self.form.restore(settings.last_generate_request)
        session.opened.connect(self._update_buttons)
        self._set_running(False)

    def save_request(self) -> None:
        """Keep the form's fields for the next start (when a generation starts, and on close)."""
        if self.settings is not None:
            self.settings.last_generate_request = self.form.state()

    def set_preferences(self, model_folder: str, device: str) -> None:
        self.form.set_preferences(model_folder, device)

    def set_init_image(self, artifact_id: int) -> None:
        self.form.set_init_image(artifact_id)

    # 1. Layout

    def _build(self) -> None:
        self.form = GenerateForm(self.session, self.runner)
        self.form.preferences_requested.connect(self.preferences_requested)
        self.form.model_changed.connect(self._update_buttons)

        self.generate_button = QPushButton(self.tr("Generate"))
        self.generate_button.setObjectName("generateButton")
        self.generate_button.setDefault(True)
        self.generate_button.setToolTip(
            self.tr("Generate and store the result in the case (Ctrl+Enter)")
        )
        self.generate_button.clicked.connect(self.generate)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setObjectName("cancelGeneration")
        self.cancel_button.setToolTip(self.tr("Stop after the current step; nothing is stored"))
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setFormat(self.tr("step %v of %m"))
        self.progress.hide()  # until the first run
        buttons = QHBoxLayout()
        buttons.addWidget(self.generate_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.progress, 1)

        self.preview = ImageView()
        self.preview.setObjectName("livePreview")
        self.preview_caption = QLabel(self.tr("The preview of each step appears here."))
        self.preview_caption.setObjectName("previewCaption")
        self.loading = LoadCaption(self.preview_caption, self)  # the model load's estimate
        self.preview_export = FigureExport(self.preview, "step", self.preview_caption.text)
        self.filmstrip = Filmstrip()
        self.filmstrip.frame_chosen.connect(self._show_frame)
        self.filmstrip.hide()  # until there are steps to show
        self.result_label = QLabel()
        self.result_label.setObjectName("generationResult")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        right = QWidget()
        right_column = QVBoxLayout(right)
        right_column.addLayout(buttons)
        right_column.addWidget(self.preview, 1)
        right_column.addWidget(self.preview_caption)
        right_column.addWidget(self.filmstrip)
        right_column.addWidget(self.result_label)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.form)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([440, 900])
        QVBoxLayout(self).addWidget(split)

    # 2. Running

    def generate(self) -> Job | None:
        if self.job is not None or self.session.case is None:
            return None
        try:
            request = self.form.request()
            params = request.recipe.params()  # a value that cannot run is explained now
        except WorkstationError as error:
            show_error(self, str(error))
            return None
        self.save_request()
        models = self.models
        job = Job(
            lambda job: run_generation(job, request, models),
            "generate",
            writer=self.session.writer(),
        )
        job.signals.progress.connect(self._progress)
        job.signals.succeeded.connect(self._finished)
        job.signals.cancelled.connect(self._cancelled)
        job.signals.failed.connect(self._failed)
        job.signals.finished.connect(lambda: self._set_running(False))
        job.signals.finished.connect(self.loading.stop)
        self.filmstrip.clear()
        self.filmstrip.hide()
        self.result_label.clear()
        self.progress.setRange(0, 0)  # loading the model: no step count yet
        self.progress.show()
        self.loading.start(models, params.model, params.device, params.dtype)
        self.job = self.runner.start(job)
        self._set_running(True)
        return job

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.preview_caption.setText(self.tr("Cancelling after the current step…"))

    def _set_running(self, running: bool) -> None:
        if not running:
            self.job = None
        self.cancel_button.setEnabled(running)
        self._update_buttons()

    def _update_buttons(self) -> None:
        ready = self.form.model.currentData() is not None and self.session.case is not None
        self.generate_button.setEnabled(ready and self.job is None)
        if self.session.case is None:
            self.generate_button.setToolTip(self.tr("Open a case first: results are stored in it"))

    def _progress(self, event: ProgressEvent) -> None:
        self.loading.stop()
        self.progress.setRange(0, event.total)
        self.progress.setValue(event.step)
        if event.preview is not None:
            self.preview.set_images(event.preview)
        self.preview_caption.setText(
            self.tr("Step {step} of {total} — latent preview (approximate colours)").format(
                step=event.step, total=event.total
            )
        )

    def _finished(self, outcome: Outcome) -> None:
        self.preview.set_images(outcome.image)
        self.preview_caption.setText(self.tr("Result"))
        frames = []
        for frame in outcome.frames:
            kind = self.tr("VAE decode") if frame.kind == "decoded" else self.tr("latent preview")
            caption = self.tr("Step {step} ({kind})").format(step=frame.step, kind=kind)
            frames.append((str(frame.step), caption, frame.image))
        frames.append((self.tr("result"), self.tr("Result"), outcome.image))
        self.filmstrip.set_frames(frames)
        self.filmstrip.show()
        record = outcome.record
        self.result_label.setText(
            self.tr(
                "Stored in the case as generation record #{record}; the image is artifact "
                "#{artifact}. Seed {seed}, {steps} steps on {device}, {seconds:.1f} s."
            ).format(
                record=outcome.record_id,
                artifact=outcome.output_artifact,
                seed=record["params"]["seed"],
                steps=record["steps_run"],
                device=record["environment"]["device"],
                seconds=record["seconds"],
            )
        )
        self.session.refresh()
        self.generated.emit(outcome)

    def _show_frame(self, image: QImage, caption: str) -> None:
        self.preview.set_images(image)
        self.preview_caption.setText(caption)

    def _cancelled(self) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.preview_caption.setText(self.tr("Cancelled. Nothing was stored in the case."))

    def _failed(self, message: str, bug: bool) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.preview_caption.setText(self.tr("Generation failed. Nothing was stored in the case."))
        show_error(self, message, bug)
