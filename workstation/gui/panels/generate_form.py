"""The Generate panel's form: model, LoRAs, prompt, seed, steps, CFG, sampler, size, init image.

`request()` turns it into the `GenerateRequest` that `workstation generate` builds from its
arguments; its `recipe` is what the studies take when asked to. `fill_from` sets the fields from an
image's recorded recipe (the Provenance view's "Send Recipe to Generate"); `state` and `restore`
keep the last request across restarts (the same seed, not a new one).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QSlider,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workstation.app.generate import KEEP_ALL, KEEP_EVERY_5TH, KEEP_FINAL, GenerateRequest
from workstation.app.recipe import DEFAULT_STRENGTH, Recipe
from workstation.core.errors import WorkstationError
from workstation.engine.architectures import DEFAULT_SIZE, native_size
from workstation.engine.families import BASE_KINDS
from workstation.engine.samplers import SAMPLERS
from workstation.engine.sampling import sampler_names, schedule_names
from workstation.gui.jobs import Job, JobRunner
from workstation.gui.session import CaseSession
from workstation.gui.widgets.artifact_combo import ArtifactCombo
from workstation.gui.widgets.lora_list import LoraList
from workstation.gui.widgets.seed_field import SeedField

if TYPE_CHECKING:
    from workstation.analysis.provenance import Recipe as RecordedRecipe


MODEL_SUFFIXES = (".safetensors", ".ckpt", ".pt", ".pth", ".bin", ".gguf")


class GenerateForm(QScrollArea):
    preferences_requested = Signal()
    model_changed = Signal()  # a model was chosen, or none is available

    def __init__(self, session: CaseSession, runner: JobRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.runner = runner
        self.model_folder: str | None = None  # None: not set yet, so the first setting scans
        self.device = "auto"
        self.models: list = []
        self._pending: dict | None = None  # a restored request's model, size and LoRAs
        self._build()
        session.opened.connect(self._reload_init_images)
        session.changed.connect(self._reload_init_images)
        self._reload_init_images()

    # 1. Layout

    def _build(self) -> None:
        self.model = QComboBox()
        self.model.setObjectName("modelPicker")
        self.model.setToolTip(self.tr("The base model, from the model folder of the preferences"))
        self.model.currentIndexChanged.connect(self._model_chosen)
        rescan = QToolButton()
        rescan.setText(self.tr("Rescan"))
        rescan.setToolTip(self.tr("Look for models in the model folder again"))
        rescan.clicked.connect(self.scan_models)
        self.folder_hint = QLabel()
        self.folder_hint.setWordWrap(True)
        self.folder_hint.setOpenExternalLinks(False)
        self.folder_hint.linkActivated.connect(lambda _link: self.preferences_requested.emit())
        model_row = QHBoxLayout()
        model_row.addWidget(self.model, 1)
        model_row.addWidget(rescan)

        self.loras = LoraList()
        self.prompt = QPlainTextEdit()
        self.prompt.setObjectName("prompt")
        self.prompt.setPlaceholderText(self.tr("what the image shows"))
        self.prompt.setFixedHeight(72)
        self.prompt.setToolTip(self.tr("What the image shows"))
        self.negative = QPlainTextEdit()
        self.negative.setPlaceholderText(self.tr("what it must not show (optional)"))
        self.negative.setFixedHeight(48)
        self.negative.setToolTip(self.tr("What it must not show (optional)"))
        self.seed = SeedField()
        self.steps = QSpinBox()
        self.steps.setObjectName("steps")
        self.steps.setRange(1, 150)
        self.steps.setValue(Recipe.steps)
        self.steps.setToolTip(self.tr("Denoising steps"))
        self.cfg = QDoubleSpinBox()
        self.cfg.setRange(0.0, 30.0)
        self.cfg.setSingleStep(0.5)
        self.cfg.setValue(Recipe.cfg)
        self.cfg.setToolTip(self.tr("CFG scale: how strongly the prompt steers each step"))
        # Whose sampling to follow: the sampler and schedule menus list that generator's names.
        self.convention = QComboBox()
        self.convention.setObjectName("convention")
        self.convention.addItem(self.tr("Workstation (diffusers)"), "workstation")
        self.convention.addItem(self.tr("AUTOMATIC1111 / Forge"), "a1111")
        self.convention.addItem(self.tr("ComfyUI"), "comfyui")
        self.convention.setToolTip(
            self.tr(
                "Follow a generator's own sigma schedules, noise and prompt syntax, so that its "
                "images can be reproduced as it made them"
            )
        )
        self.sampler = QComboBox()
        self.sampler.setObjectName("sampler")
        self.schedule = QComboBox()
        self.schedule.setObjectName("schedule")
        self.sampler.setToolTip(self.tr("The sampler, in the chosen convention's names"))
        self.schedule.setToolTip(
            self.tr("The sigma schedule (A1111 and ComfyUI); empty: the sampler's own")
        )
        self.convention.currentIndexChanged.connect(self._convention_changed)
        self._convention_changed()
        self.sampler.setCurrentText(Recipe.sampler)
        self.width_ = self._side_box()
        self.height_ = self._side_box()
        size_row = QHBoxLayout()
        size_row.addWidget(self.width_)
        size_row.addWidget(QLabel("×"))
        size_row.addWidget(self.height_)
        size_row.addStretch(1)
        self.clip_skip = QSpinBox()
        self.clip_skip.setRange(1, 12)
        self.clip_skip.setValue(Recipe.clip_skip)
        self.clip_skip.setToolTip(self.tr("A1111 clip skip (1 = none)"))
        self.width_.setToolTip(self.tr("Width in pixels"))
        self.height_.setToolTip(self.tr("Height in pixels"))

        self.init_image = ArtifactCombo(self.tr("none (text to image)"), session=self.session)
        self.init_image.setObjectName("initImage")
        self.init_image.setToolTip(
            self.tr("An image of the case to start from (img2img); none: text to image")
        )
        self.init_image.currentIndexChanged.connect(self._init_changed)
        self.strength = QSlider(Qt.Orientation.Horizontal)
        self.strength.setRange(1, 100)
        self.strength.setToolTip(self.tr("img2img denoising strength (used with an init image)"))
        self.strength_label = QLabel()
        self.strength.valueChanged.connect(lambda v: self.strength_label.setText(f"{v / 100:.2f}"))
        self.strength.setValue(round(DEFAULT_STRENGTH * 100))
        strength_row = QHBoxLayout()
        strength_row.addWidget(self.strength, 1)
        strength_row.addWidget(self.strength_label)
        self.keep = QComboBox()
        self.keep.setObjectName("keepSteps")
        self.keep.addItem(self.tr("every step"), KEEP_ALL)  # what an exhibit of the process needs
        self.keep.addItem(self.tr("every 5th step and the last (faster)"), KEEP_EVERY_5TH)
        self.keep.addItem(self.tr("the last step only"), KEEP_FINAL)
        self.keep.setToolTip(
            self.tr("Steps decoded in full; every step's latent preview is kept in any case")
        )

        model_box = QGroupBox(self.tr("Model"))
        model_form = QFormLayout(model_box)
        model_form.addRow(model_row)
        model_form.addRow(self.folder_hint)
        model_form.addRow(self.tr("LoRAs:"), self.loras)
        text_box = QGroupBox(self.tr("Prompt"))
        text_form = QFormLayout(text_box)
        text_form.addRow(self.tr("Prompt:"), self.prompt)
        text_form.addRow(self.tr("Negative:"), self.negative)
        settings_box = QGroupBox(self.tr("Settings"))
        settings_form = QFormLayout(settings_box)
        settings_form.addRow(self.tr("Seed:"), self.seed)
        settings_form.addRow(self.tr("Steps:"), self.steps)
        settings_form.addRow(self.tr("CFG scale:"), self.cfg)
        settings_form.addRow(self.tr("Follow:"), self.convention)
        settings_form.addRow(self.tr("Sampler:"), self.sampler)
        settings_form.addRow(self.tr("Schedule:"), self.schedule)
        settings_form.addRow(self.tr("Size:"), size_row)
        settings_form.addRow(self.tr("CLIP skip:"), self.clip_skip)
        settings_form.addRow(self.tr("Keep decoded:"), self.keep)
        init_box = QGroupBox(self.tr("Image to image"))
        init_form = QFormLayout(init_box)
        init_form.addRow(self.tr("Init image:"), self.init_image)
        init_form.addRow(self.tr("Strength:"), strength_row)

        form = QWidget()
        column = QVBoxLayout(form)
        for box in (model_box, text_box, settings_box, init_box):
            column.addWidget(box)
        column.addStretch(1)
        self.setWidget(form)
        self.setWidgetResizable(True)
        self.setMinimumWidth(420)

    @staticmethod
    def _side_box() -> QSpinBox:
        box = QSpinBox()
        box.setRange(64, 2048)
        box.setSingleStep(64)
        box.setValue(DEFAULT_SIZE)
        box.setSuffix(" px")
        return box

    # 2. Models and init images

    def set_preferences(self, model_folder: str, device: str) -> None:
        changed = model_folder != self.model_folder
        self.model_folder, self.device = model_folder, device
        if changed:
            self.scan_models()

    def scan_models(self) -> Job | None:
        self.model.clear()
        if not self.model_folder:
            self.folder_hint.setText(
                self.tr("No model folder is set. Choose one in <a href='prefs'>Preferences</a>.")
            )
            self.loras.set_loras([])
            self.model_changed.emit()
            return None
        folder = self.model_folder
        self.folder_hint.setText(self.tr("Looking for models in {folder}…").format(folder=folder))

        def work(job: Job) -> list:
            from workstation.engine.library import scan

            return scan(folder)

        job = Job(work, "model scan")
        job.signals.succeeded.connect(self._scanned)
        job.signals.failed.connect(lambda message, _bug: self.folder_hint.setText(message))
        job.signals.finished.connect(self.model_changed)
        return self.runner.start(job)

    def _scanned(self, models: list) -> None:
        self.models = models
        bases = [m for m in models if m.kind in BASE_KINDS and not m.problem and m.architecture]
        loras = [m for m in models if m.kind == "LoRA" and not m.problem]
        self.model.blockSignals(True)
        self.model.clear()
        for info in bases:
            self.model.addItem(f"{info.name}  ({info.kind})", info)
            self.model.setItemData(
                self.model.count() - 1,
                f"{info.path}\n{info.detail}\nSHA-256 {info.sha256 or '—'}",
                Qt.ItemDataRole.ToolTipRole,
            )
        self.model.blockSignals(False)
        self.loras.set_loras(loras)
        unusable = [m for m in models if m.problem]
        text = self.tr("%n base model(s) in {folder}.", "", len(bases)).format(
            folder=self.model_folder
        )
        if unusable:
            text += " " + self.tr("%n file(s) cannot be used:", "", len(unusable))
            text += "".join(f"\n{Path(m.path).name}: {m.problem}" for m in unusable)
        self.folder_hint.setText(text)
        self._model_chosen()
        if self._pending is not None:  # the last request, now that its model can be chosen
            self._restore_files(self._pending)
            self._pending = None

    def _model_chosen(self) -> None:
        info = self.model.currentData()
        if info is None:
            return
        native = native_size(info.architecture)
        self.width_.setValue(native)
        self.height_.setValue(native)
        self.model_changed.emit()

    def _reload_init_images(self) -> None:
        self.init_image.set_artifacts(self.session.image_artifacts())
        self._init_changed()

    def set_init_image(self, artifact_id: int) -> None:
        self.init_image.select(artifact_id)
        self._init_changed()

    def _convention_changed(self) -> None:
        convention = self.convention.currentData()
        samplers = list(SAMPLERS) if convention == "workstation" else sampler_names(convention)
        self.sampler.clear()
        self.sampler.addItems(list(samplers))
        self.schedule.clear()
        if convention == "workstation":
            self.schedule.addItem(self.tr("in the sampler's name"), "")
        else:
            self.schedule.addItem(self.tr("the sampler's default"), "")
            for name in schedule_names(convention):
                if name != "Automatic":
                    self.schedule.addItem(name, name)
        self.schedule.setEnabled(convention != "workstation")

    def _init_changed(self) -> None:
        on = self.init_image.currentData() is not None
        self.strength.setEnabled(on)
        self.strength_label.setEnabled(on)

    # 3. From a recorded recipe

    def fill_from(self, recorded: RecordedRecipe) -> list[str]:
        """Set the fields the recipe records; what cannot be set here is named in the list
        returned (a model or LoRA not in the model folder, a hires or refiner pass, …).
        Models and LoRAs are matched by file name, or by the recorded hash where the listing
        has it."""
        missing: list[str] = []
        # 1. The model first: choosing one resets the size to its native one.
        if recorded.model_name or recorded.model_hash:
            index = next(
                (
                    i
                    for i in range(self.model.count())
                    if _same_file(self.model.itemData(i), recorded.model_name, recorded.model_hash)
                ),
                None,
            )
            if index is None:
                missing.append(
                    self.tr("model {name}").format(name=recorded.model_name or recorded.model_hash)
                )
            else:
                self.model.setCurrentIndex(index)
        # 2. Text and numbers.
        self.prompt.setPlainText(recorded.prompt or "")
        self.negative.setPlainText(recorded.negative or "")
        if recorded.seed is not None:
            self.seed.set_value(recorded.seed)
            self.seed.lock.setChecked(True)  # the next run uses this seed
        if recorded.steps is not None:
            self.steps.setValue(recorded.steps)
        if recorded.cfg is not None:
            self.cfg.setValue(recorded.cfg)
        if recorded.width and recorded.height:
            self.width_.setValue(recorded.width)
            self.height_.setValue(recorded.height)
        if recorded.clip_skip is not None:
            self.clip_skip.setValue(recorded.clip_skip)
        # 3. Sampling: the generator's own convention when the engine follows it.
        peer = recorded.peer
        convention = peer.convention if peer is not None else "workstation"
        sampler = peer.sampler if peer is not None else recorded.sampler
        self.convention.setCurrentIndex(self.convention.findData(convention))
        if sampler and self.sampler.findText(sampler) >= 0:
            self.sampler.setCurrentText(sampler)
        elif sampler or recorded.sampler_recorded:
            missing.append(
                self.tr("sampler {name}").format(name=sampler or recorded.sampler_recorded)
            )
        scheduler = peer.scheduler if peer is not None else ""
        if self.schedule.findData(scheduler) >= 0:
            self.schedule.setCurrentIndex(self.schedule.findData(scheduler))
        else:
            missing.append(self.tr("schedule {name}").format(name=scheduler))
        # 4. LoRAs found in the model folder, at their recorded scale.
        for row in self.loras.rows:
            row.enabled.setChecked(False)
        for lora in recorded.loras:
            row = next(
                (r for r in self.loras.rows if _same_file(r.info, lora.name, lora.hash)), None
            )
            if row is None:
                missing.append(self.tr("LoRA {name}").format(name=lora.name))
                continue
            row.enabled.setChecked(True)
            row.spin.setValue(1.0 if lora.scale is None else lora.scale)
        # 5. What the form has no field for.
        if recorded.mode == "img2img":
            missing.append(self.tr("the init image (img2img)"))
        if recorded.hires or (peer is not None and peer.hires is not None):
            missing.append(self.tr("the hires pass"))
        if recorded.refiner or (peer is not None and peer.refiner is not None):
            missing.append(self.tr("the refiner"))
        return missing

    # 4. The request

    def recipe(self) -> Recipe:
        """The form's generation settings (checked when they run: `Recipe.params()`)."""
        info = self.model.currentData()
        if info is None:
            raise WorkstationError(self.tr("Choose a model first."))
        init_id = self.init_image.currentData()
        init = None
        if init_id is not None:
            init = self.session.case.object_path(self.session.artifact(init_id).sha256)
        return Recipe(
            model=Path(info.path),
            prompt=self.prompt.toPlainText().strip(),
            negative=self.negative.toPlainText().strip(),
            seed=self.seed.seed_for_next_run(),
            steps=self.steps.value(),
            cfg=float(self.cfg.value()),
            sampler=self.sampler.currentText(),
            convention=self.convention.currentData(),
            scheduler=self.schedule.currentData() or "",
            width=self.width_.value(),
            height=self.height_.value(),
            loras=self.loras.specs(),
            init=init,
            strength=self.strength.value() / 100 if init else None,
            clip_skip=self.clip_skip.value(),
            device=self.device,
        )

    def request(self) -> GenerateRequest:
        """What the Generate button runs: the recipe, its steps kept in the case."""
        return GenerateRequest(recipe=self.recipe(), keep_steps=self.keep.currentData())

    # 5. The last request, across restarts

    def state(self) -> dict:
        """The fields as plain values (what the preferences keep; the init image is the case's,
        so only its strength)."""
        info = self.model.currentData()
        model = info.path if info is not None else (self._pending or {}).get("model")
        return {
            "model": model,
            "loras": [[row.info.path, row.spin.value()] for row in self.loras.rows if row.spec()],
            "prompt": self.prompt.toPlainText(),
            "negative": self.negative.toPlainText(),
            "seed": self.seed.edit.text(),
            "seed_locked": self.seed.lock.isChecked(),
            "steps": self.steps.value(),
            "cfg": self.cfg.value(),
            "convention": self.convention.currentData(),
            "sampler": self.sampler.currentText(),
            "schedule": self.schedule.currentData(),
            "width": self.width_.value(),
            "height": self.height_.value(),
            "clip_skip": self.clip_skip.value(),
            "keep": self.keep.currentData(),
            "strength": self.strength.value(),
        }

    def restore(self, state: dict) -> None:
        """Set the fields from `state()` saved earlier; the model, its size and the LoRAs once
        the model folder has been read. Values that no longer fit are left at their default."""
        if not state:
            return
        self.prompt.setPlainText(str(state.get("prompt", "")))
        self.negative.setPlainText(str(state.get("negative", "")))
        seed = str(state.get("seed", ""))
        if seed.isdigit():
            self.seed.set_value(int(seed))
        self.seed.lock.setChecked(bool(state.get("seed_locked", True)))
        for box, key in ((self.steps, "steps"), (self.clip_skip, "clip_skip")):
            if isinstance(state.get(key), int):
                box.setValue(state[key])
        if isinstance(state.get("cfg"), (int, float)):
            self.cfg.setValue(float(state["cfg"]))
        if isinstance(state.get("strength"), int):
            self.strength.setValue(state["strength"])
        for combo, key in ((self.convention, "convention"), (self.keep, "keep")):
            index = combo.findData(state.get(key))
            if index >= 0:
                combo.setCurrentIndex(index)
        if self.sampler.findText(str(state.get("sampler", ""))) >= 0:
            self.sampler.setCurrentText(state["sampler"])
        index = self.schedule.findData(state.get("schedule", ""))
        if index >= 0:
            self.schedule.setCurrentIndex(index)
        if self.model.count():
            self._restore_files(state)
        else:
            self._pending = state

    def _restore_files(self, state: dict) -> None:
        index = next(
            (
                i
                for i in range(self.model.count())
                if self.model.itemData(i).path == state.get("model")
            ),
            -1,
        )
        if index >= 0:
            self.model.setCurrentIndex(index)  # sets the model's native size: the saved one next
        for box, key in ((self.width_, "width"), (self.height_, "height")):
            if isinstance(state.get(key), int):
                box.setValue(state[key])
        scales = {str(path): scale for path, scale in state.get("loras", [])}
        for row in self.loras.rows:
            row.enabled.setChecked(row.info.path in scales)
            if row.info.path in scales:
                row.spin.setValue(float(scales[row.info.path]))


def _same_file(info, name: str | None, recorded_hash: str | None) -> bool:
    """Whether a listed model file is the one a recipe names: the same file name (without
    extension, any case), or a hash the listing has that starts with the recorded one."""
    if info is None:
        return False
    if name:
        file = Path(name.replace("\\", "/")).name.lower()  # ComfyUI names subfolders
        stem = Path(file).stem if Path(file).suffix in MODEL_SUFFIXES else file
        if info.name.lower() in (file, stem):
            return True
    if not recorded_hash or len(recorded_hash) < 8:
        return False
    wanted = recorded_hash.lower()
    known = (info.sha256, info.autov1, info.autov2, info.addnet)
    return any(value and value.lower().startswith(wanted) for value in known)
