"""While a model loads: how long it has taken, and how long the last loads say it should take."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel

from workstation.app.resources import ModelHolder, libraries_imported


class LoadCaption(QObject):
    def __init__(self, label: QLabel, parent: QObject | None = None):
        super().__init__(parent)
        self.label = label
        self.estimate: float | None = None
        self.started = 0.0
        self.timer = QTimer(self)
        self.timer.setInterval(500)
        self.timer.timeout.connect(self._tick)

    def start(self, holder: ModelHolder, path: str | Path, device: str, dtype: str) -> None:
        """Before a job that uses `holder`: says whether the model must load, and for how long."""
        if holder.is_loaded(path, device, dtype):
            self.label.setText(self.tr("The model is already loaded; starting…"))
            return
        self.estimate = holder.times.estimate(path, not libraries_imported())
        self.started = time.monotonic()
        self._tick()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _tick(self) -> None:
        elapsed = round(time.monotonic() - self.started)
        if self.estimate is None:
            text = self.tr("Loading the model… {elapsed} s (its first load here: no estimate yet)")
            self.label.setText(text.format(elapsed=elapsed))
        else:
            text = self.tr("Loading the model… {elapsed} s of about {estimate} s")
            self.label.setText(text.format(elapsed=elapsed, estimate=max(1, round(self.estimate))))
