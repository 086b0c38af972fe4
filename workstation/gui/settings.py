"""User preferences in QSettings, with a schema version and migrations.

Stored per user (on Linux `~/.config/AIGC Evidence Workstation/workstation.ini`). Every key is read
through a typed property here, so the rest of the GUI never spells a key or converts a type.
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

from workstation.app.clip import ClipChoice
from workstation.app.resources import LoadTimes
from workstation.core.params import DEVICES
from workstation.paths import MODELS_DIR

SCHEMA_VERSION = 1
LANGUAGES = ("en", "zh")
THEMES = ("system", "light", "dark")
MAX_RECENT = 8


def _migrate_0_to_1(store: QSettings) -> None:
    """Version 0 had no version key; nothing to rename yet. Kept as the pattern for the next one."""


MIGRATIONS = {0: _migrate_0_to_1}


class Settings:
    """Typed access to the preferences. `store` is injectable so tests can use a temporary file."""

    def __init__(self, store: QSettings | None = None):
        self.store = store or QSettings(
            QSettings.Format.IniFormat,
            QSettings.Scope.UserScope,
            "AIGC Evidence Workstation",
            "workstation",
        )
        version = int(self.store.value("schema_version", 0))
        while version < SCHEMA_VERSION:
            MIGRATIONS[version](self.store)
            version += 1
        self.store.setValue("schema_version", SCHEMA_VERSION)

    def _text(self, key: str, default: str = "") -> str:
        return str(self.store.value(key, default) or default)

    def _choice(self, key: str, choices: tuple[str, ...], default: str) -> str:
        value = self._text(key, default)
        return value if value in choices else default

    # Preferences shown in the dialog.

    @property
    def model_folder(self) -> str:
        # Until the examiner picks a folder, offer the bundled demo model(s).
        return self._text("engine/model_folder") or (str(MODELS_DIR) if MODELS_DIR.is_dir() else "")

    @model_folder.setter
    def model_folder(self, value: str) -> None:
        self.store.setValue("engine/model_folder", value)

    @property
    def clip_model(self) -> str:
        return self._text("analysis/clip_model")

    @clip_model.setter
    def clip_model(self, value: str) -> None:
        self.store.setValue("analysis/clip_model", value)

    @property
    def clip_arch(self) -> str:
        """The open_clip architecture of a bare checkpoint file (empty: ViT-B-32)."""
        return self._text("analysis/clip_arch")

    @clip_arch.setter
    def clip_arch(self, value: str) -> None:
        self.store.setValue("analysis/clip_arch", value)

    def clip(self) -> ClipChoice:
        """The CLIP model every analysis job of the window uses (none when no path is set)."""
        return ClipChoice.of(self.clip_model, self.clip_arch)

    @property
    def device(self) -> str:
        return self._choice("engine/device", DEVICES, "auto")

    @device.setter
    def device(self, value: str) -> None:
        self.store.setValue("engine/device", value)

    @property
    def warm_up(self) -> bool:
        """Load the Generate panel's model when the window starts, before the first run."""
        return str(self.store.value("engine/warm_up", "false")).lower() == "true"

    @warm_up.setter
    def warm_up(self, value: bool) -> None:
        self.store.setValue("engine/warm_up", "true" if value else "false")

    @property
    def examiner(self) -> str:
        return self._text("identity/examiner")

    @examiner.setter
    def examiner(self, value: str) -> None:
        self.store.setValue("identity/examiner", value)

    @property
    def organisation(self) -> str:
        return self._text("identity/organisation")

    @organisation.setter
    def organisation(self, value: str) -> None:
        self.store.setValue("identity/organisation", value)

    @property
    def language(self) -> str:
        return self._choice("ui/language", LANGUAGES, "en")

    @language.setter
    def language(self, value: str) -> None:
        self.store.setValue("ui/language", value)

    @property
    def theme(self) -> str:
        return self._choice("ui/theme", THEMES, "system")

    @theme.setter
    def theme(self, value: str) -> None:
        self.store.setValue("ui/theme", value)

    # Remembered by the window.

    @property
    def recent_cases(self) -> list[str]:
        value = self.store.value("cases/recent", [])
        items = [value] if isinstance(value, str) else list(value or [])
        return [item for item in items if item]

    def add_recent_case(self, root: Path) -> None:
        path = str(root)
        items = [path] + [item for item in self.recent_cases if item != path]
        self.store.setValue("cases/recent", items[:MAX_RECENT])

    def clear_recent_cases(self) -> None:
        self.store.setValue("cases/recent", [])

    @property
    def last_generate_request(self) -> dict:
        """The Generate panel's fields when it last ran or the window last closed."""
        try:
            value = json.loads(self._text("generate/last_request", "{}"))
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    @last_generate_request.setter
    def last_generate_request(self, value: dict) -> None:
        self.store.setValue("generate/last_request", json.dumps(value, ensure_ascii=False))

    @property
    def model_load_times(self) -> LoadTimes:
        """How long model loads took on this computer (for the estimate shown before a load)."""
        try:
            return LoadTimes.from_dict(json.loads(self._text("engine/load_times", "{}")))
        except (ValueError, TypeError, AttributeError):
            return LoadTimes()

    @model_load_times.setter
    def model_load_times(self, value: LoadTimes) -> None:
        self.store.setValue("engine/load_times", json.dumps(value.to_dict()))

    def window_layout(self) -> tuple[QByteArray | None, QByteArray | None]:
        return self.store.value("window/geometry"), self.store.value("window/state")

    def save_window_layout(self, geometry: QByteArray, state: QByteArray) -> None:
        self.store.setValue("window/geometry", geometry)
        self.store.setValue("window/state", state)

    def sync(self) -> None:
        self.store.sync()
