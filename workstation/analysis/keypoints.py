"""Local keypoint matching (OpenCV SIFT, Lowe's ratio test, RANSAC homography).

Global hashes compare whole frames; keypoints find a region of one image inside the other, so they
catch crops, rotations, rescaling and partial copies. SIFT is not mirror-invariant, so B is also
matched mirrored, and the better of the two is reported (with `mirrored` saying which).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from workstation.analysis.framing import KEYPOINT_SIDE

MIN_SIDE = 32  # smaller images give too few keypoints to mean anything
PARAMETERS = {
    "detector": "SIFT",
    "max_features": 2000,
    "working_side": KEYPOINT_SIDE,  # longer side reduced to this before detection (INTER_AREA)
    "ratio": 0.75,  # Lowe 2004 ratio test: best match closer than 0.75 × second best
    "ransac_reprojection_px": 5.0,  # at working resolution
    "min_inliers": 10,  # fewer inliers than this: no homography is reported
    "rng_seed": 0,  # OpenCV's RANSAC sampling is seeded, so a re-run gives the same numbers
}
# The match picture's line colours (RGB); the Compare panel's legend names the same ones.
INLIER_COLOUR = (40, 220, 60)  # agrees with the homography (RANSAC inlier)
OUTLIER_COLOUR = (230, 40, 40)  # passed the ratio test, disagrees with the homography


@dataclass(frozen=True)
class Features:
    points: np.ndarray = field(repr=False)  # (N, 2) float32, original pixel coordinates
    descriptors: np.ndarray = field(repr=False)  # (N, 128) float32
    size: tuple[int, int]  # original (width, height)


@dataclass(frozen=True)
class KeypointResult:
    keypoints_a: int
    keypoints_b: int
    matches: int  # pairs passing the ratio test
    inliers: int  # matches consistent with the RANSAC homography (0 when none was found)
    mirrored: bool  # True when B matched better mirrored left-right
    status: str
    measured: bool = True  # False when the images were too small to try
    # Maps B's pixel coordinates onto A's (3×3), or None.
    homography: tuple[tuple[float, ...], ...] | None = None
    # Matched points in original pixel coordinates (B's as B is stored, even when mirrored).
    points_a: np.ndarray = field(default=None, repr=False, compare=False)
    points_b: np.ndarray = field(default=None, repr=False, compare=False)
    inlier_mask: np.ndarray = field(default=None, repr=False, compare=False)

    @property
    def inlier_ratio(self) -> float:
        return self.inliers / self.matches if self.matches else 0.0

    def to_dict(self) -> dict:
        return {
            "keypoints_a": self.keypoints_a,
            "keypoints_b": self.keypoints_b,
            "matches": self.matches,
            "inliers": self.inliers,
            "inlier_ratio": round(self.inlier_ratio, 6),
            "mirrored": self.mirrored,
            "measured": self.measured,
            "status": self.status,
            "homography_b_to_a": [list(row) for row in self.homography]
            if self.homography
            else None,
            "parameters": dict(PARAMETERS),
        }


def detect(rgb: np.ndarray) -> Features:
    height, width = rgb.shape[:2]
    scale = min(1.0, PARAMETERS["working_side"] / max(width, height))
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    if scale < 1.0:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        grey = cv2.resize(grey, size, interpolation=cv2.INTER_AREA)
    sift = cv2.SIFT_create(nfeatures=PARAMETERS["max_features"])
    keypoints, descriptors = sift.detectAndCompute(grey, None)
    points = np.array([kp.pt for kp in keypoints], dtype=np.float32).reshape(-1, 2) / scale
    if descriptors is None:
        descriptors = np.zeros((0, 128), dtype=np.float32)
    return Features(points=points, descriptors=descriptors, size=(width, height))


def mirror_features(rgb: np.ndarray) -> Features:
    """Features of the left-right mirror of `rgb`, with points mapped back to `rgb`'s frame."""
    features = detect(np.ascontiguousarray(rgb[:, ::-1]))
    points = features.points.copy()
    points[:, 0] = (features.size[0] - 1) - points[:, 0]
    return Features(points=points, descriptors=features.descriptors, size=features.size)


def match_keypoints(rgb_a: np.ndarray, rgb_b: np.ndarray) -> KeypointResult:
    features_a = detect(rgb_a)
    straight = match_features(features_a, detect(rgb_b))
    mirrored = match_features(features_a, mirror_features(rgb_b), mirrored=True)
    return mirrored if mirrored.inliers > straight.inliers else straight


