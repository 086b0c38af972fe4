"""What a report is asked for (`build_report`'s options), in a module that loads no reportlab, so
the command line can take its defaults when it starts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

# The report's structure: a common-law expert report, or the sections of a Chinese judicial
# appraisal opinion on electronic data (司法鉴定意见书); report/structure.py lays out each.
STYLES = ("expert", "appraisal")


@dataclass(frozen=True)
class ReportOptions:
    out: Path | None = None  # where to export a copy; None: only store it in the case
    exhibits: Sequence[int | str] | None = None  # artifact IDs in exhibit order; None = default
    lang: str = "en"
    title: str | None = None
    allow_unverified: bool = False
    force: bool = False  # replace an existing export file
    style: str = "expert"  # one of STYLES
