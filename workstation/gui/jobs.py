"""Background work: the one adapter that turns engine callbacks into Qt signals.

Every piece of work that can take longer than a frame (loading a model, generating, hashing,
comparing, building a report, reading thumbnails) is a `Job`: a plain function run on the thread
pool. The function receives the job itself and hands `job.runtime()` to the lower layers, as the
CLI hands them its own runtime:

    runner.start(Job(lambda job: generate(request, runtime=job.runtime())))

Its progress events arrive as `signals.progress`: one `ProgressEvent` (step, total, message,
preview, value) whose preview is already a QImage.
Widgets connect to `job.signals`; they never see threads. Signals emitted on the worker thread
are queued to the GUI thread by Qt, so slots always run there.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from workstation.app.case_writer import CaseWriter
from workstation.core.errors import Cancelled, WorkstationError
from workstation.core.progress import ProgressEvent
from workstation.engine.runtime import Runtime
from workstation.gui.images import to_qimage

log = logging.getLogger(__name__)


class JobSignals(QObject):
    progress = Signal(object)  # a ProgressEvent, its preview (if any) a QImage
    succeeded = Signal(object)  # the function's return value
    failed = Signal(str, bool)  # one-line message, True when it is a bug (not a user error)
    cancelled = Signal()
    finished = Signal()  # always last, whatever the outcome


class Job(QRunnable):
    """One call of `work(job)` on a worker thread, reported through `signals`."""

    def __init__(
        self,
        work: Callable[[Job], Any],
        name: str = "",
        *,
        writer: CaseWriter | None = None,
    ):
        super().__init__()
        self.setAutoDelete(False)  # the runner keeps the Python object until `finished`
        self.work = work
        self.name = name
        # The only way a job's work gets to write to the case: `job.writer`.
        self.writer = writer
        # A job that writes to the case and returns has written: it reports success even when
        # Cancel came too late to stop it, so the window never says "unchanged" of a changed case.
        # Other jobs (pictures, searches) that return after a cancel report "cancelled", and
        # their stale result is dropped.
        self.commits = writer is not None
        self.signals = JobSignals()
        self._cancel = threading.Event()

    # What the lower layers get: the runtime.

    def runtime(self) -> Runtime:
        """The runtime the use cases get: progress reaches this job's signals, Cancel stops it
        (threads and the rest are the lower layers' defaults)."""
        return Runtime(on_progress=self.report, is_cancelled=self.is_cancelled)

    def report(self, event: ProgressEvent) -> None:
        """The one place engine events become Qt signals; a preview is made a QImage here, on
        the worker thread."""
        if event.preview is not None:
            event = replace(event, preview=to_qimage(event.preview))
        self.signals.progress.emit(event)

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def run(self) -> None:
        try:
            result = self.work(self)
        except Cancelled:
            self.signals.cancelled.emit()
        except WorkstationError as error:
            self.signals.failed.emit(str(error), False)
        except OSError as error:
            # The file system refused (permissions, disk full): the user can act on it.
            where = f"{error.filename}: " if error.filename else ""
            self.signals.failed.emit(f"{where}{error.strerror or error}", False)
        except Exception as error:  # a bug: keep the traceback in the log, show one line
            log.error("job %s failed:\n%s", self.name or "?", traceback.format_exc())
            self.signals.failed.emit(f"{type(error).__name__}: {error}", True)
        else:
            if self.is_cancelled() and not self.commits:
                self.signals.cancelled.emit()
            else:
                self.signals.succeeded.emit(result)
        finally:
            self.signals.finished.emit()


class JobRunner(QObject):
    """Starts jobs on a private thread pool and knows which are still running."""

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, threads: int = 2):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(threads)
        self._running: set[Job] = set()

    def start(self, job: Job) -> Job:
        was_busy = self.busy
        self._running.add(job)
        job.signals.finished.connect(lambda: self._forget(job))
        self.pool.start(job)
        if not was_busy:
            self.busy_changed.emit(True)
        return job

    def _forget(self, job: Job) -> None:
        # Other slots of this same `finished` may still be queued: drop the job on the next turn.
        QTimer.singleShot(0, self, lambda: self._drop(job))

    def _drop(self, job: Job) -> None:
        self._running.discard(job)
        if not self._running:
            self.busy_changed.emit(False)

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def cancel_all(self) -> None:
        for job in list(self._running):
            job.cancel()

    def wait(self, msecs: int = -1) -> bool:
        """Block until every job has returned (used on quit, after `cancel_all`)."""
        return self.pool.waitForDone(msecs)
