"""Smoke test of the installed application: the built program itself, run as a user would.

installer/build_linux.sh runs it on the folder it built (WORKSTATION_BUNDLE); without that the
tests skip. Every run has a fresh home, no display and no model-hub variables (the program sets
them itself), and the install folder is compared before and after: the program writes nothing there.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from tests.provenance.conftest import image_bytes
from workstation import __version__

pytestmark = [pytest.mark.bundle, pytest.mark.slow]
BUNDLE = os.environ.get("WORKSTATION_BUNDLE")
DEMO_MODEL = "resources/models/demo-shapes-64"
STRACE = ["strace", "-f", "--seccomp-bpf", "-e", "trace=connect"]


@pytest.fixture(scope="module")
def bundle() -> Path:
    if not BUNDLE:
        pytest.skip("no built application (WORKSTATION_BUNDLE; installer/build_linux.sh sets it)")
    folder = Path(BUNDLE).resolve()
    assert (folder / "workstation").is_file(), f"no program in {folder}"
    return folder


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(path.relative_to(folder)): (path.lstat().st_size, path.lstat().st_mtime_ns)
        for path in folder.rglob("*")
    }


@pytest.fixture(scope="module")
def home(bundle: Path, tmp_path_factory: pytest.TempPathFactory):
    """A user's fresh home; at the end, the install folder must be exactly as it was."""
    before = snapshot(bundle)
    folder = tmp_path_factory.mktemp("home")
    yield folder
    after = snapshot(bundle)
    added = sorted(set(after) - set(before))
    changed = sorted(name for name in before if after.get(name) != before[name])
    assert not added and not changed, f"written in the install folder: {added + changed}"


def user_env(home: Path) -> dict[str, str]:
    hidden = ("DISPLAY", "WAYLAND_DISPLAY", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "PYTHONPATH")
    env = {key: value for key, value in os.environ.items() if key not in hidden}
    env.pop("VIRTUAL_ENV", None)
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CACHE_HOME=str(home / ".cache"),
        QT_QPA_PLATFORM="offscreen",
        PATH="/usr/bin:/bin",  # no virtual environment's Python to lean on
    )
    return env


def run(
    bundle: Path, home: Path, *words: object, prefix: tuple = ()
) -> subprocess.CompletedProcess:
    command = [*prefix, str(bundle / "workstation"), *map(str, words)]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=600, env=user_env(home), cwd=home
    )


