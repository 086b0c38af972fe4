"""Analysis ▸ Studies: the case's study (sweep) records with their plots and images, and a form
to run a new one."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QListWidgetItem,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from workstation.app.clip import ClipChoice
from workstation.app.recipe import Recipe
from workstation.app.resources import ClipHolder
from workstation.core.case import Record
from workstation.engine.stored import linked_id
from workstation.gui import i18n, labels
from workstation.gui.dialogs.errors import show_error
from workstation.gui.figure_export import FigureExport
from workstation.gui.images import load_qimage
from workstation.gui.jobs import Job, JobRunner
from workstation.gui.panels.study_form import StudyForm
from workstation.gui.session import CaseSession, kind_of
from workstation.gui.widgets.image_view import ImageView
from workstation.gui.widgets.record_list import RecordList
from workstation.gui.widgets.study_details import StudyDetails, redraw_plot

STUDY_KINDS = ("study", "sweep")  # as typed: the over-fitting lab has its own tab


class StudiesTab(QWidget):
    def __init__(
        self,
        session: CaseSession,
        runner: JobRunner,
        recipe: Callable[[], Recipe] | None = None,
        clip: Callable[[], ClipChoice] = ClipChoice,
        clips: ClipHolder | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.session = session
        self.runner = runner
        self.form = StudyForm(session, runner, recipe, clip, clips)
        self.records = RecordList()
        self.form.finished.connect(self.records.select)
        self.records.setObjectName("studyList")
        self.records.currentItemChanged.connect(self._selected)
        self.plot = ImageView()
        self.showing = QComboBox()
        self.showing.setObjectName("studyPicture")
        self.showing.setToolTip(
            self.tr("The study's plot of the measurements, or the grid of its images")
        )
        self.showing.addItem(self.tr("Plot"), "plot")
        self.showing.addItem(self.tr("Images"), "grid")
        self.showing.currentIndexChanged.connect(self._show_other)
        self.caption = QLabel()
        self.plot_export = FigureExport(self.plot, "study", self.caption.text)
        self.caption.setWordWrap(True)
        self.details = StudyDetails()  # a designed table, never the stored JSON
        shown = QWidget()
        column = QVBoxLayout(shown)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.showing, 0, Qt.AlignmentFlag.AlignLeft)
        column.addWidget(self.plot, 1)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(shown)
        right.addWidget(self.details)
        right.setSizes([420, 160])
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.records)
        left.addWidget(self.form)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([260, 700])
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addWidget(split, 1)
        session.opened.connect(self.reload)
        session.changed.connect(self.reload)
        self.reload()

    def reload(self) -> None:
        studies = [r for r in self.session.records() if kind_of(r) in STUDY_KINDS]
        if not self.records.show_records(studies, _label):
            return
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
        self.details.show_record(record)
        which = self.showing.currentData()
        stored = self._stored_picture(record, which)
        lang = i18n.language()

        def work(job: Job):
            # The study's own plot (or grid) from the case, as the report shows it; in another
            # language, or for records without one, the plot drawn again from the record's
            # numbers with the report's words (its labels are the study's, in English).
            if stored is not None and (which != "plot" or lang == "en"):
                return load_qimage(stored)
            with tempfile.TemporaryDirectory() as scratch:
                out = redraw_plot(record, lang, Path(scratch) / "plot.png")
                if out is None:
                    return load_qimage(stored) if stored is not None else None
                return load_qimage(out)

        job = Job(work, "study plot")
        job.signals.succeeded.connect(lambda image: self.plot.set_images(image))
        job.signals.failed.connect(lambda message, bug: show_error(self, message, bug))
        self.runner.start(job)

    def _stored_picture(self, record: Record, which: str) -> Path | None:
        """The study's stored "plot" or "grid" file, when the record links one ("figure")."""
        artifact_id = linked_id(record, which, "figure")
        artifact = self.session.artifact(artifact_id) if artifact_id is not None else None
        if artifact is None or self.session.case is None:
            return None
        return self.session.case.object_path(artifact.sha256)

    def _show_other(self) -> None:
        self._selected(self.records.currentItem())


def _label(record: Record) -> str:
    title = record.payload.get("title") or record.payload.get("name") or record.kind
    return f"#{record.id}  {labels.note(str(title))}"
