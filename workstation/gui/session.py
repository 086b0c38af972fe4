"""The Qt face of the open case (app/session.py): its events as Qt signals, nothing else.

Panels connect to `opened` and `changed`; everything they read, set or call (`case`, `actor`,
`artifacts()`, `writer()`, `refresh()`, …) is the model's, reached through this adapter.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from workstation.app.session import Session, appended, kind_of
from workstation.gui.model_adapter import Delegating

__all__ = ["CaseSession", "appended", "kind_of"]


class CaseSession(Delegating, QObject):
    opened = Signal()  # another case (or none) is now open
    changed = Signal()  # the open case has new artifacts, records or log entries

    def __init__(self, parent: QObject | None = None, model: Session | None = None):
        super().__init__(parent)
        self.model = model or Session()
        self.model.events.opened.connect(self.opened.emit)
        self.model.events.changed.connect(self.changed.emit)
