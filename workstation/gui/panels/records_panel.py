"""The Records panel: every record of the case (comparisons, generations, studies, labs,
reproductions, examinations, reports, findings, provenance, amendments) in one table, filtered by
kind and text, each reopened into the panel that shows it (`open_record`).

The rows are app/records_browse.py's, read from the session's snapshot; the panel redraws when the
session changes. Withdrawn records stay in the case and are listed on request, greyed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workstation.app.records_browse import KINDS, RESULTS, RecordRow, filtered, record_rows
from workstation.gui import i18n, labels
from workstation.gui.session import CaseSession

if TYPE_CHECKING:
    from workstation.gui.main_window import MainWindow

# Each kind as the panel names it (the filter and the Kind column).
KIND_LABELS = {
    "comparison": QT_TRANSLATE_NOOP("RecordsPanel", "comparison"),
    "generation": QT_TRANSLATE_NOOP("RecordsPanel", "generation"),
    "study": QT_TRANSLATE_NOOP("RecordsPanel", "study"),
    "lab": QT_TRANSLATE_NOOP("RecordsPanel", "lab"),
    "reproduction": QT_TRANSLATE_NOOP("RecordsPanel", "reproduction"),
    "exam": QT_TRANSLATE_NOOP("RecordsPanel", "model examination"),
    "corpus_search": QT_TRANSLATE_NOOP("RecordsPanel", "corpus search"),
    "report": QT_TRANSLATE_NOOP("RecordsPanel", "report"),
    "finding": QT_TRANSLATE_NOOP("RecordsPanel", "finding"),
    "provenance": QT_TRANSLATE_NOOP("RecordsPanel", "provenance"),
    "amendment": QT_TRANSLATE_NOOP("RecordsPanel", "amendment"),
}
GREY = QColor("#8a8f98")


def kind_label(kind: str) -> str:
    text = KIND_LABELS.get(kind)
    return QCoreApplication.translate("RecordsPanel", text) if text else kind


class RecordsPanel(QWidget):
    open_requested = Signal(int)  # record id: show it in its panel
    KIND, ID, TITLE, TIME, STATUS = range(5)

    def __init__(self, session: CaseSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.rows: list[RecordRow] = []  # every record of the case, oldest first

        self.kind = QComboBox()
        self.kind.setObjectName("recordKind")
        self.kind.setToolTip(self.tr("Show the records of one kind only"))
        self.kind.addItem(self.tr("All but provenance"), RESULTS)
        self.kind.addItem(self.tr("All kinds"), None)
        for kind in KINDS:
            self.kind.addItem(kind_label(kind), kind)
        self.search = QLineEdit()
        self.search.setObjectName("recordSearch")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(self.tr("Search: title, file name, #id, examiner"))
        self.search.setToolTip(
            self.tr(
                "Show the records whose title, kind, examiner, withdrawal reason or linked file "
                "names contain this text; #12 or R12 finds record 12"
            )
        )
        self.show_withdrawn = QCheckBox(self.tr("Show withdrawn"))
        self.show_withdrawn.setObjectName("showWithdrawnRecords")
        self.show_withdrawn.setToolTip(
            self.tr(
                "Also list the records an amendment withdrew (greyed): they stay in the case and "
                "its audit log"
            )
        )
        self.open_button = QPushButton(self.tr("Open"))
        self.open_button.setObjectName("openRecord")
        self.open_button.setToolTip(
            self.tr("Show the selected record in its panel (double-click or Enter)")
        )
        self.open_button.clicked.connect(self.open_selected)
        header = QHBoxLayout()
        header.addWidget(QLabel(self.tr("Kind:")))
        header.addWidget(self.kind)
        header.addWidget(self.search, 1)
        header.addWidget(self.show_withdrawn)
        header.addWidget(self.open_button)

        self.table = QTableWidget(0, 5)
        self.table.setObjectName("recordsTable")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Kind"),
                self.tr("#"),
                self.tr("Title"),
                self.tr("Time (UTC)"),
                self.tr("Status"),
            ]
        )
        self.table.setToolTip(
            self.tr("Every record of the case, newest first; double-click one to open it")
        )
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        columns = self.table.horizontalHeader()
        columns.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        columns.setSectionResizeMode(self.TITLE, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda index: self.open_selected())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            shortcut = QShortcut(QKeySequence(key), self.table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.open_selected)

        self.summary = QLabel()
        self.summary.setObjectName("recordsSummary")
        self.summary.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)

        self.kind.currentIndexChanged.connect(self.refilter)
        self.search.textChanged.connect(self.refilter)
        self.show_withdrawn.toggled.connect(self.refilter)
        session.opened.connect(self.reload)
        session.changed.connect(self.reload)
        self.reload()

    # 1. Contents

    def reload(self) -> None:
        """Read every record again (the session's snapshot) and show those the filters pass."""
        self.rows = record_rows(self.session, i18n.language()) if self.session.case else []
        self.refilter()

    def shown(self) -> list[RecordRow]:
        """The rows the filters pass, newest first, as the table lists them."""
        rows = filtered(
            self.rows, self.kind.currentData(), self.search.text(), self.show_withdrawn.isChecked()
        )
        return rows[::-1]

    def refilter(self) -> None:
        chosen = self.selected_id()
        shown = self.shown()
        self.table.setRowCount(len(shown))
        for row, record in enumerate(shown):
            self._fill(row, record)
        if chosen is not None:
            self.select(chosen, reveal=False)
        self._summarise(shown)
        self._update_buttons()

    def _fill(self, row: int, record: RecordRow) -> None:
        status = self.tr("withdrawn") if record.withdrawn else self.tr("in the case")
        cells = [kind_label(record.kind), str(record.record_id), record.title, record.time, status]
        tip = self._tooltip(record)
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, record.record_id)
            item.setToolTip(tip)
            if column == self.ID:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if record.withdrawn:
                item.setForeground(QBrush(GREY))
            self.table.setItem(row, column, item)

    def _tooltip(self, record: RecordRow) -> str:
        lines = [f"R{record.record_id} {kind_label(record.kind)} — {record.title}"]
        lines.append(
            self.tr("Recorded {time} UTC by {actor}").format(
                time=record.time, actor=record.actor or "?"
            )
        )
        for role, ids in (("input", record.inputs), ("output", record.outputs)):
            if ids:
                lines.append(f"{labels.link_role(role)}: " + ", ".join(f"A{i}" for i in ids))
        if record.steps:
            lines.append(self.tr("%n kept denoising step(s)", "", len(record.steps)))
        if record.withdrawn:
            lines.append(self.tr("Withdrawn: {reason}").format(reason=record.withdrawal or ""))
        return "\n".join(lines)

    def _summarise(self, shown: list[RecordRow]) -> None:
        if self.session.case is None:
            self.summary.setText(self.tr("No case is open."))
            return
        withdrawn = sum(row.withdrawn for row in self.rows)
        text = self.tr("Showing %n of {total} record(s)", "", len(shown)).format(
            total=len(self.rows)
        )
        if withdrawn and not self.show_withdrawn.isChecked():
            text += self.tr("; %n withdrawn hidden", "", withdrawn)
        self.summary.setText(text + ". " + self.tr("Double-click a record to open it."))

    # 2. Selection

    def selected_id(self) -> int | None:
        items = self.table.selectedItems()
        return items[0].data(Qt.ItemDataRole.UserRole) if items else None

    def select(self, record_id: int, reveal: bool = True) -> bool:
        """Select a record's row; with `reveal`, clear the filters that hide it first."""
        for row in range(self.table.rowCount()):
            if self.table.item(row, self.ID).data(Qt.ItemDataRole.UserRole) == record_id:
                self.table.selectRow(row)
                self.table.scrollToItem(self.table.item(row, self.ID))
                return True
        if not reveal or all(r.record_id != record_id for r in self.rows):
            return False
        self.kind.setCurrentIndex(self.kind.findData(None))
        self.search.clear()
        self.show_withdrawn.setChecked(True)
        return self.select(record_id, reveal=False)

    def _update_buttons(self) -> None:
        self.open_button.setEnabled(self.selected_id() is not None)

    def open_selected(self) -> None:
        record_id = self.selected_id()
        if record_id is not None:
            self.open_requested.emit(record_id)


