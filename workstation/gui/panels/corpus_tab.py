"""Analysis ▸ Corpus search: index a folder of reference works, find the closest to image A.

Builds the requests of app/corpus.py, as `workstation index build|query` does.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from workstation.app.corpus import (
    STAGE_ADD,
    STAGE_RECALL,
    STAGE_TRAIN,
    IndexBuildRequest,
    IndexQueryRequest,
    build_corpus_index,
    engine_name,
    query_corpus,
    search_into_case,
    stored_search,
)
from workstation.core.errors import WorkstationError
from workstation.core.progress import ProgressEvent
from workstation.gui.dialogs.errors import show_error
from workstation.gui.images import load_qimage
from workstation.gui.jobs import Job, JobRunner
from workstation.gui.pair_state import PairState
from workstation.gui.widgets.run_on import RunOn

THUMB = 112


class CorpusTab(QWidget):
    def __init__(self, pair: PairState, runner: JobRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.pair = pair
        self.runner = runner
        self.result = None
        self.record_id: int | None = None  # the corpus_search record the last search is kept as
        self.pictures: dict = {}
        self.job: Job | None = None

        self.index_path = QLineEdit()
        self.index_path.setObjectName("corpusIndex")
        self.index_path.setPlaceholderText(self.tr("index file (.npz)"))
        browse = QPushButton(self.tr("Open…"))
        browse.clicked.connect(self._choose_index)
        self.build_button = QPushButton(self.tr("Build from folder…"))
        self.build_button.setToolTip(
            self.tr("Hash every image under a folder into the index file (updates it if it exists)")
        )
        self.build_button.clicked.connect(self._choose_folder)
        self.kind = QComboBox()
        self.kind.setObjectName("corpusKind")
        self.kind.addItem(self.tr("exact (flat)"), "flat")
        self.kind.addItem(self.tr("approximate, in memory (HNSW)"), "hnsw")
        self.kind.addItem(self.tr("approximate, on disk (IVF-PQ)"), "ivfpq")
        self.kind.setToolTip(
            self.tr(
                "How a new build searches CLIP embeddings. Approximate kinds need FAISS and a "
                "CLIP model, and measure their recall@10 against exact search when built. "
                "Hashes are always searched exactly."
            )
        )
        self.run_on = RunOn("corpus")
        self.run_on.choice.setToolTip(
            self.tr(
                "Where a build decodes, hashes and embeds the images: in this process, or on "
                "Ray workers (this machine's cores, or the Ray cluster at the address given; "
                "needs the optional Ray install). The index is the same either way."
            )
        )
        index_row = QHBoxLayout()
        index_row.addWidget(QLabel(self.tr("Index:")))
        index_row.addWidget(self.index_path, 1)
        index_row.addWidget(browse)
        index_row.addWidget(QLabel(self.tr("Search:")))
        index_row.addWidget(self.kind)
        index_row.addWidget(QLabel(self.tr("Run on:")))
        index_row.addWidget(self.run_on)
        index_row.addWidget(self.build_button)

        self.k = QSpinBox()
        self.k.setRange(1, 200)
        self.k.setValue(IndexQueryRequest.k)  # the request's default, as the CLI's
        self.search_button = QPushButton(self.tr("Search with image A"))
        self.search_button.setObjectName("corpusSearch")
        self.search_button.clicked.connect(self.search)
        self.query_label = QLabel()
        self.metric = QComboBox()
        self.metric.setObjectName("rankBy")
        self.index_path.setToolTip(
            self.tr(
                "An index built from a folder of works: their hashes and, with a CLIP "
                "model, embeddings"
            )
        )
        self.k.setToolTip(self.tr("How many of the closest works to list for each metric"))
        self.metric.setToolTip(self.tr("The metric the list is ordered by"))
        self.metric.currentIndexChanged.connect(self._show_hits)
        self.metric_label = QLabel(self.tr("Rank by:"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(lambda: self.job and self.job.cancel())
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        search_row = QHBoxLayout()
        search_row.addWidget(self.search_button)
        search_row.addWidget(self.query_label)
        search_row.addSpacing(16)
        search_row.addWidget(QLabel(self.tr("Results per metric:")))
        search_row.addWidget(self.k)
        search_row.addSpacing(16)
        search_row.addWidget(self.metric_label)
        search_row.addWidget(self.metric)
        search_row.addStretch(1)
        search_row.addWidget(self.progress)
        search_row.addWidget(self.cancel_button)

        self.status = QLabel(
            self.tr(
                "Build an index of a folder of reference works once, then search it with the "
                "image chosen as A."
            )
        )
        self.status.setWordWrap(True)
        self.hits = QListWidget()
        self.hits.setObjectName("corpusHits")
        self.hits.setViewMode(QListView.ViewMode.IconMode)
        self.hits.setIconSize(QSize(THUMB, THUMB))
        self.hits.setGridSize(QSize(THUMB + 48, THUMB + 56))
        self.hits.setResizeMode(QListView.ResizeMode.Adjust)
        self.hits.setMovement(QListView.Movement.Static)
        self.hits.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addLayout(index_row)
        layout.addLayout(search_row)
        layout.addWidget(self.status)
        layout.addWidget(self.hits, 1)
        pair.changed.connect(self._update_buttons)
        self.index_path.textChanged.connect(self._update_buttons)
        self._busy(False)

    def _update_buttons(self) -> None:
        a = self.pair.a
        self.query_label.setText(f"#{a.id}  {a.original_name}" if a else "")
        has_results = self.metric.count() > 0
        self.metric.setVisible(has_results)
        self.metric_label.setVisible(has_results)
        idle = self.job is None
        self.search_button.setEnabled(
            idle and self.pair.a is not None and bool(self.index_path.text().strip())
        )
        self.build_button.setEnabled(idle)
        self.kind.setEnabled(idle)
        self.run_on.setEnabled(idle)

    def _busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        if not busy:
            self.job = None
        self._update_buttons()

    def _choose_index(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open a corpus index"), "", self.tr("Corpus index (*.npz)")
        )
        if path:
            self.index_path.setText(path)

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder of reference works"))
        if not folder:
            return
        target = self.index_path.text().strip()
        if not target:
            target, _ = QFileDialog.getSaveFileName(
                self,
                self.tr("Save the index as"),
                str(Path(folder) / "corpus-index.npz"),
                self.tr("Corpus index (*.npz)"),
            )
        if target:
            self.build(Path(folder), Path(target))

    # Work

    def build(self, folder: Path, target: Path) -> Job | None:
        request = IndexBuildRequest(
            folder=folder, out=target, clip=self.pair.clip, kind=self.kind.currentData()
        )
        try:
            executor = self.run_on.executor()
        except WorkstationError as error:  # Ray chosen but not installed: one line
            show_error(self, str(error), False)
            return None
        clips = self.pair.clips
        job = Job(
            lambda job: build_corpus_index(
                request, runtime=job.runtime(), clips=clips, executor=executor
            ),
            "index",
        )
        job.signals.progress.connect(self._progress)
        job.signals.succeeded.connect(
            lambda built: self._built(
                built.path, len(built.index), built.update, built.index.search
            )
        )
        self._start(job)
        self.status.setText(self.tr("Indexing {folder}…").format(folder=folder))
        return job

    def _built(self, target: Path, count: int, update, search: dict) -> None:
        self.index_path.setText(str(target))
        self.status.setText(
            self.tr(
                "Indexed {count} image(s): {added} hashed, {reused} unchanged, {removed} "
                "removed, {skipped} skipped."
            ).format(
                count=count,
                added=update.added,
                reused=update.reused,
                removed=update.removed,
                skipped=update.skipped,
            )
            + "\n"
            + self._search_text({**search, "engine": engine_name()})
        )

    def _search_text(self, search: dict) -> str:
        """The engine and kind a search runs on, and an approximate kind's measured recall."""
        engine = search["engine"]
        if search["kind"] == "flat":
            if engine.startswith("faiss"):
                return self.tr("Search: exact, on {engine}.").format(engine=engine)
            return self.tr("Search: exact, numpy scan (FAISS is not installed).")
        recall = search.get("recall_at_10")
        if recall is None:
            return self.tr("Search: {kind}, on {engine}.").format(
                kind=search["kind"], engine=engine
            )
        return self.tr(
            "Search: {kind} (approximate), on {engine}; recall@10 {recall:.3f} against exact "
            "search on {queries} held-out queries. Hashes are searched exactly."
        ).format(
            kind=search["kind"], engine=engine, recall=recall, queries=search["recall_queries"]
        )

    def search(self) -> Job | None:
        if self.pair.a is None:
            return None
        request = IndexQueryRequest(
            index=Path(self.index_path.text().strip()),
            image=self.pair.path(self.pair.a),
            k=self.k.value(),
            clip=self.pair.clip,
        )
        clips = self.pair.clips

        def work(job: Job):
            # On a case the window can write, every search is kept, as every comparison is: the
            # index file by SHA-256 (searched from the stored copy) and a corpus_search record.
            if job.writer is not None:
                queried = search_into_case(request, job.writer, clips=clips, runtime=job.runtime())
            else:
                queried = query_corpus(request, clips=clips)
            result = queried.result
            # Thumbnails of every hit, read here so the GUI thread only places them.
            pictures = {}
            for hits in result.by_metric.values():
                for hit in hits:
                    if hit.path not in pictures:
                        path = Path(result.root) / hit.path
                        pictures[hit.path] = load_qimage(path, THUMB) if path.is_file() else None
            return result, pictures, queried.record_id

        job = Job(
            work, "corpus search", writer=self.pair.session.writer() if self.pair.writable else None
        )
        job.signals.succeeded.connect(lambda found: self._found(*found))
        self._start(job)
        self.progress.setRange(0, 0)
        self.status.setText(self.tr("Searching…"))
        return job

    def _start(self, job: Job) -> None:
        job.signals.failed.connect(self._failed)
        job.signals.cancelled.connect(lambda: self.status.setText(self.tr("Cancelled.")))
        job.signals.finished.connect(lambda: self._busy(False))
        self.job = self.runner.start(job)
        self._busy(True)

    def _progress(self, event: ProgressEvent) -> None:
        self.progress.setRange(0, event.total)
        self.progress.setValue(event.step)
        # After the files, the stages of an approximate kind's FAISS build (see build_index).
        if event.message.startswith(STAGE_TRAIN):
            text = self.tr("Training the search index…")
        elif event.message.startswith(STAGE_ADD):
            text = self.tr("Building the search index: {done} of {total} vectors").format(
                done=event.step, total=event.total
            )
        elif event.message.startswith(STAGE_RECALL):
            text = self.tr("Measuring the search index's recall@10 against exact search…")
        else:
            text = self.tr("Indexing {done} of {total}: {path}").format(
                done=event.step, total=event.total, path=event.message
            )
        self.status.setText(text)

    def _failed(self, message: str, bug: bool) -> None:
        self.status.setText("")
        show_error(self, message, bug)

    def _found(self, result, pictures, record_id: int | None = None) -> None:
        self.result, self.pictures = result, pictures
        self.record_id = record_id
        if record_id is not None:
            self.pair.session.refresh()  # the record, the index file and their log entries
        self.metric.blockSignals(True)
        self.metric.clear()
        for name in result.by_metric:
            self.metric.addItem(name, name)
        self.metric.blockSignals(False)
        self._update_buttons()
        self.status.setText(
            self.tr("The works closest to image A in the index of {root}.").format(root=result.root)
            + ("\n" + self._search_text(result.search) if result.search else "")
            + "".join(f"\n{note}" for note in result.notes)
            + (
                "\n"
                + self.tr("Stored in the case as corpus search record #{id}.").format(id=record_id)
                if record_id is not None
                else ""
            )
        )
        self._show_hits()

    def show_record(self, record) -> bool:
        """A kept search (the Records panel's Open): its hits as stored, not searched anew."""
        result = stored_search(record)
        if result is None:
            return False
        pictures = {}
        for hits in result.by_metric.values():
            for hit in hits:
                path = Path(result.root) / hit.path
                if hit.path not in pictures:
                    pictures[hit.path] = load_qimage(path, THUMB) if path.is_file() else None
        self.index_path.setText(result.index)
        self._found(result, pictures)
        self.record_id = record.id
        self.status.setText(
            self.tr("Corpus search record #{id}, as stored.").format(id=record.id)
            + "\n"
            + self.status.text()
        )
        return True

    def _show_hits(self) -> None:
        self.hits.clear()
        if self.result is None or self.metric.currentData() is None:
            return
        metric = self.metric.currentData()
        for hit in self.result.by_metric[metric]:
            if metric == "clip":
                value = self.tr("cosine {value:.3f}").format(value=hit.similarity)
            else:
                value = self.tr("{bits} bits").format(bits=int(hit.distance))
            item = QListWidgetItem(f"{hit.rank}. {value}\n{Path(hit.path).name}")
            picture = self.pictures.get(hit.path)
            if picture is not None:
                item.setIcon(QIcon(QPixmap.fromImage(picture)))
            item.setToolTip(f"{hit.path}\nSHA-256 {hit.sha256}")
            item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
            self.hits.addItem(item)
