"""Choose images A and B from the case: two pickers (search, thumbnails, images grouped by role,
steps and figures only when asked for), a swap button, and drops from the Case panel."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QToolButton, QWidget

from workstation.gui.pair_state import PairState
from workstation.gui.widgets.artifact_combo import ArtifactCombo
from workstation.gui.widgets.artifact_model import artifact_ids


class PairPicker(QWidget):
    def __init__(self, pair: PairState, parent: QWidget | None = None):
        super().__init__(parent)
        self.pair = pair
        self.combo_a = ArtifactCombo(self.tr("(choose an image)"), session=pair.session)
        self.combo_a.setObjectName("pickA")
        self.combo_b = ArtifactCombo(self.tr("(choose an image)"), session=pair.session)
        self.combo_b.setObjectName("pickB")
        swap = QToolButton()
        swap.setText("⇄")
        swap.setToolTip(self.tr("Swap A and B"))
        swap.clicked.connect(pair.swap)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for side, combo in (("a", self.combo_a), ("b", self.combo_b)):
            combo.setMinimumContentsLength(22)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setToolTip(
                self.tr(
                    "Choose from the case (type to search by name, note, #id or SHA-256), or "
                    "drag an artifact here"
                )
            )
            combo.setAcceptDrops(True)
            combo.installEventFilter(self)
            combo.activated.connect(lambda _=0, s=side, c=combo: self._chosen(s, c))
            layout.addWidget(QLabel(side.upper() + ":"))
            layout.addWidget(combo, 1)
            if side == "a":
                layout.addWidget(swap)
        pair.session.opened.connect(self.reload)
        pair.session.changed.connect(self.reload)
        pair.changed.connect(self.show_pair)
        self.reload()

    def reload(self) -> None:
        images = self.pair.session.image_artifacts()
        for combo in (self.combo_a, self.combo_b):
            combo.set_artifacts(images)
        self.setEnabled(bool(images))
        self.show_pair()

    def show_pair(self) -> None:
        self.combo_a.select(self.pair.a.id if self.pair.a else None)
        self.combo_b.select(self.pair.b.id if self.pair.b else None)

    def _chosen(self, side: str, combo: QComboBox) -> None:
        self.set_side(side, combo.currentData())

    def set_side(self, side: str, artifact_id: int | None) -> None:
        artifact = self.pair.session.artifact(artifact_id) if artifact_id is not None else None
        self.pair.set_side(side, artifact)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        drag = kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop)
        ids = artifact_ids(event.mimeData()) if drag else []
        if not ids:
            return super().eventFilter(watched, event)
        if kind == QEvent.Type.Drop:
            side = "a" if watched is self.combo_a else "b"
            self.set_side(side, ids[0])
            if len(ids) > 1:  # two dropped at once: the second goes to the other side
                self.set_side("b" if side == "a" else "a", ids[1])
        event.acceptProposedAction()
        return True
