"""Interpretation bands: the words the project uses for ranges of each metric, with their sources.

A band names a range of a measurement ("near-duplicate range", "similar range", "different
range"). It is a description of a number, not a finding that one image was copied from another
and not a legal conclusion; `NOTICE` says so in every output. Each metric declares its own bands
(`analysis/metrics/`); this module holds what they share.

Where the thresholds come from
------------------------------
- imagehash's documentation gives no thresholds. It says equal hashes mean the method sees the
  images as the same, and suggests "hash1 - hash2 < threshold" with a threshold left to the user;
  its crop-resistant matching defaults to a 25 % bit error rate per segment.
- The copy-detection literature on diffusion models measures with descriptors this workstation
  does not compute: Somepalli et al. 2023 ("Diffusion Art or Digital Forgery?", CVPR) retrieve
  with SSCD copy-detection features and read high SSCD similarity (around 0.5 and above) as
  replication; Carlini et al. 2023 ("Extracting Training Data from Diffusion Models", USENIX
  Security) call a generation extracted when a normalised, tile-wise pixel ℓ2 distance to a
  training image is small. Neither number transfers to CLIP cosine or to hashes: they are cited
  as context (beside the CLIP reading), never used as thresholds.
- Every numeric threshold therefore comes from our own calibration,
  `benchmarks/calibrate_bands.py`, results in `benchmarks/results/calibration.json`: 60 synthetic
  works in four styles plus 14 photographs bundled with scikit-image, each transformed 12 ways
  (JPEG, resize, crop 10–40 % of the area, rotation 5/15/90°, colour shift, text overlay, mirror,
  a combination), compared with its own source ("same work") and with other works ("different
  work"). "near-duplicate" starts beyond every different-work pair measured (0 % false
  positives), "similar" where at most 1 % of them reach; thresholds are rounded towards fewer
  false positives. `tests/analysis/test_bands.py` checks every metric's bands against the results
  file, so re-running the calibration with other settings shows up as a failing test until the
  bands are updated. Synthetic works are a stand-in for a real collection; re-calibrate on one
  when it matters.
"""

from __future__ import annotations

from dataclasses import dataclass

NOTICE = (
    "Bands name ranges of a measurement. They are not a finding that one image was copied from "
    "the other and not a legal conclusion; the thresholds and their sources are listed with "
    "each reading."
)
CALIBRATION = "our calibration (benchmarks/calibrate_bands.py"
NEAR, SIMILAR, DIFFERENT, UNBANDED = "near-duplicate", "similar", "different", "no band"
# The words around the thresholds, per language ("en" is what records store). The band names are
# the keys of the "en" table; a record's band is one of them.
TEXT: dict[str, dict[str, str]] = {
    "en": {
        NEAR: NEAR,
        SIMILAR: SIMILAR,
        DIFFERENT: DIFFERENT,
        UNBANDED: UNBANDED,
        "notice": NOTICE,
        "rule": "{near}; {similar} {sign} {threshold}; otherwise {different}",
        "rule_no_similar": "{near}; any other measured value {similar} (no threshold)",
        "near_rule": "{near} {sign} {threshold}",
        "no_near": "no {near} range ({why})",
        "source": "{source}; ranges from {calibration}",
        "calibration": (
            CALIBRATION + ": of transformed copies, {near_share}{similar_share} reach "
            "{similar}; {near} = beyond all {negatives} different-work pairs measured, "
            "{similar} = at most 1 % of them)"
        ),
        "near_share": "{share} reach {near}, ",
    },
    "zh": {
        NEAR: "近似重复",
        SIMILAR: "相似",
        DIFFERENT: "不同",
        UNBANDED: "无区间",
        "notice": (
            "区间仅为测量值范围的名称，既不表示一幅图像复制了另一幅，也不是法律结论；"
            "每个读数都列出了阈值及其来源。"
        ),
        "rule": "{near}；{similar} {sign} {threshold}；其余为{different}",
        "rule_no_similar": "{near}；其余测得的数值均为{similar}（无阈值）",
        "near_rule": "{near} {sign} {threshold}",
        "no_near": "无{near}区间（{why}）",
        "source": "{source}；区间来自{calibration}",
        "calibration": (
            "本软件的校准（benchmarks/calibrate_bands.py：变换后的副本中，{near_share}"
            "{similar_share} 达到{similar}；{near} = 超出全部 {negatives} 对不同作品的测量值，"
            "{similar} = 至多 1% 的不同作品对达到）"
        ),
        "near_share": "{share} 达到{near}，",
    },
}
# Different-work pairs the calibration measured: every pair for the hashes (vectorised), a seeded
# sample for the metrics that compare two images at a time.
HASH_PAIRS, PAIRWISE_PAIRS = 64_824, 4_000


@dataclass(frozen=True)
class Bands:
    """A metric's thresholds (in its own direction, see `Metric.closer`) and where they come
    from. Values at or beyond `near_duplicate` are in the near-duplicate range, at or beyond
    `similar` in the similar range, otherwise in the different range."""

    near_duplicate: float | None  # None: no such range (`why_no_near` says why)
    # None: no threshold, every measured value is at least similar. The metric is measured for
    # fewer than 1 % of different-work pairs at all (registered SSIM needs a homography), so the
    # calibration's 1 % point falls on "not measured" (-1 in its results), not on a value.
    similar: float | None
    source: str  # the method the metric follows, e.g. "SSIM (Wang et al. 2004) via scikit-image"
    # From benchmarks/results/calibration.json: share of transformed copies reaching each range,
    # and how many different-work pairs were measured.
    tpr_near: float
    tpr_similar: float
    negatives: int
    why_no_near: str = ""
    # The same in Chinese (the report and the window in Chinese); "" falls back to English.
    source_zh: str = ""
    why_no_near_zh: str = ""
    # These same bands as an earlier version worded their rule in records (the report shows the
    # rule as it reads now), e.g. a placeholder threshold since removed.
    former_rules: tuple[str, ...] = ()

    def calibration(self, lang: str = "en") -> str:
        words = TEXT[lang]
        names = {"near": words[NEAR], "similar": words[SIMILAR]}
        near = (
            words["near_share"].format(share=f"{self.tpr_near:.0%}", **names)
            if self.near_duplicate is not None
            else ""
        )
        return words["calibration"].format(
            near_share=near,
            similar_share=f"{self.tpr_similar:.0%}",
            negatives=f"{self.negatives:,}",
            **names,
        )

    def source_in(self, lang: str) -> str:
        return (lang == "zh" and self.source_zh) or self.source

    def why_no_near_in(self, lang: str) -> str:
        return (lang == "zh" and self.why_no_near_zh) or self.why_no_near
