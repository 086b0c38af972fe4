"""The seed: a number, a dice button for a new random one, and a lock.

Locked, every generation uses the seed shown (a re-run reproduces the image). Unlocked, each
generation first draws a new random seed and shows it, so the seed used is never unknown.
"""

from __future__ import annotations

import secrets

from PySide6.QtCore import QRegularExpression, QSize
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QToolButton, QWidget

from workstation.core.errors import InputError
from workstation.core.params import MAX_SEED
from workstation.gui import icons

RANDOM_SEED_BITS = 32  # A1111's random seeds are 32-bit; larger ones are accepted when typed


class SeedField(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.edit = QLineEdit(str(secrets.randbits(RANDOM_SEED_BITS)))
        self.edit.setObjectName("seed")
        self.edit.setToolTip(
            self.tr(
                "The seed of the noise the generation starts from: the same seed and settings "
                "give the same image"
            )
        )
        self.edit.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{1,20}"), self))
        self.dice = QToolButton()
        self.dice.setIcon(icons.dice())
        self.dice.setIconSize(QSize(18, 18))
        self.dice.setToolTip(self.tr("New random seed"))
        self.dice.clicked.connect(self.roll)
        self.lock = QToolButton()
        self.lock.setObjectName("seedLock")
        self.lock.setCheckable(True)
        self.lock.setChecked(True)
        self.lock.setIcon(icons.lock_icon())
        self.lock.setIconSize(QSize(18, 18))
        self.lock.toggled.connect(self._lock_toggled)
        self._lock_toggled(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.dice)
        layout.addWidget(self.lock)

    def _lock_toggled(self, locked: bool) -> None:
        self.lock.setToolTip(
            self.tr("Locked: every generation uses this seed")
            if locked
            else self.tr("Unlocked: each generation draws a new random seed")
        )

    def roll(self) -> None:
        self.edit.setText(str(secrets.randbits(RANDOM_SEED_BITS)))

    def value(self) -> int:
        text = self.edit.text().strip()
        if not text or int(text) > MAX_SEED:
            raise InputError(
                self.tr("The seed must be a whole number from 0 to {max}.").format(max=MAX_SEED)
            )
        return int(text)

    def set_value(self, seed: int) -> None:
        self.edit.setText(str(seed))

    def seed_for_next_run(self) -> int:
        """The seed to use now: the one shown if locked, else a fresh one (then shown)."""
        if not self.lock.isChecked():
            self.roll()
        return self.value()
