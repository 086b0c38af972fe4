"""The case's findings as a read-only table: status, what it is about, figure, text, when, who.

Withdrawn findings stay listed (they stay in the case), greyed, with the withdrawal's reason in
their tooltip.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QApplication

from workstation.app.examiner_records import FindingRow
from workstation.gui import icons, labels
from workstation.gui.widgets.artifact_model import utc_time

Index = QModelIndex | QPersistentModelIndex
RowRole = Qt.ItemDataRole.UserRole  # the FindingRow of a row
SortRole = Qt.ItemDataRole.UserRole + 1


class FindingsModel(QAbstractTableModel):
    ID, STATUS, ABOUT, FIGURE, TEXT, TIME, ACTOR = range(7)

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._rows: list[FindingRow] = []
        self._about: dict[int, str] = {}  # record id -> what the finding is about, as shown

    def set_findings(self, rows: list[FindingRow], about: dict[int, str]) -> None:
        if rows == self._rows and about == self._about:
            return  # nothing new: keep the selection
        self.beginResetModel()
        self._rows, self._about = list(rows), dict(about)
        self.endResetModel()

    def finding(self, row: int) -> FindingRow:
        return self._rows[row]

    def row_of(self, record_id: int) -> int | None:
        return next((n for n, r in enumerate(self._rows) if r.record_id == record_id), None)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 7

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return [
            self.tr("Finding"),
            self.tr("Status"),
            self.tr("About"),
            self.tr("Figure"),
            self.tr("Text"),
            self.tr("Recorded"),
            self.tr("By"),
        ][section]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return [
                f"R{row.record_id}",
                labels.status(row.status),
                self._about.get(row.record_id, row.about.code),
                row.figure or "",
                " ".join(row.text.split()),  # one line; the tooltip keeps the line breaks
                utc_time(row.created_at),
                row.actor,
            ][column]
        if role == SortRole:
            return row.record_id if column == self.ID else self.data(index)
        if role == RowRole:
            return row
        if role == Qt.ItemDataRole.DecorationRole and column == self.STATUS:
            return icons.status(row.status)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row)
        if role == Qt.ItemDataRole.ForegroundRole and row.withdrawn:
            return QApplication.palette().color(
                QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text
            )
        if role == Qt.ItemDataRole.FontRole and row.withdrawn and column == self.TEXT:
            font = QFont()
            font.setStrikeOut(True)
            return font
        return None

    def _tooltip(self, row: FindingRow) -> str:
        if not row.withdrawn:
            return row.text
        reason = row.withdrawal.reason if row.withdrawal else ""
        return self.tr("{text}\n\nWithdrawn: {reason}").format(text=row.text, reason=reason)
