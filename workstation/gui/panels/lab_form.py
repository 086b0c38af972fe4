"""Analysis ▸ Lab ▸ "Run the over-fitting lab": training images, base model and the lab's budget.

It builds the request `workstation lab overfit` builds from its arguments and runs
`app.lab.run_lab` as a job with progress and cancel; its grids, plot and lab record go into the
open case when it has finished. Every field of the request is in the form (its seed and how each
UNet starts too), the preferences' CLIP model is named, and "From:" fills the fields from an
earlier lab record of the case, so a lab can be run again as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QWidget,
)

from workstation.analysis.lab_settings import parse_sizes
from workstation.app.clip import ClipChoice
from workstation.app.lab import LabRequest, run_lab, show_sizes
from workstation.app.resources import ClipHolder
from workstation.core.case import Record
from workstation.core.errors import WorkstationError
from workstation.gui.jobs import Job, JobRunner
from workstation.gui.session import CaseSession, kind_of
from workstation.gui.widgets.case_job_form import CaseJobForm
from workstation.gui.widgets.run_on import RunOn


class LabForm(CaseJobForm):
    def __init__(
        self,
        session: CaseSession,
        runner: JobRunner,
        clip: Callable[[], ClipChoice] = ClipChoice,
        clips: ClipHolder | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(session, runner, parent)
        self.setTitle(self.tr("Run the over-fitting lab"))
        self.clip = clip  # the preferences' CLIP model, read when a lab starts
        self.clips = clips or ClipHolder()
        defaults = LabRequest

        self.source = QComboBox()
        self.source.setObjectName("labSource")
        self.source.setToolTip(
            self.tr("Fill the fields from an earlier lab of this case, to run it again as it was")
        )
        self.source.activated.connect(self._source_chosen)
        self.images = QLineEdit()
        self.images.setObjectName("labImages")
        self.images.setPlaceholderText(self.tr("synthetic scenes"))
        self.images.setClearButtonEnabled(True)
        self.images.setToolTip(
            self.tr(
                "A folder of captioned images (same-name .txt files or captions.jsonl); the first "
                "n are the training set of size n. Empty: synthetic scenes are drawn for the run."
            )
        )
        self.base = QLineEdit(str(defaults.base))
        self.base.setObjectName("labBase")
        self.base.setToolTip(
            self.tr(
                "The model whose VAE and text encoder are reused, and whose UNet each size "
                "starts from"
            )
        )
        self.sizes = QLineEdit(show_sizes(defaults.sizes))
        self.sizes.setObjectName("labSizes")
        self.sizes.setToolTip(self.tr("Training-set sizes, separated by commas"))
        self.steps = QSpinBox()
        self.steps.setRange(1, 100_000)
        self.steps.setValue(defaults.steps)
        self.steps.setToolTip(self.tr("Training steps per size: the same budget for every size"))
        self.batch_size = QSpinBox()
        self.batch_size.setRange(1, 256)
        self.batch_size.setValue(defaults.batch_size)
        self.batch_size.setToolTip(self.tr("Training images per optimisation step"))
        self.samples = QSpinBox()
        self.samples.setRange(1, 256)
        self.samples.setValue(defaults.samples)
        self.samples.setToolTip(
            self.tr("Images generated per size, with seeds never used in training")
        )
        self.near_copy = QDoubleSpinBox()
        self.near_copy.setRange(0.0, 1.0)
        self.near_copy.setDecimals(3)
        self.near_copy.setSingleStep(0.01)
        self.near_copy.setValue(defaults.near_copy)
        self.seed = QSpinBox()
        self.seed.setObjectName("labSeed")
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setValue(defaults.seed)
        self.seed.setToolTip(
            self.tr(
                "The seed of the synthetic scenes, the training and the samples: the same seed "
                "gives the same lab"
            )
        )
        self.init = QComboBox()
        self.init.setObjectName("labInit")
        self.init.addItem(self.tr("the base model's UNet"), "base")
        self.init.addItem(self.tr("random weights (from scratch)"), "scratch")
        self.init.setCurrentIndex(self.init.findData(defaults.init))
        self.init.setToolTip(self.tr("What each size's UNet starts from before training"))
        self.clip_label = QLabel()
        self.clip_label.setObjectName("labClip")
        self.clip_label.setWordWrap(True)
        self.clip_label.setToolTip(
            self.tr("The CLIP model of the preferences joins the measures (Edit ▸ Preferences)")
        )
        self.near_copy.setToolTip(
            self.tr(
                "A sample is a near-copy when its tiled L2 distance (largest RMS difference over "
                "4×4 tiles, RGB in [0, 1]) to the nearest training image is at most this"
            )
        )

        self.run_on = RunOn("lab")
        self.run_on.choice.setToolTip(
            self.tr(
                "Where the training-set sizes are trained and sampled: in this process, one "
                "after the other, or on Ray workers, several at once (this machine's cores, or "
                "the Ray cluster at the address given, whose nodes must see the base model and "
                "the training images at the same paths; needs the optional Ray install). Either "
                "way only this window writes to the case."
            )
        )

        self.run_button = QPushButton(self.tr("Run"))
        self.run_button.setObjectName("runLab")
        self.run_button.clicked.connect(self.run)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setObjectName("cancelLab")
        self.cancel_button.setToolTip(self.tr("Stop the lab; the case is not changed"))
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.status.setObjectName("labStatus")
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.progress, 1)
        buttons.addStretch(0)  # keeps the buttons narrow while the bar is hidden

        form = QFormLayout(self)
        form.addRow(self.tr("From"), self.source)
        form.addRow(self.tr("Training images"), self._with_browse(self.images))
        form.addRow(self.tr("Base model"), self._with_browse(self.base))
        form.addRow(self.tr("Sizes"), self.sizes)
        form.addRow(self.tr("Steps"), self.steps)
        form.addRow(self.tr("Batch size"), self.batch_size)
        form.addRow(self.tr("Samples"), self.samples)
        form.addRow(self.tr("Seed"), self.seed)
        form.addRow(self.tr("UNet starts from"), self.init)
        form.addRow(self.tr("Near-copy at tiled L2 ≤"), self.near_copy)
        form.addRow(self.tr("CLIP model"), self.clip_label)
        form.addRow(self.tr("Run on"), self.run_on)
        form.addRow(buttons)
        form.addRow(self.status)

        session.opened.connect(self._idle)
        session.opened.connect(self._reload_sources)
        session.changed.connect(self._reload_sources)
        self._idle()
        self._reload_sources()
        self._show_clip()

    # An earlier lab's request

    def _labs(self) -> list[Record]:
        records = self.session.records() if self.session.case is not None else []
        return [r for r in reversed(records) if kind_of(r) == "lab"]  # newest first

    def _reload_sources(self) -> None:
        labs = self._labs()
        shown = [self.source.itemData(i) for i in range(1, self.source.count())]
        if self.source.count() and [r.id for r in labs] == shown:
            return
        self.source.clear()
        self.source.addItem(self.tr("(the fields below)"), None)
        for record in labs:
            sizes = record.payload.get("settings", {}).get("sizes", [])
            self.source.addItem(
                self.tr("Lab record #{id}  sizes {sizes}").format(
                    id=record.id, sizes=", ".join(map(str, sizes))
                ),
                record.id,
            )
        self.source.setEnabled(bool(labs))

    def _source_chosen(self) -> None:
        record_id = self.source.currentData()
        if record_id is not None:
            self.fill_from(record_id)

    def fill_from(self, record_id: int) -> None:
        """Set every field to what lab record #`record_id` ran with."""
        record = next(r for r in self._labs() if r.id == record_id)
        payload = record.payload
        settings = payload.get("settings", {})
        folder = str(payload.get("data", {}).get("folder", ""))
        self.images.setText(folder if folder and Path(folder).is_dir() else "")
        base = payload.get("base_model", {}).get("path")
        if base:
            self.base.setText(str(base))
        if settings.get("sizes"):
            self.sizes.setText(show_sizes(tuple(settings["sizes"])))
        for box, key in (
            (self.steps, "steps"),
            (self.batch_size, "batch_size"),
            (self.samples, "samples"),
            (self.seed, "seed"),
        ):
            if isinstance(settings.get(key), int):
                box.setValue(settings[key])
        if isinstance(settings.get("near_copy_l2"), (int, float)):
            self.near_copy.setValue(float(settings["near_copy_l2"]))
        index = self.init.findData(settings.get("init"))
        if index >= 0:
            self.init.setCurrentIndex(index)
        self.source.setCurrentIndex(max(self.source.findData(record_id), 0))
        self.status.setText(
            self.tr("The fields are lab record #{id}'s; Run runs them again.").format(id=record_id)
        )

    def _show_clip(self) -> ClipChoice:
        """The CLIP model the lab will measure with, named in the form; returned."""
        clip = self.clip()
        self.clip_label.setText(
            str(clip.model)
            if clip.model
            else self.tr("none (set one in Preferences to add CLIP similarity)")
        )
        return clip

    def showEvent(self, event) -> None:
        self._show_clip()  # the preferences may have changed meanwhile
        super().showEvent(event)

    def _with_browse(self, field: QLineEdit) -> QWidget:
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(lambda: self._choose_folder(field))
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(field, 1)
        layout.addWidget(browse)
        return row

    def _choose_folder(self, field: QLineEdit) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose a folder"), field.text())
        if folder:
            field.setText(folder)

    def _set_running(self, running: bool) -> None:
        self.run_button.setEnabled(self.session.case is not None and not running)
        self.cancel_button.setEnabled(running)
        self.run_on.setEnabled(not running)
        self.progress.setRange(0, 0)  # busy: the lab reports stages, not steps
        self.progress.setVisible(running)

    def _idle(self) -> None:
        self._set_running(self.job is not None)
        if self.job is None:
            self.status.setText(
                self.tr("Results are stored in the open case.")
                if self.session.case is not None
                else self.tr("Open a case to run the lab; its results are stored there.")
            )

    def lab_request(self) -> LabRequest:
        """The form as the lab's request; InputError when the sizes cannot be read."""
        images = self.images.text().strip()
        return LabRequest(
            images=Path(images) if images else None,
            sizes=parse_sizes(self.sizes.text()),
            base=Path(self.base.text().strip()),
            steps=self.steps.value(),
            batch_size=self.batch_size.value(),
            samples=self.samples.value(),
            near_copy=self.near_copy.value(),
            init=self.init.currentData(),
            seed=self.seed.value(),
            clip=self._show_clip(),
        )

    def run(self) -> Job | None:
        if self.job is not None or self.session.case is None:
            return None
        try:
            request = self.lab_request()
            executor = self.run_on.executor()
        except WorkstationError as error:
            self._failed(str(error), False)
            return None
        clips = self.clips

        def work(job: Job) -> int:
            return run_lab(
                request, writer=job.writer, runtime=job.runtime(), clips=clips, executor=executor
            ).record_id

        return self.start(Job(work, "overfit lab", writer=self.session.writer()))
