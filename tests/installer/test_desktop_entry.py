"""The Linux menu entry: the .desktop file shipped in the bundle, and the script that installs it
for one user from wherever the application folder was unpacked (spaces in the path too)."""

from __future__ import annotations

import configparser
import shlex
import shutil
import subprocess
from pathlib import Path

from workstation.paths import ICON_FILE

LINUX = Path(__file__).resolve().parents[2] / "installer" / "linux"


def read_entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def test_the_entry_names_the_window_command_and_both_languages() -> None:
    entry = read_entry(LINUX / "workstation.desktop")
    assert entry["Type"] == "Application" and entry["Terminal"] == "false"
    assert shlex.split(entry["Exec"])[:2] == ["workstation", "gui"]
    assert entry["Name"] and entry["Name[zh_CN]"] and entry["Comment[zh_CN]"]


def test_the_script_installs_the_entry_for_this_user_only(tmp_path: Path) -> None:
    app = tmp_path / "Program Files" / "workstation app"  # a path with spaces
    app.mkdir(parents=True)
    for name in ("workstation.desktop", "install-desktop-entry.sh"):
        shutil.copy(LINUX / name, app)
    shutil.copy(ICON_FILE, app / "workstation.png")
    before = sorted(p.name for p in app.iterdir())
    data = tmp_path / "share"
    result = subprocess.run(
        ["sh", str(app / "install-desktop-entry.sh")],
        env={"HOME": str(tmp_path), "XDG_DATA_HOME": str(data), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    entry = read_entry(data / "applications" / "aigc-evidence-workstation.desktop")
    assert shlex.split(entry["Exec"])[:2] == [str(app / "workstation"), "gui"]
    assert entry["Icon"] == "aigc-evidence-workstation"
    icon = data / "icons" / "hicolor" / "256x256" / "apps" / "aigc-evidence-workstation.png"
    assert icon.read_bytes() == ICON_FILE.read_bytes()
    assert sorted(p.name for p in app.iterdir()) == before  # nothing written in the app folder
