"""The Findings panel: every finding of the case in one table, as forensic tools list bookmarks.

Double-click shows what a finding is about (the window decides where); Withdraw asks for a reason.
The panel only reads the session; the writes go through the window's CaseEdits.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from workstation.app import examiner_records
from workstation.app.examiner_records import FindingRow
from workstation.gui import targets
from workstation.gui.session import CaseSession
from workstation.gui.widgets.findings_model import FindingsModel, RowRole, SortRole
from workstation.gui.widgets.inspect_tools import geometry_words


class _Shown(QSortFilterProxyModel):
    """Hides withdrawn findings unless asked to show them."""

    show_withdrawn = True

    def set_show_withdrawn(self, shown: bool) -> None:
        self.beginFilterChange()
        self.show_withdrawn = shown
        self.endFilterChange()

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:
        return self.show_withdrawn or not self.sourceModel().finding(row).withdrawn


class FindingsPanel(QWidget):
    add_requested = Signal()
    withdraw_requested = Signal(int)  # record id of the finding
    open_requested = Signal(object)  # FindingRow: show what it is about

    def __init__(self, session: CaseSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.writable = False
        self.model = FindingsModel(self)
        self.proxy = _Shown(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SortRole)

        self.summary = QLabel()
        self.summary.setObjectName("findingsSummary")
        self.show_withdrawn = QCheckBox(self.tr("Show withdrawn"))
        self.show_withdrawn.setToolTip(
            self.tr(
                "Withdrawn findings stay in the case; show them, struck through, with the reason"
            )
        )
        self.show_withdrawn.setChecked(True)
        self.show_withdrawn.toggled.connect(self.proxy.set_show_withdrawn)
        self.add_button = QPushButton(self.tr("Add Finding…"))
        self.add_button.setObjectName("addFinding")
        self.add_button.clicked.connect(self.add_requested)
        self.withdraw_button = QPushButton(self.tr("Withdraw…"))
        self.withdraw_button.setObjectName("withdrawFinding")
        self.withdraw_button.clicked.connect(self._withdraw)
        header = QHBoxLayout()
        header.addWidget(self.summary, 1)
        header.addWidget(self.show_withdrawn)
        header.addWidget(self.add_button)
        header.addWidget(self.withdraw_button)

        self.table = QTableView()
        self.table.setObjectName("findingsTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(FindingsModel.ID, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        columns = self.table.horizontalHeader()
        columns.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        columns.setSectionResizeMode(FindingsModel.ABOUT, QHeaderView.ResizeMode.Interactive)
        columns.resizeSection(FindingsModel.ABOUT, 260)
        columns.setSectionResizeMode(FindingsModel.TEXT, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(self._opened)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)

        self.hint = QLabel(
            self.tr(
                "Double-click a finding to show what it is about. Findings are audited records: "
                "they are never edited, only withdrawn with a reason."
            )
        )
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.hint)

        session.opened.connect(self.reload)
        session.changed.connect(self.reload)
        self.reload()

    def reload(self) -> None:
        rows = examiner_records.findings(self.session)
        about = {row.record_id: self._about(row) for row in rows}
        self.model.set_findings(rows, about)
        withdrawn = sum(row.withdrawn for row in rows)
        if self.session.case is None:
            self.summary.setText(self.tr("No case is open."))
        elif not rows:
            self.summary.setText(
                self.tr("No findings yet: add one about an artifact, a record or a figure.")
            )
        else:
            self.summary.setText(
                self.tr("%n finding(s)", "", len(rows))
                + (self.tr(", %n withdrawn", "", withdrawn) if withdrawn else "")
            )
        self._update_buttons()

    def _about(self, row: FindingRow) -> str:
        label = targets.label(row.about, self.session)
        return f"{label} · {geometry_words(row.geometry)}" if row.geometry else label

    def set_writable(self, writable: bool, why_not: str) -> None:
        self.writable = writable
        for button in (self.add_button, self.withdraw_button):
            button.setToolTip(why_not)
        self._update_buttons()

    def selected(self) -> FindingRow | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(RowRole) if rows else None

    def select(self, record_id: int) -> None:
        row = self.model.row_of(record_id)
        if row is not None:
            self.table.selectRow(self.proxy.mapFromSource(self.model.index(row, 0)).row())

    def _update_buttons(self) -> None:
        chosen = self.selected()
        self.add_button.setEnabled(self.writable)
        self.withdraw_button.setEnabled(
            self.writable and chosen is not None and not chosen.withdrawn
        )

    def _withdraw(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            self.withdraw_requested.emit(chosen.record_id)

    def _opened(self, index: QModelIndex) -> None:
        self.open_requested.emit(index.data(RowRole))
