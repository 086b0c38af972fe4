"""A drop-down list of the case's images: "#3  name.png  (reference)", with a "none" entry first."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget

from workstation.core.case import Artifact
from workstation.gui import labels
from workstation.gui.session import appended


class ArtifactCombo(QComboBox):
    def __init__(self, none_text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.none_text = none_text
        self.shown: list[Artifact] = []
        self.addItem(none_text, None)

    def set_artifacts(self, artifacts: list[Artifact]) -> None:
        """List `artifacts`; when the list only grew, the new ones are added at the end."""
        new = appended(self.shown, artifacts)
        if new is None:
            current = self.currentData()
            self.blockSignals(True)
            self.clear()
            self.addItem(self.none_text, None)
            self.shown = []
            new = artifacts
            self._add(new)
            self.select(current)
            self.blockSignals(False)
        else:
            self._add(new)

    def _add(self, artifacts: list[Artifact]) -> None:
        for artifact in artifacts:
            role = labels.role(artifact.role)
            self.addItem(f"#{artifact.id}  {artifact.original_name}  ({role})", artifact.id)
        self.shown.extend(artifacts)

    def select(self, artifact_id: int | None) -> None:
        """Show `artifact_id` (or "none" when it is None or not listed), without signals."""
        blocked = self.blockSignals(True)
        self.setCurrentIndex(max(self.findData(artifact_id), 0) if artifact_id else 0)
        self.blockSignals(blocked)
