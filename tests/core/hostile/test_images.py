"""Hostile images: the smallest sizes `compare` takes, AVIF, decode and file-size budgets.

Every metric either runs or says why not; a file past a budget is refused in one line naming it
before its pixels are decoded; the case given is unchanged."""

from __future__ import annotations

import json
import os
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, features

from tests.hostile import assert_clean, case_state, run_main
from workstation.analysis.images import MAX_FILE_BYTES, MIN_SIDE, load_image
from workstation.analysis.metrics import METRICS
from workstation.analysis.structure import SSIM_MIN_SIDE
from workstation.core import media
from workstation.core.errors import InputError


@pytest.fixture(scope="module")
def case_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("images") / "case"
    assert run_main("case", "init", root, "--title", "Images", "--examiner", "E").code == 0
    return root


def noise(path: Path, width: int, height: int, seed: int = 0, **save) -> Path:
    rng = np.random.default_rng(seed)
    Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8)).save(path, **save)
    return path


def png_claiming(path: Path, width: int, height: int) -> Path:
    """A PNG whose header claims `width`×`height` over a few bytes of data: nothing in it is
    ever that large, so the test allocates nothing."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )
    return path


@settings(max_examples=max(10, settings.default.max_examples // 3))  # a compare is ~1 s
@given(st.tuples(*[st.integers(MIN_SIDE, SSIM_MIN_SIDE + 1)] * 4))
def test_smallest_sizes_compare_every_metric_or_say_why(tmp_path_factory, sides) -> None:
    folder = tmp_path_factory.mktemp("small")
    a = noise(folder / "a.png", sides[0], sides[1], seed=1)
    b = noise(folder / "b.png", sides[2], sides[3], seed=2)
    outcome = run_main("compare", a, b, "--json")
    assert_clean(outcome)
    assert outcome.code == 0, outcome.err
    report = json.loads(outcome.out)
    measured = {reading["metric"] for reading in report["bands"]}
    frame = min(report["structure"]["size"])
    said = " ".join(report["normalisation"] + [report["keypoints"]["status"]])
    said += " " + report["clip"]["message"]
    why = {  # what the report says of each metric it did not measure at these sizes
        "ssim": "SSIM not run: the common frame is",
        "keypoint_inliers": "not run: keypoint matching needs at least 32×32 pixels",
        "registered_ssim": "not run: keypoint matching needs at least 32×32 pixels",
        "clip_image": "no CLIP model configured",
    }
    for metric in METRICS:
        if metric.name not in measured:
            assert metric.name in why and why[metric.name] in said, (metric.name, said)
    assert ("ssim" in measured) == (frame >= SSIM_MIN_SIDE)
    if frame < SSIM_MIN_SIDE:
        assert report["structure"]["ssim"] is None  # null, never NaN (not JSON)
    assert "NaN" not in outcome.out


def test_eight_pixel_images_print_every_metric_or_why(tmp_path: Path) -> None:
    a, b = noise(tmp_path / "a.png", 8, 8, 1), noise(tmp_path / "b.png", 8, 8, 2)
    outcome = run_main("compare", a, b)
    assert outcome.code == 0, outcome.err
    assert "SSIM not run: the common frame is 8×8 pixels" in outcome.out
    assert "keypoints: 0 inliers of 0 matches (0%); not run" in outcome.out
    assert "pHash Hamming distance" in outcome.out


def test_seven_pixels_is_refused_naming_the_file(tmp_path: Path) -> None:
    a, b = noise(tmp_path / "a.png", 7, 30, 1), noise(tmp_path / "b.png", 30, 30, 2)
    outcome = run_main("compare", a, b)
    assert_clean(outcome)
    assert outcome.code == 2
    assert f"{a} is 7×30 pixels; similarity analysis needs at least 8×8" in outcome.err


@pytest.mark.skipif(not features.check("avif"), reason="this Pillow reads no AVIF")
def test_avif_is_an_image_for_import_and_compare(tmp_path: Path, case_dir: Path) -> None:
    avif = noise(tmp_path / "work.avif", 40, 32, 3, quality=90)
    png = noise(tmp_path / "other.png", 40, 32, 4)
    assert media.probe(avif) == media.MediaInfo("image/avif", 40, 32)
    imported = run_main("case", "import", case_dir, avif, "--role", "reference")
    assert imported.code == 0, imported.err
    listed = json.loads(run_main("case", "list", case_dir, "--json").out)
    assert [a["media_type"] for a in listed if a["original_name"] == "work.avif"] == ["image/avif"]
    compared = run_main("compare", avif, png, "--json")
    assert compared.code == 0, compared.err
    assert json.loads(compared.out)["image_a"]["format"] == "AVIF"


def test_avif_named_png_is_refused_as_what_it_is(tmp_path: Path, case_dir: Path) -> None:
    liar = tmp_path / "liar.png"
    noise(tmp_path / "x.avif", 16, 16).rename(liar)
    before = case_state(case_dir)
    outcome = run_main("case", "import", case_dir, liar)
    assert_clean(outcome)
    assert "the name says image/png but the content is image/avif" in outcome.err
    assert case_state(case_dir) == before


@pytest.mark.parametrize(
    ("width", "height"),
    [(12_248, 12_248), (150_000_001, 1), (1, 150_000_001), (20_000, 20_000)],
)
def test_decode_budget_is_the_stated_limit(tmp_path: Path, case_dir: Path, width, height) -> None:
    assert width * height > media.MAX_PIXELS
    claim = png_claiming(tmp_path / "claims.png", width, height)
    other = noise(tmp_path / "b.png", 16, 16)
    for args in (("compare", claim, other), ("case", "import", case_dir, claim)):
        before = case_state(case_dir)
        outcome = run_main(*args)
        assert_clean(outcome)
        assert outcome.code == 2
        assert str(claim) in outcome.err
        assert "more than the 150,000,000-pixel limit" in outcome.err
        assert case_state(case_dir) == before


def test_decode_budget_admits_the_limit_itself(tmp_path: Path) -> None:
    """The check is on the header: an image exactly at the limit passes it (and then fails only
    because this one's data is a few bytes, not 150 megapixels)."""
    claim = png_claiming(tmp_path / "at-limit.png", 15_000, 10_000)
    with pytest.raises(InputError) as refused:
        load_image(claim)
    assert "pixel limit" not in str(refused.value)
    assert "damaged or truncated" in str(refused.value)


def test_file_size_budget_and_non_regular_files(tmp_path: Path) -> None:
    big = tmp_path / "huge.png"
    with open(big, "wb") as stream:  # sparse: no disk, no memory
        stream.truncate(MAX_FILE_BYTES + 1)
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    other = noise(tmp_path / "b.png", 16, 16)
    outcome = run_main("compare", big, other)
    assert_clean(outcome)
    assert f"{big}: {MAX_FILE_BYTES + 1:,} bytes, more than the 1024 MiB" in outcome.err
    outcome = run_main("compare", other, fifo)  # would block forever if read
    assert_clean(outcome)
    assert f"{fifo}: not a regular file" in outcome.err


def test_init_image_has_the_same_decode_budget(tmp_path: Path) -> None:
    from workstation.engine.generate import load_init_image

    for width, height in ((12_248, 12_248), (20_000, 20_000)):
        claim = png_claiming(tmp_path / f"init{width}.png", width, height)
        with pytest.raises(InputError, match="more than the 150,000,000-pixel limit") as refused:
            load_init_image(claim, 64, 64)
        assert str(claim) in str(refused.value)


SURROGATE = st.integers(0xD800, 0xDFFF).map(chr)  # what Python makes of bytes not UTF-8
ANY_CHARACTER = st.characters(codec=None, exclude_categories=()) | SURROGATE
NAME = st.text(
    st.characters(codec=None, exclude_categories=(), exclude_characters="/\x00") | SURROGATE,
    min_size=1,
    max_size=12,
)


@settings(max_examples=max(10, settings.default.max_examples // 3))  # a compare is ~1 s
@given(prompt=st.none() | st.text(ANY_CHARACTER, max_size=30), out_name=st.none() | NAME)
def test_compare_parameter_sets(tmp_path_factory, prompt, out_name) -> None:
    """Any prompt and output folder name: a comparison, or one line saying which text cannot
    be stored; JSON exact either way."""
    folder = tmp_path_factory.mktemp("params")
    a, b = noise(folder / "a.png", 24, 20, 1), noise(folder / "b.png", 20, 24, 2)
    args = ["compare", a, b, "--json"]
    if prompt is not None:
        args += ["--prompt", prompt]
    if out_name is not None:
        args += ["--out-dir", folder / out_name]
    outcome = run_main(*args)
    assert_clean(outcome)
    unstorable = [
        text
        for text in (prompt, out_name)
        if text is not None and any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)
    ]
    if unstorable:
        assert outcome.code == 2 and "not valid UTF-8" in outcome.err
        return
    if out_name in (".", ".."):
        return  # an existing folder: the pictures are written into it (or refused in one line)
    assert outcome.code == 0, outcome.err
    report = json.loads(outcome.out)
    assert report["clip"]["prompt"] == prompt
    if out_name is not None:
        assert (folder / out_name / "pair_report.json").is_file()
