"""A drop-down of the case's images: "#3  name.png  (reference)" with its thumbnail, a "none"
entry first.

Its list opens as a picker: a search field (name, note, #id or the start of the SHA-256), the
images grouped by role under headers that cannot be chosen, each with a thumbnail, and the
intermediate pictures (denoising steps and previews, figures drawn by comparisons and studies)
left out unless "Show steps and figures" is ticked. The combo box itself keeps every image, so
`select`, `findData` and `currentData` work for any of them (a step dropped from the Case panel).
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QObject, QPoint, QSize, Qt
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workstation.core.case import Artifact, Record
from workstation.gui import labels
from workstation.gui.session import CaseSession
from workstation.gui.widgets.thumbnails import ICON_SIDE, thumbnails

GROUPS = ("disputed", "reference", "generated", "other")  # the order the picker lists them in
STEPS = "steps"  # the group of intermediate pictures, last and only when asked for
IdRole = Qt.ItemDataRole.UserRole


def intermediate_ids(records: Iterable[Record]) -> set[int]:
    """Artifacts that are stages of other work, not evidence to pick: pictures of denoising steps
    (linked as "step") and the figures comparisons and studies drew (linked as "figure")."""
    return {
        link.artifact_id
        for record in records
        for link in record.linked("step", "figure")
        if link.artifact_id is not None
    }


def matches(artifact: Artifact, text: str) -> bool:
    """Whether `text` finds the artifact: "#12" its id, else a part of its name or note, or the
    start of its SHA-256 (any case)."""
    text = text.strip().lower()
    if not text:
        return True
    if text.startswith("#") and text[1:].isdigit():
        return artifact.id == int(text[1:])
    if text.isdigit() and artifact.id == int(text):
        return True
    return (
        text in artifact.original_name.lower()
        or text in artifact.note.lower()
        or artifact.sha256.startswith(text)
    )


def grouped(
    artifacts: list[Artifact], intermediate: set[int], text: str = "", show_steps: bool = False
) -> list[tuple[str, list[Artifact]]]:
    """The artifacts `text` finds, by group in `GROUPS` order (other roles with "other"), the
    intermediate ones last as `STEPS` when `show_steps`; empty groups left out."""
    groups: dict[str, list[Artifact]] = {name: [] for name in (*GROUPS, STEPS)}
    for artifact in sorted(artifacts, key=lambda a: a.id):
        if not matches(artifact, text):
            continue
        if artifact.id in intermediate:
            group = STEPS
        else:
            group = artifact.role if artifact.role in GROUPS else "other"
        groups[group].append(artifact)
    if not show_steps:
        groups[STEPS] = []
    return [(name, items) for name, items in groups.items() if items]


class ArtifactCombo(QComboBox):
    def __init__(
        self, none_text: str, parent: QWidget | None = None, session: CaseSession | None = None
    ):
        super().__init__(parent)
        self.none_text = none_text
        self.session = session  # where the steps and the images' files are known (optional)
        self.shown: list[Artifact] = []
        self.intermediate: set[int] = set()
        self.show_steps = False  # the picker's toggle, kept while the combo lives
        self.picker: ArtifactPicker | None = None  # made when first opened
        self.addItem(none_text, None)
        thumbnails().loaded.connect(self._thumbnail_loaded)

    def set_artifacts(
        self, artifacts: list[Artifact], intermediate: set[int] | None = None
    ) -> None:
        """List `artifacts` (grouped by role, intermediate ones last), keeping the choice shown.
        `intermediate`: ids of steps and figures; by default read from the session's records."""
        if intermediate is None:
            records = self.session.records() if self.session is not None else []
            intermediate = intermediate_ids(records)
        if artifacts == self.shown and intermediate == self.intermediate:
            return
        current = self.currentData()
        blocked = self.blockSignals(True)
        self.clear()
        self.addItem(self.none_text, None)
        self.shown, self.intermediate = list(artifacts), set(intermediate)
        ordered = grouped(self.shown, self.intermediate, show_steps=True)
        for _group, items in ordered:
            for artifact in items:
                self._add(artifact)
        self.select(current)
        self.blockSignals(blocked)
        self._request_thumbnails(a for a in self.shown if a.id not in self.intermediate)

    def _add(self, artifact: Artifact) -> None:
        role = labels.role(artifact.role)
        self.addItem(f"#{artifact.id}  {artifact.original_name}  ({role})", artifact.id)
        row = self.count() - 1
        self.setItemData(row, _tooltip(artifact), Qt.ItemDataRole.ToolTipRole)
        icon = thumbnails().icon(artifact.sha256)
        if icon is not None:
            self.setItemIcon(row, icon)

    def select(self, artifact_id: int | None) -> None:
        """Show `artifact_id` (or "none" when it is None or not listed), without signals."""
        blocked = self.blockSignals(True)
        self.setCurrentIndex(max(self.findData(artifact_id), 0) if artifact_id else 0)
        self.blockSignals(blocked)

    def artifact(self, artifact_id: int | None) -> Artifact | None:
        return next((a for a in self.shown if a.id == artifact_id), None)

    # Thumbnails: read in the background by the shared cache, shown as they arrive.

    def _request_thumbnails(self, artifacts: Iterable[Artifact]) -> None:
        case = self.session.case if self.session is not None else None
        if case is None:
            return
        cache = thumbnails()
        for artifact in artifacts:
            cache.request(artifact.sha256, case.object_path(artifact.sha256))

    def _thumbnail_loaded(self, sha256: str) -> None:
        icon = thumbnails().icon(sha256)
        for artifact in self.shown:
            if artifact.sha256 == sha256:
                row = self.findData(artifact.id)
                if row >= 0:
                    self.setItemIcon(row, icon)
        if self.picker is not None and self.picker.isVisible():
            self.picker.set_icon(sha256, icon)

    # The list opens as the picker.

    def showPopup(self) -> None:
        if self.picker is None:
            self.picker = ArtifactPicker(self)
        self.picker.open_below()

    def hidePopup(self) -> None:
        if self.picker is not None:
            self.picker.hide()
        super().hidePopup()

    def choose(self, artifact_id: int | None) -> None:
        """Choose as the user does: the current item changes and `activated` is emitted."""
        row = self.findData(artifact_id) if artifact_id is not None else 0
        if row < 0:
            return
        self.setCurrentIndex(row)
        self.activated.emit(row)


