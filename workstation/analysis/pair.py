"""Full comparison of two images: every metric of the registry, its band, and the pictures.

`compare_images` is the one entry point the CLI, the GUI and the report use; it returns a frozen
`PairReport` that serialises to JSON (the pictures are kept beside it, not in the JSON). The
metrics themselves live in `analysis/metrics/`; this module names none of them.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import cv2
import imagehash
import numpy as np
import PIL
import skimage

import workstation
from workstation.analysis import bands, hashes, keypoints, structure
from workstation.analysis.clip_result import ClipResult
from workstation.analysis.images import MIN_SIDE, LoadedImage, require_size
from workstation.analysis.metrics import COMMON_FRAME, METRICS, Reading
from workstation.analysis.metrics.shared import Pair
from workstation.core.timeutil import utc_now
from workstation.engine.runtime import Runtime

if TYPE_CHECKING:
    from workstation.analysis.clip import ClipModel

SCHEMA = "workstation.pair-report/1"


@dataclass(frozen=True)
class PairReport:
    created: str
    image_a: dict  # LoadedImage.describe(): path, sha256, format, sizes, normalisation notes
    image_b: dict
    normalisation: tuple[str, ...]  # how the pair was brought to a common frame
    hashes: tuple[hashes.HashDistance, ...]
    crop_resistant: hashes.CropResistantDistance
    structure: structure.StructureResult
    keypoints: keypoints.KeypointResult
    registered_structure: structure.StructureResult | None  # B warped onto A by the homography
    clip: ClipResult
    bands: tuple[Reading, ...]  # one reading per metric measured, in registry order
    versions: dict
    timings_ms: dict
    # Picture name (its file stem and link label) -> RGB uint8, in registry order.
    pictures: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)

    @property
    def difference_picture(self) -> np.ndarray | None:
        return self.pictures.get("difference_map")

    @property
    def registered_difference_picture(self) -> np.ndarray | None:
        return self.pictures.get("registered_difference_map")

    @property
    def match_picture(self) -> np.ndarray | None:
        return self.pictures.get("keypoint_matches")

    def hash(self, name: str) -> hashes.HashDistance:
        return next(h for h in self.hashes if h.name == name)

    def band(self, metric: str) -> Reading:
        return next(b for b in self.bands if b.metric == metric)

    def to_dict(self) -> dict:
        return {
            "schema": SCHEMA,
            "created": self.created,
            "image_a": self.image_a,
            "image_b": self.image_b,
            "normalisation": list(self.normalisation),
            "hashes": [h.to_dict() for h in self.hashes] + [self.crop_resistant.to_dict()],
            "structure": self.structure.to_dict(),
            "keypoints": self.keypoints.to_dict(),
            "registered_structure": self.registered_structure.to_dict()
            if self.registered_structure
            else None,
            "clip": self.clip.to_dict(),
            "bands": [b.to_dict() for b in self.bands],
            "bands_notice": bands.NOTICE,
            "versions": self.versions,
            "timings_ms": self.timings_ms,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)


def compare_images(
    a: LoadedImage,
    b: LoadedImage,
    clip_model: ClipModel | None = None,
    prompt: str | None = None,
    *,
    runtime: Runtime | None = None,
) -> PairReport:
    """Every measure of A against B. With a CLIP model the comparison runs inside
    `runtime.applied()` (torch threads for the embeddings, recorded in `versions`)."""
    if clip_model is None:  # nothing here uses torch: nothing to set, and no torch to import
        return _compare(a, b, None, prompt)
    with (runtime or Runtime()).applied():
        return _compare(a, b, clip_model, prompt)


def _compare(
    a: LoadedImage, b: LoadedImage, clip_model: ClipModel | None, prompt: str | None
) -> PairReport:
    require_size(a, MIN_SIDE, "similarity analysis")
    require_size(b, MIN_SIDE, "similarity analysis")
    in_frame = [m.words["en"].name for m in METRICS if COMMON_FRAME in m.needs]
    pair = Pair(a, b, clip_model, prompt, frame_users=_listed(in_frame))
    timings: dict[str, float] = {}

    # 1. Every metric, in registry order. A metric's time includes the shared work it was the
    #    first to need (the common frame, keypoints, CLIP embeddings).
    readings = []
    for metric in METRICS:
        start = time.perf_counter()
        reading = metric.measure(pair)
        timings[metric.name] = round((time.perf_counter() - start) * 1000, 2)
        if reading is not None:
            readings.append(reading)

    # 2. The pictures the metrics draw.
    start = time.perf_counter()
    pictures = {}
    for metric in METRICS:
        picture = metric.picture.draw(pair) if metric.picture else None
        if picture is not None:
            pictures[metric.picture.name] = picture
    timings["pictures"] = round((time.perf_counter() - start) * 1000, 2)

    return PairReport(
        created=utc_now(),
        image_a=a.describe(),
        image_b=b.describe(),
        normalisation=tuple(pair.notes),
        hashes=tuple(pair.hash_distance(name) for name in hashes.HASHES),
        crop_resistant=pair.crop_resistant,
        structure=pair.structure,
        keypoints=pair.keypoints,
        registered_structure=pair.registered,
        clip=pair.clip,
        bands=tuple(readings),
        versions=library_versions(clip_model is not None),
        timings_ms=timings,
        pictures=pictures,
    )


def _listed(names: list[str]) -> str:
    return " and ".join(names) if len(names) < 3 else ", ".join(names[:-1]) + " and " + names[-1]


def library_versions(with_clip: bool = False) -> dict:
    versions = {
        "workstation": workstation.__version__,
        "numpy": np.__version__,
        "pillow": PIL.__version__,
        "imagehash": imagehash.__version__,
        "scikit-image": skimage.__version__,
        "opencv": cv2.__version__,
    }
    if with_clip:
        import open_clip
        import torch

        versions.update({"open_clip": open_clip.__version__, "torch": torch.__version__})
        versions["torch_threads"] = torch.get_num_threads()  # CLIP's float sums depend on it
    return versions
