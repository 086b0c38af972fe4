"""Tools ▸ Train: a small UNet or a LoRA on a folder of captioned images, as `workstation train`
does, with the loss as progress and Cancel.

The form builds the same request the command builds from its arguments (app/train.py); steps,
batch size and learning rate start at that request's defaults for the kind chosen. Nothing is
stored in the case: the output is a model folder or a LoRA file with its training record beside
it. A cancelled UNet run keeps a checkpoint, and the same settings resume it.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from workstation.app.train import (
    DEMO_MODEL,
    TrainLoraRequest,
    TrainRequest,
    TrainUnetRequest,
    train,
)
from workstation.core.errors import InputError, WorkstationError
from workstation.core.progress import ProgressEvent
from workstation.engine.training import LORA_TARGETS, TrainResult
from workstation.gui.dialogs.errors import show_error
from workstation.gui.jobs import Job, JobRunner
from workstation.gui.widgets.path_field import FOLDER, SAVE_FILE, PathField

KINDS = {"lora": TrainLoraRequest, "unet": TrainUnetRequest}


class TrainDialog(QDialog):
    def __init__(self, runner: JobRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("trainDialog")
        self.setWindowTitle(self.tr("Train a Model"))
        self.runner = runner
        self.job: Job | None = None

        self.kind = QComboBox()
        self.kind.setObjectName("trainKind")
        self.kind.addItem(self.tr("LoRA (adapts the base model)"), "lora")
        self.kind.addItem(self.tr("UNet (a model of its own)"), "unet")
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.images = PathField(FOLDER)
        self.images.setObjectName("trainImages")
        self.images.setToolTip(
            self.tr("Images with same-name .txt captions, or a captions.jsonl beside them")
        )
        self.base = PathField(FOLDER)
        self.base.set_path(DEMO_MODEL)
        self.base.setToolTip(self.tr("The model whose VAE and text encoder are reused"))
        self.out = PathField(SAVE_FILE, self.tr("LoRA (*.safetensors)"))
        self.out.setObjectName("trainOut")
        self.steps = QSpinBox()
        self.steps.setObjectName("trainSteps")
        self.steps.setRange(1, 1_000_000)
        self.batch_size = QSpinBox()
        self.batch_size.setRange(1, 256)
        self.lr = QDoubleSpinBox()
        self.lr.setDecimals(6)
        self.lr.setRange(1e-6, 1.0)
        self.lr.setSingleStep(1e-4)
        self.targets = QComboBox()
        self.targets.setObjectName("trainTargets")
        self.kind.setToolTip(
            self.tr("A LoRA adapts the base model; a UNet is trained as a model of its own")
        )
        self.out.setToolTip(self.tr("Where the trained weights are written"))
        self.steps.setToolTip(self.tr("Optimisation steps; more steps fit the images more closely"))
        self.batch_size.setToolTip(self.tr("Images per step"))
        self.lr.setToolTip(self.tr("Learning rate of the optimiser"))
        self.targets.setToolTip(self.tr("Which layers the LoRA adapts"))
        labels = {
            "attention": self.tr("attention projections"),
            "all": self.tr("all layers (LoCon style)"),
        }
        for name in LORA_TARGETS:
            self.targets.addItem(labels[name], name)
        self.targets_label = QLabel(self.tr("Targets:"))
        self.out_label = QLabel()

        form = QFormLayout()
        form.addRow(self.tr("Train:"), self.kind)
        form.addRow(self.tr("Images:"), self.images)
        form.addRow(self.tr("Base model:"), self.base)
        form.addRow(self.out_label, self.out)
        form.addRow(self.tr("Steps:"), self.steps)
        form.addRow(self.tr("Batch size:"), self.batch_size)
        form.addRow(self.tr("Learning rate:"), self.lr)
        form.addRow(self.targets_label, self.targets)

        self.train_button = QPushButton(self.tr("Train"))
        self.train_button.setObjectName("startTraining")
        self.train_button.setDefault(True)
        self.train_button.clicked.connect(self.start)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setObjectName("cancelTraining")
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setFormat(self.tr("step %v of %m"))
        self.status = QLabel(self.tr("Nothing is stored in the case: the output is a file."))
        self.status.setObjectName("trainStatus")
        self.status.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.train_button)
        row.addWidget(self.cancel_button)
        row.addWidget(self.progress, 1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.close)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addWidget(close)
        self.resize(620, 0)
        self._kind_changed()
        self._set_running(False)

    def _kind_changed(self) -> None:
        """The request's defaults for the kind chosen, as the command line has them."""
        kind = self.kind.currentData()
        defaults = KINDS[kind]
        self.steps.setValue(defaults.steps)
        self.batch_size.setValue(defaults.batch_size)
        self.lr.setValue(defaults.lr)
        lora = kind == "lora"
        self.targets.setVisible(lora)
        self.targets_label.setVisible(lora)
        self.out.mode = SAVE_FILE if lora else FOLDER
        self.out_label.setText(self.tr("LoRA file:") if lora else self.tr("Model folder:"))

    def request(self) -> TrainRequest:
        """The form as the training request (InputError when a path is missing)."""
        images, out, base = self.images.path(), self.out.path(), self.base.path()
        if images is None or out is None or base is None:
            raise InputError(self.tr("Choose the images, the base model and the output."))
        common = {
            "images": images,
            "out": out,
            "base": base,
            "steps": self.steps.value(),
            "batch_size": self.batch_size.value(),
            "lr": self.lr.value(),
        }
        if self.kind.currentData() == "lora":
            return TrainLoraRequest(**common, targets=self.targets.currentData())
        return TrainUnetRequest(**common)

    # Running

    def start(self) -> Job | None:
        if self.job is not None:
            return None
        try:
            request = self.request()
            request.settings()  # refuses impossible settings now
        except WorkstationError as error:
            show_error(self, str(error))
            return None
        job = Job(lambda job: train(request, runtime=job.runtime()), "train")
        job.signals.progress.connect(self._progress)
        job.signals.succeeded.connect(self._succeeded)
        job.signals.cancelled.connect(self._cancelled)
        job.signals.failed.connect(self._failed)
        job.signals.finished.connect(lambda: self._set_running(False))
        self.job = job
        self.progress.setRange(0, 0)  # loading the base model
        self.status.setText(self.tr("Loading the base model…"))
        self._set_running(True)
        return self.runner.start(job)

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.status.setText(self.tr("Stopping after the current step…"))

    def _set_running(self, running: bool) -> None:
        if not running:
            self.job = None
        self.train_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.kind.setEnabled(not running)

    def _progress(self, event: ProgressEvent) -> None:
        if event.total:
            self.progress.setRange(0, event.total)
            self.progress.setValue(event.step)
        if event.value is not None:
            self.status.setText(
                self.tr("Step {step} of {total}, loss {loss:.4f}").format(
                    step=event.step, total=event.total, loss=event.value
                )
            )

    def _succeeded(self, result: TrainResult) -> None:
        self.status.setText(
            self.tr("Written: {out} ({steps} steps, {seconds:.0f} s).").format(
                out=result.out, steps=result.steps, seconds=result.seconds
            )
        )

    def _cancelled(self) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        if self.kind.currentData() == "unet":
            self.status.setText(
                self.tr("Cancelled; a checkpoint was kept, and training again resumes from it.")
            )
        else:
            self.status.setText(self.tr("Cancelled; no LoRA file was written."))

    def _failed(self, message: str, bug: bool) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status.setText(message)
        show_error(self, message, bug)

    def closeEvent(self, event) -> None:
        self.cancel()  # a closed dialog leaves no training behind
        super().closeEvent(event)
