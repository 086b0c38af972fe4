"""Qt stays in workstation.gui: every other package imports with PySide6 made unimportable."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import importlib, pkgutil, sys
for name in ("PySide6", "PyQt5", "PyQt6", "shiboken6"):
    sys.modules[name] = None  # any import of it now raises ImportError
import workstation
for package in ("core", "engine", "analysis", "report", "app", "commands"):
    pkg = importlib.import_module(f"workstation.{package}")
    for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
        importlib.import_module(info.name)
import workstation.cli
workstation.cli.build_parser()
print("ok")
"""


def test_non_gui_packages_import_without_qt() -> None:
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
