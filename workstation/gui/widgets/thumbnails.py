"""Small thumbnails of the case's images for the pickers, read on a worker thread and kept.

One cache serves every picker of the window: an image is read once (by its SHA-256, so the same
bytes under two artifacts are one entry), on a thread of its own, and `loaded` says when its icon
is ready. Nothing here ever reads a file on the GUI thread.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import QApplication

from workstation.gui.images import load_qimage

ICON_SIDE = 48


class _Loader(QRunnable):
    def __init__(self, cache: ThumbnailCache, sha256: str, path: Path):
        super().__init__()
        self.signals, self.sha256, self.path = cache.signals, sha256, path

    def run(self) -> None:
        try:
            image = load_qimage(self.path, ICON_SIDE)
        except Exception:  # noqa: BLE001 — a missing or unreadable file keeps its blank icon
            image = QImage()
        with contextlib.suppress(RuntimeError):  # closing: nobody waits for it any more
            self.signals.read.emit(self.sha256, image)


class _Signals(QObject):
    read = Signal(str, QImage)  # emitted on the worker thread, queued to the GUI thread


class ThumbnailCache(QObject):
    loaded = Signal(str)  # the SHA-256 whose icon is now ready

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._icons: dict[str, QIcon] = {}
        self._pending: set[str] = set()
        self.signals = _Signals(self)
        self.signals.read.connect(self._read)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)  # a background trickle; the window's jobs come first
        blank = QPixmap(ICON_SIDE, ICON_SIDE)
        blank.fill(Qt.GlobalColor.transparent)
        self.placeholder = QIcon(blank)

    def icon(self, sha256: str) -> QIcon | None:
        return self._icons.get(sha256)

    def request(self, sha256: str, path: Path) -> None:
        """Read the image at `path` in the background unless it is read or being read."""
        if sha256 in self._icons or sha256 in self._pending:
            return
        self._pending.add(sha256)
        self.pool.start(_Loader(self, sha256, path))

    def _read(self, sha256: str, image: QImage) -> None:
        self._pending.discard(sha256)
        if image.isNull():
            self._icons[sha256] = self.placeholder
        else:
            self._icons[sha256] = QIcon(QPixmap.fromImage(image))
        self.loaded.emit(sha256)


_cache: ThumbnailCache | None = None


def thumbnails() -> ThumbnailCache:
    """The application's one cache (made on first use, owned by the application)."""
    global _cache
    if _cache is None:
        _cache = ThumbnailCache(QApplication.instance())
    return _cache
