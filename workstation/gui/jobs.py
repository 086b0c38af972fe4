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

The workers are daemon threads: closing the window never waits for a job that cannot stop at
once (a model load, a hash of a large file). `JobRunner.abandon()` cancels every job and mutes
its signals, so a job that ends after its window is gone reports to no one.
"""

from __future__ import annotations

import logging
import queue
import threading
import traceback
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

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


class Job:
    """One call of `work(job)` on a worker thread, reported through `signals`."""

    def __init__(
        self,
        work: Callable[[Job], Any],
        name: str = "",
        *,
        writer: CaseWriter | None = None,
    ):
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
        self._muted = False  # abandoned: its window is closing, nobody listens any more

    # What the lower layers get: the runtime.

    def runtime(self) -> Runtime:
        """The runtime the use cases get: progress reaches this job's signals, Cancel stops it
        (threads and the rest are the lower layers' defaults)."""
        return Runtime(on_progress=self.report, is_cancelled=self.is_cancelled)

    def report(self, event: ProgressEvent) -> None:
        """The one place engine events become Qt signals; a preview is made a QImage here, on
        the worker thread."""
        if self._muted:
            return
        if event.preview is not None:
            event = replace(event, preview=to_qimage(event.preview))
        self.signals.progress.emit(event)

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def abandon(self) -> None:
        """Cancel, and emit nothing more: the window that listened is closing."""
        self._muted = True
        self.cancel()

    def run(self) -> None:
        try:
            result = self.work(self)
        except Cancelled:
            self._emit(self.signals.cancelled)
        except WorkstationError as error:
            self._emit(self.signals.failed, str(error), False)
        except OSError as error:
            # The file system refused (permissions, disk full): the user can act on it.
            where = f"{error.filename}: " if error.filename else ""
            self._emit(self.signals.failed, f"{where}{error.strerror or error}", False)
        except Exception as error:  # a bug: keep the traceback in the log, show one line
            log.error("job %s failed:\n%s", self.name or "?", traceback.format_exc())
            self._emit(self.signals.failed, f"{type(error).__name__}: {error}", True)
        else:
            if self.is_cancelled() and not self.commits:
                self._emit(self.signals.cancelled)
            else:
                self._emit(self.signals.succeeded, result)
        finally:
            self._emit(self.signals.finished)

    def _emit(self, signal, *args) -> None:
        if not self._muted:
            signal.emit(*args)


class JobRunner(QObject):
    """Runs jobs on `threads` daemon worker threads, in the order started, and knows which are
    still running."""

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, threads: int = 2):
        super().__init__(parent)
        self._queue: queue.SimpleQueue[Job] = queue.SimpleQueue()
        self._threads = threads
        self._workers: list[threading.Thread] = []
        self._running: set[Job] = set()  # GUI thread: started, `finished` not yet handled
        self._abandoned: set[Job] = set()
        self._unfinished = 0  # worker side: started, `run` not yet returned
        self._done = threading.Condition()

    def start(self, job: Job) -> Job:
        was_busy = self.busy
        self._running.add(job)
        job.signals.finished.connect(lambda: self._forget(job))
        with self._done:
            self._unfinished += 1
        if len(self._workers) < self._threads:
            worker = threading.Thread(target=self._work, name="workstation-job", daemon=True)
            self._workers.append(worker)
            worker.start()
        self._queue.put(job)
        if not was_busy:
            self.busy_changed.emit(True)
        return job

    def _work(self) -> None:
        while True:
            job = self._queue.get()
            try:
                job.run()
            finally:
                # The runner still holds the job until its `finished` is handled: the last
                # reference, and so its signals' QObject, goes on the GUI thread, not here.
                del job
                with self._done:
                    self._unfinished -= 1
                    self._done.notify_all()

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

    def abandon(self) -> None:
        """On close: cancel every job and mute it; nothing waits for the ones that cannot stop
        (their daemon threads end with the process)."""
        for job in list(self._running):
            job.abandon()
        self._abandoned |= self._running  # kept: never deleted from a worker thread
        self._running.clear()

    def wait(self, msecs: int = -1) -> bool:
        """Block until every started job has returned, or `msecs` have passed (-1: no limit)."""
        with self._done:
            return self._done.wait_for(
                lambda: self._unfinished == 0, None if msecs < 0 else msecs / 1000
            )