def match_features(a: Features, b: Features, mirrored: bool = False) -> KeypointResult:
    counts = {"keypoints_a": len(a.points), "keypoints_b": len(b.points), "mirrored": mirrored}
    if len(a.points) < 2 or len(b.points) < 2:
        return KeypointResult(matches=0, inliers=0, status="too few keypoints to match", **counts)

    # 1. Nearest and second-nearest descriptor in B for each keypoint of A; Lowe's ratio test.
    pairs = cv2.BFMatcher(cv2.NORM_L2).knnMatch(a.descriptors, b.descriptors, k=2)
    good = [
        p[0] for p in pairs if len(p) == 2 and p[0].distance < PARAMETERS["ratio"] * p[1].distance
    ]
    points_a = np.array([a.points[m.queryIdx] for m in good], dtype=np.float32).reshape(-1, 2)
    points_b = np.array([b.points[m.trainIdx] for m in good], dtype=np.float32).reshape(-1, 2)
    matched = {"matches": len(good), "points_a": points_a, "points_b": points_b, **counts}
    if len(good) < 4:
        return KeypointResult(
            inliers=0,
            status=f"{len(good)} matches: too few for a homography",
            inlier_mask=np.zeros(len(good), dtype=bool),
            **matched,
        )

    # 2. One projective transform explaining as many matches as possible (RANSAC, seeded).
    # The threshold is in working pixels; matched points are in original pixels.
    scale = min(1.0, PARAMETERS["working_side"] / max(a.size))
    cv2.setRNGSeed(PARAMETERS["rng_seed"])
    homography, mask = cv2.findHomography(
        points_b, points_a, cv2.RANSAC, PARAMETERS["ransac_reprojection_px"] / scale
    )
    inlier_mask = mask.ravel().astype(bool) if mask is not None else np.zeros(len(good), bool)
    inliers = int(inlier_mask.sum())
    if homography is None or inliers < PARAMETERS["min_inliers"]:
        return KeypointResult(
            inliers=inliers if homography is not None else 0,
            status=f"no consistent geometry ({inliers} inliers < {PARAMETERS['min_inliers']})",
            inlier_mask=inlier_mask,
            **matched,
        )
    return KeypointResult(
        inliers=inliers,
        status="homography found" + (" (B mirrored)" if mirrored else ""),
        homography=tuple(tuple(float(v) for v in row) for row in homography),
        inlier_mask=inlier_mask,
        **matched,
    )


def match_picture(
    rgb_a: np.ndarray,
    rgb_b: np.ndarray,
    result: KeypointResult,
    height: int = 720,
    max_lines: int = 150,
) -> np.ndarray:
    """A and B side by side at one height; inlier matches green, other ratio-test matches red.

    At most `max_lines` of each kind are drawn (evenly spread over the matches), so the picture
    stays readable; the counts are in the result.
    """
    scale_a, scale_b = height / rgb_a.shape[0], height / rgb_b.shape[0]
    left = cv2.resize(
        rgb_a, (max(1, round(rgb_a.shape[1] * scale_a)), height), interpolation=cv2.INTER_AREA
    )
    right = cv2.resize(
        rgb_b, (max(1, round(rgb_b.shape[1] * scale_b)), height), interpolation=cv2.INTER_AREA
    )
    canvas = np.ascontiguousarray(np.concatenate([left, right], axis=1))
    if result.points_a is None or not len(result.points_a):
        return canvas
    offset = left.shape[1]
    inlier = result.inlier_mask
    for is_inlier, colour in ((False, OUTLIER_COLOUR), (True, INLIER_COLOUR)):  # inliers on top
        rows = np.flatnonzero(inlier == is_inlier)
        if len(rows) > max_lines:
            rows = rows[np.linspace(0, len(rows) - 1, max_lines).astype(int)]
        for row in rows:
            start = (
                round(float(result.points_a[row, 0] * scale_a)),
                round(float(result.points_a[row, 1] * scale_a)),
            )
            end = (
                round(float(result.points_b[row, 0] * scale_b)) + offset,
                round(float(result.points_b[row, 1] * scale_b)),
            )
            cv2.line(canvas, start, end, colour, 1, cv2.LINE_AA)
            cv2.circle(canvas, start, 3, colour, 1, cv2.LINE_AA)
            cv2.circle(canvas, end, 3, colour, 1, cv2.LINE_AA)
    return canvas
