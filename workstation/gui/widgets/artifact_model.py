"""The case's artifacts as a Qt item model, shared by the thumbnail grid and the table."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QLocale,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QIcon, QImage, QPixmap

from workstation.core.case import Artifact
from workstation.gui import labels
from workstation.gui.session import appended

THUMB_SIDE = 128
ARTIFACT_MIME = "application/x-workstation-artifact-ids"
ArtifactRole = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


def utc_time(iso: str) -> str:
    """ISO-8601 UTC as stored ("2026-11-25T10:00:00.123456Z") shown to the second."""
    return iso[:19].replace("T", " ") + " UTC"


class ArtifactModel(QAbstractTableModel):
    ID, NAME, ROLE, SHA, SIZE, DIMENSIONS, TIME = range(7)

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._artifacts: list[Artifact] = []
        self._icons: dict[str, QIcon] = {}
        blank = QPixmap(THUMB_SIDE, THUMB_SIDE)
        blank.fill(Qt.GlobalColor.transparent)
        self._placeholder = QIcon(blank)  # keeps grid cells full-size until thumbnails arrive

    def headers(self) -> list[str]:
        return [
            self.tr("#"),
            self.tr("Name"),
            self.tr("Role"),
            self.tr("SHA-256"),
            self.tr("Size"),
            self.tr("Pixels"),
            self.tr("Imported"),
        ]

    def set_artifacts(self, artifacts: list[Artifact]) -> None:
        """Show `artifacts`; rows already shown stay (with their selection) when it only grew."""
        new = appended(self._artifacts, artifacts)
        if new is None:
            self.beginResetModel()
            self._artifacts = list(artifacts)
            self.endResetModel()
        elif new:
            first = len(self._artifacts)
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            self._artifacts.extend(new)
            self.endInsertRows()

    def artifacts(self) -> list[Artifact]:
        return list(self._artifacts)

    def artifact(self, row: int) -> Artifact:
        return self._artifacts[row]

    def row_of(self, artifact_id: int) -> int | None:
        for row, artifact in enumerate(self._artifacts):
            if artifact.id == artifact_id:
                return row
        return None

    def set_thumbnail(self, sha256: str, image: QImage) -> None:
        if max(image.width(), image.height()) < THUMB_SIDE:  # small images: enlarge, blocky
            image = image.scaled(
                THUMB_SIDE,
                THUMB_SIDE,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.FastTransformation,
            )
        self._icons[sha256] = QIcon(QPixmap.fromImage(image))
        for row, artifact in enumerate(self._artifacts):
            if artifact.sha256 == sha256:
                index = self.index(row, self.NAME)
                self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])

    def has_thumbnail(self, sha256: str) -> bool:
        return sha256 in self._icons

    def clear_thumbnails(self) -> None:
        self._icons.clear()

    # QAbstractTableModel

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._artifacts)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 7

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        artifact = self._artifacts[index.row()]
        column = index.column()
        if role == ArtifactRole:
            return artifact
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(artifact, column)
        if role == Qt.ItemDataRole.DecorationRole and column == self.NAME:
            return self._icons.get(artifact.sha256, self._placeholder)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.SHA:
                return artifact.sha256
            return f"{artifact.original_name}\n{labels.note(artifact.note)}".strip()
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (self.ID, self.SIZE):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:  # sort key
            return (
                artifact.id,
                artifact.original_name.lower(),
                artifact.role,
                artifact.sha256,
                artifact.size,
                (artifact.width or 0) * (artifact.height or 0),
                artifact.imported_at,
            )[column]
        return None

    def _display(self, artifact: Artifact, column: int) -> str:
        if column == self.ID:
            return str(artifact.id)
        if column == self.NAME:
            return artifact.original_name
        if column == self.ROLE:
            return labels.role(artifact.role)
        if column == self.SHA:
            return artifact.sha256[:12] + "…"
        if column == self.SIZE:
            return QLocale().formattedDataSize(artifact.size)
        if column == self.DIMENSIONS:
            return f"{artifact.width} × {artifact.height}" if artifact.width else "—"
        return utc_time(artifact.imported_at)

    def flags(self, index: Index) -> Qt.ItemFlag:
        return super().flags(index) | Qt.ItemFlag.ItemIsDragEnabled

    def mimeTypes(self) -> list[str]:
        return [ARTIFACT_MIME]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:
        ids = sorted({self._artifacts[i.row()].id for i in indexes if i.isValid()})
        mime = QMimeData()
        mime.setData(ARTIFACT_MIME, ",".join(map(str, ids)).encode())
        return mime


def artifact_ids(mime: QMimeData) -> list[int]:
    """Artifact ids dragged from a case view (empty when the drag holds something else)."""
    if not mime.hasFormat(ARTIFACT_MIME):
        return []
    text = bytes(mime.data(ARTIFACT_MIME).data()).decode()
    return [int(part) for part in text.split(",") if part]


class ArtifactFilter(QSortFilterProxyModel):
    """Filter by role, by text in the name, note or hash, and hide chosen artifacts."""

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._role: str | None = None
        self._text = ""
        self._hidden: set[int] = set()
        self.setSortRole(Qt.ItemDataRole.UserRole)

    def set_role(self, role: str | None) -> None:
        self.beginFilterChange()
        self._role = role
        self.endFilterChange()

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._text = text.strip().lower()
        self.endFilterChange()

    def set_hidden(self, ids: set[int]) -> None:
        self.beginFilterChange()
        self._hidden = set(ids)
        self.endFilterChange()

    def filterAcceptsRow(self, row: int, parent: Index) -> bool:
        artifact: Artifact = self.sourceModel().artifact(row)
        if artifact.id in self._hidden:
            return False
        if self._role is not None and artifact.role != self._role:
            return False
        if not self._text:
            return True
        haystack = f"{artifact.original_name} {artifact.note} {artifact.sha256}".lower()
        return self._text in haystack
