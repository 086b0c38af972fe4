"""Edit a generation request (`Recipe`) field by field: the study form's "Edit…".

Every field the Generate panel has, written as the request names them (model and LoRA files by
path, so a recorded request whose model is not in the model folder can still be shown and run).
What the form has no field for (prompt syntax, noise source, refiner, batch) is kept as it was.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRegularExpression
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from workstation.app.recipe import DEFAULT_STRENGTH, Recipe, parse_lora
from workstation.core.errors import InputError, WorkstationError
from workstation.core.params import DEVICES, DTYPES, MAX_SEED
from workstation.engine.samplers import SAMPLERS
from workstation.engine.sampling import sampler_names, schedule_names
from workstation.gui.dialogs.errors import show_error
from workstation.gui.widgets.path_field import FOLDER, OPEN_FILE, PathField


class RecipeDialog(QDialog):
    def __init__(self, recipe: Recipe, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("recipeDialog")
        self.setWindowTitle(self.tr("Edit the Request"))
        self.base = recipe
        self.result_recipe: Recipe | None = None

        self.model = PathField(FOLDER)
        self.model.setObjectName("recipeModel")
        self.model.setToolTip(self.tr("The base model: a diffusers folder or a checkpoint file"))
        self.model.set_path(recipe.model)
        self.loras = QPlainTextEdit()
        self.loras.setObjectName("recipeLoras")
        self.loras.setFixedHeight(56)
        self.loras.setPlaceholderText(self.tr("one per line: PATH or PATH:SCALE"))
        self.loras.setToolTip(
            self.tr("LoRA files, one per line, each with its scale after a colon (default 1)")
        )
        self.loras.setPlainText("\n".join(f"{s.path}:{s.scale:g}" for s in recipe.loras))
        self.prompt = QPlainTextEdit(recipe.prompt)
        self.prompt.setObjectName("recipePrompt")
        self.prompt.setFixedHeight(64)
        self.prompt.setToolTip(self.tr("What the image shows"))
        self.negative = QPlainTextEdit(recipe.negative)
        self.negative.setObjectName("recipeNegative")
        self.negative.setFixedHeight(44)
        self.negative.setToolTip(self.tr("What it must not show (optional)"))
        self.seed = QLineEdit(str(recipe.seed))
        self.seed.setObjectName("recipeSeed")
        self.seed.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{1,20}"), self))
        self.seed.setToolTip(
            self.tr("The seed of the initial noise (a seed sweep replaces it with its seeds)")
        )
        self.steps = QSpinBox()
        self.steps.setObjectName("recipeSteps")
        self.steps.setRange(1, 150)
        self.steps.setValue(recipe.steps)
        self.steps.setToolTip(self.tr("Denoising steps"))
        self.cfg = QDoubleSpinBox()
        self.cfg.setObjectName("recipeCfg")
        self.cfg.setRange(0.0, 30.0)
        self.cfg.setSingleStep(0.5)
        self.cfg.setValue(recipe.cfg)
        self.cfg.setToolTip(self.tr("CFG scale: how strongly the prompt steers each step"))
        self.convention = QComboBox()
        self.convention.setObjectName("recipeConvention")
        self.convention.addItem(self.tr("Workstation (diffusers)"), "workstation")
        self.convention.addItem(self.tr("AUTOMATIC1111 / Forge"), "a1111")
        self.convention.addItem(self.tr("ComfyUI"), "comfyui")
        self.convention.setToolTip(
            self.tr("Whose sampling to follow: its sampler and schedule names, noise and syntax")
        )
        self.sampler = QComboBox()
        self.sampler.setObjectName("recipeSampler")
        self.sampler.setEditable(True)
        self.sampler.setToolTip(self.tr("The sampler, in the chosen convention's names"))
        self.scheduler = QComboBox()
        self.scheduler.setObjectName("recipeScheduler")
        self.scheduler.setToolTip(
            self.tr("The sigma schedule (A1111 and ComfyUI); empty: the sampler's own")
        )
        self.convention.currentIndexChanged.connect(self._convention_changed)
        self.convention.setCurrentIndex(max(self.convention.findData(recipe.convention), 0))
        self._convention_changed()
        self.sampler.setCurrentText(recipe.sampler)
        self.scheduler.setCurrentIndex(max(self.scheduler.findData(recipe.scheduler), 0))
        self.width_ = self._side(recipe.width, self.tr("Width in pixels (0: the model's native)"))
        self.height_ = self._side(
            recipe.height, self.tr("Height in pixels (0: the model's native)")
        )
        size = QHBoxLayout()
        size.addWidget(self.width_)
        size.addWidget(QLabel("×"))
        size.addWidget(self.height_)
        size.addStretch(1)
        self.clip_skip = QSpinBox()
        self.clip_skip.setObjectName("recipeClipSkip")
        self.clip_skip.setRange(1, 12)
        self.clip_skip.setValue(recipe.clip_skip)
        self.clip_skip.setToolTip(self.tr("A1111 clip skip (1 = none)"))
        self.init = PathField(OPEN_FILE)
        self.init.setObjectName("recipeInit")
        self.init.setToolTip(self.tr("Init image for img2img; empty: text to image"))
        self.init.set_path(recipe.init)
        self.strength = QDoubleSpinBox()
        self.strength.setObjectName("recipeStrength")
        self.strength.setRange(0.01, 1.0)
        self.strength.setSingleStep(0.05)
        self.strength.setValue(recipe.strength if recipe.strength is not None else DEFAULT_STRENGTH)
        self.strength.setToolTip(self.tr("img2img denoising strength (used with an init image)"))
        self.device = QComboBox()
        self.device.setObjectName("recipeDevice")
        self.device.addItems(list(DEVICES))
        self.device.setEditable(True)  # "cuda:1" and the like
        self.device.setCurrentText(recipe.device)
        self.device.setToolTip(self.tr("Where the model runs"))
        self.dtype = QComboBox()
        self.dtype.setObjectName("recipeDtype")
        self.dtype.addItems(list(DTYPES))
        self.dtype.setCurrentText(recipe.dtype)
        self.dtype.setToolTip(self.tr("The numbers the model computes with"))

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("Model:"), self.model)
        form.addRow(self.tr("LoRAs:"), self.loras)
        form.addRow(self.tr("Prompt:"), self.prompt)
        form.addRow(self.tr("Negative:"), self.negative)
        form.addRow(self.tr("Seed:"), self.seed)
        form.addRow(self.tr("Steps:"), self.steps)
        form.addRow(self.tr("CFG scale:"), self.cfg)
        form.addRow(self.tr("Follow:"), self.convention)
        form.addRow(self.tr("Sampler:"), self.sampler)
        form.addRow(self.tr("Schedule:"), self.scheduler)
        form.addRow(self.tr("Size:"), size)
        form.addRow(self.tr("CLIP skip:"), self.clip_skip)
        form.addRow(self.tr("Init image:"), self.init)
        form.addRow(self.tr("Strength:"), self.strength)
        form.addRow(self.tr("Device:"), self.device)
        form.addRow(self.tr("Precision:"), self.dtype)
        form.addRow(buttons)
        self.resize(560, self.sizeHint().height())

    def _side(self, value: int | None, tip: str) -> QSpinBox:
        box = QSpinBox()
        box.setRange(0, 2048)
        box.setSingleStep(64)
        box.setSpecialValueText(self.tr("native"))
        box.setValue(value or 0)
        box.setSuffix(" px")
        box.setToolTip(tip)
        return box

    def _convention_changed(self) -> None:
        convention = self.convention.currentData()
        samplers = list(SAMPLERS) if convention == "workstation" else sampler_names(convention)
        current = self.sampler.currentText()
        self.sampler.clear()
        self.sampler.addItems(list(samplers))
        if current:
            self.sampler.setCurrentText(current)
        self.scheduler.clear()
        self.scheduler.addItem(self.tr("the sampler's own"), "")
        if convention != "workstation":
            for name in schedule_names(convention):
                if name != "Automatic":
                    self.scheduler.addItem(name, name)
        self.scheduler.setEnabled(convention != "workstation")

    def recipe(self) -> Recipe:
        """The fields as a recipe; InputError for a field that cannot be read."""
        model = self.model.path()
        if model is None:
            raise InputError(self.tr("Give the model."))
        seed = self.seed.text().strip()
        if not seed or int(seed) > MAX_SEED:
            raise InputError(
                self.tr("The seed must be a whole number from 0 to {max}.").format(max=MAX_SEED)
            )
        lines = [line.strip() for line in self.loras.toPlainText().splitlines()]
        init = self.init.path()
        return self.base.replace(
            model=model,
            loras=tuple(parse_lora(line) for line in lines if line),
            prompt=self.prompt.toPlainText().strip(),
            negative=self.negative.toPlainText().strip(),
            seed=int(seed),
            steps=self.steps.value(),
            cfg=float(self.cfg.value()),
            convention=self.convention.currentData(),
            sampler=self.sampler.currentText().strip(),
            scheduler=self.scheduler.currentData() or "",
            width=self.width_.value() or None,
            height=self.height_.value() or None,
            clip_skip=self.clip_skip.value(),
            init=Path(init) if init else None,
            strength=float(self.strength.value()) if init else None,
            device=self.device.currentText().strip(),
            dtype=self.dtype.currentText(),
        )

    def accept(self) -> None:
        try:
            self.result_recipe = self.recipe()
        except WorkstationError as error:
            show_error(self, str(error))
            return
        super().accept()
