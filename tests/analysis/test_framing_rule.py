"""Each metric's framing rule (analysis/framing.py) states what the code does, and is the one
text the label, the docs and the report print."""

from __future__ import annotations

import re
from pathlib import Path

import imagehash
import numpy as np
import pytest
from PIL import Image

from workstation.analysis import framing, keypoints, metrics
from workstation.analysis.images import LoadedImage
from workstation.analysis.metrics.shared import common_frame

DOCS = Path(__file__).resolve().parents[2] / "docs" / "similarity.md"
FILTERS = {"Lanczos": Image.Resampling.LANCZOS, "bicubic": Image.Resampling.BICUBIC}


def _image(width: int, height: int, seed: int) -> LoadedImage:
    rng = np.random.default_rng(seed)
    rgb = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
    return LoadedImage(rgb=rgb, sha256=f"{seed:064x}")


def _stated(rule: str) -> tuple[int, Image.Resampling]:
    """The longest side and the filter the common-frame rule states, read from its words."""
    side = int(re.search(r"longer side is at most (\d+) px", rule)[1])
    name = re.search(r"with the (\w+) filter", rule)[1]
    return side, FILTERS[name]


@pytest.mark.parametrize(
    ("size_a", "size_b"),
    [((96, 64), (50, 40)), ((64, 48), (200, 90)), ((1200, 300), (1300, 700))],
    ids=["B smaller", "B larger, other aspect", "A beyond the longest side"],
)
def test_the_common_frame_is_what_its_rule_says(size_a, size_b):
    a, b = _image(*size_a, seed=1), _image(*size_b, seed=2)
    side, resample = _stated(framing.COMMON_FRAME.rule())
    # The rule's words, done by hand: A's size, reduced to fit the longest side and B's sides.
    scale = min(1.0, side / max(size_a), size_b[0] / size_a[0], size_b[1] / size_a[1])
    size = (round(size_a[0] * scale), round(size_a[1] * scale))
    frame_a, frame_b = common_frame(a, b, notes=[])
    assert frame_a.shape[1::-1] == size and frame_b.shape[1::-1] == size
    expected_b = np.asarray(Image.fromarray(b.rgb).resize(size, resample))
    assert np.array_equal(frame_b, expected_b)
    if size != size_a:
        assert np.array_equal(frame_a, np.asarray(Image.fromarray(a.rgb).resize(size, resample)))
    # Another filter gives other pixels: the comparison above can tell the filter named.
    other = np.asarray(Image.fromarray(b.rgb).resize(size, Image.Resampling.BILINEAR))
    assert not np.array_equal(frame_b, other)


@pytest.mark.parametrize("name", ["ahash", "dhash", "phash"])
def test_a_hash_resizes_each_image_as_its_rule_says(name):
    rule = metrics.get(name).framing.rule()
    width, height = (int(x) for x in re.search(r"resized to (\d+) × (\d+) px", rule).groups())
    assert "Lanczos" in rule
    image = Image.fromarray(_image(70, 50, seed=3).rgb)
    small = np.asarray(
        image.convert("L").resize((width, height), Image.Resampling.LANCZOS), dtype=float
    )
    if name == "ahash":
        bits = small > small.mean()
    elif name == "dhash":
        bits = small[:, 1:] > small[:, :-1]
    else:  # pHash: the DCT of the stated size, its low 8 × 8, above their median
        from scipy.fftpack import dct

        low = dct(dct(small, axis=0), axis=1)[:8, :8]
        bits = low > np.median(low)
    assert imagehash.ImageHash(bits) == getattr(
        imagehash, {"ahash": "average_hash"}.get(name, name)
    )(image)


def test_keypoints_work_at_the_side_their_rule_states():
    side = int(re.search(r"at most (\d+) px", metrics.get("keypoint_inliers").framing.rule())[1])
    assert keypoints.PARAMETERS["working_side"] == side == framing.KEYPOINT_SIDE


def test_every_metric_states_its_framing_and_labels_say_the_same():
    for metric in metrics.METRICS:
        assert metric.framing is not None, metric.name
        for lang in ("en", "zh"):
            assert metric.framing.rule(lang)
    ssim = metrics.get("ssim")
    for lang in ("en", "zh"):
        assert framing.COMMON_FRAME.short[lang] in ssim.words[lang].label
    assert "resized to A" not in ssim.words["en"].label


def test_the_docs_print_the_rules_from_the_code():
    assert framing.markdown(metrics.METRICS) in DOCS.read_text(encoding="utf-8"), (
        "docs/similarity.md's framing table differs from analysis/framing.py; paste "
        "framing.markdown(metrics.METRICS) there"
    )
