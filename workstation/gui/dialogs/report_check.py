"""The outcome of "Check a report file" (`workstation report-verify REPORT.pdf --case CASE`): the
anchor the PDF carries, and each check that held or did not."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
)

from workstation.gui.dialogs.verdict import verdict_row

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
        top = verdict_row(self, check.ok, said)
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
