"""The installed application's first start, and how the code finds its files in a bundle."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from workstation import paths
from workstation.app import first_start
from workstation.core import user_dirs
from workstation.core.case import Case


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_first_start_makes_the_sample_case_once(tmp_path: Path) -> None:
    made = first_start.prepare(tmp_path)
    assert made.created and made.sample_case == tmp_path / "Sample case"
    with Case.open(made.sample_case) as case:
        names = sorted(a.original_name for a in case.artifacts(role=None))
        assert {"protected_work.png", "disputed_image.png"} <= set(names)
        assert len(case.records("comparison")) == 1
        assert case.verify().ok
    database = digest(made.sample_case / "case.sqlite")
    again = first_start.prepare(tmp_path)
    assert not again.created and again.sample_case == made.sample_case
    assert digest(made.sample_case / "case.sqlite") == database  # a later start writes nothing
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Sample case"]  # no scratch left


def test_a_first_start_stopped_half_way_is_made_again(tmp_path: Path) -> None:
    scratch = tmp_path / ".Sample case.partial"
    scratch.mkdir()
    (scratch / "case.sqlite").write_bytes(b"half written")
    made = first_start.prepare(tmp_path)
    assert made.created and not scratch.exists()
    with Case.open(made.sample_case) as case:
        assert case.verify().ok


def test_a_case_renamed_before_its_comparison_is_compared_on_the_next_start(tmp_path) -> None:
    """Stopped between the rename and the comparison: the next start adds the comparison."""
    from workstation.app.sample_case import build_sample_case

    build_sample_case(first_start.sample_case_path(tmp_path)).close()
    made = first_start.prepare(tmp_path)
    assert not made.created
    with Case.open(made.sample_case) as case:
        assert len(case.records("comparison")) == 1


def test_user_data_dir_follows_the_platform_rules(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv("WORKSTATION_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    if sys.platform.startswith("linux"):
        assert user_dirs.user_data_dir() == tmp_path / "xdg" / "AIGC Evidence Workstation"
    monkeypatch.setenv("WORKSTATION_DATA_DIR", str(tmp_path / "chosen"))
    assert user_dirs.user_data_dir() == tmp_path / "chosen"


def test_in_a_bundle_resources_come_from_the_bundle_folder(tmp_path: Path) -> None:
    """PyInstaller sets sys.frozen and sys._MEIPASS before any of our code runs."""
    code = (
        "import sys; sys.frozen = True; sys._MEIPASS = sys.argv[1]\n"
        "from workstation import paths\n"
        "print(paths.FROZEN, paths.RESOURCES_DIR, paths.MODELS_DIR, sep='\\n')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True
    )
    frozen, resources, models = result.stdout.splitlines()
    assert frozen == "True"
    assert Path(resources) == tmp_path.resolve() / "resources"
    assert Path(models) == tmp_path.resolve() / "resources" / "models"
    assert Path(paths.__file__).resolve().parents[1] / "resources" == paths.RESOURCES_DIR


def test_version_answers_without_loading_the_commands() -> None:
    code = (
        "import sys; from workstation import cli; code = cli.main(['--version'])\n"
        "print(sorted(m for m in sys.modules if m.startswith(('workstation.core.case', 'torch'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.splitlines() == ["workstation 0.1.0", "[]"]  # no case store, no torch


@pytest.mark.parametrize("frozen", [True, False])
def test_started_with_no_arguments_the_installed_program_opens_the_window(
    monkeypatch, capsys, frozen: bool
) -> None:
    from workstation import cli
    from workstation.gui import command

    opened = []
    monkeypatch.setattr(cli, "FROZEN", frozen)
    monkeypatch.setattr(command, "cmd_gui", lambda args: opened.append(args.case) or 0)
    if frozen:
        assert cli.main([]) == 0 and opened == [None]
    else:  # a checkout's command still asks for a command
        with pytest.raises(SystemExit):
            cli.main([])
        assert "COMMAND" in capsys.readouterr().err and not opened


def test_the_window_opens_on_the_sample_case_at_the_first_start(tmp_path: Path) -> None:
    hidden = ("DISPLAY", "WAYLAND_DISPLAY", "WORKSTATION_DATA_DIR")
    env = {key: value for key, value in os.environ.items() if key not in hidden}
    env.update(
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        QT_QPA_PLATFORM="offscreen",
    )
    png = tmp_path / "window.png"
    command = [sys.executable, "-m", "workstation", "gui", "--screenshot", str(png)]
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    sample = tmp_path / "data" / "AIGC Evidence Workstation" / "Sample case"
    assert (sample / "case.sqlite").is_file() and png.is_file()
    settings = tmp_path / "config" / "AIGC Evidence Workstation" / "workstation.ini"
    assert "Sample case" in settings.read_text()  # the window opened it: the recent case now
    # Later starts open the case opened last, wherever it is.
    other = tmp_path / "other case"
    Case.create(other, title="Another", examiner="Ann").close()
    opened = subprocess.run(
        [*command[:-2], str(other), "--screenshot", str(png)], env=env, capture_output=True
    )
    assert opened.returncode == 0, opened.stderr
    database = digest(sample / "case.sqlite")
    again = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert again.returncode == 0, again.stderr
    recent = settings.read_text().split("recent=")[1].splitlines()[0]
    assert recent.index("other case") < recent.index("Sample case")  # reopened, still first
    assert digest(sample / "case.sqlite") == database
