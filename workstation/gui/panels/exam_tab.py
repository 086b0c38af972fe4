"""Analysis ▸ Model examination: the case's exam records (newest first) with their numbers, and
a form that asks a model whether it was trained on the chosen works, screens prompts, or asks
which model made an image.

The form builds the request `workstation exam membership|set|prompts|attribute` builds from its
arguments and runs `app.exam.membership`, `set_test`, `app.exam_prompts.screen` or
`app.exam_attribute.attribute` as a job with progress and cancel; works and controls are chosen
from the case's images or added as files (the attribution takes the one ticked work as its
image and the model field as its models). The table shows the record's stored results, the same
numbers the CLI prints and the report lays out, with the limit every result is stated with.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workstation.app.exam import MembershipRequest, SetTestRequest, membership, set_test
from workstation.app.exam_attribute import AttributeRequest, attribute
from workstation.app.exam_extract import ExtractRequest, extract
from workstation.app.exam_prompts import PromptScreenRequest, screen
from workstation.core.case import Record
from workstation.core.errors import InputError, WorkstationError
from workstation.core.progress import ProgressEvent
from workstation.core.records import Exam
from workstation.gui import i18n
from workstation.gui.jobs import Job, JobRunner
from workstation.gui.panels.exam_extract_form import ExtractResults, extract_request
from workstation.gui.session import CaseSession
from workstation.gui.widgets.case_job_form import CaseJobForm
from workstation.gui.widgets.record_list import RecordList
from workstation.gui.widgets.run_on import RunOn

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.webp *.bmp *.tif *.tiff)"


def exam_records(records: list[Record]) -> list[Record]:
    """The model examination records, newest first."""
    return [r for r in reversed(records) if isinstance(r.body, Exam)]


class ImageChoice(QListWidget):
    """The case's images and any added files, each with a box to tick; the ticked ones' paths."""

    def show_images(self, session: CaseSession) -> None:
        """The open case's images (ticks kept), then the files added by hand."""
        ticked = set(self.paths())
        added = [
            (item.text(), item.data(Qt.ItemDataRole.UserRole))
            for item in map(self.item, range(self.count()))
            if item.data(Qt.ItemDataRole.UserRole + 1)
        ]
        self.clear()
        for artifact in session.image_artifacts() if session.case is not None else []:
            path = str(session.object_path(artifact))
            self._add(f"#{artifact.id}  {artifact.original_name}", path, path in ticked, False)
        for text, path in added:
            self._add(text, path, path in ticked, True)

    def add_files(self, paths: list[str]) -> None:
        for path in paths:
            self._add(Path(path).name, path, True, True)

    def _add(self, text: str, path: str, ticked: bool, added: bool) -> None:
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, path)
        item.setData(Qt.ItemDataRole.UserRole + 1, added)
        item.setToolTip(path)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
        self.addItem(item)

    def tick(self, paths: list[Path]) -> None:
        wanted = {str(p) for p in paths}
        for i in range(self.count()):
            item = self.item(i)
            on = item.data(Qt.ItemDataRole.UserRole) in wanted
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def paths(self) -> list[str]:
        return [
            self.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.count())
            if self.item(i).checkState() == Qt.CheckState.Checked
        ]


# The fields each test's request reads (ExamForm.request).
FIELDS = {
    "membership": {"model", "lora", "works", "controls", "seed", "timesteps", "run_on"},
    "set": {"model", "lora", "works", "controls", "seed", "timesteps", "run_on"},
    "prompts": {"model", "lora", "prompts", "reference", "run_on"},
    "attribute": {"model", "works", "seed", "run_on"},
    "extract": {"model", "lora", "prompts", "seed", "count", "seeds_per_item", "run_on"},
}


# The limit each kind of record is shown with: the report's own sentence, in the window's language.
LIMITS = {"attribute": "exam_limit_attribute", "extract": "exam_limit_extract"}


def _report_words():
    from workstation.report.strings import Strings

    return Strings(i18n.language())


def _method(name: str) -> str:
    """A membership method's short name (loss, PIA, SimA) in the window's language."""
    words = _report_words()
    key = f"exam_short_{name}"
    return words(key) if words.has(key) else name


