"""The PDF evidence report (reportlab; no Qt). `build_report(case, ReportOptions(out=...))`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from workstation.report.build import ReportOptions, ReportResult, build_report

__all__ = ["ReportOptions", "ReportResult", "build_report"]


def __getattr__(name: str) -> Any:
    # reportlab and the analysis stack load on first use, not when the CLI builds its parser.
    if name in __all__:
        from workstation.report import build

        return getattr(build, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
