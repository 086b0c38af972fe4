"""The outcome of "Check a report file" (`workstation report-verify REPORT.pdf --case CASE`): the
anchor the PDF carries, and each check that held or did not."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QStyle,
    QVBoxLayout,
)

if TYPE_CHECKING:
    from workstation.report.anchor import ReportCheck


class ReportCheckDialog(QDialog):
    def __init__(self, check: ReportCheck, parent=None):
        super().__init__(parent)
        self.setObjectName("reportCheckDialog")
        self.setWindowTitle(self.tr("Report check"))
        anchor = check.anchor
        if check.ok:
            verdict = self.tr(
                "{file} is report {report} of this case, unchanged, and the case still holds "
                "the chain head it was made from."
            )
        else:
            verdict = self.tr("{file} does NOT match: %n problem(s).", "", len(check.problems))
        said = verdict.format(file=check.path.name, report=anchor.report_id)
        headline = QLabel(f"<b>{html.escape(said)}</b>")
        headline.setWordWrap(True)
        icon = QLabel()
        kind = (
            QStyle.StandardPixmap.SP_DialogApplyButton
            if check.ok
            else QStyle.StandardPixmap.SP_MessageBoxCritical
        )
        icon.setPixmap(self.style().standardIcon(kind).pixmap(32, 32))
        top = QHBoxLayout()
        top.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(headline, 1)
        facts = QLabel(
            self.tr(
                "Report {report} of case {case}\nMade from chain head {head}\nFile SHA-256 {sha}"
            ).format(
                report=anchor.report_id,
                case=anchor.case_id,
                head=anchor.head_text,
                sha=check.sha256,
            )
        )
        facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        facts.setObjectName("reportCheckFacts")
        lines = [self.tr("OK  {check}").format(check=line) for line in check.passed]
        lines += [self.tr("MISMATCH  {problem}").format(problem=p) for p in check.problems]
        lines += [self.tr("note  {note}").format(note=n) for n in check.notes]
        text = QPlainTextEdit("\n".join(lines))
        text.setObjectName("reportCheckLines")
        text.setReadOnly(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(facts)
        layout.addWidget(text, 1)
        layout.addWidget(buttons)
        self.resize(640, 420)
