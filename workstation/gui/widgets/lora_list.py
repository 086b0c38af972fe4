"""LoRAs found in the model folder, each with an on/off box and a scale slider."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QGridLayout,
    QLabel,
    QSlider,
    QWidget,
)

from workstation.core.params import LoraSpec

SCALE_RANGE = 2.0  # the slider runs from −2 to 2; the spin box accepts more when typed
SLIDER_STEPS = 100  # slider units per 1.0 of scale


class LoraRow:
    def __init__(self, info, grid: QGridLayout, row: int):
        self.info = info
        self.enabled = QCheckBox(info.name)
        self.enabled.setToolTip(f"{info.path}\n{info.detail}\nSHA-256 {info.sha256 or '—'}")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(int(-SCALE_RANGE * SLIDER_STEPS), int(SCALE_RANGE * SLIDER_STEPS))
        self.spin = QDoubleSpinBox()
        self.spin.setRange(-10.0, 10.0)
        self.spin.setSingleStep(0.05)
        self.spin.setDecimals(2)
        self.slider.valueChanged.connect(lambda v: self._from_slider(v))
        self.spin.valueChanged.connect(lambda v: self._from_spin(v))
        self.enabled.toggled.connect(self._toggled)
        self.spin.setValue(1.0)
        self._toggled(False)
        grid.addWidget(self.enabled, row, 0)
        grid.addWidget(self.slider, row, 1)
        grid.addWidget(self.spin, row, 2)

    def _from_slider(self, value: int) -> None:
        if round(self.spin.value() * SLIDER_STEPS) != value:
            self.spin.setValue(value / SLIDER_STEPS)

    def _from_spin(self, value: float) -> None:
        position = round(value * SLIDER_STEPS)
        if self.slider.value() != position:
            self.slider.blockSignals(True)
            self.slider.setValue(position)
            self.slider.blockSignals(False)

    def _toggled(self, on: bool) -> None:
        self.slider.setEnabled(on)
        self.spin.setEnabled(on)

    def spec(self) -> LoraSpec | None:
        if not self.enabled.isChecked():
            return None
        return LoraSpec(self.info.path, float(self.spin.value()))


class LoraList(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setColumnStretch(1, 1)
        self.rows: list[LoraRow] = []
        self.set_loras([])

    def set_loras(self, infos: list) -> None:
        """`infos`: engine ModelInfo entries of kind LoRA."""
        while self.grid.count():
            widget = self.grid.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        self.rows = [LoraRow(info, self.grid, row) for row, info in enumerate(infos)]
        if not infos:
            empty = QLabel(self.tr("No LoRA files in the model folder."))
            empty.setEnabled(False)
            self.grid.addWidget(empty, 0, 0, 1, 3)

    def row(self, path: str) -> LoraRow | None:
        return next((r for r in self.rows if r.info.path == path), None)

    def specs(self) -> tuple[LoraSpec, ...]:
        return tuple(spec for row in self.rows if (spec := row.spec()) is not None)
