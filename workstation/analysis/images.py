"""Reading an image file into the one form every metric takes: 8-bit sRGB-ish RGB, upright.

Whatever had to be changed to get there (orientation, alpha, bit depth, colour model, frames) is
written into `LoadedImage.notes`, so a report can say how each input was normalised.
"""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from workstation.core import media  # also sets Pillow's PNG text limit: a 3 MB workflow reads
from workstation.core.errors import InputError

# Smallest side any similarity metric accepts. Hashes shrink images to 8×8 (imagehash's default
# hash_size), SSIM needs a 7×7 window: below this, the numbers would describe interpolation.
MIN_SIDE = 8
# Largest image file read (its bytes are hashed and decoded in memory): a 150-megapixel
# uncompressed TIFF (media.MAX_PIXELS, the decode budget) is about 450 MB.
MAX_FILE_BYTES = 1 << 30

_ORIENTATION_WORDS = {
    2: "mirrored left-right",
    3: "rotated 180°",
    4: "mirrored top-bottom",
    5: "transposed",
    6: "rotated 90° clockwise",
    7: "transversed",
    8: "rotated 90° counter-clockwise",
}


@dataclass(frozen=True)
class LoadedImage:
    """An image as the metrics see it, with where it came from and what was done to it."""

    rgb: np.ndarray = field(repr=False, compare=False)  # (height, width, 3) uint8
    sha256: str  # of the file's bytes (or of the array's bytes when not from a file)
    path: str | None = None
    file_format: str | None = None
    original_mode: str = "RGB"
    original_size: tuple[int, int] = (0, 0)  # (width, height) as stored, before orientation
    notes: tuple[str, ...] = ()

    @property
    def width(self) -> int:
        return int(self.rgb.shape[1])

    @property
    def height(self) -> int:
        return int(self.rgb.shape[0])

    def describe(self) -> dict:
        return {
            "path": self.path,
            "sha256": self.sha256,
            "format": self.file_format,
            "original_mode": self.original_mode,
            "original_size": list(self.original_size),
            "size": [self.width, self.height],
            "notes": list(self.notes),
        }


