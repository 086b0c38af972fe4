"""Help ▸ About: what this is, and the versions of everything that computes evidence."""

from __future__ import annotations

import platform
from importlib import metadata

import PySide6
from PySide6.QtCore import QCoreApplication, qVersion
from PySide6.QtWidgets import QMessageBox, QWidget

from workstation import APP_NAME, __version__

LIBRARIES = (
    "torch",
    "diffusers",
    "transformers",
    "peft",
    "safetensors",
    "open_clip_torch",
    "numpy",
    "pillow",
    "ImageHash",
    "scikit-image",
    "opencv-python-headless",
    "reportlab",
)


def versions() -> list[tuple[str, str]]:
    """(name, version) of Python, Qt and each library; read from metadata, nothing imported."""
    rows = [
        ("Python", platform.python_version()),
        ("Qt", qVersion()),
        ("PySide6", PySide6.__version__),
    ]
    for name in LIBRARIES:
        try:
            rows.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            rows.append((name, "—"))
    return rows


def show_about(parent: QWidget) -> QMessageBox:
    table = "".join(
        f"<tr><td>{name}</td><td>&nbsp;{version}</td></tr>" for name, version in versions()
    )
    box = QMessageBox(parent)
    box.setObjectName("aboutBox")
    box.setWindowTitle(QCoreApplication.translate("About", "About {app}").format(app=APP_NAME))
    box.setText(f"<h3>{APP_NAME} {__version__}</h3>")
    box.setInformativeText(
        QCoreApplication.translate(
            "About",
            "Offline examination of AI-generated images as evidence. Nothing is sent over the "
            "network.",
        )
        + f"<br><br><table>{table}</table>"
        + f"<br>{platform.platform()}"
    )
    box.open()
    return box
