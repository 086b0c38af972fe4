"""How each metric brings two images of different sizes together: its framing rule.

Each rule says which image is resized to which size, by what filter, and is written here once,
from the same constants the code resizes with (`common_frame_size`, `FRAME_FILTER`,
`KEYPOINT_SIDE`, imagehash's sizes in `analysis/hashes.py`). A metric names its rule
(`Metric.framing`); the metric's label, the Compare panel, the report's comparison section and
docs/similarity.md print it from there. tests/analysis/test_framing_rule.py resizes pairs and
checks that each rule's words state what the code did.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image

from workstation.analysis import hashes

# The common frame: A's size, reduced so that its longer side is at most FRAME_SIDE and neither
# side is larger than B's (a 64 px image blown up to 512 px would be compared by its
# interpolation blur, not its content); both images are resized to it with FRAME_FILTER.
FRAME_SIDE = 1024
FRAME_FILTER = Image.Resampling.LANCZOS
# Keypoints are detected on each image alone, its longer side reduced to at most this.
KEYPOINT_SIDE = 1024
# A registered comparison warps B onto the common frame with this interpolation (OpenCV).
WARP = "bilinear"
# Words for the filters the rules name (PIL's resampling filters).
FILTER_NAMES = {
    Image.Resampling.LANCZOS: ("Lanczos", "Lanczos"),
    Image.Resampling.BICUBIC: ("bicubic", "双三次"),
    Image.Resampling.BILINEAR: ("bilinear", "双线性"),
    Image.Resampling.NEAREST: ("nearest-neighbour", "最近邻"),
}


def common_frame_size(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int]:
    """(width, height) of the common frame of images of sizes `a` and `b` (see above)."""
    scale = min(1.0, FRAME_SIDE / max(a), b[0] / a[0], b[1] / a[1])
    return max(1, round(a[0] * scale)), max(1, round(a[1] * scale))


@dataclass(frozen=True)
class Framing:
    """One way of bringing two images together: `words` is the rule in each language, `short`
    what a metric's label says of it."""

    key: str
    words: dict[str, str]
    short: dict[str, str]

    def rule(self, lang: str = "en") -> str:
        return self.words[lang]


def _filter(lang: str) -> str:
    return FILTER_NAMES[FRAME_FILTER][0 if lang == "en" else 1]


COMMON_FRAME = Framing(
    "common_frame",
    {
        "en": (
            f"Common frame: A's size, reduced (keeping A's aspect ratio) so that its longer side "
            f"is at most {FRAME_SIDE} px and neither side is larger than B's; A and B are each "
            f"resized to exactly that size with the {_filter('en')} filter (Pillow), so B's "
            "aspect ratio changes where it differs from A's."
        ),
        "zh": (
            f"共同画幅：取 A 的尺寸（保持 A 的宽高比）并缩小，使其长边不超过 {FRAME_SIDE} "
            f"像素，且宽和高都不大于 B；A 和 B 分别用 {_filter('zh')} 滤波（Pillow）缩放到"
            "恰好这一尺寸，因此 B 的宽高比与 A 不同时会被改变。"
        ),
    },
    {"en": "in the common frame", "zh": "共同画幅"},
)

REGISTERED = Framing(
    "registered",
    {
        "en": (
            "A in the common frame; B warped onto it by the keypoint homography with "
            f"{WARP} interpolation (OpenCV); only the area B covers is compared."
        ),
        "zh": (
            "A 取共同画幅；B 按关键点单应变换以双线性插值（OpenCV）映射到该画幅上；"
            "只比较 B 覆盖的区域。"
        ),
    },
    {"en": "B registered onto A", "zh": "B 配准到 A"},
)

KEYPOINTS = Framing(
    "keypoints",
    {
        "en": (
            f"Each image alone, in greyscale, its longer side reduced to at most {KEYPOINT_SIDE} "
            "px (area averaging, OpenCV; never enlarged); keypoint positions are scaled back to "
            "the image's full size, so the sizes need not match."
        ),
        "zh": (
            f"每幅图像单独处理：转为灰度，长边缩小到至多 {KEYPOINT_SIDE} 像素（OpenCV 区域平均；"
            "不放大）；关键点位置换算回原尺寸，因此两幅图像的尺寸无需一致。"
        ),
    },
    {"en": "each image alone", "zh": "各自单独"},
)