def test_version(bundle: Path, home: Path) -> None:
    result = run(bundle, home, "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"workstation {__version__}"


def test_models_scan_finds_the_bundled_demo_model(bundle: Path, home: Path) -> None:
    result = run(bundle, home, "models", "scan", "--json", bundle / "_internal" / DEMO_MODEL)
    assert result.returncode == 0, result.stderr
    assert "demo-shapes-64" in result.stdout and '"kind"' in result.stdout


def test_generate_matches_the_checkout(bundle: Path, home: Path, tmp_path: Path) -> None:
    """The bundle's torch, diffusers and code compute what the checkout computes, bit for bit."""
    words = ["--prompt", "a lighthouse", "--seed", "5", "--steps", "4", "--cfg", "5"]
    made = home / "bundle.png"
    model = bundle / "_internal" / DEMO_MODEL
    result = run(bundle, home, "generate", "--model", model, *words, "--out", made,
                 "--steps-dir", home / "steps")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert len(list((home / "steps").iterdir())) == 8  # every step: latent and preview
    reference = tmp_path / "checkout.png"
    checkout = subprocess.run(
        [
            sys.executable,
            "-m",
            "workstation",
            "generate",
            "--model",
            str(model),
            *words,
            "--out",
            str(reference),
        ],  # fmt: skip
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert checkout.returncode == 0, checkout.stderr
    assert np.array_equal(np.asarray(Image.open(made)), np.asarray(Image.open(reference)))


def test_first_start_makes_the_sample_case_and_the_window_opens_on_it(
    bundle: Path, home: Path
) -> None:
    png = home / "window.png"
    result = run(bundle, home, "gui", "--screenshot", png)
    assert result.returncode == 0, result.stderr
    sample = home / ".local/share/AIGC Evidence Workstation/Sample case"
    assert (sample / "case.sqlite").is_file()
    assert (home / ".config/AIGC Evidence Workstation/workstation.ini").is_file()
    image = np.asarray(Image.open(png).convert("RGB"))
    assert image.shape[:2] == (900, 1440) and len(np.unique(image.reshape(-1, 3), axis=0)) > 500
    # A second start finds it and leaves it as it was.
    database = hashlib.sha256((sample / "case.sqlite").read_bytes()).hexdigest()
    again = run(bundle, home, "gui", "--screenshot", home / "again.png", "--lang", "zh")
    assert again.returncode == 0, again.stderr
    assert hashlib.sha256((sample / "case.sqlite").read_bytes()).hexdigest() == database
    verified = run(bundle, home, "case", "verify", sample)
    assert verified.returncode == 0, verified.stdout + verified.stderr


@pytest.mark.parametrize(("language", "words"), [("en", "SHA-256"), ("zh", "哈希")])
def test_report_of_the_sample_case(bundle: Path, home: Path, language: str, words: str) -> None:
    sample = home / ".local/share/AIGC Evidence Workstation/Sample case"
    if not sample.is_dir():
        pytest.skip("the first-start test makes the sample case")
    pdf = home / f"report-{language}.pdf"
    result = run(bundle, home, "report", sample, "--out", pdf, "--lang", language)
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr, result.stderr  # e.g. "not PDF/A-3b": a file missing
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "disputed_image.png" in text and words in text


def test_c2pa_credentials_are_read_and_validated(bundle: Path, home: Path, c2pa_sign) -> None:
    """The C2PA library's native part and the bundled trust list are in the bundle."""
    signed = home / "signed.jpg"
    signed.write_bytes(c2pa_sign(image_bytes("JPEG"), "image/jpeg"))
    result = run(bundle, home, "metadata", signed, "--json")
    assert result.returncode == 0, result.stderr
    c2pa = json.loads(result.stdout)["c2pa"]
    assert (c2pa["signer"], c2pa["validation_state"]) == ("Test Signer", "Valid")
    assert "signingCredential.untrusted" in json.dumps(c2pa["validation_status"])


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")
@pytest.mark.parametrize("what", ["generate", "window"])
def test_no_network_connection(bundle: Path, home: Path, what: str) -> None:
    control = home / "control.log"  # with these options a real TCP connect attempt does show up
    code = "import socket; socket.socket().connect_ex(('127.0.0.1', 9))"
    subprocess.run([*STRACE, "-o", str(control), sys.executable, "-c", code], timeout=60)
    if "AF_INET" not in control.read_text():
        pytest.skip("strace does not see connect() here")
    log = home / f"strace-{what}.log"
    model = bundle / "_internal" / DEMO_MODEL
    words = {
        "generate": ["generate", "--model", model, "--prompt", "offline", "--seed", "1",
                     "--steps", "2", "--out", home / "offline.png"],
        "window": ["gui", "--screenshot", home / "offline-window.png"],
    }[what]  # fmt: skip
    result = run(bundle, home, *words, prefix=(*STRACE, "-o", str(log)))
    if result.returncode != 0 and "ptrace" in result.stderr:
        pytest.skip(f"strace cannot trace here: {result.stderr.strip()[:200]}")
    assert result.returncode == 0, result.stderr
    calls = [line for line in log.read_text().splitlines() if "connect(" in line]
    families = {m[1] for line in calls if (m := re.search(r"sa_family=(\w+)", line))}
    assert families <= {"AF_UNIX"}, "\n".join(c for c in calls if "AF_UNIX" not in c)


def test_what_a_user_does_not_need_is_left_out(bundle: Path) -> None:
    internal = bundle / "_internal"
    for package in ("ray", "triton", "pytest", "hypothesis", "tests"):
        assert not (internal / package).exists(), f"{package} is in the bundle"
    qt = {path.name for path in internal.rglob("libQt6*")}
    unused = {name for name in qt if re.match(r"libQt6(WebEngine|Qml|Quick|Multimedia|3D)", name)}
    assert not unused, sorted(unused)
