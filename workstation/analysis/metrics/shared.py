"""The pair every metric measures, and the parts several metrics share, each computed once.

A `Side` is one image with what is computed from it alone (hashes, a CLIP embedding), so a
study that measures many outputs against one reference computes the reference's parts once. A
`Pair` is two sides with what is computed from both (the common frame, SSIM, keypoints, the
registered comparison, CLIP) and the pictures drawn of them: a part is computed the first time a
metric asks for it, and the notes of what was done to the images collect in `pair.notes`. The
metric modules reach OpenCV, scikit-image and imagehash only through here, so the registry itself
imports light.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

import cv2
import imagehash
import numpy as np
from PIL import Image

from workstation.analysis import framing, hashes, keypoints, registration, structure
from workstation.analysis.clip_result import ClipResult, compare_embeddings, not_configured
from workstation.analysis.images import LoadedImage

if TYPE_CHECKING:
    from workstation.analysis.clip import ClipModel

# A registered comparison needs the homography to place B over at least this share of A.
MIN_REGISTERED_OVERLAP = 0.05


class Side:
    """One image and what is computed from it alone."""

    def __init__(self, image: LoadedImage, embedding: np.ndarray | None = None):
        self.image = image
        self.embedding = embedding  # unit CLIP embedding, when one was computed beforehand
        self._hashes: dict[str, imagehash.ImageHash] = {}

    def hash(self, name: str) -> imagehash.ImageHash:
        if name not in self._hashes:
            self._hashes[name] = hashes.image_hashes(self.image.rgb, (name,))[name]
        return self._hashes[name]

    @cached_property
    def crop_resistant_hash(self) -> imagehash.ImageMultiHash:
        return hashes.crop_resistant_hash(self.image.rgb)


class Pair:
    """A (e.g. the disputed image) and B (e.g. the reference work), with what metrics share.

    `frame_users` names the metrics measured in the common frame, for the note that says how B
    was resized."""

    def __init__(
        self,
        a: Side | LoadedImage,
        b: Side | LoadedImage,
        clip_model: ClipModel | None = None,
        prompt: str | None = None,
        frame_users: str = "the metrics in this frame",
    ):
        self.side_a = a if isinstance(a, Side) else Side(a)
        self.side_b = b if isinstance(b, Side) else Side(b)
        self.a, self.b = self.side_a.image, self.side_b.image
        self.clip_model, self.prompt = clip_model, prompt
        self.frame_users = frame_users
        self.notes: list[str] = []

    def hash_distance(self, name: str) -> hashes.HashDistance:
        hash_a, hash_b = self.side_a.hash(name), self.side_b.hash(name)
        return hashes.HashDistance(
            name=name,
            hex_a=str(hash_a),
            hex_b=str(hash_b),
            bits=hash_a.hash.size,
            distance=int(hash_a - hash_b),
        )

    @cached_property
    def crop_resistant(self) -> hashes.CropResistantDistance:
        return hashes.compare_multihashes(
            self.side_a.crop_resistant_hash, self.side_b.crop_resistant_hash
        )

    @cached_property
    def frames(self) -> tuple[np.ndarray, np.ndarray]:
        """A and B in A's frame (see `common_frame`)."""
        return common_frame(self.a, self.b, self.notes, self.frame_users)

    @cached_property
    def structure(self) -> structure.StructureResult:
        result = structure.compare_structure(*self.frames)
        width, height = result.size
        if min(width, height) < structure.SSIM_MIN_SIDE:
            side = structure.SSIM_MIN_SIDE
            self.notes.append(
                f"SSIM not run: the common frame is {width}×{height} pixels and SSIM's "
                f"{side}×{side} Gaussian window needs at least {side}×{side}"
            )
        return result

    @cached_property
    def keypoints(self) -> keypoints.KeypointResult:
        if min(self.a.width, self.a.height, self.b.width, self.b.height) >= keypoints.MIN_SIDE:
            return keypoints.match_keypoints(self.a.rgb, self.b.rgb)
        return keypoints.KeypointResult(
            keypoints_a=0,
            keypoints_b=0,
            matches=0,
            inliers=0,
            mirrored=False,
            measured=False,
            status=f"not run: keypoint matching needs at least {keypoints.MIN_SIDE}×"
            f"{keypoints.MIN_SIDE} pixels",
        )

    @cached_property
    def registered(self) -> structure.StructureResult | None:
        """B registered onto A by the keypoint homography, when one was found."""
        if self.keypoints.homography is None:
            return None
        frame_a = self.frames[0]
        result = registered_structure(self.a, self.b, frame_a, self.keypoints)
        if result is None:
            self.notes.append("homography places B over too little of A: no registered SSIM")
        else:
            self.notes.append(
                f"registered comparison: B warped onto A's {frame_a.shape[1]}×{frame_a.shape[0]}"
                f" frame by the keypoint homography; compared over the "
                f"{result.compared_fraction:.0%} of A that B covers"
            )
        return result

    def difference_map(self, result: structure.StructureResult) -> np.ndarray:
        return structure.difference_picture(result)

    def match_picture(self) -> np.ndarray:
        return keypoints.match_picture(self.a.rgb, self.b.rgb, self.keypoints)

    @cached_property
    def clip(self) -> ClipResult:
        """CLIP image–image (and, with a prompt, text–image) cosines, when a model is given."""
        model, prompt = self.clip_model, self.prompt
        if model is None:
            return not_configured(prompt)
        a, b = self.side_a, self.side_b
        if a.embedding is None and b.embedding is None:
            a.embedding, b.embedding = model.embed_images([self.a.rgb, self.b.rgb])
        for side in (a, b):
            if side.embedding is None:
                side.embedding = model.embed_images([side.image.rgb])[0]
        text = model.embed_texts([prompt])[0] if prompt else None
        note = model.truncation_note(prompt) if prompt else ""
        return compare_embeddings(
            a.embedding, b.embedding, model.info, prompt, text, prompt_note=note
        )