# 3. Opening a record in its panel


def open_record(window: MainWindow, record_id: int) -> bool:
    """Show a record where the window shows its kind: a comparison (or a reproduction) in
    Analysis ▸ Pair comparison and Compare with its stored numbers, a study or lab in its tab, an
    examination in Model examination, a report in the Report panel, a finding in Findings, a
    generation's output and steps or a provenance record's image in the Case panel, an
    amendment's target. False when the record is not in the session."""
    record = next((r for r in window.session.records() if r.id == record_id), None)
    if record is None:
        return False
    kind = record.body.KIND if record.body is not None else record.kind
    analysis = window.analysis_panel
    if kind in ("comparison", "reproduction") and window.pair.restore(record):
        if kind == "reproduction":
            _select_artifacts(window, [k.artifact_id for k in record.linked("input", "output")])
            return True
        analysis.tabs.setCurrentWidget(analysis.pair_tab)
        window.show_panel("analysis")
        return True
    if kind in ("study", "lab") and window._show_record(record):
        return True
    if kind == "exam":
        analysis.exam_tab.records.select(record.id)
        analysis.tabs.setCurrentWidget(analysis.exam_tab)
        window.show_panel("analysis")
        return True
    if kind == "corpus_search" and analysis.corpus_tab.show_record(record):
        analysis.tabs.setCurrentWidget(analysis.corpus_tab)
        window.show_panel("analysis")
        return True
    if kind == "report":
        reports = [r.id for r in reversed(window.session.records("report"))]
        window.report_panel.history.setCurrentRow(reports.index(record.id))
        window.show_panel("report")
        return True
    if kind == "finding":
        window.findings_panel.select(record.id)
        window.show_panel("findings")
        return True
    if kind == "amendment":
        amended = next(iter(record.linked("amends")), None)
        if amended is not None and amended.record_id is not None:
            window.records_panel.select(amended.record_id)
            return True
        if amended is None:  # a case property
            window.case_properties()
            return True
    # A generation (its output last, so that it is the current one), a provenance record's image,
    # and anything else: its files in the Case panel.
    roles = ("step", "about", "amends", "output", "document")
    ids = [k.artifact_id for role in roles for k in record.linked(role)]
    if kind == "provenance":
        window.case_panel.side_tabs.setCurrentWidget(window.case_panel.provenance)
    return _select_artifacts(window, ids or [k.artifact_id for k in record.links])


def _select_artifacts(window: MainWindow, ids: list[int | None]) -> bool:
    panel = window.case_panel
    ids = [i for i in ids if i is not None]
    if set(ids) & panel.step_ids:
        panel.show_steps.setChecked(True)  # a denoising step is hidden until asked for
    panel.select_ids(ids)
    window.show_panel("case")
    return bool(ids)
