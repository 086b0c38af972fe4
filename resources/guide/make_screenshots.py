"""Retake the user guide's screenshots (resources/guide/img/<lang>-<name>.png), offscreen.

    .venv/bin/python resources/guide/make_screenshots.py [--case SAMPLE_CASE] [--lang en zh]

The case is copied first (it is never changed); without --case the bundled sample case is built
in a temporary folder. Each picture is the main window at 1280 × 800, scaled to 900 px wide and
reduced to a small palette, so the guide stays a few hundred KB.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

IMG = Path(__file__).resolve().parent / "img"
WIDTH = 900
COLOURS = 96


def save(window, name: str, lang: str) -> None:
    from PIL import Image
    from PySide6.QtCore import QBuffer, QIODevice, Qt

    image = window.grab().toImage().scaledToWidth(WIDTH, Qt.TransformationMode.SmoothTransformation)
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    picture = Image.open(io.BytesIO(bytes(buffer.data()))).convert("RGB")
    picture = picture.quantize(COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    target = IMG / f"{lang}-{name}.png"
    picture.save(target, optimize=True)
    print(f"{target} ({target.stat().st_size // 1024} KB)")


def shoot(lang: str, case_source: Path) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from workstation.gui import i18n
    from workstation.gui.main_window import MainWindow
    from workstation.gui.settings import Settings

    scratch = Path(tempfile.mkdtemp(prefix="guide-shots-"))
    case = scratch / "case"
    shutil.copytree(case_source, case)
    app = QApplication.instance() or QApplication([])
    i18n.install(app, lang)
    settings = Settings(QSettings(str(scratch / "settings.ini"), QSettings.Format.IniFormat))
    window = MainWindow(settings)
    window.resize(1280, 800)
    window.show()
    window.open_case(case)

    def idle(limit_ms: int = 120_000) -> None:
        waited = 0
        while window.runner.busy and waited < limit_ms:
            QTest.qWait(200)
            waited += 200
        QTest.qWait(600)

    idle()
    # 1. The Case panel with the disputed image selected: its details and preview.
    disputed = [a.id for a in window.session.artifacts() if a.role == "disputed"]
    window.case_panel.select_ids(disputed[:1])
    idle()
    save(window, "case", lang)
    # 2. Compare: the difference of B registered onto A, with its colour bar.
    window.show_panel("compare")
    idle()
    window.compare_panel.set_mode("difference")
    idle()
    save(window, "compare", lang)
    # 3. The pair comparison, measured.
    window.run_comparison()
    idle()
    save(window, "pair", lang)
    # 4. Generate and Report as they open.
    for name in ("generate", "report"):
        window.show_panel(name)
        idle()
        save(window, name, lang)
    window.close()
    shutil.rmtree(scratch, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", type=Path, help="a sample case to copy (default: build one)")
    parser.add_argument("--lang", nargs="+", default=["en", "zh"], choices=["en", "zh"])
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:  # one language per process: translators and locale stay unmixed
        shoot(args.lang[0], args.case)
        return
    built = None
    if args.case is None:
        from workstation.app.sample_case import build_sample_case

        built = Path(tempfile.mkdtemp(prefix="guide-case-")) / "sample-case"
        build_sample_case(built).close()
    for lang in args.lang:
        command = [
            sys.executable,
            __file__,
            "--one",
            "--lang",
            lang,
            "--case",
            str(args.case or built),
        ]
        subprocess.run(command, check=True)
    if built is not None:
        shutil.rmtree(built.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
