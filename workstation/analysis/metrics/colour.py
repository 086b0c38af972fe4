"""Colour histogram distance: how alike the palettes of A and B are, wherever the colours sit.

Each whole image is counted into 166 colour classes in HSV, the quantisation of Smith and Chang
(1996, "VisualSEEk: a fully automated content-based image query system", ACM Multimedia): 18
hues × 3 saturations × 3 values, plus 4 greys for the pixels too unsaturated for a hue to mean
anything. The distance is the Hellinger distance of the two normalised histograms,
√(1 − Σ √(p·q)) (the Bhattacharyya coefficient, Bhattacharyya 1943; OpenCV's
HISTCMP_BHATTACHARYYA computes the same): 0 for the same colours in the same proportions, 1 for
no colour in common. Lower is closer. Position plays no part, so crops, rotation, mirroring and
resizing leave it nearly unchanged; a colour shift moves it, and different pictures painted in
one palette come close.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from workstation.analysis import framing
from workstation.analysis.bands import PAIRWISE_PAIRS, Bands
from workstation.analysis.metrics.base import Metric, Picture, PictureWords, Words, rounded

HUES, SATURATIONS, VALUES, GREYS = 18, 3, 3, 4
CLASSES = HUES * SATURATIONS * VALUES + GREYS  # 166
GREY_BELOW = 26  # saturation (of 255) under which a pixel is grey: about 10 %


def histogram(rgb: np.ndarray) -> np.ndarray:
    """The share of the image's pixels in each of the 166 classes (PIL's 8-bit HSV)."""
    hsv = np.asarray(Image.fromarray(rgb).convert("HSV")).reshape(-1, 3).astype(np.int64)
    hue, saturation, value = hsv[:, 0], hsv[:, 1], hsv[:, 2]
    chroma = (saturation - GREY_BELOW) * SATURATIONS // (256 - GREY_BELOW)
    coloured = (hue * HUES // 256 * SATURATIONS + chroma) * VALUES + value * VALUES // 256
    grey = HUES * SATURATIONS * VALUES + value * GREYS // 256
    counts = np.bincount(np.where(saturation < GREY_BELOW, grey, coloured), minlength=CLASSES)
    return counts / counts.sum()


def hellinger(p: np.ndarray, q: np.ndarray) -> float:
    # max(): rounding can take the coefficient of identical histograms a hair above 1
    return float(np.sqrt(max(0.0, 1.0 - np.sqrt(p * q).sum())))


def _class_colours() -> np.ndarray:
    """The RGB colour at the centre of each class, for the palette picture."""
    hues = (np.arange(HUES) + 0.5) * 256 / HUES
    saturations = GREY_BELOW + (np.arange(SATURATIONS) + 0.5) * (256 - GREY_BELOW) / SATURATIONS
    values = (np.arange(VALUES) + 0.5) * 256 / VALUES
    hsv = [(h, s, v) for h in hues for s in saturations for v in values]
    hsv += [(0, 0, (g + 0.5) * 256 / GREYS) for g in range(GREYS)]
    pixels = np.array(hsv, dtype=np.uint8).reshape(1, -1, 3)
    return np.asarray(Image.fromarray(pixels, "HSV").convert("RGB"))[0]


def palette_picture(p: np.ndarray, q: np.ndarray, width: int = 720, band: int = 60) -> np.ndarray:
    """A's palette over B's: each class a block as wide as its share, in its colour, classes in
    the same order in both strips, so shared colours line up."""
    colours, gap = _class_colours(), band // 3
    picture = np.full((2 * band + gap, width, 3), 255, np.uint8)
    for top, shares in ((0, p), (band + gap, q)):
        edges = np.round(np.concatenate([[0.0], np.cumsum(shares)]) * width).astype(int)
        for index in np.flatnonzero(shares):
            picture[top : top + band, edges[index] : edges[index + 1]] = colours[index]
    return picture


def _histograms(pair) -> tuple[np.ndarray, np.ndarray]:
    return histogram(pair.a.rgb), histogram(pair.b.rgb)


COLOUR_HISTOGRAM = Metric(
    name="colour_histogram",
    closer="lower",
    compute=lambda pair: rounded(hellinger(*_histograms(pair))),
    # From benchmarks/results/calibration.json (`calibrate_bands.py --metrics colour_histogram`).
    bands=Bands(
        0.083,
        0.61,
        "HSV histogram of 166 classes (Smith and Chang 1996), Hellinger distance",
        0.391,
        0.927,
        PAIRWISE_PAIRS,
        source_zh="166 个颜色类别的 HSV 直方图（Smith 和 Chang，1996），Hellinger 距离",
    ),
    study_column="colour_histogram",
    framing=framing.ALL_PIXELS,
    scale=(0.0, 1.0),
    words={
        "en": Words(
            "Colour histogram",
            "colour histogram distance (Hellinger, 166 HSV classes)",
            "colour histogram distance",
            "The share of pixels in each of 166 colour classes (18 hues × 3 saturations × 3 "
            "brightnesses and 4 greys, after Smith and Chang 1996) for each whole image, and "
            "the Hellinger distance between the two (0: the same colours in the same "
            "proportions; 1: no colour in common). Where colours sit plays no part, so crops, "
            "rotation, mirroring and resizing hardly change it.",
            "Describes the palette, not the picture: different pictures in the same colours come "
            "close, and a re-coloured copy moves away. Greyscale images have only the four grey "
            "classes, so unrelated ones can be very close. Its thresholds come from works with "
            "varied palettes; in a collection that shares a palette, unrelated works reach the "
            "similar range more often.",
        ),
        "zh": Words(
            "颜色直方图",
            "颜色直方图距离（Hellinger，166 个 HSV 类别）",
            "颜色直方图距离",
            "分别统计每幅完整图像中 166 个颜色类别（18 种色相 × 3 级饱和度 × 3 级亮度，外加 4 "
            "级灰色，参照 Smith 和 Chang 1996）各占的像素比例，再计算两者之间的 Hellinger 距离"
            "（0：颜色及其比例相同；1：没有共同的颜色）。颜色所在的位置不起作用，因此裁剪、旋转、"
            "镜像和缩放几乎不改变它。",
            "描述的是调色，而不是画面：颜色相同的不同画面也会接近，改色的副本则会远离。灰度图像只"
            "落入 4 个灰色类别，因此互不相关的灰度图像也可能非常接近。其阈值来自调色各异的作品；"
            "在调色相近的作品集中，无关作品会更常落入相似区间。",
        ),
    },
    picture=Picture(
        "colour_palettes",
        lambda pair: palette_picture(*_histograms(pair)),
        {
            "en": PictureWords(
                "Colour palettes: A above, B below; each colour class as wide as its share of "
                "the pixels"
            ),
            "zh": PictureWords("调色板：上为 A，下为 B；每个颜色类别的宽度等于其像素占比"),
        },
    ),
)

METRICS = (COLOUR_HISTOGRAM,)
