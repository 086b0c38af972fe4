"""Where the workstation's bundled resources live (the user's own folders: core/user_dirs.py).

The one place that knows the layout, in a checkout (resources/ beside the package) and in the
installed application (PyInstaller's one-folder bundle puts resources/ in its `_internal/` folder,
`sys._MEIPASS`). Nothing is ever written below RESOURCES_DIR: the install folder may be read-only.
"""

from __future__ import annotations

import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
FROZEN = bool(getattr(sys, "frozen", False))  # running from the installed application
BUNDLE_DIR = Path(sys._MEIPASS).resolve() if FROZEN else PACKAGE_DIR.parent  # or the checkout
RESOURCES_DIR = BUNDLE_DIR / "resources"
SAMPLES_DIR = RESOURCES_DIR / "samples"
CONFIGS_DIR = RESOURCES_DIR / "configs"
MODELS_DIR = RESOURCES_DIR / "models"
FONTS_DIR = RESOURCES_DIR / "fonts"
ICON_FILE = RESOURCES_DIR / "icons" / "workstation.png"
MODEL_EXAM_DIR = RESOURCES_DIR / "model_exam"  # reference prompts of the memorised-prompt screen
