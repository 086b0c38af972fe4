"""Help ▸ User Guide (F1): the offline guide in the window's language, with back and forward.

The guide is plain HTML under resources/guide/<language>/index.html (images in
resources/guide/img/), rendered by QTextBrowser; each panel's "?" opens it at the panel's section.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QTextBrowser, QToolBar, QVBoxLayout, QWidget

from workstation.gui import i18n
from workstation.paths import RESOURCES_DIR

GUIDE_DIR = RESOURCES_DIR / "guide"
# The guide's section of each panel (its "?"), and of the Analysis panel's tabs.
SECTIONS = {
    "case": "case",
    "generate": "generate",
    "compare": "compare",
    "analysis": "analysis",
    "report": "report",
    "findings": "findings",
    "records": "records",
}

# The Analysis panel's "?" opens the section of the tab in front.
ANALYSIS_TABS = {
    "pair_tab": "analysis",
    "corpus_tab": "analysis",
    "studies_tab": "studies",
    "lab_tab": "lab",
    "exam_tab": "exam",
}


def analysis_section(panel: QWidget) -> str:
    """The guide's section of the Analysis panel's tab in front."""
    shown = panel.tabs.currentWidget()
    for name, section in ANALYSIS_TABS.items():
        if getattr(panel, name, None) is shown:
            return section
    return "analysis"


def guide_page(language: str) -> Path:
    return GUIDE_DIR / language / "index.html"


class HelpWindow(QDialog):
    """One per main window; not modal, so the guide stays open beside the work."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("helpWindow")
        self.setWindowTitle(self.tr("User Guide"))
        self.browser = QTextBrowser()
        self.browser.setObjectName("guide")
        self.browser.setOpenExternalLinks(False)
        bar = QToolBar()
        back = bar.addAction(self.tr("Back"), self.browser.backward)
        back.setShortcut(QKeySequence.StandardKey.Back)
        back.setToolTip(self.tr("The page shown before (Alt+Left)"))
        forward = bar.addAction(self.tr("Forward"), self.browser.forward)
        forward.setShortcut(QKeySequence.StandardKey.Forward)
        forward.setToolTip(self.tr("The page shown after (Alt+Right)"))
        contents = bar.addAction(self.tr("Contents"), lambda: self.show_section("contents"))
        contents.setToolTip(self.tr("The guide's table of contents"))
        self.browser.backwardAvailable.connect(back.setEnabled)
        self.browser.forwardAvailable.connect(forward.setEnabled)
        back.setEnabled(False)
        forward.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(bar)
        layout.addWidget(self.browser, 1)
        self.resize(960, 760)

    def show_section(self, section: str = "") -> None:
        """The guide in the window's language, at `section` (an anchor; "" for the top)."""
        url = QUrl.fromLocalFile(str(guide_page(i18n.language())))
        if section:
            url.setFragment(section)
        if self.browser.source().toLocalFile() != url.toLocalFile():
            self.browser.clearHistory()  # another language: the old pages are not this guide
        self.browser.setSource(url)  # the same page: scrolled to the anchor, kept in history
        self.show()
        self.raise_()
        self.activateWindow()
