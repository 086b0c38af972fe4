"""Keypoints (SIFT matches consistent with one homography) and the SSIM of B registered onto A
by that homography: the metrics that still see a copy through crops, rotation and mirroring."""

from __future__ import annotations

from workstation.analysis import framing
from workstation.analysis.bands import PAIRWISE_PAIRS, Bands
from workstation.analysis.metrics.base import (
    HOMOGRAPHY,
    Metric,
    Picture,
    PictureWords,
    Words,
    rounded,
)

_SIFT = "SIFT, Lowe 2004 ratio test 0.75, RANSAC homography"
_REGISTERED = (
    "SSIM over the region B covers; measured only when keypoints found a homography, so any "
    "registered value is at least similar"
)
_SIFT_ZH = "SIFT，Lowe（2004）比值检验 0.75，RANSAC 单应估计"
_REGISTERED_ZH = (
    "在 B 所覆盖的区域上计算 SSIM；仅当关键点找到单应变换时才测量，因此任何配准后的数值至少属于"
    "相似区间"
)

KEYPOINT_INLIERS = Metric(
    name="keypoint_inliers",
    closer="higher",
    compute=lambda pair: pair.keypoints.inliers if pair.keypoints.measured else None,
    bands=Bands(11, 9, _SIFT, 0.973, 0.980, PAIRWISE_PAIRS, source_zh=_SIFT_ZH),
    scale=(100, 0),
    integer=True,
    framing=framing.KEYPOINTS,
    words={
        "en": Words(
            "Keypoints",
            "SIFT matches consistent with one homography",
            "keypoint inliers",
            "Local features (SIFT) matched between the images; matches consistent with one "
            "projective transform (RANSAC) count as inliers.",
            "Finds shared regions under crop, scaling and rotation; repetitive or plain images "
            "give few or misleading matches; a count is not a probability.",
        ),
        "zh": Words(
            "关键点",
            "符合同一单应变换的 SIFT 匹配数",
            "关键点内点数",
            "在两幅图像之间匹配局部特征（SIFT）；符合同一射影变换（RANSAC）的匹配计为内点。",
            "能在裁剪、缩放和旋转后找到共同区域；重复或平淡的图像匹配很少或会误导；数量不是概率。",
        ),
    },
    picture=Picture(
        "keypoint_matches",
        lambda pair: pair.match_picture(),
        {
            "en": PictureWords(
                "Keypoint matches (green: consistent with one transform; red: others)"
            ),
            "zh": PictureWords("关键点匹配（绿色：符合同一变换；红色：其他）"),
        },
    ),
)

REGISTERED_SSIM = Metric(
    name="registered_ssim",
    closer="higher",
    compute=lambda pair: rounded(pair.registered.ssim) if pair.registered else None,
    bands=Bands(
        0.775,
        None,
        _REGISTERED,
        0.977,
        0.980,
        PAIRWISE_PAIRS,
        source_zh=_REGISTERED_ZH,
        former_rules=("near-duplicate ≥ 0.775; similar ≥ -1; otherwise different",),
    ),
    needs=frozenset({HOMOGRAPHY}),
    framing=framing.REGISTERED,
    words={
        "en": Words(
            "Registered SSIM",
            "SSIM after registering B onto A by the homography",
            "registered SSIM",
            "SSIM after B is warped onto A by the transform its keypoints agree on, over the "
            "part of A that B covers; measured only when the keypoints found such a transform.",
            "Only as good as the registration; over a small covered region it describes little "
            "of A.",
        ),
        "zh": Words(
            "配准后 SSIM",
            "按单应变换将 B 配准到 A 后的 SSIM",
            "配准后 SSIM",
            "按关键点一致认可的变换把 B 变形到 A 上之后，在 B 覆盖的 A 区域内计算的 SSIM；"
            "只有关键点找到这样的变换时才测量。",
            "取决于配准的质量；覆盖区域很小时，它对 A 的描述很有限。",
        ),
    },
    picture=Picture(
        "registered_difference_map",
        lambda pair: pair.difference_map(pair.registered) if pair.registered else None,
        {
            "en": PictureWords("Difference map after registration"),
            "zh": PictureWords("配准后的差异图"),
        },
        scale="difference_masked",
    ),
)

METRICS = (KEYPOINT_INLIERS, REGISTERED_SSIM)
