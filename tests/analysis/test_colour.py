"""The colour histogram distance: its definition, its values on real pairs, its bands."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image, ImageEnhance

from tests.conftest import SAMPLES
from workstation.analysis import bands, metrics
from workstation.analysis.images import image_from_array, load_image
from workstation.analysis.metrics import colour
from workstation.analysis.metrics.shared import Pair

METRIC = metrics.get("colour_histogram")


def distance(a: np.ndarray, b: np.ndarray) -> float:
    return METRIC.compute(Pair(image_from_array(a), image_from_array(b)))


@pytest.fixture(scope="module")
def protected() -> np.ndarray:
    return load_image(SAMPLES / "protected_work.png").rgb


def test_pixels_fall_into_the_166_classes():
    pixels = np.array([[[255, 0, 0], [255, 0, 0], [128, 128, 128], [0, 0, 255]]], np.uint8)
    shares = colour.histogram(pixels)
    assert shares.shape == (166,) and shares.sum() == pytest.approx(1.0)
    assert shares[8] == 0.5  # pure red: hue 0, the highest saturation and value
    assert shares[162 + 2] == 0.25  # mid grey: the third of four greys
    assert shares[(11 * 3 + 2) * 3 + 2] == 0.25  # pure blue: PIL's hue 170 of 255 is class 11


def test_the_distance_is_opencvs_bhattacharyya_distance(protected):
    unrelated = load_image(SAMPLES / "unrelated_work.png").rgb
    p, q = colour.histogram(protected), colour.histogram(unrelated)
    expected = cv2.compareHist(
        p.astype(np.float32), q.astype(np.float32), cv2.HISTCMP_BHATTACHARYYA
    )
    assert colour.hellinger(p, q) == pytest.approx(expected, abs=1e-5)
    assert colour.hellinger(p, p) == 0.0
    assert colour.hellinger(np.eye(166)[0], np.eye(166)[1]) == 1.0


def test_identical_images_are_at_zero_and_near_duplicates(protected):
    assert distance(protected, protected.copy()) == 0.0
    assert METRIC.band(0.0) == bands.NEAR


def _transformed(rgb: np.ndarray) -> dict[str, np.ndarray]:
    image = Image.fromarray(rgb)
    height, width = rgb.shape[:2]
    return {
        "jpeg": _jpeg(image),
        "resized": np.asarray(image.resize((width // 2, height // 2), Image.Resampling.LANCZOS)),
        "cropped": rgb[height // 8 :, width // 5 :],
        "mirrored": rgb[:, ::-1],
        "rotated": np.asarray(image.rotate(15, expand=True, fillcolor=(255, 255, 255))),
        "colour shifted": np.asarray(ImageEnhance.Color(image).enhance(0.6)),
    }


def _jpeg(image: Image.Image) -> np.ndarray:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=60)
    return np.asarray(Image.open(buffer).convert("RGB"))


def test_transformed_copies_are_closer_than_other_works(protected):
    others = {
        name: distance(load_image(SAMPLES / f"{name}.png").rgb, protected)
        for name in ("independent_work", "unrelated_work")
    }
    for name, copy in _transformed(protected).items():
        assert distance(copy, protected) < min(others.values()), name
    # The bundled disputed image (cropped, re-coloured, noised, re-scaled) too.
    disputed = distance(load_image(SAMPLES / "disputed_image.png").rgb, protected)
    assert disputed < min(others.values())
    assert METRIC.band(disputed) != bands.DIFFERENT
    assert {METRIC.band(value) for value in others.values()} == {bands.DIFFERENT}


def test_the_palette_picture_lines_up_shared_colours(protected):
    p = colour.histogram(protected)
    picture = colour.palette_picture(p, p)
    assert picture.dtype == np.uint8 and picture.shape == (140, 720, 3)
    assert np.array_equal(picture[:60], picture[80:])  # the same palette twice
    assert (picture[60:80] == 255).all()  # the gap between the strips
