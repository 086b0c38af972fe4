"""Click to first step and to result for a generation in the window, cold and warm.

    .venv/bin/python benchmarks/gui_generate_latency.py [--model PATH] [--steps N] [--warm N]

Drives the real MainWindow offscreen on a new case with the bundled demo model (CPU): presses
Generate and times, on the GUI thread, when the first step's preview arrives and when the result
is shown. Three situations:

- cold: the first generation of the process (torch and diffusers imported, the model loaded and
  hashed);
- reload: the libraries already imported, the model loaded again (a fresh ModelHolder, as after
  choosing another model and coming back);
- warm: the model already held by the window's ModelHolder (the median of --warm runs).

Prints the numbers and the warm/cold ratios. A measurement, not a test: numbers vary by machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    from workstation.paths import MODELS_DIR

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=MODELS_DIR / "demo-shapes-64")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warm", type=int, default=3, help="warm runs (median shown)")
    args = parser.parse_args()

    from PySide6.QtCore import QSettings
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from workstation.app.case import CaseInitRequest
    from workstation.app.resources import ModelHolder
    from workstation.gui.main_window import MainWindow
    from workstation.gui.settings import Settings

    _app = QApplication.instance() or QApplication([])  # kept for the whole run
    scratch = Path(tempfile.mkdtemp(prefix="gui-latency-"))
    settings = Settings(QSettings(str(scratch / "settings.ini"), QSettings.Format.IniFormat))
    settings.model_folder = str(args.model.parent)
    settings.device = "cpu"
    window = MainWindow(settings)
    window.resize(1440, 900)
    window.show()
    window.session.create(scratch / "case", CaseInitRequest(title="latency", examiner="bench"))
    panel = window.generate_panel
    form = panel.form

    def wait_for(condition, limit_s: float = 600.0) -> None:
        end = time.monotonic() + limit_s
        while not condition():
            if time.monotonic() > end:
                raise TimeoutError("the window did not get there in time")
            QTest.qWait(5)

    wait_for(lambda: form.model.count() > 0 and not window.runner.busy)
    index = next(
        i for i in range(form.model.count()) if Path(form.model.itemData(i).path) == args.model
    )
    form.model.setCurrentIndex(index)
    form.prompt.setPlainText("a red circle on a blue square")
    form.steps.setValue(args.steps)
    window.show_panel("generate")
    QTest.qWait(200)

    def one_run() -> tuple[float, float]:
        """Seconds from the click to the first step shown, and to the result shown."""
        marks: dict[str, float] = {}
        button = panel.generate_button
        clicked = time.perf_counter()
        button.click()
        job = panel.job
        job.signals.progress.connect(lambda _e: marks.setdefault("first", time.perf_counter()))
        job.signals.succeeded.connect(lambda _r: marks.setdefault("result", time.perf_counter()))
        job.signals.failed.connect(lambda message, _bug: marks.setdefault("failed", message))
        wait_for(lambda: "result" in marks or "failed" in marks)
        if "failed" in marks:
            raise SystemExit(f"generation failed: {marks['failed']}")
        wait_for(lambda: not window.runner.busy)
        return marks["first"] - clicked, marks["result"] - clicked

    cold = one_run()
    window.models = panel.models = ModelHolder(window.models.times)  # the model dropped
    reload = one_run()
    warm_runs = [one_run() for _ in range(args.warm)]
    warm = (
        statistics.median(r[0] for r in warm_runs),
        statistics.median(r[1] for r in warm_runs),
    )
    size_mb = sum(f.stat().st_size for f in args.model.rglob("*") if f.is_file()) / 1e6
    print(f"model {args.model.name} ({size_mb:.1f} MB), {args.steps} steps, every step kept, CPU")
    print(f"{'':8} {'first step':>11} {'result':>9}")
    for name, (first, result) in (("cold", cold), ("reload", reload), ("warm", warm)):
        print(f"{name:8} {first:10.2f}s {result:8.2f}s")
    print(
        f"warm/cold: first step {warm[0] / cold[0]:.3f}, result {warm[1] / cold[1]:.3f}; "
        f"warm/reload: first step {warm[0] / reload[0]:.3f}, result {warm[1] / reload[1]:.3f}"
    )
    times = window.models.times
    print(
        f"load estimates remembered: {times.estimate(args.model, True):.2f} s at the next start, "
        f"{times.estimate(args.model):.2f} s with the libraries imported"
    )
    window.close()


if __name__ == "__main__":
    main()