class ExamForm(CaseJobForm):
    def __init__(self, session: CaseSession, runner: JobRunner, parent: QWidget | None = None):
        super().__init__(session, runner, parent)
        self.setTitle(self.tr("Ask the model about works"))
        defaults = SetTestRequest
        self.test = QComboBox()
        self.test.setObjectName("examTest")
        self.test.setToolTip(
            self.tr(
                "The question to ask the model; each is recorded with its statistics and limits"
            )
        )
        self.test.addItem(self.tr("Membership: each work against the controls"), "membership")
        self.test.addItem(self.tr("Set test: the works together against the controls"), "set")
        self.test.addItem(
            self.tr("Memorised-prompt screen: the prompts below, or the LoRA's training captions"),
            "prompts",
        )
        self.test.addItem(
            self.tr("Which model made this image: the one ticked work, through each model's VAE"),
            "attribute",
        )
        self.test.addItem(
            self.tr("Extraction attempt: generate toward the LoRA, pair with the case's works"),
            "extract",
        )
        self.model = QLineEdit()
        self.model.setObjectName("examModel")
        self.model.setToolTip(
            self.tr(
                "The model examined (checkpoint file or diffusers folder); for the attribution, "
                "a folder of models or one model"
            )
        )
        self.lora = QLineEdit()
        self.lora.setObjectName("examLora")
        self.lora.setPlaceholderText(self.tr("none"))
        self.lora.setToolTip(
            self.tr("A LoRA on the model: its change to each score is measured and tested too")
        )
        self.works = ImageChoice()
        self.works.setObjectName("examWorks")
        self.works.setToolTip(self.tr("Tick the works asked about"))
        self.controls = ImageChoice()
        self.controls.setObjectName("examControls")
        self.controls.setToolTip(
            self.tr("Tick control works of the same kind and size, known not to be in training")
        )
        self.prompts = QPlainTextEdit()
        self.prompts.setObjectName("examPrompts")
        self.prompts.setPlaceholderText(self.tr("one prompt a line; empty: the LoRA's captions"))
        self.prompts.setToolTip(
            self.tr(
                "For the prompt screen: the prompts screened, one a line. Empty: the training "
                "captions the LoRA records (ss_tag_frequency)"
            )
        )
        self.reference = QComboBox()
        self.reference.setObjectName("examReference")
        self.reference.addItem(self.tr("the shipped generic prompts"), "generic")
        self.reference.addItem(self.tr("the prompts themselves"), "batch")
        self.reference.setToolTip(self.tr("What the prompt screen flags a prompt against"))
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setValue(defaults.seed)
        self.seed.setToolTip(self.tr("Seed of the timesteps and noises (recorded)"))
        self.timesteps = QSpinBox()
        self.timesteps.setRange(1, 1000)
        self.timesteps.setValue(defaults.timesteps)
        self.timesteps.setToolTip(self.tr("Timesteps of the loss test"))
        self.count = QSpinBox()
        self.count.setObjectName("examCount")
        self.count.setRange(1, 1024)
        self.count.setValue(ExtractRequest.count)
        self.count.setToolTip(
            self.tr("Extraction: images generated, seeds Seed … Seed + Images − 1")
        )
        self.seeds_per_item = QSpinBox()
        self.seeds_per_item.setObjectName("examSeedsPerItem")
        self.seeds_per_item.setRange(0, 1024)
        self.seeds_per_item.setSpecialValueText(self.tr("all in one batch"))
        self.seeds_per_item.setToolTip(
            self.tr(
                "Extraction: seeds generated per work item. All in one batch gives images "
                "bit-identical to earlier runs; smaller items run on several Ray workers at once, "
                "and a smaller batch may change the images' last bits. The value is recorded."
            )
        )
        self.run_on = RunOn("exam")
        self.run_on.choice.setToolTip(
            self.tr(
                "Where the images, seeds, prompts or models are examined: in this process, or on "
                "Ray workers (this machine's cores, or the Ray cluster at the address given; needs "
                "the optional Ray install). Each worker checks the model's SHA-256; only this "
                "window writes to the case."
            )
        )

        self.run_button = QPushButton(self.tr("Run"))
        self.run_button.setObjectName("runExam")
        self.run_button.clicked.connect(self.run)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setObjectName("cancelExam")
        self.cancel_button.setToolTip(self.tr("Stop the examination; the case is not changed"))
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.status.setObjectName("examStatus")
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.progress, 1)
        buttons.addStretch(0)

        form = QFormLayout(self)
        self.layout_form = form
        form.addRow(self.tr("Test"), self.test)
        self.rows = {
            "model": self._with_browse(self.model, self._choose_model),
            "lora": self._with_browse(self.lora, self._choose_lora),
            "works": self._with_add(self.works),
            "controls": self._with_add(self.controls),
            "prompts": self.prompts,
            "reference": self.reference,
            "seed": self.seed,
            "timesteps": self.timesteps,
            "count": self.count,
            "seeds_per_item": self.seeds_per_item,
            "run_on": self.run_on,
        }
        labels = {
            "model": self.tr("Model"),
            "lora": self.tr("LoRA"),
            "works": self.tr("Works"),
            "controls": self.tr("Controls"),
            "prompts": self.tr("Prompts"),
            "reference": self.tr("Flag against"),
            "seed": self.tr("Seed"),
            "timesteps": self.tr("Timesteps"),
            "count": self.tr("Images"),
            "seeds_per_item": self.tr("Seeds per item"),
            "run_on": self.tr("Run on"),
        }
        for name, field in self.rows.items():
            form.addRow(labels[name], field)
        form.addRow(buttons)
        form.addRow(self.status)
        self.test.currentIndexChanged.connect(self._show_fields)
        self._show_fields()

        session.opened.connect(self._case_images)
        session.changed.connect(self._case_images)
        session.opened.connect(self._idle)
        self._case_images()
        self._idle()

    def _show_fields(self) -> None:
        """Only the fields the chosen test reads (the request ignores the others)."""
        used = FIELDS.get(self.test.currentData(), set(self.rows))
        for name, field in self.rows.items():
            self.layout_form.setRowVisible(field, name in used)

    def _with_browse(self, field: QLineEdit, choose) -> QWidget:
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(choose)
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(field, 1)
        layout.addWidget(browse)
        return row

    def _with_add(self, choice: ImageChoice) -> QWidget:
        add = QPushButton(self.tr("Add files…"))
        add.clicked.connect(lambda: self._add_files(choice))
        column = QWidget()
        layout = QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(choice, 1)
        layout.addWidget(add, 0, Qt.AlignmentFlag.AlignLeft)
        return column

    def _choose_model(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose a model"), self.model.text(), self.tr("Models (*.safetensors)")
        )
        if path:
            self.model.setText(path)

    def _choose_lora(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose a LoRA"), self.lora.text(), self.tr("LoRAs (*.safetensors)")
        )
        if path:
            self.lora.setText(path)

    def _add_files(self, choice: ImageChoice) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("Add images"), "", IMAGE_FILTER)
        choice.add_files(paths)

    def _case_images(self) -> None:
        self.works.show_images(self.session)
        self.controls.show_images(self.session)

    def _set_running(self, running: bool) -> None:
        self.run_button.setEnabled(self.session.case is not None and not running)
        self.cancel_button.setEnabled(running)
        self.run_on.setEnabled(not running)
        self.progress.setVisible(running)
        if running:
            self.progress.setRange(0, 0)

    def _progress(self, event: ProgressEvent) -> None:
        super()._progress(event)
        if event.total:
            self.progress.setRange(0, event.total)
            self.progress.setValue(event.step)

    def _idle(self) -> None:
        self._set_running(self.job is not None)
        if self.job is None:
            self.status.setText(
                self.tr("Results are stored in the open case.")
                if self.session.case is not None
                else self.tr("Open a case to examine a model; its results are stored there.")
            )

    def request(
        self,
    ) -> MembershipRequest | PromptScreenRequest | AttributeRequest | ExtractRequest:
        """The form as the use case's request; InputError when no model is named."""
        model = self.model.text().strip()
        if not model:
            raise InputError("no model: name the model examined")
        lora = self.lora.text().strip()
        if self.test.currentData() == "extract":
            return extract_request(
                model,
                lora,
                self.prompts.toPlainText(),
                self.count.value(),
                self.seed.value(),
                self.seeds_per_item.value(),
            )
        if self.test.currentData() == "attribute":
            images = self.works.paths()
            if len(images) != 1:
                raise InputError("attribution: tick exactly one image among the works")
            return AttributeRequest(
                image=Path(images[0]), models=(Path(model),), seed=self.seed.value()
            )
        if self.test.currentData() == "prompts":
            typed = tuple(
                line.strip() for line in self.prompts.toPlainText().splitlines() if line.strip()
            )
            return PromptScreenRequest(
                model=Path(model),
                lora=Path(lora) if lora else None,
                prompt=typed,
                from_lora=Path(lora) if lora and not typed else None,
                reference=self.reference.currentData(),
            )
        fields = {
            "model": Path(model),
            "lora": Path(lora) if lora else None,
            "works": tuple(Path(p) for p in self.works.paths()),
            "controls": tuple(Path(p) for p in self.controls.paths()),
            "seed": self.seed.value(),
            "timesteps": self.timesteps.value(),
        }
        if self.test.currentData() == "set":
            return SetTestRequest(**fields)
        return MembershipRequest(**fields)

    def run(self) -> Job | None:
        if self.job is not None or self.session.case is None:
            return None
        try:
            request = self.request()
            executor = self.run_on.executor()
        except WorkstationError as error:
            self._failed(str(error), False)
            return None
        extra = {"executor": executor} if executor is not None else {}
        if isinstance(request, ExtractRequest):
            use = extract
        elif isinstance(request, AttributeRequest):
            use = attribute
        elif isinstance(request, PromptScreenRequest):
            use = screen
        else:
            use = set_test if isinstance(request, SetTestRequest) else membership

        def work(job: Job) -> int | None:
            return use(request, writer=job.writer, runtime=job.runtime(), **extra).record_id

        return self.start(Job(work, "model examination", writer=self.session.writer()))


