"""Pictures into QImage: arrays, Pillow images and files. Safe on worker threads (no QPixmap)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageOps
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage


def to_qimage(picture: Any) -> QImage:
    """A QImage that owns a copy of `picture` (PIL image, or (H, W[, 3|4]) uint8/float array)."""
    if isinstance(picture, QImage):
        return picture
    if isinstance(picture, Image.Image):
        picture = np.asarray(picture.convert("RGBA" if "A" in picture.mode else "RGB"))
    array = np.asarray(picture)
    if array.dtype != np.uint8:  # floats in [0, 1], as diffusers returns them
        array = np.clip(np.rint(array.astype(np.float32) * 255.0), 0, 255).astype(np.uint8)
    if array.ndim == 2:
        array = np.stack([array] * 3, axis=-1)
    array = np.ascontiguousarray(array)
    height, width, channels = array.shape
    kind = QImage.Format.Format_RGBA8888 if channels == 4 else QImage.Format.Format_RGB888
    return QImage(array.data, width, height, width * channels, kind).copy()


def load_qimage(path: str | Path, longest_side: int | None = None) -> QImage:
    """Read an image file upright (EXIF orientation applied), optionally shrunk."""
    with Image.open(path) as image:
        image = ImageOps.exif_transpose(image)
        if longest_side is not None:
            image.draft("RGB", (longest_side, longest_side))  # fast JPEG downscale
            image.thumbnail((longest_side, longest_side))
        qimage = to_qimage(image)
    return qimage


def scaled(image: QImage, side: int) -> QImage:
    return image.scaled(
        side, side, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
    )
