"""Perceptual hashes (imagehash): aHash, dHash, pHash, wHash, colorhash, and the crop-resistant
hash. Each hash is computed on each whole image with imagehash's defaults (`analysis/hashes.py`)."""

from __future__ import annotations

from workstation.analysis import framing
from workstation.analysis.bands import HASH_PAIRS, PAIRWISE_PAIRS, Bands
from workstation.analysis.metrics.base import Metric, Words, rounded

_HASHES = "imagehash documents no thresholds (equal hashes: the method sees the images as the same)"
_EQUAL = "different works had equal hashes in calibration"
_GREY = " (e.g. greyscale photographs)"
_CROP = "imagehash's crop-resistant hash; a segment matches at its default 25 % bit errors"
_HASHES_ZH = "imagehash 的文档未给出阈值（哈希相同即该方法视两幅图像为相同）"
_EQUAL_ZH = "校准中不同作品出现了相同的哈希"
_GREY_ZH = "（例如灰度照片）"
_CROP_ZH = "imagehash 的抗裁剪哈希；按其默认值，位错误不超过 25% 的分块视为匹配"


def _hamming(name: str, bits: int, bands: Bands, en: Words, zh: Words, **more) -> Metric:
    return Metric(
        name=name,
        closer="lower",
        compute=lambda pair: pair.hash_distance(name).distance,
        words={"en": en, "zh": zh},
        bands=bands,
        scale=(0, bits),
        integer=True,
        framing=_FRAMING[name],
        **more,
    )


_FRAMING = {
    "ahash": framing.AHASH,
    "dhash": framing.DHASH,
    "phash": framing.PHASH,
    "whash": framing.WHASH,
    "colorhash": framing.ALL_PIXELS,
}


