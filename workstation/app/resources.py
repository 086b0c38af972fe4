"""What stays loaded between jobs: the generation model and the CLIP model.

The window keeps one of each for its whole life, so a second generation, study or comparison
does not load (and hash) the same weights again; a command makes fresh ones for its one run.
Each holder is used by one job at a time: the model is borrowed inside `with holder.use(...)`
(a second job waits), because a pipeline with LoRAs applied is not shared state two runs can
change at once.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workstation.app.clip import ClipChoice

if TYPE_CHECKING:
    from workstation.analysis.clip import ClipModel
    from workstation.engine.loading import LoadedModel


class ModelHolder:
    """The last model loaded, reused while path, device and dtype stay the same and its file is
    unchanged on disk (a changed one is loaded, and so hashed, again)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[str, str, str] | None = None
        self._model: Any = None

    @contextlib.contextmanager
    def use(self, path: str | Path, device: str, dtype: str) -> Iterator[LoadedModel]:
        from workstation.engine.loading import load_model

        with self._lock:
            key = (str(Path(path).resolve()), device, dtype)
            if key != self._key or self._model.changed_on_disk():
                self._model = self._key = None  # free the old one before loading the next
                self._model = load_model(path, device=device, dtype=dtype)
                self._key = key
            yield self._model


class ClipHolder:
    """The last CLIP model loaded, reused while the choice stays the same."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._choice: ClipChoice | None = None
        self._model: ClipModel | None = None

    def get(self, choice: ClipChoice) -> ClipModel | None:
        """The model `choice` names, or None when it names none. (A loaded CLIP model only
        embeds, so jobs may share it.)"""
        if choice.model is None:
            return None
        from workstation.analysis.clip import ClipModel

        with self._lock:
            if choice != self._choice:
                self._model = self._choice = None
                self._model = ClipModel.load(choice.model, choice.arch)
                self._choice = choice
            return self._model
