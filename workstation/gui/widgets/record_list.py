"""A list of case records (studies, labs), each item holding its Record."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from workstation.core.case import Record


class RecordList(QListWidget):
    def shown(self) -> list[Record]:
        return [self.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.count())]

    def show_records(self, records: list[Record], label: Callable[[Record], str]) -> bool:
        """List `records`; False (and nothing redrawn, the selection kept) when they are
        already the ones shown."""
        if records and self.shown() == records:
            return False
        self.clear()
        for record in records:
            item = QListWidgetItem(label(record))
            item.setData(Qt.ItemDataRole.UserRole, record)
            self.addItem(item)
        return True

    def select(self, record_id: int) -> None:
        for row, record in enumerate(self.shown()):
            if record.id == record_id:
                self.setCurrentRow(row)
                return
