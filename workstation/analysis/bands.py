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
# Different-work pairs the calibration measured: every pair for the hashes (vectorised), a seeded
# sample for the metrics that compare two images at a time.
HASH_PAIRS, PAIRWISE_PAIRS = 64_824, 4_000


@dataclass(frozen=True)
class Bands:
    """A metric's thresholds (in its own direction, see `Metric.closer`) and where they come
    from. Values at or beyond `near_duplicate` are in the near-duplicate range, at or beyond
    `similar` in the similar range, otherwise in the different range."""

    near_duplicate: float | None  # None: no such range (`why_no_near` says why)
    similar: float
    source: str  # the method the metric follows, e.g. "SSIM (Wang et al. 2004) via scikit-image"
    # From benchmarks/results/calibration.json: share of transformed copies reaching each range,
    # and how many different-work pairs were measured.
    tpr_near: float
    tpr_similar: float
    negatives: int
    why_no_near: str = ""

    def calibration(self) -> str:
        near = f"{self.tpr_near:.0%} reach {NEAR}, " if self.near_duplicate is not None else ""
        return (
            f"{CALIBRATION}: of transformed copies, {near}{self.tpr_similar:.0%} reach {SIMILAR}; "
            f"{NEAR} = beyond all {self.negatives:,} different-work pairs measured, "
            f"{SIMILAR} = at most 1 % of them)"
        )
