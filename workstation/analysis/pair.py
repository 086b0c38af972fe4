"""Full comparison of two images: every metric, the bands they fall in, and the pictures.

`compare_images` is the one entry point the CLI, the GUI and the report use; it returns a frozen
`PairReport` that serialises to JSON (the pictures are kept beside it, not in the JSON).
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
from PIL import Image

import workstation
from workstation.analysis import bands, hashes, keypoints, structure
from workstation.analysis.clip_result import ClipResult, compare_embeddings, not_configured
from workstation.analysis.images import MIN_SIDE, LoadedImage, require_size
from workstation.core.timeutil import utc_now
from workstation.engine.runtime import Runtime

if TYPE_CHECKING:
    from workstation.analysis.clip import ClipModel

SCHEMA = "workstation.pair-report/1"
# SSIM and the difference map are computed at A's size, reduced so its longer side is at most this.
STRUCTURE_SIDE = 1024
# A registered comparison needs the homography to place B over at least this share of A.
MIN_REGISTERED_OVERLAP = 0.05


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
    bands: tuple[bands.BandReading, ...]
    versions: dict
    timings_ms: dict
    difference_picture: np.ndarray = field(default=None, repr=False, compare=False)
    registered_difference_picture: np.ndarray | None = field(
        default=None, repr=False, compare=False
    )
    match_picture: np.ndarray = field(default=None, repr=False, compare=False)

    def hash(self, name: str) -> hashes.HashDistance:
        return next(h for h in self.hashes if h.name == name)

    def band(self, metric: str) -> bands.BandReading:
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
    timings: dict[str, float] = {}
    normalisation: list[str] = []

    def timed(name, function, *args):
        start = time.perf_counter()
        result = function(*args)
        timings[name] = round((time.perf_counter() - start) * 1000, 2)
        return result

    # 1. Perceptual hashes on each whole image (imagehash shrinks each image itself).
    hash_distances = timed("hashes", hashes.compare_hashes, a.rgb, b.rgb)
    crop_resistant = timed("crop_resistant_hash", hashes.compare_crop_resistant, a.rgb, b.rgb)

    # 2. SSIM and the difference map: both images in A's frame.
    frame_a, frame_b = timed("align", common_frame, a, b, normalisation)
    structural = timed("ssim", structure.compare_structure, frame_a, frame_b)

    # 3. Keypoints on each image at its own aspect ratio.
    if min(a.width, a.height, b.width, b.height) >= keypoints.MIN_SIDE:
        matched = timed("keypoints", keypoints.match_keypoints, a.rgb, b.rgb)
    else:
        matched = keypoints.KeypointResult(
            keypoints_a=0,
            keypoints_b=0,
            matches=0,
            inliers=0,
            mirrored=False,
            measured=False,
            status=f"not run: keypoint matching needs at least {keypoints.MIN_SIDE}×"
            f"{keypoints.MIN_SIDE} pixels",
        )

    # 4. B registered onto A by the homography, when one was found.
    registered = None
    if matched.homography is not None:
        registered = timed("registered_ssim", registered_structure, a, b, frame_a, matched)
        if registered is None:
            normalisation.append("homography places B over too little of A: no registered SSIM")
        else:
            normalisation.append(
                f"registered comparison: B warped onto A's {frame_a.shape[1]}×{frame_a.shape[0]}"
                f" frame by the keypoint homography; compared over the "
                f"{registered.compared_fraction:.0%} of A that B covers"
            )

    # 5. CLIP, when a model is configured.
    if clip_model is None:
        clip_result = not_configured(prompt)
    else:
        start = time.perf_counter()
        embedding_a, embedding_b = clip_model.embed_images([a.rgb, b.rgb])
        text = clip_model.embed_texts([prompt])[0] if prompt else None
        note = clip_model.truncation_note(prompt) if prompt else ""
        clip_result = compare_embeddings(
            embedding_a, embedding_b, clip_model.info, prompt, text, prompt_note=note
        )
        timings["clip"] = round((time.perf_counter() - start) * 1000, 2)

    readings = bands.read_all(
        hash_distances, crop_resistant, structural, matched, registered, clip_result
    )
    return PairReport(
        created=utc_now(),
        image_a=a.describe(),
        image_b=b.describe(),
        normalisation=tuple(normalisation),
        hashes=hash_distances,
        crop_resistant=crop_resistant,
        structure=structural,
        keypoints=matched,
        registered_structure=registered,
        clip=clip_result,
        bands=readings,
        versions=library_versions(clip_model is not None),
        timings_ms=timings,
        difference_picture=structure.difference_picture(structural),
        registered_difference_picture=structure.difference_picture(registered)
        if registered
        else None,
        match_picture=keypoints.match_picture(a.rgb, b.rgb, matched),
    )


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


def common_frame(a: LoadedImage, b: LoadedImage, notes: list[str]):
    """A reduced to at most STRUCTURE_SIDE, and B resized to exactly that size (Lanczos).

    The frame is never larger than B either: a 64 px image blown up to 512 px would be compared
    by its interpolation blur, not its content, so the two meet at the lower resolution."""
    scale = min(
        1.0, STRUCTURE_SIDE / max(a.width, a.height), b.width / a.width, b.height / a.height
    )
    size = (max(1, round(a.width * scale)), max(1, round(a.height * scale)))
    frame_a = _resized(a.rgb, size)
    if size != (a.width, a.height):
        notes.append(f"A reduced from {a.width}×{a.height} to {size[0]}×{size[1]} for SSIM")
    frame_b = _resized(b.rgb, size)
    if size != (b.width, b.height):
        before, after = b.width / b.height, size[0] / size[1]
        aspect = (
            f"; aspect ratio {before:.3f} → {after:.3f}" if abs(after / before - 1) > 1e-3 else ""
        )
        notes.append(f"B resized from {b.width}×{b.height} to {size[0]}×{size[1]} for SSIM{aspect}")
    return frame_a, frame_b


def _resized(rgb: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    if (rgb.shape[1], rgb.shape[0]) == size:
        return rgb
    return np.asarray(Image.fromarray(rgb).resize(size, Image.Resampling.LANCZOS))


def registered_structure(a: LoadedImage, b: LoadedImage, frame_a: np.ndarray, matched):
    """SSIM of A and B warped onto A's frame by the B→A homography, over the area B covers."""
    scale = frame_a.shape[1] / a.width
    to_frame = np.diag([scale, scale, 1.0]) @ np.array(matched.homography)
    size = (frame_a.shape[1], frame_a.shape[0])
    warped = cv2.warpPerspective(b.rgb, to_frame, size, flags=cv2.INTER_LINEAR)
    coverage = cv2.warpPerspective(
        np.full(b.rgb.shape[:2], 255, np.uint8), to_frame, size, flags=cv2.INTER_NEAREST
    )
    # Keep clear of the warped border, where pixels mix with the black outside.
    mask = cv2.erode(coverage, np.ones((7, 7), np.uint8)) > 0
    if mask.mean() < MIN_REGISTERED_OVERLAP:
        return None
    return structure.compare_structure(frame_a, warped, mask=mask)
