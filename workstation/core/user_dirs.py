"""The per-user folders the workstation writes outside a case: the cache (model hashes for
listings, compiled translations) and the log of unexpected failures."""

from __future__ import annotations

import os
import sys
from pathlib import Path

CACHE_ENV = "WORKSTATION_CACHE_DIR"


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
