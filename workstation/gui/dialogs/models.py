"""Tools ▸ Models: what the files of a model folder are (`workstation models scan`) and, for a
LoRA, what its header says about its training (`workstation lora-info`).

Both run as jobs (hashing a folder takes a while the first time); the hashes shown come from the
per-user listing cache, for finding files, and are never written into a case.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workstation.app.models import LoraInfoRequest, ScanRequest, lora_report, scan_models
from workstation.engine.library import ModelInfo
from workstation.engine.lora import LoraReport
from workstation.gui.dialogs.errors import show_error
from workstation.gui.jobs import Job, JobRunner
from workstation.gui.widgets.path_field import FOLDER, PathField

TOP_TAGS = 25  # as `workstation lora-info` prints by default


class ModelsDialog(QDialog):
    def __init__(self, runner: JobRunner, folder: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("modelsDialog")
        self.setWindowTitle(self.tr("Models"))
        self.runner = runner
        self.models: list[ModelInfo] = []

        self.folder = PathField(FOLDER)
        self.folder.setObjectName("modelsFolder")
        self.folder.setToolTip(
            self.tr("The folder to list: every checkpoint and LoRA under it, with kinds and hashes")
        )
        self.folder.set_path(folder)
        self.scan_button = QPushButton(self.tr("Scan"))
        self.scan_button.setObjectName("scanModels")
        self.scan_button.clicked.connect(self.scan)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Folder:")))
        top.addWidget(self.folder, 1)
        top.addWidget(self.scan_button)

        self.table = QTableWidget(0, 6)
        self.table.setObjectName("modelTable")
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Name"),
                self.tr("Kind"),
                self.tr("Architecture"),
                self.tr("Size"),
                self.tr("AutoV2"),
                self.tr("LoRA hash"),
            ]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selected)

        self.lora = QTreeWidget()
        self.lora.setObjectName("loraInfo")
        self.lora.setHeaderLabels([self.tr("Item"), self.tr("Value")])
        self.lora.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        open_lora = QPushButton(self.tr("Open a LoRA File…"))
        open_lora.clicked.connect(self._choose_lora)
        lora_box = QGroupBox(self.tr("LoRA training metadata"))
        lora_column = QVBoxLayout(lora_box)
        lora_column.addWidget(self.lora, 1)
        lora_column.addWidget(open_lora, 0, Qt.AlignmentFlag.AlignLeft)

        self.status = QLabel(
            self.tr(
                "Choose a LoRA in the list (or open a file) to read its training metadata. "
                "Hashes come from a per-user listing cache: they are for finding files and are "
                "never written into a case."
            )
        )
        self.status.setObjectName("modelsStatus")
        self.status.setWordWrap(True)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(lora_box)
        split.setSizes([200, 320])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(900, 620)

    # 1. The folder

    def scan(self) -> Job | None:
        folder = self.folder.path()
        if folder is None:
            return None
        request = ScanRequest(dir=folder)
        job = Job(lambda job: scan_models(request), "model scan")
        job.signals.succeeded.connect(self._scanned)
        job.signals.failed.connect(self._failed)
        job.signals.finished.connect(lambda: self.scan_button.setEnabled(True))
        self.scan_button.setEnabled(False)
        self.status.setText(self.tr("Looking for models in {folder}…").format(folder=folder))
        return self.runner.start(job)

    def _scanned(self, models: list[ModelInfo]) -> None:
        self.models = models
        self.table.setRowCount(len(models))
        locale = QLocale()
        for row, info in enumerate(models):
            cells = (
                info.name,
                info.kind,
                info.architecture or "—",
                locale.formattedDataSize(info.size),
                info.autov2 or "—",
                info.addnet[:12] if info.addnet else "—",
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                tip = f"{info.path}\n{info.detail}\nSHA-256 {info.sha256}"
                item.setToolTip(tip + (f"\n{info.problem}" if info.problem else ""))
                if info.problem:
                    item.setForeground(Qt.GlobalColor.red)
                self.table.setItem(row, column, item)
        unusable = sum(1 for m in models if m.problem)
        text = self.tr("%n model(s).", "", len(models))
        if unusable:
            text += " " + self.tr("%n cannot be used (see the tooltips).", "", unusable)
        self.status.setText(text)

    # 2. A LoRA's header

    def _selected(self) -> None:
        rows = {index.row() for index in self.table.selectedIndexes()}
        if len(rows) == 1:
            info = self.models[rows.pop()]
            if info.kind == "LoRA" and not info.problem:
                self.show_lora(Path(info.path))

    def _choose_lora(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open a LoRA file"), "", self.tr("LoRA (*.safetensors)")
        )
        if chosen:
            self.show_lora(Path(chosen))

    def show_lora(self, path: Path) -> Job:
        request = LoraInfoRequest(file=path)
        job = Job(lambda job: lora_report(request), "lora info")
        job.signals.succeeded.connect(self._show_report)
        job.signals.failed.connect(self._failed)
        self.lora.clear()
        self.status.setText(self.tr("Reading {name}…").format(name=path.name))
        return self.runner.start(job)

    def _show_report(self, report: LoraReport) -> None:
        self.lora.clear()
        file = self._group(self.tr("File"), [(self.tr("Path"), report.path)])
        self._rows(
            file,
            [
                (self.tr("Made for"), report.base or "—"),
                (self.tr("Size"), QLocale().formattedDataSize(report.size)),
                ("SHA-256", report.sha256),
                ("AutoV2", report.autov2),
                (self.tr("LoRA hash"), (report.addnet or "—")[:12]),
            ],
        )
        self._rows(file, [(self.tr("Algorithm"), report.algorithm)])
        if report.stored_hash:
            if report.stored_hash_matches is None:
                verdict = self.tr("not recomputed: its tensor order is not in the file")
            elif report.stored_hash_matches:
                verdict = self.tr("matches the file")
            else:
                verdict = self.tr("DOES NOT MATCH the file")
            if report.stored_hash_kind == "LyCORIS":
                verdict = self.tr("LyCORIS hash, {verdict}").format(verdict=verdict)
            self._rows(file, [(self.tr("Header hash"), f"{report.stored_hash[:12]}  ({verdict})")])
        training = list(report.training.items()) or [
            (self.tr("none"), self.tr("no kohya ss_* metadata in the header"))
        ]
        self._group(self.tr("Training (kohya metadata)"), training)
        if report.dataset_dirs:
            folders = [(folder, _dataset(entry)) for folder, entry in report.dataset_dirs.items()]
            self._group(self.tr("Dataset folders"), folders)
        if report.tag_frequency:
            tags = list(report.tag_frequency.items())[:TOP_TAGS]
            title = self.tr("Top tags ({shown} of {count})").format(
                shown=len(tags), count=len(report.tag_frequency)
            )
            self._group(title, [(tag, str(count)) for tag, count in tags])
        groups: dict[tuple[str, str], list] = {}
        for module in report.modules:
            groups.setdefault((module.component, module.target), []).append(module)
        modules = []
        for (component, target), found in sorted(groups.items()):
            ranks = "/".join(str(r) for r in sorted({m.rank for m in found if m.rank})) or "?"
            modules.append(
                (
                    f"{component} {target}",
                    self.tr("×{count}, rank {rank}").format(count=len(found), rank=ranks),
                )
            )
        self._group(self.tr("Target modules"), modules)
        self.lora.expandAll()
        self.status.setText(
            self.tr("{name}: read from its header.").format(name=Path(report.path).name)
        )

    def _group(self, title: str, rows: list[tuple[str, str]]) -> QTreeWidgetItem:
        group = QTreeWidgetItem(self.lora, [title])
        group.setFirstColumnSpanned(True)
        self._rows(group, rows)
        return group

    @staticmethod
    def _rows(group: QTreeWidgetItem, rows: list[tuple[str, str]]) -> None:
        for label, value in rows:
            item = QTreeWidgetItem(group, [label, value])
            item.setToolTip(1, value)

    def _failed(self, message: str, bug: bool) -> None:
        self.status.setText(message)
        show_error(self, message, bug)


def _dataset(entry: object) -> str:
    if isinstance(entry, dict):
        return f"{entry.get('img_count', '?')} × {entry.get('n_repeats', '?')}"
    return str(entry)
