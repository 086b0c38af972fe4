"""Case ▸ Properties: the case's current particulars with their history, and (for a writable case)
amendments to them. Nothing is edited in place: each changed field becomes one amendment record
carrying the reason, and the history lists every earlier value with who changed it, when and why."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workstation.app import examiner_records
from workstation.core.records import CASE_PROPERTIES
from workstation.gui import labels
from workstation.gui.session import CaseSession
from workstation.gui.widgets.artifact_model import utc_time

REQUIRED = ("title", "examiner")  # a case always has these (core refuses them empty)


class CasePropertiesDialog(QDialog):
    def __init__(
        self, session: CaseSession, readonly_reason: str = "", parent: QWidget | None = None
    ):
        """`readonly_reason`: why the case cannot be amended (shown instead of the reason field);
        empty for a writable case."""
        super().__init__(parent)
        self.setObjectName("casePropertiesDialog")
        self.setWindowTitle(self.tr("Case properties"))
        info = session.case.info  # read now, amendments applied
        self.current = {name: getattr(info, name) for name in CASE_PROPERTIES}
        writable = not readonly_reason

        # 1. The current values, editable when the case can be amended.
        self.fields: dict[str, QLineEdit | QPlainTextEdit] = {}
        form = QFormLayout()
        for name in CASE_PROPERTIES:
            if name == "description":
                field = QPlainTextEdit(self.current[name])
                field.setFixedHeight(72)
                field.textChanged.connect(self._update_ok)
            else:
                field = QLineEdit(self.current[name])
                field.textChanged.connect(self._update_ok)
            field.setObjectName(f"property_{name}")
            field.setToolTip(
                self.tr("Changed by an amendment with a reason; every earlier value stays listed")
            )
            field.setReadOnly(not writable)
            self.fields[name] = field
            form.addRow(self.tr("{property}:").format(property=labels.field(name)), field)
        created = QLabel(
            self.tr("Case {id}, created {time}").format(
                id=info.case_id, time=utc_time(info.created_at)
            )
        )
        created.setObjectName("caseCreated")

        # 2. The history: every amendment, oldest first.
        history = QGroupBox(self.tr("History"))
        self.history = QTableWidget()
        self.history.setObjectName("propertyHistory")
        column = QVBoxLayout(history)
        column.addWidget(self.history)
        if not self._fill_history(session):
            self.history.hide()
            column.addWidget(
                QLabel(self.tr("No amendments yet: every value is as the case was created."))
            )

        # 3. Why the change is made (writable), or why it cannot be (read-only).
        self.reason = QLineEdit()
        self.reason.setObjectName("amendReason")
        self.reason.setPlaceholderText(self.tr("required, e.g. case number assigned by the court"))
        self.reason.setToolTip(self.tr("Why the particulars change; recorded with the amendment"))
        self.reason.textChanged.connect(self._update_ok)
        reason_row = QFormLayout()
        reason_row.addRow(self.tr("Reason:"), self.reason)
        hint = QLabel(
            readonly_reason
            or self.tr(
                "Each changed field is recorded as an amendment with this reason; the earlier "
                "value stays in the case and in the report's history."
            )
        )
        hint.setObjectName("propertiesHint")
        hint.setWordWrap(True)

        if writable:
            buttons = QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        else:
            buttons = QDialogButtonBox.StandardButton.Close
        self.buttons = QDialogButtonBox(buttons)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if self.ok is not None:
            self.ok.setText(self.tr("Amend"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(created)
        layout.addWidget(history, 1)
        if writable:
            layout.addLayout(reason_row)
        layout.addWidget(hint)
        layout.addWidget(self.buttons)
        self.resize(860, 640)
        self._update_ok()

    def _fill_history(self, session: CaseSession) -> int:
        changes = examiner_records.changes(session, "case")
        headers = [
            self.tr("When"),
            self.tr("By"),
            self.tr("Property"),
            self.tr("Previous value"),
            self.tr("New value"),
            self.tr("Reason"),
        ]
        self.history.setColumnCount(len(headers))
        self.history.setHorizontalHeaderLabels(headers)
        self.history.setRowCount(len(changes))
        for row, change in enumerate(changes):
            values = [
                utc_time(change.created_at),
                change.actor,
                labels.field(change.field),
                str(change.previous or "—"),
                str(change.value or "—"),
                change.reason or "—",
            ]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.history.setItem(row, column, item)
        self.history.verticalHeader().hide()
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history.setWordWrap(True)  # a long value or reason wraps instead of hiding
        header = self.history.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for column in (3, 4):  # a long value (a description) wraps; the reason stays readable
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.history.resizeColumnToContents(column)
            header.resizeSection(column, min(header.sectionSize(column), 200))
        header.setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.Stretch)
        self.history.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        return len(changes)

    def _text(self, name: str) -> str:
        field = self.fields[name]
        text = field.toPlainText() if isinstance(field, QPlainTextEdit) else field.text()
        return text.strip()

    def changes(self) -> dict[str, str]:
        """The fields whose value differs from the current one, with their new values."""
        values = {name: self._text(name) for name in CASE_PROPERTIES}
        return {
            name: value for name, value in values.items() if value != self.current[name].strip()
        }

    def reason_text(self) -> str:
        return self.reason.text().strip()

    def _update_ok(self) -> None:
        if self.ok is None:
            return
        complete = all(self._text(name) for name in REQUIRED)
        self.ok.setEnabled(complete and bool(self.changes()) and bool(self.reason_text()))
