"""A pair comparison's readings as a table: metric, value, band, and the band's rule and source."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from workstation.gui import labels

# Background per band: warm for close, neutral for far. Dark text stays readable on all of them.
BAND_COLOURS = {
    "near-duplicate": "#f4a261",
    "similar": "#ffe08a",
    "different": "#d9dde3",
    "no band": "#e8e8e8",
}
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def format_value(value: float | None) -> str:
    if value is None:
        return "—"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.4f}"


class MetricTable(QTableWidget):
    METRIC, VALUE, BAND, RULE = range(4)

    def __init__(self, parent=None):
        super().__init__(0, 4, parent)
        self.setObjectName("metricTable")
        self.setHorizontalHeaderLabels(
            [self.tr("Metric"), self.tr("Value"), self.tr("Band"), self.tr("Band rule")]
        )
        self.verticalHeader().hide()
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setWordWrap(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(self.RULE, QHeaderView.ResizeMode.Stretch)

    def show_readings(self, readings) -> None:
        """`readings`: the Reading tuple of a PairReport, one row each in registry order."""
        self.setRowCount(len(readings))
        for row, reading in enumerate(readings):
            rule, source = labels.rule_and_source(reading)
            cells = [
                labels.metric(reading),
                format_value(reading.value),
                labels.band(reading.band),
                rule,
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(source)
                if column == self.VALUE:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if column == self.BAND:
                    item.setBackground(QBrush(QColor(BAND_COLOURS.get(reading.band, "#ffffff"))))
                    item.setForeground(QBrush(QColor("#1a1a1a")))
                self.setItem(row, column, item)

    def rows(self) -> list[list[str]]:
        """The table as shown (for tests and copying)."""
        return [
            [self.item(r, c).text() for c in range(self.columnCount())]
            for r in range(self.rowCount())
        ]
