"""English and 简体中文 through Qt's translation system.

The source of each translation is a Qt Linguist file kept in the repository,
`resources/i18n/workstation_<locale>.ts`. At start the workstation compiles it with `lrelease`
(which ships with PySide6-Essentials) into the user's cache, named by the SHA-256 of the .ts, so an
edited translation is picked up on the next start and nothing binary lives in the repository. The
installed application has no lrelease: its build puts the compiled file, by the same name, beside
the .ts (installer/build_linux.sh).

After changing GUI strings, refresh the .ts, then translate its new `unfinished` entries (Qt
Linguist, `pyside6-linguist`, or any editor); tests/gui/test_translations.py checks none is left:

    pyside6-lupdate $(find workstation/gui -name '*.py' | sort) -no-obsolete -locations none \
        -ts resources/i18n/workstation_zh_CN.ts

Strings are literal inside `self.tr(...)` or `QCoreApplication.translate("Context", ...)`, and
formatted after translation; values stored in English by the lower layers (roles, bands) are
listed with QT_TRANSLATE_NOOP in labels.py.
"""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import PySide6
from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QStandardPaths, QTranslator

from workstation.core.errors import WorkstationError
from workstation.paths import RESOURCES_DIR

I18N_DIR = RESOURCES_DIR / "i18n"
LOCALES = {"en": None, "zh": "zh_CN"}  # language setting -> Qt locale of the translation


def ts_file(locale: str) -> Path:
    return I18N_DIR / f"workstation_{locale}.ts"


def lrelease_binary() -> Path:
    return Path(PySide6.__file__).parent / "lrelease"


def compiled(locale: str, cache_dir: Path | None = None) -> Path:
    """The .qm for `locale`, compiled from its .ts unless the cache already holds this version."""
    source = ts_file(locale)
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    if cache_dir is None:
        location = QStandardPaths.StandardLocation.CacheLocation
        cache_dir = Path(QStandardPaths.writableLocation(location)) / "i18n"
    name = f"workstation_{locale}-{digest}.qm"
    shipped = I18N_DIR / name  # the installed application ships it compiled (no lrelease there)
    if shipped.is_file():
        return shipped
    target = cache_dir / name
    if target.is_file():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part.qm")
    result = subprocess.run(
        [str(lrelease_binary()), "-silent", str(source), "-qm", str(partial)],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0 or not partial.is_file():
        raise WorkstationError(f"cannot compile the translation {source.name}: {result.stderr}")
    partial.replace(target)
    return target


def language() -> str:
    """The language the window speaks now ("en" or "zh"), as `install` set it."""
    return "zh" if QLocale().language() == QLocale.Language.Chinese else "en"


def install(
    app: QCoreApplication, language: str, cache_dir: Path | None = None
) -> list[QTranslator]:
    """Install the translators for `language` ("en" or "zh"); returns them (keep a reference)."""
    locale = LOCALES[language]
    QLocale.setDefault(QLocale(locale or "en_GB"))
    if locale is None:
        return []
    translators = []
    qt_own = QTranslator(app)  # Qt's own words: standard buttons, file dialogs
    if qt_own.load(
        f"qtbase_{locale}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    ):
        translators.append(qt_own)
    ours = QTranslator(app)
    qm = compiled(locale, cache_dir)
    if not ours.load(str(qm)):
        raise WorkstationError(f"cannot load the translation {qm}")
    translators.append(ours)
    for translator in translators:
        app.installTranslator(translator)
    return translators


def remove(app: QCoreApplication, translators: list[QTranslator]) -> None:
    for translator in translators:
        app.removeTranslator(translator)
