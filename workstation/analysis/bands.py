"""Interpretation bands: the words the project uses for ranges of each metric, with their sources.

A band names a range of a measurement ("near-duplicate range", "similar range", "different
range"). It is a description of a number, not a finding that one image was copied from another
and not a legal conclusion; `NOTICE` says so in every output.

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
- Every numeric threshold below therefore comes from our own calibration,
  `benchmarks/calibrate_bands.py`, results in `benchmarks/results/calibration.json`: 60 synthetic
  works in four styles plus 14 photographs bundled with scikit-image, each transformed 12 ways
  (JPEG, resize, crop 10–40 % of the area, rotation 5/15/90°, colour shift, text overlay, mirror,
  a combination), compared with its own source ("same work") and with other works ("different
  work"). "near-duplicate" starts beyond every different-work pair measured (0 % false
  positives), "similar" where at most 1 % of them reach; thresholds are rounded towards fewer
  false positives. `tests/analysis/test_bands.py` checks this table against the results file, so
  re-running the calibration with other settings shows up as a failing test until the table is
  updated. Synthetic works are a stand-in for a real collection; re-calibrate on one when it
  matters.
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


@dataclass(frozen=True)
class Bands:
    metric: str
    label: str
    closer: str  # "lower" or "higher": which direction means the images are closer
    near_duplicate: float | None  # at or beyond this (towards closer); None: no such range
    similar: float  # at or beyond this: similar range; otherwise different range
    source: str
    # From benchmarks/results/calibration.json: share of transformed copies reaching each range,
    # and how many different-work pairs were measured.
    tpr_near: float
    tpr_similar: float
    negatives: int
    why_no_near: str = ""

    def band(self, value: float) -> str:
        def reaches(threshold: float) -> bool:
            return value <= threshold if self.closer == "lower" else value >= threshold

        if self.near_duplicate is not None and reaches(self.near_duplicate):
            return NEAR
        return SIMILAR if reaches(self.similar) else DIFFERENT

    def rule(self) -> str:
        sign = "≤" if self.closer == "lower" else "≥"
        near = (
            f"{NEAR} {sign} {self.near_duplicate:g}"
            if self.near_duplicate is not None
            else f"no {NEAR} range ({self.why_no_near})"
        )
        return f"{near}; {SIMILAR} {sign} {self.similar:g}; otherwise {DIFFERENT}"

    def calibration(self) -> str:
        near = f"{self.tpr_near:.0%} reach {NEAR}, " if self.near_duplicate is not None else ""
        return (
            f"{CALIBRATION}: of transformed copies, {near}{self.tpr_similar:.0%} reach {SIMILAR}; "
            f"{NEAR} = beyond all {self.negatives:,} different-work pairs measured, "
            f"{SIMILAR} = at most 1 % of them)"
        )


@dataclass(frozen=True)
class BandReading:
    metric: str
    label: str
    value: float | None
    band: str
    rule: str
    source: str

    def to_dict(self) -> dict:
        return {
            "metric": self.metric,
            "label": self.label,
            "value": self.value,
            "band": self.band,
            "rule": self.rule,
            "source": self.source,
        }


_HASHES = "imagehash documents no thresholds (equal hashes: the method sees the images as the same)"
_EQUAL = "different works had equal hashes in calibration"
_GREY = " (e.g. greyscale photographs)"
_CROP = "imagehash's crop-resistant hash; a segment matches at its default 25 % bit errors"
_SSIM = "SSIM (Wang et al. 2004) via scikit-image"
_SIFT = "SIFT, Lowe 2004 ratio test 0.75, RANSAC homography"
_REGISTERED = (
    "SSIM over the region B covers; measured only when keypoints found a homography, so any "
    "registered value is at least similar"
)
HASH_PAIRS, PAIRWISE_PAIRS = 64_824, 4_000

# fmt: off
BANDS = {band.metric: band for band in (
    #     metric, label, closer, near-duplicate, similar, source,
    #     TPR near, TPR similar, different-work pairs[, why no near-duplicate range]
    Bands("ahash", "aHash Hamming distance (64 bits)", "lower", 0, 9, _HASHES,
          0.186, 0.495, HASH_PAIRS),
    Bands("dhash", "dHash Hamming distance (64 bits)", "lower", 5, 20, _HASHES,
          0.280, 0.618, HASH_PAIRS),
    Bands("phash", "pHash Hamming distance (64 bits)", "lower", 7, 21, _HASHES,
          0.276, 0.617, HASH_PAIRS),
    Bands("whash", "wHash Hamming distance (64 bits)", "lower", None, 9, _HASHES,
          0.0, 0.454, HASH_PAIRS, _EQUAL),
    Bands("colorhash", "colorhash Hamming distance (42 bits)", "lower", None, 1, _HASHES,
          0.0, 0.756, HASH_PAIRS, _EQUAL + _GREY),
    Bands("crop_resistant", "crop-resistant hash: share of segments matched", "higher",
          0.706, 0.412, _CROP, 0.416, 0.582, PAIRWISE_PAIRS),
    Bands("ssim", "SSIM, greyscale, B resized to A", "higher", 0.866, 0.787, _SSIM,
          0.346, 0.436, PAIRWISE_PAIRS),
    Bands("keypoint_inliers", "SIFT matches consistent with one homography", "higher", 11, 9,
          _SIFT, 0.973, 0.980, PAIRWISE_PAIRS),
    Bands("registered_ssim", "SSIM after registering B onto A by the homography", "higher",
          0.775, -1.0, _REGISTERED, 0.977, 0.980, PAIRWISE_PAIRS),
)}
# fmt: on
CLIP_CONTEXT = (
    "no band: CLIP cosine depends on the model and no threshold has been calibrated for it here "
    "(run benchmarks/calibrate_bands.py --clip-model). For context only: Somepalli et al. 2023 "
    "read SSCD copy-detection similarity of about 0.5 and above as replication; that is a "
    "different descriptor, so the number does not apply to CLIP"
)


def read(metric: str, value: float) -> BandReading:
    bands = BANDS[metric]
    source = f"{bands.source}; ranges from {bands.calibration()}"
    return BandReading(metric, bands.label, value, bands.band(value), bands.rule(), source)


def read_all(hash_distances, crop_resistant, structural, matched, registered, clip_result):
    readings = [read(h.name, h.distance) for h in hash_distances]
    readings.append(read("crop_resistant", round(crop_resistant.similarity, 6)))
    readings.append(read("ssim", round(structural.ssim, 6)))
    if matched.measured:
        readings.append(read("keypoint_inliers", matched.inliers))
    if registered is not None:
        readings.append(read("registered_ssim", round(registered.ssim, 6)))
    if clip_result.image_similarity is not None:
        readings.append(
            BandReading(
                "clip_image",
                "CLIP image–image cosine",
                round(clip_result.image_similarity, 6),
                UNBANDED,
                "",
                CLIP_CONTEXT,
            )
        )
    return tuple(readings)