class ArtifactPicker(QFrame):
    """The combo box's open list: search, "show steps", and the images by role with thumbnails."""

    def __init__(self, combo: ArtifactCombo):
        super().__init__(combo, Qt.WindowType.Popup)
        self.setObjectName("artifactPicker")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.combo = combo
        self.search = QLineEdit()
        self.search.setObjectName("pickerSearch")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(self.tr("Filter by name, note, #id or SHA-256"))
        self.search.setToolTip(
            self.tr(
                "Type a part of the name or note, #12 for artifact 12, or the first characters "
                "of the SHA-256; Enter chooses the first image found"
            )
        )
        self.search.textChanged.connect(self.populate)
        self.search.returnPressed.connect(self._choose_first)
        self.search.installEventFilter(self)
        self.steps = QCheckBox()
        self.steps.setObjectName("pickerShowSteps")
        self.steps.setToolTip(
            self.tr(
                "Also list the pictures of denoising steps and the figures drawn by comparisons "
                "and studies (hidden unless asked for)"
            )
        )
        self.steps.setChecked(combo.show_steps)
        self.steps.toggled.connect(self._steps_toggled)
        self.tree = QTreeWidget()
        self.tree.setObjectName("pickerTree")
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(False)
        self.tree.setItemsExpandable(False)
        self.tree.setIndentation(8)
        self.tree.setIconSize(QSize(ICON_SIDE, ICON_SIDE))
        self.tree.setToolTip(self.tr("Click an image to choose it"))
        self.tree.itemClicked.connect(self._clicked)
        self.tree.itemActivated.connect(self._clicked)
        self.count = QLabel()
        self.count.setObjectName("pickerCount")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.search)
        layout.addWidget(self.steps)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.count)

    def open_below(self) -> None:
        combo = self.combo
        self.search.clear()
        self.populate()
        width = max(combo.width(), 460)
        height = min(560, 120 + 56 * max(4, self._rows()))
        where = combo.mapToGlobal(QPoint(0, combo.height()))
        screen = combo.screen().availableGeometry() if combo.screen() else None
        if screen is not None and where.y() + height > screen.bottom():
            where = combo.mapToGlobal(QPoint(0, -height))  # no room below: open upwards
        self.setGeometry(where.x(), where.y(), width, height)
        self.show()
        self.search.setFocus()

    def _rows(self) -> int:
        return sum(1 + self.tree.topLevelItem(i).childCount() for i in range(self._groups()))

    def _groups(self) -> int:
        return self.tree.topLevelItemCount()

    def _steps_toggled(self, on: bool) -> None:
        self.combo.show_steps = on
        self.populate()

    def populate(self) -> None:
        combo = self.combo
        hidden = len(combo.intermediate & {a.id for a in combo.shown})
        self.steps.setText(self.tr("Show steps and figures (%n)", "", hidden))
        self.steps.setVisible(bool(hidden))
        groups = grouped(combo.shown, combo.intermediate, self.search.text(), combo.show_steps)
        names = {
            "disputed": self.tr("Disputed"),
            "reference": self.tr("Reference"),
            "generated": self.tr("Generated"),
            "other": self.tr("Other"),
            STEPS: self.tr("Steps and figures"),
        }
        self.tree.clear()
        bold = QFont(self.font())
        bold.setBold(True)
        current = combo.currentData()
        wanted: list[Artifact] = []
        found = 0
        for name, items in groups:
            header = QTreeWidgetItem([f"{names[name]}  ({len(items)})"])
            header.setFlags(Qt.ItemFlag.ItemIsEnabled)  # a heading: cannot be chosen
            header.setFont(0, bold)
            header.setData(0, IdRole, None)
            self.tree.addTopLevelItem(header)
            for artifact in items:
                text = f"#{artifact.id}  {artifact.original_name}"
                if artifact.note:
                    text += "\n" + _short(labels.note(artifact.note))
                item = QTreeWidgetItem(header, [text])
                item.setData(0, IdRole, artifact.id)
                item.setData(0, Qt.ItemDataRole.UserRole + 1, artifact.sha256)
                item.setToolTip(0, _tooltip(artifact))
                icon = thumbnails().icon(artifact.sha256)
                if icon is None:
                    wanted.append(artifact)
                item.setIcon(0, icon or thumbnails().placeholder)
                if artifact.id == current:
                    self.tree.setCurrentItem(item)
            found += len(items)
        self.tree.expandAll()
        total = len(combo.shown)
        self.count.setText(
            self.tr("{found} of {total} images listed").format(found=found, total=total)
        )
        combo._request_thumbnails(wanted)

    def set_icon(self, sha256: str, icon) -> None:
        for item in self.items():
            if item.data(0, Qt.ItemDataRole.UserRole + 1) == sha256:
                item.setIcon(0, icon)

    def items(self) -> list[QTreeWidgetItem]:
        """The images listed now (not the headers), in order."""
        return [
            group.child(row)
            for group in (self.tree.topLevelItem(i) for i in range(self._groups()))
            for row in range(group.childCount())
        ]

    def _clicked(self, item: QTreeWidgetItem) -> None:
        artifact_id = item.data(0, IdRole)
        if artifact_id is None:
            return  # a heading
        self.hide()
        self.combo.choose(artifact_id)

    def _choose_first(self) -> None:
        items = self.items()
        if items:
            self._clicked(items[0])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.search
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
        ):
            items = self.items()
            if items:
                self.tree.setFocus()
                self.tree.setCurrentItem(items[0])
            return True
        return super().eventFilter(watched, event)


def _short(text: str, limit: int = 70) -> str:
    line = text.splitlines()[0] if text else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _tooltip(artifact: Artifact) -> str:
    parts = [
        f"#{artifact.id}  {artifact.original_name}",
        labels.note(artifact.note),
        artifact.sha256,
    ]
    return "\n".join(part for part in parts if part)
