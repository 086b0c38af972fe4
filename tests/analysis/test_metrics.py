"""Each metric against a direct call of the library that computes it, on the same files."""

from __future__ import annotations

import imagehash
import numpy as np
import pytest
from PIL import Image
from skimage.metrics import structural_similarity

from workstation.analysis import bands, hashes, keypoints, metrics, structure
from workstation.analysis.images import load_image


def _pil(path):
    return Image.open(path).convert("RGB")


@pytest.mark.parametrize(
    ("name", "direct"),
    [
        ("ahash", lambda image: imagehash.average_hash(image)),
        ("dhash", lambda image: imagehash.dhash(image)),
        ("phash", lambda image: imagehash.phash(image)),
        ("whash", lambda image: imagehash.whash(image)),
        ("colorhash", lambda image: imagehash.colorhash(image)),
    ],
)
def test_hashes_equal_direct_imagehash_calls(images, name, direct):
    a, b = images["work"], images["work_jpeg"]
    result = {h.name: h for h in hashes.compare_hashes(load_image(a).rgb, load_image(b).rgb)}[name]
    hash_a, hash_b = direct(_pil(a)), direct(_pil(b))
    assert result.hex_a == str(hash_a)
    assert result.hex_b == str(hash_b)
    assert result.distance == hash_a - hash_b
    assert result.bits == hash_a.hash.size
    assert result.similarity == pytest.approx(1 - (hash_a - hash_b) / hash_a.hash.size)


def test_crop_resistant_hash_equals_direct_call(images):
    a, b = _pil(images["work"]), _pil(images["crop"])
    result = hashes.compare_crop_resistant(np.asarray(a), np.asarray(b))
    hash_a, hash_b = imagehash.crop_resistant_hash(a), imagehash.crop_resistant_hash(b)
    assert result.hex_a == str(hash_a) and result.hex_b == str(hash_b)
    assert result.matched_a_in_b == hash_a.hash_diff(hash_b)[0]
    assert result.matched_b_in_a == hash_b.hash_diff(hash_a)[0]
    assert result.score == pytest.approx(hash_a - hash_b)


def test_identical_images_give_distance_zero_and_similarity_one(images):
    a, b = load_image(images["work"]).rgb, load_image(images["work_copy"]).rgb
    for result in hashes.compare_hashes(a, b):
        assert result.distance == 0 and result.similarity == 1.0
    assert hashes.compare_crop_resistant(a, b).similarity == 1.0
    same = structure.compare_structure(a, b)
    assert same.ssim == 1.0
    assert same.mean_abs_difference == 0.0 and not same.difference.any()


def test_hash_packing_keeps_imagehash_hex(images):
    value = imagehash.phash(_pil(images["work"]))
    assert f"{hashes.hash_to_uint64(value):016x}" == str(value)


def test_ssim_equals_direct_skimage_call(images):
    a, b = images["work"], images["work_jpeg"]
    grey_a = np.asarray(Image.open(a).convert("L"))
    grey_b = np.asarray(Image.open(b).convert("L"))
    direct = structural_similarity(
        grey_a,
        grey_b,
        gaussian_weights=True,
        sigma=1.5,
        use_sample_covariance=False,
        data_range=255,
    )
    result = structure.compare_structure(load_image(a).rgb, load_image(b).rgb)
    assert result.ssim == pytest.approx(direct, abs=1e-12)
    assert 0.5 < result.ssim < 1.0
    channel = np.abs(np.asarray(_pil(a), float) - np.asarray(_pil(b), float))
    assert result.mean_abs_difference == pytest.approx(channel.mean() / 255)


def test_keypoints_find_a_crop_that_phash_misses(images):
    work, crop = load_image(images["work"]).rgb, load_image(images["crop"]).rgb
    phash = {h.name: h for h in hashes.compare_hashes(work, crop)}["phash"]
    assert metrics.get("phash").band(phash.distance) == bands.DIFFERENT

    matched = keypoints.match_keypoints(work, crop)
    assert matched.homography is not None and not matched.mirrored
    assert metrics.get("keypoint_inliers").band(matched.inliers) != bands.DIFFERENT
    # The crop's top-left corner maps back to where it was cut from (40, 70) in the work.
    corner = np.array(matched.homography) @ np.array([0.0, 0.0, 1.0])
    assert corner[:2] / corner[2] == pytest.approx([40, 70], abs=3)


def test_keypoints_match_a_mirrored_copy(images):
    matched = keypoints.match_keypoints(
        load_image(images["work"]).rgb, load_image(images["mirror"]).rgb
    )
    assert matched.mirrored and matched.homography is not None


def test_unrelated_images_have_no_consistent_geometry(images):
    matched = keypoints.match_keypoints(
        load_image(images["work"]).rgb, load_image(images["other"]).rgb
    )
    assert matched.homography is None
    assert matched.inliers < keypoints.PARAMETERS["min_inliers"]
