"""Analysis ▸ Studies: the case's study (sweep) records, plotted the way the report plots them."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from workstation.core.case import Record
from workstation.gui.dialogs.errors import show_error
from workstation.gui.images import load_qimage
from workstation.gui.jobs import Job, JobRunner
from workstation.gui.session import CaseSession
from workstation.gui.widgets.image_view import ImageView

STUDY_KINDS = ("study", "sweep")


class StudiesTab(QWidget):
    def __init__(self, session: CaseSession, runner: JobRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.runner = runner
        self.records = QListWidget()
        self.records.setObjectName("studyList")
        self.records.currentItemChanged.connect(self._selected)
        self.plot = ImageView()
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.plot)
        right.addWidget(self.details)
        right.setSizes([420, 160])
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.records)
        split.addWidget(right)
        split.setSizes([260, 700])
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addWidget(split, 1)
        session.opened.connect(self.reload)
        session.changed.connect(self.reload)
        self.reload()

    def reload(self) -> None:
        studies = [r for r in self.session.records() if r.kind in STUDY_KINDS]
        shown = [
            self.records.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.records.count())
        ]
        if shown == studies and studies:
            return
        self.records.clear()
        for record in studies:
            title = record.payload.get("title") or record.payload.get("name") or record.kind
            item = QListWidgetItem(f"#{record.id}  {title}")
            item.setData(Qt.ItemDataRole.UserRole, record)
            self.records.addItem(item)
        if studies:
            self.caption.setText(self.tr("%n study record(s) in this case.", "", len(studies)))
            self.records.setCurrentRow(0)
        else:
            self.caption.setText(
                self.tr(
                    "This case holds no studies yet. Sweeps of seed, img2img strength or "
                    "LoRA scale appear here with their plots once they are recorded."
                )
            )
            self.plot.set_images()
            self.details.clear()

    def _selected(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        record: Record = item.data(Qt.ItemDataRole.UserRole)
        self.details.setPlainText(json.dumps(record.payload, indent=2, ensure_ascii=False))

        def work(job: Job):
            # The report's own plotting, so the window shows what the PDF will show.
            # (`_series` is private to the report package: see the note in the GUI hand-over.)
            from workstation.report.plots import plot_series
            from workstation.report.study import _series

            x_label, series = _series(record.payload)
            if not series:
                return None
            with tempfile.TemporaryDirectory() as scratch:
                out = plot_series(series, x_label, "", Path(scratch) / "plot.png", None)
                return load_qimage(out)

        job = Job(work, "study plot")
        job.signals.succeeded.connect(lambda image: self.plot.set_images(image))
        job.signals.failed.connect(lambda message, bug: show_error(self, message, bug))
        self.runner.start(job)
