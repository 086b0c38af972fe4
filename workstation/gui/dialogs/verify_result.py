"""The outcome of "Verify case": verdict, counts, chain head, and every problem found."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
)

from workstation.core.case import VerifyReport
from workstation.gui.dialogs.verdict import verdict_row


class VerifyResultDialog(QDialog):
    record_requested = Signal()  # `case verify --record`: verify again and log the pass

    def __init__(self, report: VerifyReport, why_not_record: str = "", parent=None):
        """`why_not_record`: why a pass cannot be logged now ("" when it can)."""
        super().__init__(parent)
        self.setObjectName("verifyResultDialog")
        self.setWindowTitle(self.tr("Case verification"))
        if report.ok:
            verdict = self.tr("The case verified: every stored file and the audit chain match.")
        else:
            verdict = self.tr(
                "Verification FAILED: %n problem(s). The case may have been altered.",
                "",
                len(report.problems),
            )
        top = verdict_row(self, report.ok, verdict)
        counts = QLabel(
            self.tr(
                "Checked {objects} stored file(s), {records} record(s), {links} link(s) and "
                "{entries} audit entries, both ways.\nChain head: {head}"
            ).format(
                objects=report.objects_checked,
                records=report.records_checked,
                links=report.links_checked,
                entries=report.entries_checked,
                head=f"{report.chain_seq}:{report.chain_head}",
            )
        )
        counts.setWordWrap(True)
        counts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # What no verify can see alone: say it with every OK, so nobody reads more into it.
        limits = QLabel(
            self.tr(
                "Not seen by verify alone: a case rewritten as a whole, audit chain included. "
                "Compare its chain head with one published earlier, such as the one printed "
                "in a report."
            )
        )
        limits.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(counts)
        if report.ok:
            layout.addWidget(limits)
        lines = [self.tr("MISMATCH  {problem}").format(problem=p) for p in report.problems]
        lines += [self.tr("note  {note}").format(note=n) for n in report.notes]
        if lines:
            text = QPlainTextEdit("\n".join(lines))
            text.setReadOnly(True)
            layout.addWidget(text, 1)
        else:
            layout.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        if report.ok:  # a failure is never written into the case it is about
            self.record_button = buttons.addButton(
                self.tr("Record in the Log"), QDialogButtonBox.ButtonRole.ActionRole
            )
            self.record_button.setObjectName("recordVerification")
            self.record_button.setToolTip(
                why_not_record
                or self.tr(
                    "Verify again and, when it passes, add a dated 'verified' entry to the audit "
                    "log (workstation case verify --record)"
                )
            )
            self.record_button.setEnabled(not why_not_record)
            self.record_button.clicked.connect(self.record_requested)
            self.record_button.clicked.connect(self.accept)
        layout.addWidget(buttons)
        self.resize(600, 420 if lines else self.sizeHint().height())
