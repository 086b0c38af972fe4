"""Analysis ▸ Lab: the over-fitting lab's records in the case (newest first) with their table,
plot and sample grids, and a form to run it again.

The table shows the record's stored points, the same numbers the CLI prints and the report
renders; the pictures are the record's stored artifacts.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QListWidgetItem,
    QPlainTextEdit,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workstation.app.clip import ClipChoice
from workstation.app.resources import ClipHolder
from workstation.core.case import Record
from workstation.core.records import Lab
from workstation.engine.stored import linked_id
from workstation.gui.dialogs.errors import show_error
from workstation.gui.figure_export import FigureExport
from workstation.gui.images import load_qimage
from workstation.gui.jobs import Job, JobRunner
from workstation.gui.panels.lab_form import LabForm
from workstation.gui.session import CaseSession
from workstation.gui.widgets.image_view import ImageView
from workstation.gui.widgets.record_list import RecordList

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
# Columns: the point's key and how its value is written.
COLUMNS = (
    ("training_images", "{:d}"),
    ("near_copy_fraction", "{:.2f}"),
    ("mean_nearest_tiled_l2", "{:.3f}"),
    ("mean_nearest_ssim", "{:.3f}"),
    ("mean_nearest_phash_similarity", "{:.3f}"),
    ("mean_nearest_clip", "{:.3f}"),  # only when the lab had a CLIP model; else "—"
    ("train_seconds", "{:.1f}"),
)


def lab_records(records: list[Record]) -> list[Record]:
    """The over-fitting lab's records, newest first (older cases stored them as studies)."""
    return [r for r in reversed(records) if isinstance(r.body, Lab)]


class LabTab(QWidget):
    def __init__(
        self,
        session: CaseSession,
        runner: JobRunner,
        clip: Callable[[], ClipChoice] = ClipChoice,
        clips: ClipHolder | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.session = session
        self.runner = runner
        self.form = LabForm(session, runner, clip, clips)
        self.records = RecordList()
        self.form.finished.connect(self.records.select)
        self.records.setObjectName("labList")
        self.records.currentItemChanged.connect(self._selected)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("labTable")
        headers = (
            (self.tr("Training images"), self.tr("Training-set size n")),
            (self.tr("Near-copies"), self.tr("Fraction of samples that are near-copies")),
            (
                self.tr("Tiled L2"),
                self.tr("Mean tiled L2 to the nearest training image (lower = closer)"),
            ),
            (self.tr("SSIM"), self.tr("Mean best SSIM over the training set")),
            (self.tr("pHash"), self.tr("Mean best pHash similarity (1 − Hamming distance / 64)")),
            (self.tr("CLIP"), self.tr("Mean best CLIP similarity (when a CLIP model was given)")),
            (self.tr("Train s"), self.tr("Seconds of training for this size")),
        )
        for column, (text, tip) in enumerate(headers):
            item = QTableWidgetItem(text)
            item.setToolTip(tip)
            self.table.setHorizontalHeaderItem(column, item)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setToolTip(self.tr("Click a row to see that size's samples"))
        self.table.cellClicked.connect(self._row_clicked)

        self.picture = QComboBox()
        self.picture.setObjectName("labPicture")
        self.picture.setToolTip(self.tr("The lab's plot, or the samples of one training-set size"))
        self.picture.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.picture.currentIndexChanged.connect(self._show_picture)
        self.plot = ImageView()
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.caption = QLabel()
        self.plot_export = FigureExport(self.plot, "lab", self.caption.text)
        self.caption.setWordWrap(True)

        shown = QWidget()
        column = QVBoxLayout(shown)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignLeft)
        column.addWidget(self.plot, 1)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.table)
        right.addWidget(shown)
        right.addWidget(self.details)
        right.setSizes([140, 400, 110])
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self.records)
        left.addWidget(self.form)
        left.setSizes([100, 480])
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([460, 700])
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addWidget(split, 1)
        session.opened.connect(self.reload)
        session.changed.connect(self.reload)
        self.reload()

    def reload(self) -> None:
        labs = lab_records(self.session.records())
        if not self.records.show_records(labs, self._label):
            return
        if labs:
            self.caption.setText(
                self.tr("%n over-fitting lab record(s) in this case.", "", len(labs))
            )
            self.records.setCurrentRow(0)
        else:
            self.caption.setText(
                self.tr(
                    "The over-fitting lab trains a model on 1, 5, 50 and 500 images and measures "
                    "how close its samples come to the training images. Its results appear here "
                    "once a run is stored in the case."
                )
            )
            self.table.setRowCount(0)
            self.picture.clear()
            self.plot.set_images()
            self.details.clear()

    def _label(self, record: Record) -> str:
        sizes = ", ".join(str(p.get("training_images")) for p in _lab(record).points)
        return self.tr("#{id}  sizes {sizes}  ({time})").format(
            id=record.id, sizes=sizes, time=record.created_at[:16].replace("T", " ")
        )

    def _selected(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        record: Record = item.data(Qt.ItemDataRole.UserRole)
        lab = _lab(record)
        points = lab.points
        self.table.setRowCount(len(points))
        for row, point in enumerate(points):
            for column, (key, form) in enumerate(COLUMNS):
                value = point.get(key)  # records of other versions may lack a column
                cell = QTableWidgetItem("—" if value is None else form.format(value))
                cell.setTextAlignment(RIGHT)
                cell.setData(Qt.ItemDataRole.UserRole, point.get("artifact_id"))  # its grid
                self.table.setItem(row, column, cell)
        self.details.setPlainText(
            "\n\n".join(text for text in (lab.near_copy_rule, lab.description) if text)
        )
        self.picture.blockSignals(True)
        self.picture.clear()
        self.picture.addItem(self.tr("Plot"), linked_id(record, "plot", "figure"))
        for point in points:
            self.picture.addItem(
                self.tr("Samples and nearest training images, n = {n}").format(
                    n=point.get("training_images")
                ),
                point.get("artifact_id"),
            )
        self.picture.blockSignals(False)
        self._show_picture()

    def _row_clicked(self, row: int, column: int) -> None:
        grid = self.table.item(row, column).data(Qt.ItemDataRole.UserRole)
        self.picture.setCurrentIndex(self.picture.findData(grid))

    def _show_picture(self) -> None:
        artifact = self.session.artifact(self.picture.currentData())
        if artifact is None or self.session.case is None:
            self.plot.set_images()
            return
        path = self.session.case.object_path(artifact.sha256)
        job = Job(lambda job: load_qimage(path), "lab picture")
        job.signals.succeeded.connect(lambda image: self._picture_loaded(artifact.id, image))
        job.signals.failed.connect(lambda message, bug: show_error(self, message, bug))
        self.runner.start(job)

    def _picture_loaded(self, artifact_id: int, image: QImage) -> None:
        if self.picture.currentData() != artifact_id:
            return  # another picture was chosen while this one loaded
        self.plot.set_images(image)
        if self.picture.currentIndex() == 0:  # the plot is a chart: scale it smoothly
            for item in self.plot.items:
                item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)


def _lab(record: Record) -> Lab:
    assert isinstance(record.body, Lab)  # lab_records chose it for that
    return record.body
