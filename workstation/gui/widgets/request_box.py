"""The generation request a study will run, shown in full: where it came from, every field, and
"Edit…".

It holds one `Recipe`, set only by the examiner: "From generation #N" (a generation record of the
case: the request that made its image), "Take from Generate tab" (a copy of the Generate panel's
fields as they are now), or "Edit…". Changing the Generate panel afterwards changes nothing here:
the job runs exactly the request shown.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from workstation.app.recipe import Recipe
from workstation.app.record_recipe import recipe_of_generation, summary_lines
from workstation.core.case import Record
from workstation.core.errors import WorkstationError
from workstation.gui.dialogs.errors import show_error
from workstation.gui.session import CaseSession
from workstation.gui.widgets.recipe_dialog import RecipeDialog


class RequestBox(QGroupBox):
    changed = Signal()  # the request shown (and run) is another one now

    def __init__(
        self,
        session: CaseSession,
        generate_recipe: Callable[[], Recipe] | None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setTitle(self.tr("Request each image is generated with"))
        self.setObjectName("requestBox")
        self.session = session
        self.generate_recipe = generate_recipe  # the Generate panel's fields, read on "Take"
        self.recipe: Recipe | None = None
        self.swept: tuple[str, ...] = ()  # fields the study varies (shown as such)

        self.source = QComboBox()
        self.source.setObjectName("requestSource")
        self.source.setToolTip(
            self.tr(
                "Start from the request of one of the case's generation records: its model, "
                "prompt, seed and settings"
            )
        )
        self.source.activated.connect(self._source_chosen)
        self.take = QPushButton(self.tr("Take from Generate tab"))
        self.take.setObjectName("takeFromGenerate")
        self.take.setToolTip(
            self.tr(
                "Copy the Generate tab's fields as they are now; later changes there do not "
                "change this request"
            )
        )
        self.take.setEnabled(generate_recipe is not None)
        self.take.clicked.connect(self.take_from_generate)
        self.edit = QPushButton(self.tr("Edit…"))
        self.edit.setObjectName("editRequest")
        self.edit.setToolTip(self.tr("Change any field of the request shown"))
        self.edit.clicked.connect(self.edit_request)
        self.origin = QLabel()
        self.origin.setObjectName("requestOrigin")
        self.origin.setWordWrap(True)
        self.summary = QLabel()
        self.summary.setObjectName("requestSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setToolTip(self.tr("The request the study runs, exactly as shown"))

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("From:")))
        top.addWidget(self.source, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.take)
        buttons.addWidget(self.edit)
        buttons.addStretch(1)
        layout = QGridLayout(self)
        layout.addLayout(top, 0, 0)
        layout.addLayout(buttons, 1, 0)
        layout.addWidget(self.origin, 2, 0)
        layout.addWidget(self.summary, 3, 0)

        session.opened.connect(self._case_opened)
        session.changed.connect(self._reload_sources)
        self._case_opened()

    # 1. Where a request comes from

    def _case_opened(self) -> None:
        self.set_recipe(None, "")
        self._reload_sources()

    def _reload_sources(self) -> None:
        records = self.session.records("generation") if self.session.case else []
        wanted = [r.id for r in reversed(records)]  # newest first
        shown = [self.source.itemData(i) for i in range(1, self.source.count())]
        if self.source.count() and wanted == shown:
            return
        current = self.source.currentData()
        self.source.blockSignals(True)
        self.source.clear()
        self.source.addItem(self.tr("(a generation record of the case…)"), None)
        for record in reversed(records):
            self.source.addItem(self._record_label(record), record.id)
        self.source.setCurrentIndex(max(self.source.findData(current), 0))
        self.source.blockSignals(False)
        self.source.setEnabled(bool(records))

    def _source_chosen(self) -> None:
        record_id = self.source.currentData()
        if record_id is not None:
            self.take_generation(record_id)

    def take_generation(self, record_id: int) -> Recipe | None:
        """The request of generation record #`record_id`, shown and held."""
        record = next((r for r in self.session.records("generation") if r.id == record_id), None)
        if record is None or self.session.case is None:
            return None
        try:
            recorded = recipe_of_generation(record, self.session.case)
        except WorkstationError as error:
            show_error(self, str(error))
            return None
        origin = self.tr("From generation record #{id}.").format(id=record_id)
        if recorded.not_carried:
            origin += " " + self.tr("Not carried over (no field for it): {what}.").format(
                what=", ".join(recorded.not_carried)
            )
        self.source.setCurrentIndex(max(self.source.findData(record_id), 0))
        self.set_recipe(recorded.recipe, origin)
        return recorded.recipe

    def take_from_generate(self) -> Recipe | None:
        """A copy of the Generate tab's request as it is now, shown and held."""
        if self.generate_recipe is None:
            return None
        try:
            recipe = self.generate_recipe()
        except WorkstationError as error:
            show_error(self, str(error))
            return None
        origin = self.tr("Taken from the Generate tab at {time}.").format(
            time=time.strftime("%H:%M:%S")
        )
        self.source.setCurrentIndex(0)
        self.set_recipe(recipe, origin)
        return recipe

    def edit_request(self) -> None:
        if self.recipe is None:
            return
        self.dialog = RecipeDialog(self.recipe, self)
        self.dialog.accepted.connect(self._edited)
        self.dialog.open()

    def _edited(self) -> None:
        recipe = self.dialog.result_recipe
        if recipe is not None and recipe != self.recipe:
            origin, edited = self.origin.text(), self.tr("Edited.")
            self.set_recipe(recipe, origin if origin.endswith(edited) else f"{origin} {edited}")

    # 2. What is shown

    def set_recipe(self, recipe: Recipe | None, origin: str) -> None:
        self.recipe = recipe
        self.edit.setEnabled(recipe is not None)
        self.origin.setText(
            origin
            if recipe is not None
            else self.tr(
                "No request yet: choose a generation record above, or take the Generate tab's."
            )
        )
        self._show()
        self.changed.emit()

    def set_swept(self, fields: tuple[str, ...]) -> None:
        """Mark the fields the study varies (they are not run as shown)."""
        self.swept = fields
        self._show()

    def _show(self) -> None:
        if self.recipe is None:
            self.summary.setText("")
            return
        names = {
            "model": self.tr("Model"),
            "loras": self.tr("LoRAs"),
            "prompt": self.tr("Prompt"),
            "negative": self.tr("Negative"),
            "seed": self.tr("Seed"),
            "steps": self.tr("Steps"),
            "cfg": self.tr("CFG scale"),
            "sampler": self.tr("Sampler"),
            "size": self.tr("Size"),
            "clip_skip": self.tr("CLIP skip"),
            "init": self.tr("Init image"),
            "refiner": self.tr("Refiner"),
            "device": self.tr("Device"),
        }
        swept = self.tr("swept by the study")
        rows = []
        for key, value in summary_lines(self.recipe):
            shown = escape(value or self.tr("the model's native size"))
            if key in self.swept or (key == "loras" and "lora" in self.swept):
                shown = f"<s>{shown}</s> <i>({escape(swept)})</i>" if value != "—" else shown
            rows.append(
                f"<tr><td style='padding-right:8px'><b>{escape(names[key])}</b></td>"
                f"<td>{shown}</td></tr>"
            )
        self.summary.setText("<table>" + "".join(rows) + "</table>")

    def _record_label(self, record: Record) -> str:
        params = record.payload.get("params", {})
        prompt = str(params.get("prompt", ""))
        prompt = prompt if len(prompt) <= 40 else prompt[:39] + "…"
        return self.tr("#{id}  {prompt}  · seed {seed} · {steps} steps").format(
            id=record.id, prompt=prompt, seed=params.get("seed"), steps=params.get("steps")
        )
