"""`Delegating`: the part of a Qt adapter that makes it read and write as its Qt-free model.

An adapter (gui/session.py, gui/pair_state.py) defines the Qt signals that its model's events
feed; every other attribute, read or written, is the model's, so a panel holding the adapter sees
one object and the state lives in one place.
"""

from __future__ import annotations

from typing import Any


class Delegating:
    model: Any

    def __getattr__(self, name: str) -> Any:
        # Only called for names the adapter lacks.
        if name == "model":  # not set yet (still in __init__)
            raise AttributeError(name)
        return getattr(self.model, name)

    def __setattr__(self, name: str, value: Any) -> None:
        model = self.__dict__.get("model")
        if model is not None and hasattr(model, name) and not hasattr(type(self), name):
            setattr(model, name, value)  # the model's state: never a shadow copy here
        else:
            super().__setattr__(name, value)
