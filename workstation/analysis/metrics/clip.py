"""CLIP image–image cosine: measured only with a configured CLIP model, and never banded."""

from __future__ import annotations

from workstation.analysis import framing
from workstation.analysis.metrics.base import CLIP_MODEL, Metric, Words, rounded

CONTEXT = (
    "no band: CLIP cosine depends on the model and no threshold has been calibrated for it here "
    "(run benchmarks/calibrate_bands.py --clip-model). For context only: Somepalli et al. 2023 "
    "read SSCD copy-detection similarity of about 0.5 and above as replication; that is a "
    "different descriptor, so the number does not apply to CLIP"
)
CONTEXT_ZH = (
    "无区间：CLIP 余弦相似度取决于所用模型，本软件尚未为其校准阈值"
    "（运行 benchmarks/calibrate_bands.py --clip-model）。仅供参考：Somepalli 等（2023）"
    "把约 0.5 及以上的 SSCD 复制检测相似度视为复制；那是另一种描述子，该数值不适用于 CLIP"
)

CLIP_IMAGE = Metric(
    name="clip_image",
    closer="higher",
    compute=lambda pair: rounded(pair.clip.image_similarity),
    context=CONTEXT,
    context_zh=CONTEXT_ZH,
    needs=frozenset({CLIP_MODEL}),
    framing=framing.CLIP,
    study_column="clip",
    words={
        "en": Words(
            "CLIP cosine",
            "CLIP image–image cosine",
            "CLIP cosine",
            "Cosine similarity of CLIP image embeddings: how close a neural network places the "
            "two images in its learned space of content and style.",
            "Depends on the model; measures closeness of subject and style, so two different "
            "pictures of the same subject can score high; no calibrated threshold.",
        ),
        "zh": Words(
            "CLIP 余弦相似度",
            "CLIP 图像–图像余弦相似度",
            "CLIP 余弦相似度",
            "CLIP 图像嵌入的余弦相似度：神经网络在其学习到的内容与风格空间中把两幅图像放得多近。",
            "取决于所用模型；衡量主题和风格的接近程度，因此同一主题的两幅不同画面也可能得分很高；"
            "没有经过校准的阈值。",
        ),
    },
)

METRICS = (CLIP_IMAGE,)
