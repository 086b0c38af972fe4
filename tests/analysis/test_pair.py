"""The pair report: everything in one object, JSON-serialisable, honest about what it did."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from workstation.analysis import bands, metrics
from workstation.analysis.images import load_image
from workstation.analysis.pair import SCHEMA, compare_images


@pytest.fixture(scope="module")
def crop_report(images):
    return compare_images(load_image(images["work"]), load_image(images["crop"]))


def test_report_serialises_with_inputs_versions_and_sources(crop_report, images):
    data = json.loads(crop_report.to_json())
    assert data["schema"] == SCHEMA
    assert data["image_a"]["sha256"] == load_image(images["work"]).sha256
    assert data["image_b"]["path"] == str(images["crop"])
    assert {"numpy", "pillow", "imagehash", "scikit-image", "opencv"} <= set(data["versions"])
    names = [h["name"] for h in data["hashes"]]
    assert names == ["ahash", "dhash", "phash", "whash", "colorhash", "crop_resistant"]
    assert data["structure"]["parameters"]["sigma"] == 1.5
    assert data["keypoints"]["parameters"]["ratio"] == 0.75
    assert all(reading["source"] for reading in data["bands"])
    assert data["bands_notice"] == bands.NOTICE
    assert "legal conclusion" in data["bands_notice"]


def test_crop_is_registered_and_says_how(crop_report):
    assert any("B resized from 420×420 to 384×384" in n for n in crop_report.normalisation)
    assert any("registered comparison" in n for n in crop_report.normalisation)
    registered = crop_report.registered_structure
    assert registered is not None and registered.ssim > 0.8
    assert 0.4 < registered.compared_fraction < 0.7  # the crop kept 54 % of the work
    assert crop_report.structure.ssim < registered.ssim
    assert crop_report.match_picture.shape[0] == 720
    assert crop_report.registered_difference_picture.shape[:2] == (384, 384)


def test_identical_files_are_near_duplicates_by_every_metric(images):
    report = compare_images(load_image(images["work"]), load_image(images["work_copy"]))
    for reading in report.bands:  # wHash and colorhash have no near-duplicate range
        has_near = metrics.get(reading.metric).bands.near_duplicate is not None
        assert reading.band == (bands.NEAR if has_near else bands.SIMILAR), reading.metric
    assert all(h.distance == 0 for h in report.hashes)
    assert report.structure.ssim == 1.0 and report.crop_resistant.similarity == 1.0


def test_without_clip_the_report_says_so(images):
    report = compare_images(
        load_image(images["work"]), load_image(images["wide"]), prompt="a red circle"
    )
    assert report.clip.status == "not configured"
    assert "no CLIP model configured" in report.clip.message
    assert "prompt was therefore not compared" in report.clip.message
    assert "clip_image" not in {reading.metric for reading in report.bands}
    # The frame is A's shape at no more than B's resolution (240 px high): neither is blown up.
    assert "A reduced from 384×384 to 240×240 for SSIM" in report.normalisation
    assert any(
        "B resized from 480×240 to 240×240 for SSIM; aspect ratio 2.000 → 1.000" in n
        for n in report.normalisation
    )


def test_pair_comparison_does_not_import_torch():
    code = (
        "import sys, workstation.analysis.pair, workstation.analysis.corpus, "
        "workstation.commands.compare; print('torch' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


def test_small_images_skip_keypoints_and_say_so(tmp_path):
    from tests.analysis.conftest import make_work, save

    small_a = load_image(save(make_work(5, (24, 24)), tmp_path / "a.png"))
    small_b = load_image(save(make_work(6, (24, 24)), tmp_path / "b.png"))
    report = compare_images(small_a, small_b)
    assert not report.keypoints.measured
    assert report.keypoints.status.startswith("not run: keypoint matching needs at least 32×32")
    assert "keypoint_inliers" not in {reading.metric for reading in report.bands}


def test_a_small_copy_is_compared_at_its_own_resolution(images, tmp_path):
    """A 64 px copy of the work (a generator's output size) against the 384 px work: SSIM is taken
    at 64 px, where the copy is nearly exact; at 384 px it would measure the upscaling blur."""
    from PIL import Image

    small = tmp_path / "small.png"
    Image.open(images["work"]).resize((64, 64), Image.Resampling.LANCZOS).save(small)
    copy = compare_images(load_image(images["work"]), load_image(small))
    other = compare_images(load_image(images["work"]), load_image(images["other"]))
    assert "A reduced from 384×384 to 64×64 for SSIM" in copy.normalisation
    assert copy.structure.ssim > 0.95 > other.structure.ssim
