"""`workstation gui [CASE_DIR]`: open the desktop window (optionally save a screenshot and exit).

The window's own command, registered by cli.py (the one layer above both front ends). Qt loads
only when the command runs, so the CLI starts, and builds its parser, without it.
"""

from __future__ import annotations

import argparse
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
    from workstation.gui.app import run  # Qt and the window: only when asked for

    return run(args.case, args.screenshot, args.lang)
