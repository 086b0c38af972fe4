"""A list of case records (studies, labs), each item holding its Record, with a context menu for
a finding about the record."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QMenu, QWidget

from workstation.core.case import Record


class RecordList(QListWidget):
    finding_requested = Signal(int)  # record id

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        # Set by the window: why the case cannot take a finding now ("" when it can). Until it
        # is set the list offers no menu.
        self.why_not_write: Callable[[], str] | None = None
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)

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

    def menu_for(self, record: Record) -> QMenu | None:
        if self.why_not_write is None:
            return None
        menu = QMenu(self)
        menu.setToolTipsVisible(True)
        add = menu.addAction(self.tr("Add Finding…"))
        why = self.why_not_write()
        add.setEnabled(not why)
        add.setToolTip(why)
        add.triggered.connect(lambda: self.finding_requested.emit(record.id))
        return menu

    def _context_menu(self, position: QPoint) -> None:
        item = self.itemAt(position)
        menu = self.menu_for(item.data(Qt.ItemDataRole.UserRole)) if item else None
        if menu is not None:
            menu.exec(self.viewport().mapToGlobal(position))
