""" "Run on": where a long job's items are computed (in this process, or on Ray workers).

One row for every long-job form (studies, the lab, model examination, corpus builds), the
window's `--executor` / `--ray-address`. Either way only this window writes to the case.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QWidget

from workstation.analysis.executors import Executor, executor_named


class RunOn(QWidget):
    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choice = QComboBox()
        self.choice.setObjectName(f"{name}Executor")
        self.choice.addItem(self.tr("In this process"), "inprocess")
        self.choice.addItem(self.tr("Ray (several at once)"), "ray")
        self.choice.setToolTip(
            self.tr(
                "Where the work is computed: in this process, or on Ray workers (this "
                "machine's cores, or the Ray cluster at the address given; needs the optional "
                "Ray install). Either way only this window writes to the case."
            )
        )
        self.address = QLineEdit()
        self.address.setObjectName(f"{name}RayAddress")
        self.address.setPlaceholderText(self.tr("this machine"))
        self.address.setToolTip(
            self.tr("Empty: Ray on this machine's cores; host:port: a running Ray cluster")
        )
        self.address.setVisible(False)
        self.choice.currentIndexChanged.connect(
            lambda: self.address.setVisible(self.choice.currentData() == "ray")
        )
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.choice)
        row.addWidget(self.address, 1)

    def executor(self) -> Executor:
        """The chosen executor; a `WorkstationError` (one line) when Ray is chosen but missing."""
        return executor_named(self.choice.currentData(), self.address.text().strip() or None)
