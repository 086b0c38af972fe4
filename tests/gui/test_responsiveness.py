"""The GUI thread never blocks: a 10 ms heartbeat keeps its beat while the engine generates and
while the analysis compares (tiny model and sample images, on the CPU)."""

from __future__ import annotations

import re
import time

from PySide6.QtCore import QTimer

from tests.gui.conftest import JOB_TIMEOUT_MS, wait_idle

BEAT_MS = 10
# 100 ms is where a delay starts to be seen. A comparison ends with one GUI event that shows the
# reading and refreshes the case's panels: 40-57 ms late on the 2-core test machine (measured at
# 7ba4bd9 and now), so a 50 ms limit failed a third of runs there; work done on the GUI thread
# (a generation step, a model load, a metric) is late by far more than 100 ms.
MAX_LATE_MS = 100


class Heartbeat:
    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(BEAT_MS)
        self.timer.timeout.connect(self._beat)
        self.beats: list[float] = []

    def _beat(self) -> None:
        self.beats.append(time.perf_counter())

    def __enter__(self) -> Heartbeat:
        self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.timer.stop()

    def worst_lateness_ms(self) -> float:
        gaps = [(b - a) * 1000 for a, b in zip(self.beats, self.beats[1:], strict=False)]
        return max(gaps) - BEAT_MS


def _record_number(text: str) -> int:
    found = re.search(r"generation record #(\d+)", text)
    assert found, text
    return int(found.group(1))


def test_heartbeat_keeps_time_during_generation_and_analysis(qtbot, generate_ready):
    window = generate_ready
    panel = window.generate_panel
    panel.form.steps.setValue(20)
    panel.generate()  # warm-up: the first run loads the model into the panel's holder
    wait_idle(qtbot, window)
    first = _record_number(panel.result_label.text())

    with Heartbeat() as heart:
        panel.generate()
        wait_idle(qtbot, window)
    assert _record_number(panel.result_label.text()) > first  # a second record was stored
    assert len(heart.beats) > 10
    assert heart.worst_lateness_ms() < MAX_LATE_MS, heart.worst_lateness_ms()

    with Heartbeat() as heart:
        with qtbot.waitSignal(window.pair.report_ready, timeout=JOB_TIMEOUT_MS):
            window.analysis_panel.pair_tab.run_button.click()
        wait_idle(qtbot, window)
    assert window.analysis_panel.pair_tab.table.rowCount() > 5
    assert len(heart.beats) > 10
    assert heart.worst_lateness_ms() < MAX_LATE_MS, heart.worst_lateness_ms()
