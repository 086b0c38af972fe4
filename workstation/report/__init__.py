"""The PDF evidence report (reportlab; no Qt). `build_report(case, ReportOptions(out=...))`."""

from workstation.report.build import ReportOptions, ReportResult, build_report

__all__ = ["ReportOptions", "ReportResult", "build_report"]
