"""The installed application's entry point: the same `workstation` command as a checkout's."""

import os
import sys

from workstation.core.user_dirs import user_cache_dir
from workstation.paths import FROZEN

if FROZEN:
    # PyInstaller's run-time hook points matplotlib at a new temporary folder each start, so its
    # font list would be rebuilt every time (seconds); the user's cache keeps it between starts.
    os.environ["MPLCONFIGDIR"] = str(user_cache_dir() / "matplotlib")

from workstation.cli import main  # noqa: E402 (after the environment is set)

if __name__ == "__main__":
    sys.exit(main())
