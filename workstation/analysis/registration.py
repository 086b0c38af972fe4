"""B registered onto A: the warp by the keypoint homography, in one place.

The pair comparison's registered SSIM and registered difference map (metrics/shared.py) and the
Compare panel's registered wipe, blink and difference all warp B with `warp_onto`, so what the
window shows is what was measured. The convention, stated once:

- the homography maps B's pixel coordinates, as B is stored (upright, EXIF orientation applied),
  onto A's (`KeypointResult.homography`, found by RANSAC over the SIFT matches; it includes a
  mirror when B matched mirrored);
- B is resampled onto A's pixel grid (or a scaled copy of it) with OpenCV's `warpPerspective`,
  bilinear interpolation (`INTERPOLATION`, `framing.WARP`), and a constant black border
  (`BORDER`, `BORDER_VALUE`): pixels of A that B does not cover are black in the warped B;
- `coverage` says which of those pixels B covers (nearest-neighbour warp of an all-white mask).
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from workstation.analysis import framing

INTERPOLATIONS = {"bilinear": cv2.INTER_LINEAR}  # framing.WARP's name for OpenCV
INTERPOLATION = INTERPOLATIONS[framing.WARP]
BORDER = cv2.BORDER_CONSTANT
BORDER_VALUE = 0  # black where B does not reach


def to_grid(homography: Sequence[Sequence[float]], scale: float = 1.0) -> np.ndarray:
    """The 3×3 matrix taking B's pixels onto A's pixel grid scaled by `scale` (1: A's own)."""
    return np.diag([scale, scale, 1.0]) @ np.asarray(homography, dtype=np.float64)


def warp_onto(
    rgb_b: np.ndarray,
    homography: Sequence[Sequence[float]],
    size: tuple[int, int],
    scale: float = 1.0,
) -> np.ndarray:
    """B ((H, W, C) uint8) warped onto a `size` = (width, height) grid: A's own pixel grid when
    `size` is A's size and `scale` 1, or A's grid scaled by `scale` (the common frame)."""
    return cv2.warpPerspective(
        np.ascontiguousarray(rgb_b),
        to_grid(homography, scale),
        size,
        flags=INTERPOLATION,
        borderMode=BORDER,
        borderValue=BORDER_VALUE,
    )


def coverage(
    shape_b: tuple[int, ...],
    homography: Sequence[Sequence[float]],
    size: tuple[int, int],
    scale: float = 1.0,
) -> np.ndarray:
    """(height, width) uint8, 255 where the warped B covers the grid, 0 elsewhere."""
    return cv2.warpPerspective(
        np.full(shape_b[:2], 255, np.uint8),
        to_grid(homography, scale),
        size,
        flags=cv2.INTER_NEAREST,
        borderMode=BORDER,
        borderValue=0,
    )


def b_on_a(
    rgb_b: np.ndarray, homography: Sequence[Sequence[float]], size_a: tuple[int, int]
) -> np.ndarray:
    """B warped onto A's own pixel grid (`size_a`: A's width and height), as the Compare panel's
    registered wipe and blink show it."""
    return warp_onto(rgb_b, homography, size_a)
