"""Ask for a finding: what it is about (an artifact, a record, or one figure of a record), its
status and the examiner's words."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from workstation.core.records import FINDING_STATUSES
from workstation.gui import icons, labels, targets
from workstation.gui.session import CaseSession
from workstation.gui.targets import Target
from workstation.gui.widgets.inspect_tools import geometry_words


class FindingDialog(QDialog):
    def __init__(
        self, session: CaseSession, about: Target | None = None, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.setObjectName("findingDialog")
        self.setWindowTitle(self.tr("Add finding"))
        self.session = session

        self.about = QComboBox()
        self.about.setObjectName("findingAbout")
        self.about.setToolTip(self.tr("Type A3 or R12 to jump to an artifact or a record"))
        for text, target in targets.choices(session, keep=about):
            self.about.addItem(text, target)
        shown = [self.about.itemData(row) for row in range(self.about.count())]
        if about in shown:
            self.about.setCurrentIndex(shown.index(about))
        self.about.currentIndexChanged.connect(self._about_changed)

        self.figure = QComboBox()
        self.figure.setObjectName("findingFigure")
        self.figure.setToolTip(
            self.tr("Optional: the finding concerns one picture or file of the record")
        )
        self.figure_label = QLabel(self.tr("Figure:"))

        self.statuses = QButtonGroup(self)
        status_row = QHBoxLayout()
        for status in FINDING_STATUSES:
            button = QRadioButton(labels.status(status))
            button.setObjectName(f"status_{status}")
            button.setToolTip(self.status_tip(status))
            button.setIcon(icons.status(status))
            self.statuses.addButton(button)
            status_row.addWidget(button)
        status_row.addStretch(1)
        self.statuses.buttons()[0].setChecked(True)

        self.text = QPlainTextEdit()
        self.text.setObjectName("findingText")
        self.text.setPlaceholderText(
            self.tr("What you observed and what it means, in your own words")
        )
        self.text.setToolTip(
            self.tr("Recorded as written, under your name; a finding is withdrawn, never edited")
        )
        self.text.textChanged.connect(self._update_ok)

        form = QFormLayout()
        form.addRow(self.tr("About:"), self.about)
        form.addRow(self.figure_label, self.figure)
        form.addRow(self.tr("Status:"), status_row)
        form.addRow(self.tr("Finding:"), self.text)
        hint = QLabel(
            self.tr(
                "A finding is an audited record of the case and appears in the report. It "
                "cannot be edited afterwards, only withdrawn with a reason."
            )
        )
        hint.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Record Finding"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form, 1)
        layout.addWidget(hint)
        layout.addWidget(self.buttons)
        self.resize(560, 420)
        self._about_changed()
        self.text.setFocus()

    def status_tip(self, status: str) -> str:
        tips = {
            "ok": self.tr("OK: consistent, nothing more to check"),
            "check": self.tr("Check: to be looked at again before the report"),
            "warning": self.tr("Warning: a problem the report must state"),
        }
        return tips.get(status, "")

    def _about_changed(self) -> None:
        """A record offers its figures; an artifact has none."""
        self.figure.clear()
        target: Target | None = self.about.currentData()
        record = targets.record_of(target, self.session) if target is not None else None
        shown = record is not None and bool(targets.figures(record))
        if shown:
            self.figure.addItem(self.tr("(the whole record)"), None)
            for figure, role in targets.figures(record):
                self.figure.addItem(f"{figure}  ·  {labels.link_role(role)}", figure)
        self.figure.setVisible(shown)
        self.figure_label.setVisible(shown)
        self._update_ok()

    def _update_ok(self) -> None:
        ready = self.about.currentData() is not None and bool(self.text.toPlainText().strip())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ready)

    def set_geometry(self, geometry: dict) -> None:
        """Show the shape the finding will carry; it is about that artifact only."""
        shape = QLabel(self.tr("Shape: {shape}").format(shape=geometry_words(geometry)))
        shape.setObjectName("findingGeometry")
        shape.setToolTip(
            self.tr("Stored with the finding, in the artifact's pixels, and shown in the report")
        )
        shape.setWordWrap(True)
        self.layout().insertWidget(1, shape)
        self.about.setEnabled(False)  # the shape was drawn on this artifact

    def set_status(self, status: str) -> None:
        self.findChild(QRadioButton, f"status_{status}").setChecked(True)

    def set_figure(self, figure: str) -> None:
        shown = [self.figure.itemData(row) for row in range(self.figure.count())]
        self.figure.setCurrentIndex(shown.index(figure))

    def values(self) -> tuple[Target, str, str, str | None]:
        """(about, status, text, figure or None)."""
        checked = self.statuses.checkedButton().objectName().removeprefix("status_")
        return (
            self.about.currentData(),
            checked,
            self.text.toPlainText().strip(),
            self.figure.currentData(),  # None: the whole record, or an artifact
        )
