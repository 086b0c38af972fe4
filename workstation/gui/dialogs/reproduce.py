"""Tools ▸ Reproduce: re-run a disputed image's recorded recipe and compare, as `workstation
reproduce` does.

Two steps, each a job: Find Models reads the image's metadata and looks for its checkpoint and
LoRAs in the model folder by their recorded hashes (the plan); Reproduce regenerates, compares
and stores both images and the reproduction record in the open case. The form builds the same
request the command builds from its arguments (app/reproduce.py). Done, Compare shows the disputed
and the regenerated image side by side in the Compare panel.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workstation.analysis.reproduce import Plan
from workstation.app.clip import ClipChoice
from workstation.app.reproduce import Reproduced, ReproduceRequest, plan_for, reproduce
from workstation.app.resources import ClipHolder
from workstation.core.errors import InputError, WorkstationError
from workstation.core.progress import ProgressEvent
from workstation.gui.dialogs.errors import show_error
from workstation.gui.jobs import Job, JobRunner
from workstation.gui.session import CaseSession
from workstation.gui.widgets.artifact_combo import ArtifactCombo
from workstation.gui.widgets.metric_table import MetricTable
from workstation.gui.widgets.path_field import FOLDER, OPEN_FILE, PathField

IMAGES = "*.png *.jpg *.jpeg *.webp *.tif *.tiff"


class ReproduceDialog(QDialog):
    compare_requested = Signal(int, int)  # the disputed and the regenerated image's artifacts

    def __init__(
        self,
        session: CaseSession,
        runner: JobRunner,
        models_folder: str = "",
        device: Callable[[], str] = lambda: "auto",
        clip: Callable[[], ClipChoice] = ClipChoice,
        clips: ClipHolder | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("reproduceDialog")
        self.setWindowTitle(self.tr("Reproduce an Image"))
        self.session, self.runner = session, runner
        # The preferences' device and CLIP model, read when a reproduction is planned.
        self.device, self.clip, self.clips = device, clip, clips or ClipHolder()
        self.job: Job | None = None
        self.plan: Plan | None = None
        self.planned: ReproduceRequest | None = None  # the request the plan was made for
        self.pair: tuple[int, int] | None = None  # disputed, regenerated: the last reproduction

        # 1. What to reproduce, and where its models are.
        self.image = ArtifactCombo(self.tr("(the file below)"), session=session)
        self.image.setObjectName("disputedImage")
        self.file = PathField(OPEN_FILE, self.tr("Images ({patterns})").format(patterns=IMAGES))
        self.file.setObjectName("disputedFile")
        self.models = PathField(FOLDER)
        self.models.setObjectName("reproduceModels")
        self.image.setToolTip(
            self.tr("The image to reproduce, from the case; its recorded recipe is read")
        )
        self.file.setToolTip(self.tr("Or an image file outside the case"))
        self.models.setToolTip(
            self.tr("Where to look for the models the recipe names (matched by hash, else by name)")
        )
        self.models.set_path(models_folder)
        for changed in (self.image.currentIndexChanged, self.file.changed, self.models.changed):
            changed.connect(self._inputs_changed)
        form = QFormLayout()
        form.addRow(self.tr("Disputed image:"), self.image)
        form.addRow(self.tr("or a file:"), self.file)
        form.addRow(self.tr("Models folder:"), self.models)

        # 2. The plan: which models, found how.
        self.plan_button = QPushButton(self.tr("Find Models"))
        self.plan_button.setObjectName("findModels")
        self.plan_button.clicked.connect(self.find_models)
        self.matches = QTableWidget(0, 4)
        self.matches.setObjectName("planTable")
        self.matches.setHorizontalHeaderLabels(
            [self.tr("Role"), self.tr("Recorded"), self.tr("Found"), self.tr("Matched by")]
        )
        self.matches.verticalHeader().hide()
        self.matches.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.matches.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.matches.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.matches.setMaximumHeight(120)  # a checkpoint and a few LoRAs

        # 3. Running, and the verdict.
        self.run_button = QPushButton(self.tr("Reproduce"))
        self.run_button.setObjectName("runReproduction")
        self.run_button.clicked.connect(self.run)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        self.compare_button = QPushButton(self.tr("Compare Side by Side"))
        self.compare_button.setObjectName("compareReproduction")
        self.compare_button.setToolTip(
            self.tr("Show the disputed and the regenerated image in the Compare panel")
        )
        self.compare_button.clicked.connect(lambda: self.compare_requested.emit(*self.pair))
        self.compare_button.hide()  # until a reproduction is stored
        self.progress = QProgressBar()
        self.progress.setFormat(self.tr("step %v of %m"))
        self.progress.hide()  # while a job runs
        buttons = QHBoxLayout()
        for button in (self.plan_button, self.run_button, self.cancel_button, self.compare_button):
            buttons.addWidget(button)
        buttons.addWidget(self.progress, 1)
        buttons.addStretch(0)  # keeps the buttons narrow while the bar is hidden
        self.verdict = QLabel()
        self.verdict.setObjectName("reproductionVerdict")
        self.verdict.setWordWrap(True)
        self.verdict.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.readings = MetricTable()
        self.readings.hide()  # until there is a comparison to show
        self.status = QLabel()
        self.status.setObjectName("reproduceStatus")
        self.status.setWordWrap(True)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.close)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.matches)
        layout.addLayout(buttons)
        layout.addWidget(self.verdict)
        layout.addWidget(self.readings, 1)
        layout.addWidget(self.status)
        layout.addWidget(close)
        self.resize(860, 620)

        session.opened.connect(self._reload_images)
        session.changed.connect(self._reload_images)
        self._reload_images()
        self._inputs_changed()

    def _reload_images(self) -> None:
        self.image.set_artifacts(self.session.image_artifacts())
        self._set_running(self.job is not None)

    def select_image(self, artifact_id: int) -> None:
        self.image.select(artifact_id)
        self._inputs_changed()

    def request(self) -> ReproduceRequest:
        """The form as the reproduction's request (InputError when something is missing)."""
        artifact_id = self.image.currentData()
        if artifact_id is not None:
            image = self.session.case.object_path(self.session.artifact(artifact_id).sha256)
        else:
            image = self.file.path()
        models = self.models.path()
        if image is None or models is None:
            raise InputError(self.tr("Choose the disputed image and the models folder."))
        return ReproduceRequest(image=image, models=models, device=self.device(), clip=self.clip())

    def _inputs_changed(self) -> None:
        """Another image or folder: the plan shown is no longer this request's."""
        self.plan = self.planned = self.pair = None
        self.compare_button.hide()
        self.matches.setRowCount(0)
        self.verdict.clear()
        self.readings.hide()
        self.status.setText(
            self.tr(
                "Find Models reads the image's recipe and looks for its models by their recorded "
                "hashes; hashes come from a per-user listing cache, and the files used are hashed "
                "again as they load."
            )
        )
        self._set_running(self.job is not None)

    # 1. The plan

    def find_models(self) -> Job | None:
        try:
            request = self.request()
        except WorkstationError as error:
            show_error(self, str(error))
            return None
        writer = self.session.writer()  # an img2img recipe may find its init image there
        job = Job(lambda job: plan_for(request, writer), "reproduction plan")
        job.signals.succeeded.connect(lambda plan: self._planned(request, plan))
        self.status.setText(self.tr("Reading the recipe and scanning the models folder…"))
        return self._start(job)

    def _planned(self, request: ReproduceRequest, plan: Plan) -> None:
        self.plan, self.planned = plan, request
        roles = {"checkpoint": self.tr("checkpoint"), "LoRA": self.tr("LoRA")}
        hows = {"name": self.tr("name only"), "addnet": self.tr("LoRA hash")}

        def how(matched_by: str | None) -> str:
            return hows.get(matched_by or "", matched_by or "—")

        self.matches.setRowCount(len(plan.matches))
        for row, match in enumerate(plan.matches):
            scale = f" @ {match.scale:g}" if match.scale is not None else ""
            hashes = ", ".join(f"{kind} {value[:12]}" for kind, value in match.looked_for)
            recorded = f"{match.name or '?'}{scale}" + (f"  [{hashes}]" if hashes else "")
            found = Path(match.path).name if match.path else self.tr("NOT FOUND")
            cells = (roles.get(match.role, match.role), recorded, found, how(match.matched_by))
            tips = (match.role, match.describe_wanted() + scale, match.path or found, cells[3])
            for column, (text, tip) in enumerate(zip(cells, tips, strict=True)):
                item = QTableWidgetItem(text)
                item.setToolTip("\n".join((tip, *match.notes)))
                if not match.found:
                    item.setForeground(Qt.GlobalColor.red)
                self.matches.setItem(row, column, item)
        source = self.tr("Recipe from {source} ({generator}); {count} file(s) scanned.").format(
            source=plan.source, generator=plan.generator or "?", count=plan.models_scanned
        )
        if plan.missing:
            missing = self.tr(
                "%n model(s) are not in the folder: put the files with the hashes shown into it "
                "and find them again.",
                "",
                len(plan.missing),
            )
            self.status.setText(f"{source} {missing}")
        else:
            self.status.setText(f"{source} " + self.tr("Every model was found."))
        notes = "\n".join(plan.notes)
        self.matches.setToolTip(notes)

    # 2. The reproduction

    def run(self) -> Job | None:
        if self.plan is None or self.plan.missing or self.session.case is None:
            return None
        request, plan, clips = self.planned, self.plan, self.clips

        def work(job: Job) -> Reproduced:
            return reproduce(request, plan, writer=job.writer, runtime=job.runtime(), clips=clips)

        job = Job(work, "reproduce", writer=self.session.writer())
        job.signals.progress.connect(self._progress)
        job.signals.succeeded.connect(self._reproduced)
        self.status.setText(self.tr("Loading the model…"))
        return self._start(job)

    def _progress(self, event: ProgressEvent) -> None:
        if event.total:
            self.progress.setRange(0, event.total)
            self.progress.setValue(event.step)

    def _reproduced(self, done: Reproduced) -> None:
        pixels = done.result.pixels
        width, height = pixels.disputed_size
        if pixels.exact_match:
            verdict = self.tr("EXACT MATCH: all {width}×{height} pixels are identical.").format(
                width=width, height=height
            )
        elif not pixels.same_size:
            other = pixels.regenerated_size
            verdict = self.tr(
                "Not identical: the disputed image is {width}×{height}, the regenerated one "
                "{other_width}×{other_height}."
            ).format(width=width, height=height, other_width=other[0], other_height=other[1])
        else:
            verdict = self.tr(
                "Not identical: {identical:.1%} of the pixels are equal; mean difference "
                "{mean:.2f}/255, largest {largest}."
            ).format(
                identical=pixels.identical_fraction, mean=pixels.mean_abs, largest=pixels.max_abs
            )
        self.verdict.setText(f"<b>{verdict}</b>")
        self.readings.show_readings(done.result.report.bands)
        self.readings.show()
        self.status.setText(
            self.tr(
                "Stored in the case as reproduction record #{record}; the regenerated image is "
                "artifact #{artifact}."
            ).format(record=done.record_id, artifact=done.regenerated)
        )
        self.session.refresh()
        record = next(r for r in self.session.records("reproduction") if r.id == done.record_id)
        (disputed,) = record.linked("input")
        self.pair = (disputed.artifact_id, done.regenerated)
        self.compare_button.show()

    # The job's life

    def _start(self, job: Job) -> Job:
        job.signals.cancelled.connect(lambda: self.status.setText(self.tr("Cancelled.")))
        job.signals.failed.connect(self._failed)
        job.signals.finished.connect(self._finished)
        self.job = job
        self.progress.setRange(0, 0)
        self.progress.show()
        self._set_running(True)
        return self.runner.start(job)

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def _finished(self) -> None:
        self.job = None
        self.progress.hide()
        self._set_running(False)

    def _failed(self, message: str, bug: bool) -> None:
        self.status.setText(message)
        show_error(self, message, bug)

    def _set_running(self, running: bool) -> None:
        has_case = self.session.case is not None
        ready = self.plan is not None and not self.plan.missing and has_case
        self.plan_button.setEnabled(not running)
        self.run_button.setEnabled(ready and not running)
        self.cancel_button.setEnabled(running)
        self.run_button.setToolTip(
            "" if has_case else self.tr("Open a case first: the reproduction is stored in it")
        )

    def closeEvent(self, event) -> None:
        self.cancel()
        super().closeEvent(event)
