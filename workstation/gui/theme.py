"""Colour themes: the platform's own look, or Fusion with a fixed light or dark palette."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

Role, Group = QPalette.ColorRole, QPalette.ColorGroup

_DARK = {
    Role.Window: "#2b2d31",
    Role.WindowText: "#e6e6e6",
    Role.Base: "#1f2023",
    Role.AlternateBase: "#26282c",
    Role.ToolTipBase: "#3a3d42",
    Role.ToolTipText: "#f0f0f0",
    Role.PlaceholderText: "#8a8d93",
    Role.Text: "#e6e6e6",
    Role.Button: "#35373c",
    Role.ButtonText: "#e6e6e6",
    Role.BrightText: "#ff6b6b",
    Role.Light: "#45484e",
    Role.Midlight: "#3b3e43",
    Role.Mid: "#2f3135",
    Role.Dark: "#1b1c1f",
    Role.Shadow: "#000000",
    Role.Highlight: "#3d7bd9",
    Role.HighlightedText: "#ffffff",
    Role.Link: "#7fb2ff",
    Role.LinkVisited: "#b59cff",
}
_DARK_DISABLED = {
    Role.WindowText: "#7d8086",
    Role.Text: "#7d8086",
    Role.ButtonText: "#7d8086",
}


def apply(app: QApplication, theme: str, system_style: str) -> None:
    """Apply "system", "light" or "dark". `system_style` is the style the app started with."""
    if theme == "system":
        app.setStyle(QStyleFactory.create(system_style))
        app.setPalette(app.style().standardPalette())
        return
    app.setStyle(QStyleFactory.create("Fusion"))
    palette = app.style().standardPalette()  # Fusion's standard palette is its light one
    if theme == "dark":
        for role, colour in _DARK.items():
            palette.setColor(role, QColor(colour))
        for role, colour in _DARK_DISABLED.items():
            palette.setColor(Group.Disabled, role, QColor(colour))
    app.setPalette(palette)


def is_dark(app: QApplication) -> bool:
    return app.palette().color(Role.Window).lightness() < 128
