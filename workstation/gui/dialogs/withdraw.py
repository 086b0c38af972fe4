"""Ask why a record (a finding) is withdrawn: it stays in the case and its log, marked withdrawn."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)


class WithdrawDialog(QDialog):
    def __init__(self, what: str, summary: str, parent: QWidget | None = None):
        """`what`: the record's short name ("R12 finding"); `summary`: what it says."""
        super().__init__(parent)
        self.setObjectName("withdrawDialog")
        self.setWindowTitle(self.tr("Withdraw"))
        question = QLabel(self.tr("Withdraw {what}?").format(what=what))
        question.setObjectName("withdrawQuestion")
        font = question.font()
        font.setBold(True)
        question.setFont(font)
        quoted = QPlainTextEdit(summary)
        quoted.setReadOnly(True)
        quoted.setMaximumHeight(80)
        intro = QLabel(
            self.tr(
                "It stays in the case and in the audit log, marked as withdrawn with your "
                "reason; the report shows it as withdrawn."
            )
        )
        intro.setWordWrap(True)
        self.reason = QLineEdit()
        self.reason.setObjectName("withdrawReason")
        self.reason.setPlaceholderText(self.tr("required, e.g. superseded by a later finding"))
        self.reason.setToolTip(self.tr("Recorded with the withdrawal and shown in the report"))
        form = QFormLayout()
        form.addRow(self.tr("Reason:"), self.reason)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Withdraw"))
        ok.setEnabled(False)
        self.reason.textChanged.connect(lambda text: ok.setEnabled(bool(text.strip())))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(question)
        layout.addWidget(quoted)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.resize(560, 280)

    def value(self) -> str:
        return self.reason.text().strip()