def load_image(path: str | Path) -> LoadedImage:
    """Read an image file; raise InputError with a one-line reason when it cannot be used."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise IsADirectoryError
        if not path.is_file():  # a FIFO or device would block or never end
            raise InputError(f"{path}: not a regular file")
        if size > MAX_FILE_BYTES:
            raise InputError(
                f"{path}: {size:,} bytes, more than the {MAX_FILE_BYTES >> 20} MiB an image "
                "file may have"
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"image not found: {path}") from None
    except IsADirectoryError:
        raise InputError(f"expected an image file, got a folder: {path}") from None
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror or error}") from None
    try:
        with warnings.catch_warnings():  # our own limit (media.MAX_PIXELS) speaks, below
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(path)
        with image:
            media.check_pixels(image, path)  # before a single pixel is decoded
            rgb, mode, size, notes = _normalise(image, data)
            file_format = image.format
    except Image.DecompressionBombError as error:  # past Pillow's own limit, at open
        raise InputError(
            f"{path}: more than the {media.MAX_PIXELS:,}-pixel limit (possible decompression "
            f"bomb; {_first_line(error)})"
        ) from None
    except UnidentifiedImageError as error:
        raise InputError(f"not a readable image: {path} ({_first_line(error)})") from None
    except (OSError, SyntaxError, ValueError) as error:
        raise InputError(f"image is damaged or truncated: {path} ({_first_line(error)})") from None
    return LoadedImage(
        rgb=rgb,
        sha256=hashlib.sha256(data).hexdigest(),
        path=str(path),
        file_format=file_format,
        original_mode=mode,
        original_size=size,
        notes=tuple(notes),
    )


def image_from_array(rgb: np.ndarray, name: str | None = None) -> LoadedImage:
    """Wrap an in-memory (H, W, 3) uint8 array, e.g. an image the engine just generated."""
    if rgb.dtype != np.uint8 or rgb.ndim != 3 or rgb.shape[2] != 3:
        raise InputError(f"expected an (H, W, 3) uint8 array, got {rgb.dtype} {rgb.shape}")
    rgb = np.ascontiguousarray(rgb)
    return LoadedImage(
        rgb=rgb,
        sha256=hashlib.sha256(rgb.tobytes()).hexdigest(),
        path=name,
        original_size=(rgb.shape[1], rgb.shape[0]),
        notes=("in-memory array; SHA-256 taken over the raw RGB bytes",),
    )


def require_size(image: LoadedImage, min_side: int, purpose: str) -> None:
    """Refuse an image too small for a metric, saying which image and why."""
    if min(image.width, image.height) < min_side:
        raise InputError(
            f"{image.path or 'image'} is {image.width}×{image.height} pixels; {purpose} needs "
            f"at least {min_side}×{min_side}"
        )


def _normalise(image: Image.Image, data: bytes) -> tuple[np.ndarray, str, tuple[int, int], list]:
    notes: list[str] = []
    mode, size = image.mode, image.size

    # 1. First frame of an animation.
    frames = getattr(image, "n_frames", 1)
    if frames > 1:
        image.seek(0)
        notes.append(f"animated {image.format} with {frames} frames: the first frame is used")
    image.load()

    # 2. Orientation as the camera recorded it.
    orientation = image.getexif().get(0x0112, 1)
    if orientation in _ORIENTATION_WORDS:
        image = ImageOps.exif_transpose(image)
        notes.append(f"EXIF orientation {orientation} applied ({_ORIENTATION_WORDS[orientation]})")

    # 3. Bit depth and colour model to 8-bit RGB (+ alpha when there is one).
    bits = _bits_per_sample(image, data)
    if bits and bits > 8 and image.mode in ("RGB", "RGBA"):
        notes.append(f"{bits}-bit per channel: Pillow reduced it to 8-bit (high byte)")
    image = _to_rgb_or_rgba(image, notes)

    # 4. Alpha onto white.
    array = np.asarray(image)
    if image.mode == "RGBA":
        alpha = array[..., 3:4].astype(np.float32) / 255.0
        transparent = float(np.mean(alpha < 1.0))
        if transparent > 0:
            rgb = array[..., :3].astype(np.float32) * alpha + 255.0 * (1.0 - alpha)
            array = np.clip(np.rint(rgb), 0, 255).astype(np.uint8)
            notes.append(
                f"alpha channel: {transparent:.1%} of pixels not fully opaque; composited on white"
            )
        else:
            array = array[..., :3]
            notes.append("alpha channel fully opaque; dropped")

    if image.info.get("icc_profile"):
        notes.append("embedded ICC colour profile present but not applied")
    return np.ascontiguousarray(array, dtype=np.uint8), mode, size, notes


def _to_rgb_or_rgba(image: Image.Image, notes: list[str]) -> Image.Image:
    mode = image.mode
    if mode in ("RGB", "RGBA"):
        return image
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        values = np.asarray(image).astype(np.float64)
        if mode == "F":
            low, high = float(values.min()), float(values.max())
            scaled = (values - low) / (high - low or 1.0) * 255.0
            notes.append(f"32-bit float greyscale stretched from [{low:g}, {high:g}] to 8-bit")
        else:
            scaled = values / 257.0
            notes.append(
                f"{mode} ({'16' if values.max() <= 65535 else '32'}-bit) greyscale scaled to 8-bit"
            )
        grey = np.clip(np.rint(scaled), 0, 255).astype(np.uint8)
        return Image.fromarray(np.stack([grey] * 3, axis=-1))
    if mode in ("P", "PA"):
        has_alpha = mode == "PA" or "transparency" in image.info
        notes.append("palette image expanded to RGB" + (" with alpha" if has_alpha else ""))
        return image.convert("RGBA" if has_alpha else "RGB")
    if mode == "CMYK":
        notes.append("CMYK converted to RGB by Pillow's plain formula (no colour management)")
        return image.convert("RGB")
    if mode in ("LA", "La", "RGBa"):
        notes.append(f"{mode} converted to RGBA")
        return image.convert("RGBA")
    if mode in ("1", "L"):
        notes.append(
            "bilevel (1-bit) image converted to RGB"
            if mode == "1"
            else "greyscale converted to RGB"
        )
        return image.convert("RGB")
    notes.append(f"{mode} converted to RGB")
    return image.convert("RGB")


def _bits_per_sample(image: Image.Image, data: bytes) -> int | None:
    if image.format == "PNG" and len(data) > 24:
        return data[24]  # IHDR bit depth: 8-byte signature, 4 length, 4 type, 8 width+height
    if image.format == "TIFF":
        bits = getattr(image, "tag_v2", {}).get(258)
        if isinstance(bits, tuple | list) and bits:
            return int(bits[0])
        return int(bits) if bits else None
    return None


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]
