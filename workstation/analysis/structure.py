"""Structural similarity (scikit-image SSIM) and a per-pixel difference map of aligned images."""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image
from skimage.metrics import structural_similarity

# Wang et al. 2004 settings (Gaussian window sigma 1.5, K1 0.01, K2 0.03, population covariance),
# which scikit-image documents as the way to match the paper's implementation.
SSIM_PARAMETERS = {
    "gaussian_weights": True,
    "sigma": 1.5,
    "use_sample_covariance": False,
    "data_range": 255,
}
# Smallest side SSIM is measured at: the Gaussian window of those settings is 11×11 (radius
# int(3.5 · sigma + 0.5), scikit-image's truncate 3.5). A smaller frame gets no SSIM (NaN, written
# as null), not one from a smaller window that the calibrated bands do not describe.
SSIM_MIN_SIDE = 11
# A pixel counts as "changed" when some channel differs by more than this (of 255).
CHANGED_LEVEL = 32
OUTSIDE_GREY = (128, 128, 128)


@dataclass(frozen=True)
class StructureResult:
    ssim: float  # mean SSIM of the greyscale (ITU-R 601 luma) images, over the mask if one is given
    size: tuple[int, int]  # (width, height) the images were compared at
    mean_abs_difference: float  # over RGB channels, 0 (identical) to 1
    changed_fraction: float  # share of compared pixels with a channel differing > CHANGED_LEVEL
    compared_fraction: float = 1.0  # share of the frame inside the mask
    # max-over-channels |A − B| per pixel, uint8; 0 outside the mask. Not serialised.
    difference: np.ndarray = field(default=None, repr=False, compare=False)
    mask: np.ndarray | None = field(default=None, repr=False, compare=False)  # None: whole frame

    def to_dict(self) -> dict:
        return {
            "ssim": round(self.ssim, 6) if np.isfinite(self.ssim) else None,
            "size": list(self.size),
            "mean_abs_difference": round(self.mean_abs_difference, 6),
            "changed_fraction": round(self.changed_fraction, 6),
            "compared_fraction": round(self.compared_fraction, 6),
            "parameters": dict(
                SSIM_PARAMETERS, greyscale="PIL convert('L')", changed_level=CHANGED_LEVEL
            ),
        }


def greyscale(rgb: np.ndarray) -> np.ndarray:
    """ITU-R 601-2 luma, exactly as PIL's convert('L') (and so as imagehash) computes it."""
    return np.asarray(Image.fromarray(rgb).convert("L"))


def compare_structure(
    rgb_a: np.ndarray, rgb_b: np.ndarray, mask: np.ndarray | None = None
) -> StructureResult:
    """SSIM and differences of two same-size RGB uint8 images; `mask` limits both to a region."""
    if rgb_a.shape != rgb_b.shape:
        raise ValueError(
            f"images must be aligned to one size first: {rgb_a.shape} vs {rgb_b.shape}"
        )
    grey_a, grey_b = greyscale(rgb_a), greyscale(rgb_b)
    if min(grey_a.shape) < SSIM_MIN_SIDE:
        ssim = float("nan")
        inside = np.ones(grey_a.shape, dtype=bool) if mask is None else mask.astype(bool)
    elif mask is None:
        ssim = structural_similarity(grey_a, grey_b, **SSIM_PARAMETERS)
        inside = np.ones(grey_a.shape, dtype=bool)
    else:
        _, ssim_map = structural_similarity(grey_a, grey_b, full=True, **SSIM_PARAMETERS)
        inside = mask.astype(bool)
        ssim = float(ssim_map[inside].mean()) if inside.any() else float("nan")

    difference = np.abs(rgb_a.astype(np.int16) - rgb_b.astype(np.int16)).max(axis=2)
    difference = np.where(inside, difference, 0).astype(np.uint8)
    channel_difference = np.abs(rgb_a.astype(np.float32) - rgb_b.astype(np.float32))
    count = max(int(inside.sum()), 1)
    return StructureResult(
        ssim=float(ssim),
        size=(int(rgb_a.shape[1]), int(rgb_a.shape[0])),
        mean_abs_difference=float(channel_difference[inside].sum() / (count * 3 * 255.0)),
        changed_fraction=float(((difference > CHANGED_LEVEL) & inside).sum() / count),
        compared_fraction=float(inside.mean()),
        difference=difference,
        mask=None if mask is None else inside,
    )


def difference_picture(result: StructureResult) -> np.ndarray:
    """The difference map as an RGB picture: inferno colour scale, 0 black to 255 pale yellow.

    The scale is fixed (not stretched to the largest difference), so two pictures are comparable.
    Pixels outside the compared region (a registered comparison's mask) are mid-grey.
    """
    picture = _coloured(result.difference)
    if result.mask is not None:
        picture[~result.mask] = OUTSIDE_GREY
    return picture


def colour_scale(width: int = 256, height: int = 1) -> np.ndarray:
    """The difference map's colour bar: an RGB strip from 0 (left) to 255 (right) in exactly the
    colours `difference_picture` gives those differences."""
    values = np.linspace(0, 255, width).round().astype(np.uint8)
    return np.repeat(_coloured(values[None, :]), height, axis=0)


def _coloured(difference: np.ndarray) -> np.ndarray:
    """0–255 differences in the fixed inferno scale, as RGB."""
    return cv2.cvtColor(cv2.applyColorMap(difference, cv2.COLORMAP_INFERNO), cv2.COLOR_BGR2RGB)