_SIZES = {
    "ahash": (hashes.HASHES["ahash"][1]["hash_size"],) * 2,
    "dhash": (hashes.HASHES["dhash"][1]["hash_size"] + 1, hashes.HASHES["dhash"][1]["hash_size"]),
    "phash": (
        hashes.HASHES["phash"][1]["hash_size"] * hashes.HASHES["phash"][1]["highfreq_factor"],
    )
    * 2,
}


def _hash_framing(name: str) -> Framing:
    width, height = _SIZES[name]
    return Framing(
        f"hash_{name}",
        {
            "en": (
                f"Each image alone, by imagehash: greyscale, resized to {width} × {height} px with "
                "the Lanczos filter, so the sizes need not match."
            ),
            "zh": (
                "每幅图像单独处理（imagehash）：转为灰度，用 Lanczos 滤波缩放到 "
                f"{width} × {height} 像素，因此两幅图像的尺寸无需一致。"
            ),
        },
        {"en": "each image alone", "zh": "各自单独"},
    )


AHASH, DHASH, PHASH = (_hash_framing(name) for name in ("ahash", "dhash", "phash"))

WHASH = Framing(
    "hash_whash",
    {
        "en": (
            "Each image alone, by imagehash: greyscale, resized to a square whose side is the "
            "largest power of two not above its shorter side, with the Lanczos filter."
        ),
        "zh": (
            "每幅图像单独处理（imagehash）：转为灰度，用 Lanczos 滤波缩放为正方形，"
            "边长为不超过其短边的最大的 2 的幂。"
        ),
    },
    {"en": "each image alone", "zh": "各自单独"},
)

CROP_RESISTANT = Framing(
    "hash_crop_resistant",
    {
        "en": (
            "Each image alone, by imagehash: segmented at "
            f"{hashes.CROP_RESISTANT['segmentation_image_size']} × "
            f"{hashes.CROP_RESISTANT['segmentation_image_size']} px (greyscale, Lanczos); each "
            "segment is cut from the full-size image and hashed alone."
        ),
        "zh": (
            "每幅图像单独处理（imagehash）：在 "
            f"{hashes.CROP_RESISTANT['segmentation_image_size']} × "
            f"{hashes.CROP_RESISTANT['segmentation_image_size']} 像素上分割（灰度，Lanczos）；"
            "每个分块从原尺寸图像中截取后单独计算哈希。"
        ),
    },
    {"en": "each image alone", "zh": "各自单独"},
)

ALL_PIXELS = Framing(
    "all_pixels",
    {
        "en": (
            "No resizing: each image's own pixels are counted as shares of the whole, so the "
            "sizes need not match."
        ),
        "zh": "不缩放：按各图像自身的全部像素计算比例，因此两幅图像的尺寸无需一致。",
    },
    {"en": "all pixels", "zh": "全部像素"},
)

CLIP = Framing(
    "clip",
    {
        "en": (
            "Each image alone, by the CLIP model's own preprocessing (open_clip): its shorter "
            "side resized to the model's input size with the bicubic filter, then cropped to the "
            "centre square."
        ),
        "zh": (
            "每幅图像单独处理，使用 CLIP 模型自带的预处理（open_clip）：用双三次滤波把短边"
            "缩放到模型的输入尺寸，再裁取中央的正方形。"
        ),
    },
    {"en": "each image alone", "zh": "各自单独"},
)


def markdown(registry: tuple) -> str:
    """The rules as the table in docs/similarity.md (`registry`: the metrics, in order), which
    tests/analysis/test_framing_rule.py holds equal to this."""
    rows: dict[str, tuple[Framing, list[str]]] = {}
    for metric in registry:
        if metric.framing is not None:
            rows.setdefault(metric.framing.key, (metric.framing, []))[1].append(
                metric.words["en"].name
            )
    lines = ["| metrics | framing rule |", "|---|---|"]
    lines += [f"| {', '.join(names)} | {framing.rule()} |" for framing, names in rows.values()]
    return "\n".join(lines) + "\n"
