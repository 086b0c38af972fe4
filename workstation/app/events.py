"""Change notifications for the Qt-free models (the open case, the A/B pair).

A model owns `Event`s and emits them when its state changes; a front end connects callbacks.
The window's Qt adapters connect each event to a Qt signal and do nothing else, the way napari's
models emit psygnal events that its Qt layer listens to.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Event:
    """One kind of change; `emit(*args)` calls every connected callback in order."""

    def __init__(self) -> None:
        self._callbacks: list[Callable[..., Any]] = []

    def connect(self, callback: Callable[..., Any]) -> Callable[..., Any]:
        self._callbacks.append(callback)
        return callback

    def disconnect(self, callback: Callable[..., Any]) -> None:
        self._callbacks.remove(callback)

    def emit(self, *args: Any) -> None:
        for callback in list(self._callbacks):
            callback(*args)
