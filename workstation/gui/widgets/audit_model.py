"""The case's audit log as a read-only table (newest entry first)."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from workstation.core.audit import AuditEntry
from workstation.gui import labels
from workstation.gui.session import appended
from workstation.gui.widgets.artifact_model import utc_time

Index = QModelIndex | QPersistentModelIndex


class AuditModel(QAbstractTableModel):
    SEQ, TIME, ACTOR, ACTION, SUMMARY, HASH = range(6)

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._entries: list[AuditEntry] = []

    def set_entries(self, entries: list[AuditEntry]) -> None:
        """`entries` oldest first, as the log holds them; new ones are added at the top."""
        new = appended(self._entries[::-1], entries)
        if new is None:
            self.beginResetModel()
            self._entries = list(reversed(entries))
            self.endResetModel()
        elif new:
            self.beginInsertRows(QModelIndex(), 0, len(new) - 1)
            self._entries[:0] = reversed(new)
            self.endInsertRows()

    def entry(self, row: int) -> AuditEntry:
        return self._entries[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 6

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return [
            self.tr("#"),
            self.tr("Time"),
            self.tr("Actor"),
            self.tr("Action"),
            self.tr("What"),
            self.tr("Entry hash"),
        ][section]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self._entries[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return [
                str(entry.seq),
                utc_time(entry.time),
                entry.actor,
                labels.action(entry.action),
                self._summary(entry),
                entry.hash[:12] + "…",
            ][column]
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.HASH:
                return self.tr("entry {hash}\nprevious {prev}").format(
                    hash=entry.hash, prev=entry.prev_hash
                )
            return json.dumps(entry.details, indent=1, ensure_ascii=False)[:2000]
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.SEQ:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _summary(self, entry: AuditEntry) -> str:
        """One line saying what the entry records."""
        details = entry.details
        if not isinstance(details, dict):
            return str(details)[:100]
        if entry.action == "import":
            role = labels.role(str(details.get("role")))
            return f"#{details.get('id')}  {role}  {details.get('original_name')}"
        if entry.action == "case created":
            return str(details.get("title"))
        if entry.action == "verify":
            if details.get("ok"):
                return self.tr("all objects and the chain match")
            return self.tr("FAILED: %n problem(s)", "", len(details.get("problems", [])))
        if "record_id" in details:
            return self.tr("record #{id}").format(id=details["record_id"])
        return ", ".join(f"{key}={value}" for key, value in list(details.items())[:3])[:100]
