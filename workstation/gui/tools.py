"""The Tools menu's dialogs for what has no panel: Reproduce, Train, Models.

Each is opened once and shown again when asked for (a running job keeps its dialog); they read
the preferences (model folder, device, CLIP model) when opened.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog

from workstation.gui.dialogs.models import ModelsDialog
from workstation.gui.dialogs.reproduce import ReproduceDialog
from workstation.gui.dialogs.train import TrainDialog

if TYPE_CHECKING:
    from workstation.gui.main_window import MainWindow


class ToolDialogs(QObject):
    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window
        self.dialogs: dict[str, QDialog] = {}

    def reproduce(self, artifact_id: int | None = None) -> ReproduceDialog:
        w = self.window

        def make() -> ReproduceDialog:
            dialog = ReproduceDialog(
                w.session,
                w.runner,
                w.settings.model_folder,
                lambda: w.settings.device,
                w.settings.clip,
                w.clips,
                w,
            )
            dialog.compare_requested.connect(self._compare_reproduction)
            return dialog

        dialog = self._shown("reproduce", make)
        if artifact_id is not None:
            dialog.select_image(artifact_id)
        return dialog

    def _compare_reproduction(self, disputed: int, regenerated: int) -> None:
        w = self.window
        w.compare_panel.picker.set_side("a", disputed)
        w.compare_panel.picker.set_side("b", regenerated)
        w.show_panel("compare")

    def train(self) -> TrainDialog:
        return self._shown("train", lambda: TrainDialog(self.window.runner, self.window))

    def models(self) -> ModelsDialog:
        w = self.window
        return self._shown("models", lambda: ModelsDialog(w.runner, w.settings.model_folder, w))

    def _shown(self, name: str, make) -> QDialog:
        if name not in self.dialogs:
            self.dialogs[name] = make()
        dialog = self.dialogs[name]
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog
