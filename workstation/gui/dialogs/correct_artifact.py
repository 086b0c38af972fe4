"""Correct an artifact's role or note. The import row never changes: the correction is an
amendment record that supersedes it, with a reason, and earlier corrections stay listed."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from workstation.app.examiner_records import Change
from workstation.core.case import ROLES, Artifact
from workstation.gui import labels
from workstation.gui.targets import artifact_label
from workstation.gui.widgets.artifact_model import utc_time


class CorrectArtifactDialog(QDialog):
    def __init__(self, artifact: Artifact, earlier: list[Change], parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("correctArtifactDialog")
        self.setWindowTitle(self.tr("Correct role or note"))
        self.artifact = artifact
        self.role = QComboBox()
        self.role.setObjectName("correctRole")
        # A role the workstation gave itself (a stored report) is not one to give by hand.
        for role in ROLES if artifact.role in ROLES else (artifact.role, *ROLES):
            self.role.addItem(labels.role(role), role)
        self.role.setCurrentIndex(self.role.findData(artifact.role))
        self.role.setEnabled(artifact.role in ROLES)
        self.note = QLineEdit(artifact.note)
        self.note.setObjectName("correctNote")
        self.reason = QLineEdit()
        self.reason.setObjectName("correctReason")
        self.reason.setPlaceholderText(self.tr("required, e.g. the instructing party named it"))
        self.role.setToolTip(
            self.tr("The artifact's role from now on; the old one stays in its history")
        )
        self.note.setToolTip(
            self.tr("The artifact's note from now on; the old one stays in its history")
        )
        self.reason.setToolTip(self.tr("Why the correction is made; recorded with the amendment"))
        form = QFormLayout()
        form.addRow(self.tr("Artifact:"), QLabel(artifact_label(artifact)))
        form.addRow(self.tr("Role:"), self.role)
        form.addRow(self.tr("Note:"), self.note)
        form.addRow(self.tr("Reason:"), self.reason)
        history = QLabel(self._history(earlier))
        history.setObjectName("correctionHistory")
        history.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(self.tr("Correct"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        for signal in (self.role.currentIndexChanged, self.note.textChanged):
            signal.connect(self._update_ok)
        self.reason.textChanged.connect(self._update_ok)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(history)
        layout.addWidget(self.buttons)
        self.resize(560, 0)
        self._update_ok()

    def _history(self, earlier: list[Change]) -> str:
        if not earlier:
            return self.tr(
                "The correction is recorded as an amendment; the role and note given at import "
                "stay in the case and its history."
            )
        lines = [self.tr("Earlier corrections:")]
        for change in earlier:
            lines.append(
                self.tr("{time} {actor}: {field} “{previous}” → “{value}” ({reason})").format(
                    time=utc_time(change.created_at),
                    actor=change.actor,
                    field=labels.field(change.field),
                    previous=_shown(change.field, change.previous),
                    value=_shown(change.field, change.value),
                    reason=change.reason or "—",
                )
            )
        return "\n".join(lines)

    def changes(self) -> dict[str, str]:
        """ "role" and/or "note" with their new values, when they differ from the current ones."""
        values = {"role": self.role.currentData(), "note": self.note.text().strip()}
        current = {"role": self.artifact.role, "note": self.artifact.note.strip()}
        return {name: value for name, value in values.items() if value != current[name]}

    def reason_text(self) -> str:
        return self.reason.text().strip()

    def _update_ok(self) -> None:
        self.ok.setEnabled(bool(self.changes()) and bool(self.reason_text()))


def _shown(field: str, value: object) -> str:
    return labels.role(str(value)) if field == "role" else str(value or "—")
