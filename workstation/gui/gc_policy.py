"""Python's cyclic garbage collection only on the GUI thread.

The automatic collector runs in whichever thread happens to allocate when a threshold is
crossed: a job's worker thread, or a library's (Ray's listeners). If the garbage it finds holds
a Qt wrapper (a closed dialog, a finished job's signals), the C++ object is destroyed on that
thread and Qt crashes. So while the window runs, automatic collection is off and a timer on the
GUI thread collects as the thresholds say (the approach of pyqtgraph's GarbageCollector).
Reference counting, which frees almost everything (tensors, images), is not affected.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 1000


class GuiGarbageCollector(QObject):
    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS):
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)
        self._was_enabled = gc.isenabled()

    def start(self) -> GuiGarbageCollector:
        gc.disable()
        self.timer.start()
        return self

    def stop(self) -> None:
        """Collect once more here, then hand collection back to Python."""
        self.timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()

    def check(self) -> None:
        """Collect the generations whose thresholds are reached, as Python would, but here."""
        counts = gc.get_count()
        thresholds = gc.get_threshold()
        for generation in (2, 1, 0):
            if counts[generation] > thresholds[generation]:
                gc.collect(generation)
                return
