"""What kind of file is this? Sniff content (never trust the extension) and check images decode.

A file imported as evidence must be exactly what it claims to be: an extension that says PNG on a
JPEG, a truncated PNG or a decompression bomb is refused before anything reaches the case.
"""

from __future__ import annotations

import mimetypes
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, PngImagePlugin, UnidentifiedImageError

from workstation.core.errors import InputError

# Largest image we decode (150 megapixels, about 450 MB as RGB): covers scans of paintings and any
# diffusion output, and refuses 30000 x 30000 bombs that would need gigabytes. Pillow's own hard
# limit (2 x its MAX_IMAGE_PIXELS) lies above this, so ours is the one that speaks.
MAX_PIXELS = 150_000_000

# Most decompressed PNG text (zTXt, iTXt) one file may hold: ComfyUI workflows run to a few MB,
# 64 MiB is far above any real metadata and stops a small text "bomb" from taking gigabytes.
# Pillow's own limit is 1 MiB per chunk and refuses a valid PNG past it as damaged; it gets ours.
MAX_TEXT = 64 << 20
PngImagePlugin.MAX_TEXT_CHUNK = PngImagePlugin.MAX_TEXT_MEMORY = MAX_TEXT

IMAGE_TYPES = {
    "PNG": "image/png",
    "JPEG": "image/jpeg",
    "WEBP": "image/webp",
    "GIF": "image/gif",
    "TIFF": "image/tiff",
    "BMP": "image/bmp",
    "AVIF": "image/avif",  # read by Pillow 11.3+ (PIL.features.check("avif"))
}

# Magic numbers for the non-image files an examiner is likely to attach.
_MAGIC = [
    (b"%PDF-", "application/pdf"),
    (b"PK\x03\x04", "application/zip"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF8", "image/gif"),
    (b"BM", "image/bmp"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
]


@dataclass(frozen=True)
class MediaInfo:
    media_type: str
    width: int | None = None
    height: int | None = None

    @property
    def is_image(self) -> bool:
        return self.width is not None


def _sniff(head: bytes) -> str | None:
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp" and head[8:12] in (b"avif", b"avis"):  # ISO-BMFF, AVIF brands
        return "image/avif"
    for magic, media_type in _MAGIC:
        if head.startswith(magic):
            return media_type
    return None


def _expected_type(path: Path) -> str | None:
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed


def probe(path: Path, shown_as: Path | None = None) -> MediaInfo:
    """Identify `path` by content; fully decode it if it is an image. Raises InputError.

    `shown_as` is the name the user knows the file by (its extension is checked against the
    content, and messages name it); it defaults to `path`.
    """
    shown = shown_as or path
    check_name(shown)  # the name is recorded
    with open(path, "rb") as stream:
        head = stream.read(32)
    sniffed = _sniff(head)
    expected = _expected_type(shown)

    if sniffed is None or not sniffed.startswith("image/"):
        if expected and expected.startswith("image/"):
            found = sniffed or "not an image"
            raise InputError(f"{shown}: the name says {expected} but the content is {found}")
        return MediaInfo(media_type=sniffed or expected or "application/octet-stream")

    info = _decode_image(path, shown)
    if expected and expected.startswith("image/") and expected != info.media_type:
        raise InputError(
            f"{shown}: the name says {expected} but the content is {info.media_type}; "
            "rename the file to match its content before importing"
        )
    return info


def check_name(path: str | Path) -> None:
    """Refuse a file name that is not UTF-8 (Python holds its odd bytes as lone surrogates, which
    no record, JSON file or case database can store as text)."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(
            f"{path}: the file name is not valid UTF-8, so a record cannot name it; rename the file"
        ) from None


def check_pixels(image: Image.Image, shown: str | Path) -> None:
    """Refuse an opened (not yet decoded) image past MAX_PIXELS, before its pixels are read."""
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise InputError(
            f"{shown}: image is {width}x{height} pixels, more than the "
            f"{MAX_PIXELS:,}-pixel limit (possible decompression bomb)"
        )


def _decode_image(path: Path, shown: Path) -> MediaInfo:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            # Pillow's EXIF parser warns on damaged EXIF while the pixels decode fine; the
            # provenance reader reads that EXIF itself and records what is wrong with it.
            warnings.filterwarnings("ignore", category=UserWarning, module="PIL.TiffImagePlugin")
            with Image.open(path) as image:
                width, height = image.size
                check_pixels(image, shown)
                media_type = IMAGE_TYPES.get(image.format or "")
                if media_type is None:
                    raise InputError(f"{shown}: unsupported image format {image.format}")
                image.load()  # a truncated or corrupt file fails here, not later in analysis
    except Image.DecompressionBombError as error:  # past Pillow's own limit, at open
        raise InputError(
            f"{shown}: more than the {MAX_PIXELS:,}-pixel limit (possible decompression bomb; "
            f"{error})"
        ) from None
    except UnidentifiedImageError:
        raise InputError(f"{shown}: not a readable image") from None
    except ValueError as error:
        if "MAX_TEXT" in str(error):  # Pillow's text limit, set above
            raise InputError(
                f"{shown}: its PNG text comes to more than {MAX_TEXT >> 20} MB "
                "(possible decompression bomb; `workstation metadata` reads it up to there)"
            ) from None
        raise InputError(f"{shown}: damaged or truncated image ({error})") from None
    except (OSError, SyntaxError) as error:
        raise InputError(f"{shown}: damaged or truncated image ({error})") from None
    return MediaInfo(media_type=media_type, width=width, height=height)
