"""What a metric is: its name, direction, bands, needs, words in each language, and how it
measures a pair (`Metric`), and what one measurement is (`Reading`).

A metric is data plus one function, so the registry can be read by everything that shows
metrics (the comparison, studies, the GUI tables, the report and its methods section) without
any of them naming one.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from workstation.analysis.bands import DIFFERENT, NEAR, SIMILAR, TEXT, UNBANDED, Bands

if TYPE_CHECKING:
    import numpy as np

    from workstation.analysis.framing import Framing
    from workstation.analysis.metrics.shared import Pair

LANGUAGES = ("en", "zh")
# What a metric may need beyond the two images (`Metric.needs`).
CLIP_MODEL = "clip model"  # a configured CLIP model; without one the metric is not measured
COMMON_FRAME = "common frame"  # both images brought to one size (`shared.common_frame`)
HOMOGRAPHY = "homography"  # keypoints that agree on one projective transform of B onto A


@dataclass(frozen=True)
class Words:
    """How one language names and explains a metric."""

    name: str  # the method, in the report's methods table and study summaries: "pHash"
    label: str  # one reading, in comparison tables: "pHash Hamming distance (64 bits)"
    short: str  # plot axes and study columns: "pHash distance (bits of 64)"
    measures: str  # the methods table: what it measures
    limits: str  # the methods table: what it cannot tell


@dataclass(frozen=True)
class PictureWords:
    title: str  # its title under the picture in the report
    measures: str = ""  # with `limits`, a row of the methods table; "" for none
    limits: str = ""


@dataclass(frozen=True)
class Picture:
    """A picture a metric draws of a pair (a difference map, matched keypoints).

    `name` is its file stem and the label of its link in a comparison record."""

    name: str
    draw: Callable[[Pair], np.ndarray | None]  # RGB uint8, or None when there is nothing to draw
    words: dict[str, PictureWords]
    # Its colours: "difference" for the fixed difference scale (structure.colour_scale, shown
    # with its colour bar), "difference_masked" the same with mid-grey outside the compared area.
    scale: str = ""


@dataclass(frozen=True)
class Reading:
    """One metric's value for one pair, the band it falls in, the band's rule and source.

    `label` is the English label, as stored in records; other languages look the metric up in
    the registry by `metric`."""

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


@dataclass(frozen=True)
class Metric:
    name: str  # key of its readings, its calibration entry and its band column ("phash")
    closer: str  # "lower" or "higher": which direction means the images are closer
    compute: Callable[[Pair], float | None]  # the value as recorded; None: not measured here
    words: dict[str, Words]  # one entry per language in LANGUAGES
    bands: Bands | None = None  # None: no calibrated band; `context` says why
    context: str = ""  # the source shown beside an unbanded reading
    context_zh: str = ""  # the same in Chinese ("" falls back to English)
    needs: frozenset[str] = frozenset()
    study_column: str | None = None  # its column in study records; None: studies leave it out
    scale: tuple[float, float] = (1.0, 0.0)  # (closest, farthest) typical values, for plots
    integer: bool = False  # values are whole numbers (Hamming distances, counts)
    picture: Picture | None = None
    framing: Framing | None = None  # how two images of different sizes are brought together

    def measure(self, pair: Pair) -> Reading | None:
        value = self.compute(pair)
        return None if value is None else self.reading(value)

    def reading(self, value: float) -> Reading:
        english = self.words["en"].label
        band = self.band(value)
        return Reading(self.name, english, value, band, self.rule(), self.threshold_source())

    def threshold_source(self, lang: str = "en") -> str:
        """Where the thresholds come from (for an unbanded metric: why it has none)."""
        if self.bands is None:
            return (lang == "zh" and self.context_zh) or self.context
        return TEXT[lang]["source"].format(
            source=self.bands.source_in(lang), calibration=self.bands.calibration(lang)
        )

    def band(self, value: float) -> str:
        if self.bands is None:
            return UNBANDED
        if self.bands.near_duplicate is not None and self.reaches(value, self.bands.near_duplicate):
            return NEAR
        if self.bands.similar is None:
            return SIMILAR
        return SIMILAR if self.reaches(value, self.bands.similar) else DIFFERENT

    def reaches(self, value: float, threshold: float) -> bool:
        return value <= threshold if self.closer == "lower" else value >= threshold

    def rule(self, lang: str = "en") -> str:
        if self.bands is None:
            return ""
        words = TEXT[lang]
        sign = "≤" if self.closer == "lower" else "≥"
        near = (
            words["near_rule"].format(
                near=words[NEAR], sign=sign, threshold=f"{self.bands.near_duplicate:g}"
            )
            if self.bands.near_duplicate is not None
            else words["no_near"].format(near=words[NEAR], why=self.bands.why_no_near_in(lang))
        )
        if self.bands.similar is None:
            return words["rule_no_similar"].format(near=near, similar=words[SIMILAR])
        return words["rule"].format(
            near=near,
            similar=words[SIMILAR],
            sign=sign,
            threshold=f"{self.bands.similar:g}",
            different=words[DIFFERENT],
        )

    def band_lines(self) -> list[tuple[str, float]]:
        """(band name, threshold) to draw on a plot; none without bands."""
        if self.bands is None:
            return []
        lines = [(SIMILAR, self.bands.similar)] if self.bands.similar is not None else []
        if self.bands.near_duplicate is not None:
            lines.insert(0, (NEAR, self.bands.near_duplicate))
        return lines


def rounded(value: float | None) -> float | None:
    """Values as recorded: 6 decimals (what the JSON and the studies have always stored); a
    value that could not be measured (None, NaN) is no reading."""
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), 6)