# _hamming(name, bits, Bands(near-duplicate, similar, source, TPR near, TPR similar,
#     different-work pairs[, why no near-duplicate range]), English words, Chinese words)
AHASH = _hamming(
    "ahash",
    64,
    Bands(0, 9, _HASHES, 0.186, 0.495, HASH_PAIRS, source_zh=_HASHES_ZH),
    Words(
        "aHash",
        "aHash Hamming distance (64 bits)",
        "aHash distance (bits of 64)",
        "Average hash: an 8 × 8 greyscale thumbnail, each pixel compared with the mean; Hamming "
        "distance between the two 64-bit hashes (0: equal hashes).",
        "Very coarse: unrelated images with a similar layout of light and dark can be close; "
        "crops, rotation and mirroring change it strongly.",
    ),
    Words(
        "aHash",
        "aHash 汉明距离（64 位）",
        "aHash 距离（64 位中的位数）",
        "均值哈希：8 × 8 灰度缩略图中每个像素与均值比较；"
        "两个 64 位哈希之间的汉明距离（0 表示哈希相同）。",
        "非常粗略：明暗布局相似的无关图像也可能接近；裁剪、旋转和镜像会使其大幅变化。",
    ),
)
DHASH = _hamming(
    "dhash",
    64,
    Bands(5, 20, _HASHES, 0.280, 0.618, HASH_PAIRS, source_zh=_HASHES_ZH),
    Words(
        "dHash",
        "dHash Hamming distance (64 bits)",
        "dHash distance (bits of 64)",
        "Difference hash: whether brightness rises or falls between neighbouring pixels of a "
        "9 × 8 thumbnail; Hamming distance over 64 bits.",
        "Robust to brightness and size changes, not to crops, rotation or mirroring.",
    ),
    Words(
        "dHash",
        "dHash 汉明距离（64 位）",
        "dHash 距离（64 位中的位数）",
        "差值哈希：9 × 8 缩略图中相邻像素亮度的升降；64 位上的汉明距离。",
        "对亮度和尺寸变化稳健，对裁剪、旋转或镜像不稳健。",
    ),
)
PHASH = _hamming(
    "phash",
    64,
    Bands(7, 21, _HASHES, 0.276, 0.617, HASH_PAIRS, source_zh=_HASHES_ZH),
    Words(
        "pHash",
        "pHash Hamming distance (64 bits)",
        "pHash distance (bits of 64)",
        "Perceptual hash: the low-frequency coefficients of a discrete cosine transform of a "
        "32 × 32 thumbnail; Hamming distance over 64 bits.",
        "Robust to compression, resizing and mild edits; large crops, rotation and strong "
        "re-colouring change it.",
    ),
    Words(
        "pHash",
        "pHash 汉明距离（64 位）",
        "pHash 距离（64 位中的位数）",
        "感知哈希：32 × 32 缩略图离散余弦变换的低频系数；64 位上的汉明距离。",
        "对压缩、缩放和轻微编辑稳健；大幅裁剪、旋转和强烈改色会使其变化。",
    ),
    study_column="phash_distance",  # the name studies have always stored it under
)
WHASH = _hamming(
    "whash",
    64,
    Bands(None, 9, _HASHES, 0.0, 0.454, HASH_PAIRS, _EQUAL, _HASHES_ZH, _EQUAL_ZH),
    Words(
        "wHash",
        "wHash Hamming distance (64 bits)",
        "wHash distance (bits of 64)",
        "Wavelet hash: Haar wavelet coefficients of a small thumbnail; Hamming distance over 64 "
        "bits.",
        "Like pHash; sensitive to geometric changes.",
    ),
    Words(
        "wHash",
        "wHash 汉明距离（64 位）",
        "wHash 距离（64 位中的位数）",
        "小波哈希：小缩略图的 Haar 小波系数；64 位上的汉明距离。",
        "与 pHash 类似；对几何变化敏感。",
    ),
)
COLORHASH = _hamming(
    "colorhash",
    42,
    Bands(
        None, 1, _HASHES, 0.0, 0.756, HASH_PAIRS, _EQUAL + _GREY, _HASHES_ZH, _EQUAL_ZH + _GREY_ZH
    ),
    Words(
        "colorhash",
        "colorhash Hamming distance (42 bits)",
        "colorhash distance (bits of 42)",
        "Colour hash: the shares of hue and saturation classes in the image; Hamming distance "
        "over 42 bits.",
        "Describes the colour distribution only, not shapes: different pictures with the same "
        "palette match.",
    ),
    Words(
        "colorhash",
        "colorhash 汉明距离（42 位）",
        "colorhash 距离（42 位中的位数）",
        "颜色哈希：图像中各色相和饱和度类别所占比例；42 位上的汉明距离。",
        "只描述颜色分布，不描述形状：调色相同的不同画面也会匹配。",
    ),
)
CROP_RESISTANT = Metric(
    name="crop_resistant",
    closer="higher",
    compute=lambda pair: rounded(pair.crop_resistant.similarity),
    bands=Bands(0.706, 0.412, _CROP, 0.416, 0.582, PAIRWISE_PAIRS, source_zh=_CROP_ZH),
    framing=framing.CROP_RESISTANT,
    words={
        "en": Words(
            "Crop-resistant hash",
            "crop-resistant hash: share of segments matched",
            "crop-resistant hash: segments matched",
            "The image is split into regions and each region is hashed; the share of regions "
            "that find a match in the other image.",
            "The regions depend on content and size; small images give few regions; the "
            "positions of matched regions are not checked.",
        ),
        "zh": Words(
            "抗裁剪哈希",
            "抗裁剪哈希：匹配分块比例",
            "抗裁剪哈希：匹配分块比例",
            "把图像分割成若干区域并分别计算哈希；能在另一幅图像中找到匹配的区域所占比例。",
            "区域划分取决于内容和尺寸；小图像区域很少；不检查匹配区域的位置。",
        ),
    },
)

METRICS = (AHASH, DHASH, PHASH, WHASH, COLORHASH, CROP_RESISTANT)
