"""What stays loaded between jobs: the generation model and the CLIP model.

The window keeps one of each for its whole life, so a second generation, study or comparison
does not load (and hash) the same weights again; a command makes fresh ones for its one run.
Each holder is used by one job at a time: the model is borrowed inside `with holder.use(...)`
(a second job waits), because a pipeline with LoRAs applied is not shared state two runs can
change at once.

A load takes seconds to minutes (reading and hashing the weights, and the first time in a process
importing torch and diffusers); `LoadTimes` remembers how long loads took, so the window can say
how long the next one should take before it starts.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workstation.app.clip import ClipChoice

if TYPE_CHECKING:
    from workstation.analysis.clip import ClipModel
    from workstation.engine.loading import LoadedModel


WEIGHT_SUFFIXES = (".safetensors", ".bin", ".ckpt", ".pt", ".pth", ".gguf")


def model_bytes(path: str | Path) -> int:
    """The size of a model's weights: its file, or the weight files of its folder."""
    path = Path(path)
    if path.is_file():
        return path.stat().st_size
    if not path.is_dir():
        return 0
    return sum(f.stat().st_size for f in path.rglob("*") if f.suffix in WEIGHT_SUFFIXES)


def libraries_imported() -> bool:
    """Whether this process has imported torch and diffusers (the first load of a process also
    imports them, which can take longer than reading a small model)."""
    return "torch" in sys.modules and "diffusers" in sys.modules


@dataclass
class LoadTimes:
    """How long model loads took: the last load of each model (by resolved path) with the
    libraries already imported, the seconds the first load of a process spent importing them,
    and the bytes per second of the last load, for a model never loaded."""

    seconds: dict[str, float] = field(default_factory=dict)
    imports: float = 0.0  # seconds; 0: no first load measured yet
    rate: float = 0.0  # bytes per second; 0: nothing measured yet

    def estimate(self, path: str | Path, first_in_process: bool = False) -> float | None:
        """Seconds the next load of `path` should take (None: nothing to go by)."""
        model = self.seconds.get(str(Path(path).resolve()))
        if model is None and self.rate > 0:
            model = model_bytes(path) / self.rate
        if first_in_process and self.imports > 0:
            return self.imports + (model or 0.0)
        return model

    def add(self, path: str | Path, seconds: float, first_in_process: bool = False) -> None:
        key = str(Path(path).resolve())
        if first_in_process:
            model = self.seconds.get(key)
            if model is None and self.rate > 0:
                model = model_bytes(path) / self.rate
            self.imports = round(max(0.0, seconds - (model or 0.0)), 2)
            return
        self.seconds[key] = round(seconds, 2)
        if seconds > 0:
            self.rate = model_bytes(path) / seconds

    def to_dict(self) -> dict:
        return {"seconds": self.seconds, "imports": self.imports, "rate": self.rate}

    @classmethod
    def from_dict(cls, value: dict) -> LoadTimes:
        seconds = value.get("seconds", {})
        return cls(
            {str(k): float(v) for k, v in seconds.items()} if isinstance(seconds, dict) else {},
            float(value.get("imports", 0.0) or 0.0),
            float(value.get("rate", 0.0) or 0.0),
        )


class ModelHolder:
    """The last model loaded, reused while path, device and dtype stay the same and its file is
    unchanged on disk (a changed one is loaded, and so hashed, again). Each load's time goes into
    `times`, then to `on_loaded` (the window remembers them in its settings)."""

    def __init__(
        self,
        times: LoadTimes | None = None,
        on_loaded: Callable[[LoadTimes], None] | None = None,
    ) -> None:
        self._lock = threading.Lock()
        self._key: tuple[str, str, str] | None = None
        self._model: Any = None
        self.times = times or LoadTimes()
        self.on_loaded = on_loaded

    @staticmethod
    def _key_of(path: str | Path, device: str, dtype: str) -> tuple[str, str, str]:
        return (str(Path(path).resolve()), device, dtype)

    def is_loaded(self, path: str | Path, device: str, dtype: str) -> bool:
        """Whether `use` would find this model already loaded (unless its file changed)."""
        return self._key == self._key_of(path, device, dtype)

    @contextlib.contextmanager
    def use(self, path: str | Path, device: str, dtype: str) -> Iterator[LoadedModel]:
        from workstation.engine.loading import load_model

        with self._lock:
            key = self._key_of(path, device, dtype)
            if key != self._key or self._model.changed_on_disk():
                self._model = self._key = None  # free the old one before loading the next
                first, started = not libraries_imported(), time.monotonic()
                self._model = load_model(path, device=device, dtype=dtype)
                self._key = key
                self.times.add(path, time.monotonic() - started, first)
                if self.on_loaded is not None:
                    self.on_loaded(self.times)
            yield self._model

    def warm_up(self, path: str | Path, device: str, dtype: str) -> None:
        """Load the model now, so that the first job that needs it finds it loaded."""
        with self.use(path, device, dtype):
            pass


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
