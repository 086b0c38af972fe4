"""Where an unexpected failure goes: the user sees one line, the traceback is kept in a file for
the bug report (the terminal and the window never show a traceback)."""

from __future__ import annotations

import time
import traceback
from pathlib import Path

from workstation.core.user_dirs import user_cache_dir

KEEP = 20  # newest crash files kept


def write_crash_log(error: BaseException) -> Path | None:
    """The traceback of `error` in a new file under the user cache; None if it cannot be
    written (a read-only home must not turn one failure into two)."""
    folder = user_cache_dir() / "crashes"
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"crash-{stamp}-{time.monotonic_ns() % 10**9:09d}.txt"
        text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        path.write_text(text, encoding="utf-8", errors="backslashreplace")
        for old in sorted(folder.glob("crash-*.txt"))[:-KEEP]:
            old.unlink(missing_ok=True)
        return path
    except OSError:
        return None
