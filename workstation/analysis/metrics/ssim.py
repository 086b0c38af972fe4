"""SSIM of the two images in one frame, and the per-pixel difference map it comes with."""

from __future__ import annotations

from workstation.analysis import framing
from workstation.analysis.bands import PAIRWISE_PAIRS, Bands
from workstation.analysis.metrics.base import (
    COMMON_FRAME,
    Metric,
    Picture,
    PictureWords,
    Words,
    rounded,
)

SSIM = Metric(
    name="ssim",
    closer="higher",
    compute=lambda pair: rounded(pair.structure.ssim),
    bands=Bands(
        0.866,
        0.787,
        "SSIM (Wang et al. 2004) via scikit-image",
        0.346,
        0.436,
        PAIRWISE_PAIRS,
        source_zh="SSIM（Wang 等，2004），由 scikit-image 计算",
    ),
    needs=frozenset({COMMON_FRAME}),
    framing=framing.COMMON_FRAME,
    study_column="ssim",
    words={
        "en": Words(
            "SSIM",
            f"SSIM, greyscale, {framing.COMMON_FRAME.short['en']}",
            "SSIM",
            "Structural similarity (Wang et al. 2004): local brightness, contrast and structure "
            "of the greyscale images in their common frame; 1 means identical.",
            "Needs aligned images: a small shift, crop or rotation lowers it strongly even for "
            "the same content.",
        ),
        "zh": Words(
            "SSIM",
            f"SSIM（灰度，{framing.COMMON_FRAME.short['zh']}）",
            "SSIM",
            "结构相似性（Wang 等，2004）：在共同画幅中比较两幅灰度图像局部的亮度、对比度和结构；"
            "1 表示完全相同。",
            "要求图像对齐：即使内容相同，少量平移、裁剪或旋转也会使其大幅降低。",
        ),
    },
    picture=Picture(
        "difference_map",
        lambda pair: pair.difference_map(pair.structure),
        {
            "en": PictureWords(
                "Difference map",
                "Per pixel, the largest difference over the three colour channels, on a fixed "
                "scale from black (none) to pale yellow (largest).",
                "Shows where pixels differ, not why; resizing and compression cause differences "
                "everywhere.",
            ),
            "zh": PictureWords(
                "差异图",
                "每个像素在三个颜色通道上的最大差值，使用固定色标，从黑色（无差异）到浅黄色"
                "（最大差异）。",
                "只显示像素在哪里不同，不说明原因；缩放和压缩会在各处造成差异。",
            ),
        },
        scale="difference",
    ),
)

METRICS = (SSIM,)
