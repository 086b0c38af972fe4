"""The case commands as a user runs them: `workstation …` and `python -m workstation …`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import SAMPLES, run_cli
from workstation import __version__
from workstation.core.case import Case


def test_version_and_module_entry_point_agree() -> None:
    script = Path(sys.executable).with_name("workstation")
    as_script = subprocess.run([script, "--version"], capture_output=True, text=True)
    as_module = run_cli("--version")
    assert as_script.stdout == as_module.stdout == f"workstation {__version__}\n"


def test_init_import_list_verify_log(tmp_path: Path) -> None:
    root = tmp_path / "case"
    out = run_cli("case", "init", root, "--title", "Lighthouse", "--examiner", "Ann", check=True)
    assert "created case" in out.stdout

    files = [SAMPLES / "protected_work.png", SAMPLES / "unrelated_work.png"]
    out = run_cli("case", "import", root, *files, "--role", "reference", "--note", "n", check=True)
    lines = out.stdout.splitlines()
    assert len(lines) == 2
    for line, path in zip(lines, files, strict=True):
        digest, role, name = line.split()
        assert (role, name) == ("reference", path.name)
        assert (root / "objects" / digest[:2] / digest).read_bytes() == path.read_bytes()

    listed = json.loads(run_cli("case", "list", root, "--json", check=True).stdout)
    assert [a["original_name"] for a in listed] == [p.name for p in files]
    assert {a["role"] for a in listed} == {"reference"}
    human = run_cli("case", "list", root, check=True).stdout
    assert "2 artifact(s)" in human and "protected_work.png" in human

    verify = run_cli("case", "verify", root)
    assert verify.returncode == 0 and verify.stdout.startswith("OK: 2 object(s)")
    assert "not checked: a case rewritten as a whole" in verify.stdout
    recorded = run_cli("case", "verify", root, "--record", "--examiner", "Bob")
    assert recorded.returncode == 0

    log = json.loads(run_cli("case", "log", root, "--json", check=True).stdout)
    # A plain verify only reads; --record logs a passed one.
    # each imported image's origin signals are recorded with it
    actions = ["case created", "import", "import", "provenance", "provenance", "verified"]
    assert [e["action"] for e in log] == actions
    assert [e["actor"] for e in log] == ["Ann"] * 5 + ["Bob"]
    assert all(e["prev_hash"] == p["hash"] for p, e in zip(log, log[1:], strict=False))


def test_verify_exits_1_and_names_each_mismatch(tmp_path: Path) -> None:
    root = tmp_path / "case"
    run_cli("case", "init", root, "--title", "T", "--examiner", "E", check=True)
    run_cli("case", "import", root, SAMPLES / "protected_work.png", check=True)
    digest = run_cli("case", "list", root, "--json", check=True).stdout
    sha = json.loads(digest)[0]["sha256"]
    stored = root / "objects" / sha[:2] / sha
    os.chmod(stored, 0o644)
    stored.write_bytes(b"replaced")
    result = run_cli("case", "verify", root)
    assert result.returncode == 1
    assert "MISMATCH  artifact #1 (protected_work.png): stored file has changed" in result.stdout
    assert result.stdout.splitlines()[-1].startswith("FAILED (1 problem(s))")


def test_demo_builds_and_verifies_the_sample_case(tmp_path: Path) -> None:
    result = run_cli("demo", "--out", tmp_path, check=True)
    # 8 objects of the comparison (4 images, difference maps, keypoints, colour palettes), the
    # demo model's image and its 20 steps (preview, decode), two mechanism studies (14 img2img and
    # 10 LoRA images, each with grid, plot, CSV, JSON) and the stored report
    assert "Case verified OK: 82 objects" in result.stdout
    assert "keypoint_inliers near-duplicate" in result.stdout
    assert "with the bundled demo model, all 20 steps kept" in result.stdout
    assert "img2img strength sweep from the protected work" in result.stdout
    assert "LoRA trained on the protected work alone" in result.stdout
    assert (tmp_path / "sample-report.pdf").read_bytes().startswith(b"%PDF")
    listed = json.loads(run_cli("case", "list", tmp_path / "sample-case", "--json").stdout)
    roles = sorted(a["role"] for a in listed if a["role"] != "generated")
    assert roles == ["disputed"] + ["other"] * 12 + ["reference"] * 3 + ["report"]
    assert sum(a["role"] == "generated" for a in listed) == 65

    # The mechanisms show: low img2img strength and a full-scale LoRA trained on the work come
    # closer to it (pHash distance, per seed) than high strength or no LoRA.
    with Case.open(tmp_path / "sample-case") as case:
        studies = {r.payload["study"]: r.payload["points"] for r in case.records("study")}
        # every evidence image has its provenance record: imported, generated, studied; a run's
        # denoising steps and drawn figures are described by the record that made them
        images = {a.id for a in case.artifacts() if a.media_type.startswith("image/")}
        links = [k for r in case.records() for k in r.links if k.artifact_id]
        evidence = {k.artifact_id for k in links if k.role not in ("step", "figure")}
        made = {k.artifact_id for k in links} - evidence
        about = [k.artifact_id for r in case.records("provenance") for k in r.linked("about")]
        assert made and sorted(about) == sorted(images - made)

    def distance(study: str, parameter: str, value: float, seed: int) -> int:
        [point] = [p for p in studies[study] if p[parameter] == value and p["seed"] == seed]
        return point["phash_distance"]

    for seed in (1, 2):
        assert distance("strength", "strength", 0.05, seed) + 12 < distance(
            "strength", "strength", 0.8, seed
        )
        assert distance("lora-scale", "scale", 1.0, seed) + 12 < distance(
            "lora-scale", "scale", 0.0, seed
        )
    again = run_cli("demo", "--out", tmp_path, check=True)  # a second run reuses the case
    assert "comparison already in the case" in again.stdout
    assert "Demo generation already in the case" in again.stdout
    assert "Provenance recorded for 0 more image(s)" in again.stdout
