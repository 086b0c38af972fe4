"""The per-user folders the workstation writes outside a case: the cache (model hashes for
listings, compiled translations) and the log of unexpected failures; the data folder (the sample
case of the first start). Never the install folder (paths.py), which may be read-only."""

from __future__ import annotations

import os
import sys
from pathlib import Path

CACHE_ENV = "WORKSTATION_CACHE_DIR"
DATA_ENV = "WORKSTATION_DATA_DIR"
APP_FOLDER = "AIGC Evidence Workstation"


def user_cache_dir() -> Path:
    """Per-user cache folder; `WORKSTATION_CACHE_DIR` overrides it (tests, portable installs)."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
        return base / "aigc-workstation" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "aigc-workstation"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "aigc-workstation"


def user_data_dir() -> Path:
    """The user's own folder for the workstation's data (the sample case; later, their cases).

    WORKSTATION_DATA_DIR overrides it. Otherwise: Linux `$XDG_DATA_HOME/AIGC Evidence Workstation`
    (default ~/.local/share/…), macOS ~/Library/Application Support/…, Windows %APPDATA%\\….
    """
    chosen = os.environ.get(DATA_ENV)
    if chosen:
        return Path(chosen).expanduser()
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or home / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return base / APP_FOLDER
