"""C2PA Content Credentials, read offline: signed in the test with a throwaway certificate."""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.provenance.conftest import (
    TRAINED,
    a1111_infotext,
    chunk,
    image_bytes,
    png_bytes,
    with_chunks,
)
from workstation.analysis.provenance import read_metadata

MEDIA = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
# A remote manifest "on" the discard port of this machine: a fetch would show as an AF_INET
# connect in strace without reaching any network.
REMOTE = "http://127.0.0.1:9/manifests/disputed.c2pa"


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_embedded_manifest(write, c2pa_sign, fmt: str) -> None:
    signed = c2pa_sign(image_bytes(fmt), MEDIA[fmt])
    meta = read_metadata(write(f"signed.{fmt.lower()}", signed))
    c2pa = meta.c2pa
    assert meta.generator == "C2PA" and meta.warnings == ()
    assert (c2pa.status, c2pa.claim_generator, c2pa.title) == (
        "embedded",
        "Test Image Generator 2.1",
        "generated image",
    )
    assert c2pa.digital_source_types == (TRAINED,)
    assert (c2pa.signer, c2pa.issuer, c2pa.algorithm) == (
        "Test Signer",
        "Workstation Test CA",
        "Es256",
    )
    # Signature and hashes check out; the throwaway CA is (rightly) not trusted.
    assert c2pa.validation_state == "Valid"
    assert [code for code, _ in c2pa.validation_status] == ["signingCredential.untrusted"]
    assert "c2pa.actions.v2" in [label for label, _ in c2pa.assertions]
    assert json.loads(c2pa.manifest_store)["active_manifest"]


def test_tampered_image_fails_validation(write, c2pa_sign) -> None:
    signed = bytearray(c2pa_sign(image_bytes("JPEG"), "image/jpeg"))
    signed[-10] ^= 0xFF  # a byte of the compressed image data
    c2pa = read_metadata(write("tampered.jpg", bytes(signed))).c2pa
    assert c2pa.validation_state == "Invalid"
    assert "assertion.dataHash.mismatch" in [code for code, _ in c2pa.validation_status]


def test_generator_metadata_and_credentials_together(write, c2pa_sign) -> None:
    text = a1111_infotext("a fox", "", {"Steps": 20, "Seed": 9, "Size": "64x48"})
    meta = read_metadata(write("both.png", c2pa_sign(png_bytes({"parameters": text}), "image/png")))
    assert meta.generator == "AUTOMATIC1111" and meta.recipe.seed == 9
    assert meta.c2pa.status == "embedded"


def test_remote_manifest_is_reported_not_fetched(write, c2pa_sign) -> None:
    meta = read_metadata(
        write("remote.jpg", c2pa_sign(image_bytes("JPEG"), "image/jpeg", remote_url=REMOTE))
    )
    assert meta.generator == "C2PA"
    assert (meta.c2pa.status, meta.c2pa.remote_url) == ("remote", REMOTE)
    assert meta.xmp.provenance == REMOTE


def _connects(log: Path) -> list[str]:
    return [line for line in log.read_text().splitlines() if "connect(" in line]


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")
def test_strace_shows_no_network_connection(write, c2pa_sign, tmp_path: Path) -> None:
    remote = write("remote.jpg", c2pa_sign(image_bytes("JPEG"), "image/jpeg", remote_url=REMOTE))

    # Control: c2pa with its default settings does try to fetch, so strace would see it.
    control_log = tmp_path / "control.log"
    control = "import c2pa, sys\ntry: c2pa.Reader(sys.argv[1])\nexcept Exception: pass"
    subprocess.run(
        [
            "strace",
            "-f",
            "-e",
            "trace=connect",
            "-o",
            control_log,
            sys.executable,
            "-c",
            control,
            remote,
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert any("AF_INET" in line for line in _connects(control_log))

    # The workstation: only local (AF_UNIX) connects, if any.
    log = tmp_path / "cli.log"
    result = subprocess.run(
        [
            "strace",
            "-f",
            "-e",
            "trace=connect",
            "-o",
            log,
            sys.executable,
            "-m",
            "workstation",
            "metadata",
            remote,
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=Path(__file__).parents[2],
    )
    assert result.returncode == 0, result.stderr
    assert f"{REMOTE}  (not fetched)" in result.stdout
    outside = [line for line in _connects(log) if not re.search(r"sa_family=AF_UNIX", line)]
    assert outside == []


def test_cli_json_for_signed_image(write, c2pa_sign) -> None:
    path = write("s.webp", c2pa_sign(image_bytes("WEBP"), "image/webp"))
    data = json.loads(run_cli("metadata", path, "--json", check=True).stdout)
    assert data["generator"] == "C2PA"
    assert data["c2pa"]["digital_source_types"] == [TRAINED]


def test_damaged_manifests_are_reported_not_raised(write, c2pa_sign) -> None:
    rng = random.Random(9)
    signed = c2pa_sign(image_bytes("JPEG"), "image/jpeg")
    states = set()
    for i in range(30):
        data = bytearray(signed)
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(2, len(signed) // 2)] = rng.randrange(256)
        meta = read_metadata(write(f"d{i}.jpg", bytes(data)))
        json.dumps(meta.to_dict(), allow_nan=False)
        states.add(meta.c2pa.status if meta.c2pa else None)
    assert states <= {"embedded", "error", None}
    garbage = with_chunks(png_bytes(), chunk(b"caBX", b"\x00\x00\x00\x20jumb" + rng.randbytes(64)))
    meta = read_metadata(write("g.png", garbage))
    assert meta.c2pa.status == "error" and meta.generator == "none"
