"""Every form field the window builds says what it is for: each input widget of every panel and
of every dialog the window opens has a tooltip."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDialog,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QSlider,
    QTextEdit,
    QWidget,
)

from tests.gui.conftest import wait_idle
from workstation.gui.dialogs.new_case import NewCaseDialog
from workstation.gui.dialogs.withdraw import WithdrawDialog
from workstation.gui.targets import Target

INPUTS = (
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QAbstractSpinBox,
    QComboBox,
    QCheckBox,
    QRadioButton,
    QSlider,
)


def _is_input(widget: QWidget) -> bool:
    if not isinstance(widget, INPUTS):
        return False
    if isinstance(widget, QPlainTextEdit | QTextEdit) and widget.isReadOnly():
        return False  # a text to read, not a field
    parent = widget.parentWidget()
    # The line edit inside a spin box or an editable combo box is part of that field.
    return not (isinstance(widget, QLineEdit) and isinstance(parent, QAbstractSpinBox | QComboBox))


def _tip(widget: QWidget) -> str:
    """Its own tooltip, or that of the composite field it is part of (a path or seed field)."""
    parent = widget.parentWidget()
    own = widget.toolTip().strip()
    if own or parent is None or not type(parent).__module__.startswith("workstation.gui.widgets"):
        return own
    return parent.toolTip().strip()


def _name(widget: QWidget) -> str:
    label = ""
    for attr in ("text", "placeholderText", "currentText"):
        value = getattr(widget, attr, None)
        if callable(value) and value():
            label = value()
            break
    owner = widget
    while owner.parentWidget() is not None and not type(owner).__module__.startswith(
        "workstation.gui.panels"
    ):
        if isinstance(owner, QDialog):
            break
        owner = owner.parentWidget()
    return f"{type(owner).__name__}: {type(widget).__name__} {widget.objectName()!r} {label!r}"


def untipped(root: QWidget) -> list[str]:
    return sorted(_name(w) for w in root.findChildren(QWidget) if _is_input(w) and not _tip(w))


def test_every_field_of_every_panel_and_dialog_has_a_tooltip(qtbot, window, sample_case):
    window.open_case(sample_case)
    wait_idle(qtbot, window)
    roots: list[QWidget] = list(window.panels.values())
    # The dialogs the window opens: tools, preferences, the examiner's records, import.
    roots.append(window.tools.reproduce())
    roots.append(window.tools.train())
    roots.append(window.tools.models())
    roots.append(window.edit_preferences())
    roots.append(NewCaseDialog("Examiner", "Lab", window))
    roots.append(window.edits.ask_finding(Target(artifact_id=1)))
    roots.append(window.edits.ask_correction(1))
    roots.append(window.edits.ask_properties())
    roots.append(window.ask_import([Path(sample_case) / "case.sqlite"]))
    roots.append(WithdrawDialog("R1 finding", "a finding", window))
    wait_idle(qtbot, window)
    missing = [name for root in roots if root is not None for name in untipped(root)]
    assert not missing, f"{len(missing)} fields without a tooltip:\n" + "\n".join(missing)
