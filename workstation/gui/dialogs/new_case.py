"""Ask for a new case's folder, title, examiner and organisation, and its particulars (case number,
court, parties, instructing party, description), all of which can be amended later."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workstation.app.case import CaseInitRequest


class NewCaseDialog(QDialog):
    def __init__(self, examiner: str, organisation: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("newCaseDialog")
        self.setWindowTitle(self.tr("New case"))
        self.folder = QLineEdit()
        self.folder.setPlaceholderText(self.tr("a new or empty folder"))
        browse = QPushButton(self.tr("Browse…"))
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        self.title = QLineEdit()
        self.title.setPlaceholderText(self.tr("e.g. Smith v. Example"))
        self.examiner = QLineEdit(examiner)
        self.organisation = QLineEdit(organisation)
        self.case_number = QLineEdit()
        self.case_number.setPlaceholderText(self.tr("the court's number for the case, if any"))
        self.court = QLineEdit()
        self.parties = QLineEdit()
        self.parties.setPlaceholderText(self.tr("e.g. Smith (claimant); Example Ltd (defendant)"))
        self.instructing_party = QLineEdit()
        self.instructing_party.setPlaceholderText(self.tr("who instructed you"))
        self.description = QPlainTextEdit()
        self.description.setPlaceholderText(self.tr("what the case is about"))
        self.folder.setToolTip(
            self.tr("A new or empty folder; the case's database and stored files go here")
        )
        self.title.setToolTip(
            self.tr("The case's name on the window, in the audit log and on reports")
        )
        self.examiner.setToolTip(
            self.tr("Recorded as the actor of every audit entry and named in reports")
        )
        self.organisation.setToolTip(self.tr("Your laboratory or firm, named in reports"))
        self.case_number.setToolTip(
            self.tr("The court's number for the case; can be added later by an amendment")
        )
        self.court.setToolTip(self.tr("The court or tribunal; reports name it in the declaration"))
        self.parties.setToolTip(
            self.tr("The parties to the dispute, as the report should name them")
        )
        self.instructing_party.setToolTip(self.tr("Who instructed you; the declaration names them"))
        self.description.setToolTip(self.tr("What the case is about, in a few sentences"))
        self.description.setFixedHeight(72)

        form = QFormLayout()
        form.addRow(self.tr("Folder:"), folder_row)
        form.addRow(self.tr("Title:"), self.title)
        form.addRow(self.tr("Examiner:"), self.examiner)
        form.addRow(self.tr("Organisation:"), self.organisation)
        form.addRow(self.tr("Case number:"), self.case_number)
        form.addRow(self.tr("Court:"), self.court)
        form.addRow(self.tr("Parties:"), self.parties)
        form.addRow(self.tr("Instructing party:"), self.instructing_party)
        form.addRow(self.tr("Description:"), self.description)
        hint = QLabel(
            self.tr(
                "The examiner is recorded as the actor of every entry in the audit log. "
                "The particulars can be amended later (Case ▸ Properties); each change is "
                "recorded with its reason."
            )
        )
        hint.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Create"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        for field in (self.folder, self.title, self.examiner):
            field.textChanged.connect(self._update_ok)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.buttons)
        self.resize(520, 0)
        self._update_ok()

    def _browse(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, self.tr("Folder for the new case"))
        if chosen:
            self.folder.setText(chosen)

    def _update_ok(self) -> None:
        ready = all(f.text().strip() for f in (self.folder, self.title, self.examiner))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ready)

    def root(self) -> Path:
        return Path(self.folder.text().strip()).expanduser()

    def request(self) -> CaseInitRequest:
        """The case as `workstation case init` takes it (app/case.py)."""
        return CaseInitRequest(
            title=self.title.text().strip(),
            examiner=self.examiner.text().strip(),
            organisation=self.organisation.text().strip(),
            case_number=self.case_number.text().strip(),
            court=self.court.text().strip(),
            parties=self.parties.text().strip(),
            instructing_party=self.instructing_party.text().strip(),
            description=self.description.toPlainText().strip(),
        )
