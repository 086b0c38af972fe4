"""Cyclic garbage is collected on the GUI thread, never in a worker thread (where a Qt object
destroyed by the collector crashes the process)."""

from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QObject

from workstation.gui.gc_policy import GuiGarbageCollector


class _Cycle:
    def __init__(self) -> None:
        self.me = self
        self.qt = QObject()  # a Qt wrapper in the garbage, as a closed dialog's would be


def test_garbage_made_anywhere_is_collected_on_the_gui_thread(qtbot, qapp):
    collected_on: list[str] = []

    def callback(phase: str, info: dict) -> None:
        if phase == "start":
            collected_on.append(threading.current_thread().name)

    collector = GuiGarbageCollector(qapp, interval_ms=20)
    collector.start()
    gc.callbacks.append(callback)
    try:
        assert not gc.isenabled()

        def allocate() -> None:  # far past the thresholds, in a worker thread
            for _ in range(5 * gc.get_threshold()[0]):
                _Cycle()

        worker = threading.Thread(target=allocate, name="worker")
        worker.start()
        worker.join()
        assert "worker" not in collected_on
        qtbot.waitUntil(lambda: bool(collected_on), timeout=2000)
        assert set(collected_on) == {threading.main_thread().name}
    finally:
        gc.callbacks.remove(callback)
        collector.stop()  # collection stays off: the package's collector is still in charge