def common_frame(
    a: LoadedImage, b: LoadedImage, notes: list[str], users: str = "the metrics in this frame"
) -> tuple[np.ndarray, np.ndarray]:
    """A and B resized to their common frame (`framing.COMMON_FRAME` states the rule). `users`
    names the metrics measured in the frame, for the notes."""
    size = framing.common_frame_size((a.width, a.height), (b.width, b.height))
    frame_a = _resized(a.rgb, size)
    if size != (a.width, a.height):
        notes.append(f"A reduced from {a.width}×{a.height} to {size[0]}×{size[1]} for {users}")
    frame_b = _resized(b.rgb, size)
    if size != (b.width, b.height):
        before, after = b.width / b.height, size[0] / size[1]
        aspect = (
            f"; aspect ratio {before:.3f} → {after:.3f}" if abs(after / before - 1) > 1e-3 else ""
        )
        notes.append(
            f"B resized from {b.width}×{b.height} to {size[0]}×{size[1]} for {users}{aspect}"
        )
    return frame_a, frame_b


def _resized(rgb: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    if (rgb.shape[1], rgb.shape[0]) == size:
        return rgb
    return np.asarray(Image.fromarray(rgb).resize(size, framing.FRAME_FILTER))


def registered_structure(
    a: LoadedImage, b: LoadedImage, frame_a: np.ndarray, matched: keypoints.KeypointResult
) -> structure.StructureResult | None:
    """SSIM of A and B warped onto A's frame by the B→A homography, over the area B covers."""
    scale = frame_a.shape[1] / a.width
    size = (frame_a.shape[1], frame_a.shape[0])
    # The warp the Compare panel's registered views use too (analysis/registration.py).
    warped = registration.warp_onto(b.rgb, matched.homography, size, scale)
    coverage = registration.coverage(b.rgb.shape, matched.homography, size, scale)
    # Keep clear of the warped border, where pixels mix with the black outside.
    mask = cv2.erode(coverage, np.ones((7, 7), np.uint8)) > 0
    if mask.mean() < MIN_REGISTERED_OVERLAP:
        return None
    return structure.compare_structure(frame_a, warped, mask=mask)
