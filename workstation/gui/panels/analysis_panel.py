"""The Analysis panel: pair comparison, corpus search, studies, the over-fitting lab and model
examination, one tab each."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from workstation.app.clip import ClipChoice
from workstation.app.recipe import Recipe
from workstation.app.resources import ClipHolder
from workstation.gui.jobs import JobRunner
from workstation.gui.pair_state import PairState
from workstation.gui.panels.corpus_tab import CorpusTab
from workstation.gui.panels.exam_tab import ExamTab
from workstation.gui.panels.lab_tab import LabTab
from workstation.gui.panels.pair_tab import PairTab
from workstation.gui.panels.studies_tab import StudiesTab
from workstation.gui.session import CaseSession


class AnalysisPanel(QWidget):
    def __init__(
        self,
        session: CaseSession,
        pair: PairState,
        runner: JobRunner,
        recipe: Callable[[], Recipe] | None = None,
        clip: Callable[[], ClipChoice] = ClipChoice,
        clips: ClipHolder | None = None,
        parent: QWidget | None = None,
    ):
        """`recipe`: what studies generate from (the Generate panel's); `clip`: the CLIP model
        the preferences name, read when a job starts; `clips`: the window's loaded one."""
        super().__init__(parent)
        self.pair_tab = PairTab(pair)
        self.corpus_tab = CorpusTab(pair, runner)
        self.studies_tab = StudiesTab(session, runner, recipe, clip, clips)
        self.lab_tab = LabTab(session, runner, clip, clips)
        self.exam_tab = ExamTab(session, runner)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.pair_tab, self.tr("Pair comparison"))
        self.tabs.addTab(self.corpus_tab, self.tr("Corpus search"))
        self.tabs.addTab(self.studies_tab, self.tr("Studies"))
        self.tabs.addTab(self.lab_tab, self.tr("Lab"))
        self.tabs.addTab(self.exam_tab, self.tr("Model examination"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
