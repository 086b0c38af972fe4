"""`workstation gui CASE --screenshot PNG` renders the loaded window and exits: on a real X server
(Xvfb, as the set-up installs it) and on Qt's offscreen platform."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.conftest import run_cli


def gui_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """No display unless given; preferences and caches in tmp_path, never the user's own."""
    hidden = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    env = {key: value for key, value in os.environ.items() if key not in hidden}
    env.update(XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_CACHE_HOME=str(tmp_path / "cache"))
    return {**env, **extra}


def assert_not_blank(png: Path) -> None:
    image = np.asarray(Image.open(png).convert("RGB"))
    assert image.shape[:2] == (900, 1440)
    colours = len(np.unique(image.reshape(-1, 3), axis=0))
    assert colours > 500, f"only {colours} colours: the window did not render"
    assert image.std() > 20


@pytest.fixture
def xvfb_display():
    """A private Xvfb server; it picks a free display number itself (-displayfd)."""
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (installer/setup.sh installs it)")
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()
    try:
        assert number.isdigit(), "Xvfb did not start"
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_screenshot_under_xvfb_shows_the_loaded_case(xvfb_display, sample_case, tmp_path):
    png = tmp_path / "window.png"
    env = gui_env(tmp_path, DISPLAY=xvfb_display, QT_QPA_PLATFORM="xcb")
    result = subprocess.run(
        [sys.executable, "-m", "workstation", "gui", str(sample_case), "--screenshot", str(png)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert_not_blank(png)


def test_without_a_display_the_screenshot_renders_offscreen(sample_case, tmp_path):
    png = tmp_path / "window-zh.png"
    result = run_cli("gui", sample_case, "--screenshot", png, "--lang", "zh", env=gui_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert_not_blank(png)


def test_a_folder_that_is_not_a_case_is_one_line_and_exit_2(tmp_path):
    png = tmp_path / "x.png"
    result = run_cli("gui", tmp_path / "missing", "--screenshot", png, env=gui_env(tmp_path))
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr
    assert not png.exists()


def test_without_a_display_the_window_explains_instead_of_crashing(sample_case, tmp_path):
    result = run_cli("gui", sample_case, env=gui_env(tmp_path))
    assert result.returncode == 2
    assert result.stderr.startswith("error: no display")