class ExamTab(QWidget):
    def __init__(self, session: CaseSession, runner: JobRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.form = ExamForm(session, runner)
        self.extract = ExtractResults(session, self)
        self.records = RecordList()
        self.records.setObjectName("examList")
        self.form.finished.connect(self.records.select)
        self.records.currentItemChanged.connect(self._selected)

        self.table = QTableWidget(0, 0)
        self.table.setObjectName("examTable")
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.summary = QLabel()
        self.summary.setObjectName("examSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.limit = QLabel()
        self.limit.setObjectName("examLimit")
        self.limit.setWordWrap(True)
        self.caption = QLabel()
        self.caption.setWordWrap(True)

        shown = QWidget()
        column = QVBoxLayout(shown)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.summary)
        column.addWidget(self.table, 1)
        column.addWidget(self.limit)
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.records)
        left.addWidget(self.form)
        left.setSizes([100, 520])
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(shown)
        split.setSizes([460, 700])
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addWidget(split, 1)
        session.opened.connect(self.reload)
        session.changed.connect(self.reload)
        self.reload()

    def reload(self) -> None:
        exams = exam_records(self.session.records())
        if not self.records.show_records(exams, self._label):
            return
        if exams:
            self.caption.setText(
                self.tr("%n model examination record(s) in this case.", "", len(exams))
            )
            self.records.setCurrentRow(0)
        else:
            self.caption.setText(
                self.tr(
                    "Model examination asks a model (or a LoRA on it) whether it treats the "
                    "works as it treats its training data, against control works known not to "
                    "be in training. Its results appear here once a run is stored in the case."
                )
            )
            self.table.setRowCount(0)
            self.summary.clear()
            self.limit.clear()

    def _label(self, record: Record) -> str:
        body = _exam(record)
        methods = {
            "membership": self.tr("membership"),
            "set": self.tr("set test"),
            "prompts": self.tr("prompt screen"),
            "attribute": self.tr("attribution"),
            "extract": self.tr("extraction"),
        }
        return self.tr("#{id}  {method}  {model}  ({time})").format(
            id=record.id,
            method=methods.get(body.method, body.method),
            model=Path(str(body.model.get("path", ""))).name,
            time=record.created_at[:16].replace("T", " "),
        )

    def _selected(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        body = _exam(item.data(Qt.ItemDataRole.UserRole))
        results = body.results
        if body.method == "membership":
            self._membership(results)
        elif body.method == "set":
            self._set(results)
        elif body.method == "prompts":
            self._prompts(results)
        elif body.method == "attribute":
            self._attribute(results)
        elif body.method == "extract":
            self.summary.setText(self.extract.fill(self.table, item.data(Qt.ItemDataRole.UserRole)))
        else:  # a method this version has no table for: its numbers are in the report
            self._fill([], [])
            self.summary.setText(
                self.tr("{method}: see the report for this record's numbers.").format(
                    method=body.method
                )
            )
        self.limit.setText(_report_words()(LIMITS.get(body.method, "exam_limit")))

    def _membership(self, results: dict) -> None:
        heads = (
            self.tr("Work"),
            self.tr("Method"),
            self.tr("Score"),
            self.tr("p-value"),
            self.tr("Effect size"),
            self.tr("LoRA Δ p-value"),
            self.tr("Adjusted Δ p-value"),
        )
        rows = []
        for work in results.get("works", []):
            delta = work.get("delta") or {}
            adjusted = work.get("adjusted") or {}
            for method, score in work.get("scores", {}).items():
                rows.append(
                    (
                        Path(str(work.get("path", ""))).name,
                        _method(method),
                        f"{score:.4g}",
                        f"{work['p_value'][method]:.3f}",
                        f"{work['effect_size'][method]:.2f}",
                        f"{delta['p_value'][method]:.3f}" if "p_value" in delta else "—",
                        f"{adjusted['p_value'][method]:.3f}" if "p_value" in adjusted else "—",
                    )
                )
        self._fill(heads, rows)
        self.summary.setText(
            self.tr(
                "Works: {works}; controls: {controls}. Lower score = more member-like; "
                "p-value = (1 + controls scoring at most the work) / (1 + controls)."
            ).format(works=len(results.get("works", [])), controls=len(results.get("controls", [])))
        )

    def _set(self, results: dict) -> None:
        heads = (
            self.tr("Method"),
            self.tr("Statistic"),
            self.tr("p-value"),
            self.tr("Effect size"),
            self.tr("Significant"),
        )
        rows = [
            (
                _method(method),
                f"{values['statistic']:.4g}",
                f"{values['p_value']:.4f}",
                f"{values['effect_size']:.2f}",
                self.tr("yes") if values.get("significant") else self.tr("no"),
            )
            for method, values in results.get("methods", {}).items()
        ]
        self._fill(heads, rows)
        self.summary.setText(
            self.tr(
                "Set test: works {works}, controls {controls}, α = {alpha}; the smallest "
                "p-value these numbers allow is {floor:.3g}; minimum N {minimum}."
            ).format(
                works=results.get("works"),
                controls=results.get("controls"),
                alpha=results.get("alpha"),
                floor=results.get("p_floor", float("nan")),
                minimum=results.get("minimum_n"),
            )
        )

    def _prompts(self, results: dict) -> None:
        heads = (
            self.tr("Prompt"),
            self.tr("Magnitude"),
            self.tr("Robust z"),
            self.tr("Flagged"),
            self.tr("Tokens (share)"),
        )
        rows = [
            (
                str(score["prompt"]),
                f"{score['magnitude']:.4g}",
                f"{score['z']:.2f}",
                self.tr("yes") if score.get("flagged") else self.tr("no"),
                ", ".join(f"{t['token']} {t['share']:.2f}" for t in score.get("tokens", [])[:5]),
            )
            for score in results.get("prompts", [])
        ]
        self._fill(heads, rows)
        self.summary.setText(
            self.tr("Prompts flagged: {flagged} of {count}.").format(
                flagged=len(results.get("flagged", [])), count=len(rows)
            )
        )

    def _attribute(self, results: dict) -> None:
        heads = (
            self.tr("Model"),
            self.tr("Distance"),
            self.tr("Threshold"),
            self.tr("False rejects"),
            self.tr("False accepts: non-generated"),
            self.tr("False accepts: other models"),
            self.tr("Place (VAE group)"),
        )
        rows = []
        for reading in results.get("ranking", []):
            calibration = reading["calibration"]
            rows.append(
                (
                    Path(str(reading["model"])).name,
                    f"{reading['distance']:.4g}",
                    f"{calibration['threshold']:.4g}",
                    _rate(calibration.get("false_reject", calibration.get("false_negative_rate"))),
                    _rate(
                        calibration.get(
                            "false_accept_non_generated", calibration.get("false_positive_rate")
                        )
                    ),
                    _rate(calibration.get("false_accept_models")),
                    f"{reading['place']} ({reading['group']})" if "place" in reading else "—",
                )
            )
        self._fill(heads, rows)
        groups = [
            ", ".join(Path(str(m)).name for m in group)
            for group in results.get("indistinguishable", [])
        ]
        held_out = any("false_reject" in r["calibration"] for r in results.get("ranking", []))
        self.summary.setText(
            self.tr("Ranked by reconstruction distance, closest first.")
            + (
                " "
                + self.tr(
                    "Error rates on held-out images not used for the thresholds: rate "
                    "(errors/count, one-sided 95% upper bound)."
                )
                if held_out
                else ""
            )
            + "".join(
                " "
                + self.tr("Cannot be told apart by this method (identical VAE): {models}.").format(
                    models=g
                )
                for g in groups
            )
        )

    def _fill(self, heads, rows) -> None:
        self.table.clear()
        self.table.setColumnCount(len(heads))
        self.table.setHorizontalHeaderLabels(list(heads))
        self.table.setRowCount(len(rows))
        for row, values in enumerate(rows):
            for column, value in enumerate(values):
                cell = QTableWidgetItem(value)
                if column >= 2:
                    cell.setTextAlignment(RIGHT)
                self.table.setItem(row, column, cell)


def _rate(rate: dict | float | None) -> str:
    """A held-out rate with its errors, count and upper bound; an older record's in-sample rate
    as a number; "—" where none was measured."""
    if isinstance(rate, dict):
        return f"{rate['rate']:.2f} ({rate['errors']}/{rate['count']}, ≤ {rate['upper95']:.2f})"
    return "—" if rate is None else f"{rate:.2f}"


def _exam(record: Record) -> Exam:
    assert isinstance(record.body, Exam)  # exam_records chose it for that
    return record.body
