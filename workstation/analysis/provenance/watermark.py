"""Invisible watermarks: the `invisible-watermark` package's "dwtDct" method, decoded here.

How the method hides bits (imwatermark/maxDct.py, read and re-implemented, not imported): the
pixels, given as OpenCV BGR, go to YUV; the U plane (cropped to a multiple of 4) gets a one-level
Haar wavelet transform; its approximation band is cut into 4x4 blocks in row order, and block n
carries bit n mod L of an L-bit message. In each block the coefficient of largest magnitude
(the first one excluded) is moved so that |value| mod 36 is 9 for a 0 and 27 for a 1. Reading
takes |value| mod 36 > 18 as a 1 per block and a bit is 1 when more than half its blocks say so.

Which code bases embed what, and how they read it back:
- Stable Diffusion 1.x (CompVis scripts/txt2img.py): the bytes "StableDiffusionV1" (136 bits),
  on the image converted RGB->BGR. Its reader (scripts/tests/test_watermark.py) decodes 136
  bits as UTF-8 text: the message is there when all bits decode to it.
- Stable Diffusion 2.x (Stability-AI/stablediffusion scripts/txt2img.py): the bytes "SDV2"
  (32 bits), same way. No reader is published; we use the binomial rule below.
- SDXL: the 48-bit WATERMARK_MESSAGE 0b1011...0 of Stability's generative-models. Its
  sgm WatermarkEmbedder flips RGB to BGR first; diffusers' StableDiffusionXLWatermarker (copied
  from an earlier sgm demo) hands the RGB array over as if it were BGR, so the bits land in the
  other colour-difference plane. Both orders are read. The published reader
  (scripts/demo/detect.py) counts matching bits: <= 27 "No watermark detected", 28-33 "Partial
  watermark match. Cannot determine with certainty.", >= 34 "Likely"/"Very likely watermarked".

The binomial rule (ours, where a code base publishes none, and for partial matches of SD 1.x):
if the image carried no mark, each decoded bit would agree with the message by chance (p = 1/2).
"detected" when the chance of at least this many agreeing bits is below 1e-6, "inconclusive"
when below 1e-2, else "not detected".

Absence proves nothing (resizing, cropping, re-encoding or a colour change erase the mark) and
presence proves little: the code is public, so anyone can add the mark to any image.
"""

from __future__ import annotations

import math
import warnings as pywarnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from workstation.analysis.provenance.result import WatermarkReading

METHOD = "dwtDct"
MIN_PIXELS = 256 * 256  # the package refuses smaller images
MAX_PIXELS = 50_000_000  # decoding a larger image is skipped, with a warning
_SCALE = 36.0  # the method's step on the U plane
_BLOCK = 4
_SDXL = 0b101100111110110010010000011110111011000110011110
_SDXL_RULE = (
    "Stability generative-models scripts/demo/detect.py: <= 27 of 48 bits 'No watermark "
    "detected', 28-33 'Partial watermark match', >= 34 'Likely' / 'Very likely watermarked'"
)
_BINOMIAL_RULE = (
    "binomial (no published reader): detected when P(>= this many bits agree by chance, "
    "p = 1/2) < 1e-6, inconclusive when < 1e-2"
)
_SD1_RULE = (
    "CompVis scripts/tests/test_watermark.py: the 136 bits decode as UTF-8 to the message "
    "(all bits); fewer agreeing bits are inconclusive when P(>= this many by chance, p = 1/2) "
    "< 1e-6"
)


def _bytes_bits(text: str) -> str:
    return "".join(f"{byte:08b}" for byte in text.encode())


@dataclass(frozen=True)
class KnownMark:
    message: str
    used_by: str
    bits: str
    order: str  # the channel order the embedder handed over as "BGR": "BGR" or "RGB"
    rule: str


KNOWN = (
    KnownMark(
        "StableDiffusionV1",
        "Stable Diffusion 1.x reference scripts (CompVis txt2img.py)",
        _bytes_bits("StableDiffusionV1"),
        "BGR",
        _SD1_RULE,
    ),
    KnownMark(
        "SDV2",
        "Stable Diffusion 2.x reference scripts (Stability-AI/stablediffusion txt2img.py)",
        _bytes_bits("SDV2"),
        "BGR",
        _BINOMIAL_RULE,
    ),
    KnownMark(
        f"{_SDXL:#050b}",
        "SDXL: Stability generative-models (sgm WatermarkEmbedder)",
        f"{_SDXL:048b}",
        "BGR",
        _SDXL_RULE,
    ),
    KnownMark(
        f"{_SDXL:#050b}",
        "SDXL: diffusers StableDiffusionXLWatermarker (RGB handed over as BGR)",
        f"{_SDXL:048b}",
        "RGB",
        _SDXL_RULE,
    ),
)


def read_watermarks(path: Path, warnings: list[str]) -> tuple[WatermarkReading, ...]:
    """Decode the pixels once per channel order and compare with every known message.

    Returns () without a warning for images smaller than the method's minimum (the metadata view
    says so from the size); a warning for images that cannot be decoded or exceed MAX_PIXELS.
    """
    from PIL import Image

    try:
        with pywarnings.catch_warnings(record=True) as caught:
            pywarnings.simplefilter("always")
            with Image.open(path) as image:
                width, height = image.size
                if too_small(width, height):
                    return ()
                if width * height > MAX_PIXELS:
                    warnings.append(
                        f"watermark: not read, the image has {width * height:,} pixels "
                        f"(more than {MAX_PIXELS:,})"
                    )
                    return ()
                rgb = _rgb(image)
    except Exception as error:  # Pillow raises many types on damaged pixel data
        warnings.append(f"watermark: the pixels cannot be decoded ({type(error).__name__})")
        return ()
    # Pillow's header warnings are already reported; those only decoding raises are new
    for warning in caught:
        if (note := f"Pillow: {warning.message}") not in warnings:
            warnings.append(note)
    blocks = {order: block_bits(rgb, order) for order in ("BGR", "RGB")}
    return tuple(reading(mark, blocks[mark.order]) for mark in KNOWN)


def too_small(width: int, height: int) -> bool:
    """Below the package's 256x256 pixels, or too thin for a row of 4x4 blocks."""
    return width * height < MIN_PIXELS or min(width, height) < 8 * _BLOCK


def _rgb(image) -> np.ndarray:
    """The first frame as 8-bit RGB, as OpenCV's imread would give it (16-bit scaled down)."""
    if image.mode.startswith("I;16") or image.mode == "I":
        gray = np.asarray(image).astype(np.int64)
        if image.mode != "I" or gray.max() > 255:  # "I" also holds 8-bit values
            gray >>= 8
        gray = np.clip(gray, 0, 255).astype(np.uint8)
        return np.repeat(gray[:, :, None], 3, axis=2)
    if image.mode == "F":
        gray = np.clip(np.asarray(image), 0, 255).astype(np.uint8)
        return np.repeat(gray[:, :, None], 3, axis=2)
    return np.asarray(image.convert("RGB"))


def block_bits(rgb: np.ndarray, order: str) -> np.ndarray:
    """The bit each 4x4 block of the U plane's Haar approximation holds, in row order.

    `order` "BGR": the embedder was given the true BGR image; "RGB": it was given RGB as BGR.
    """
    import cv2
    import pywt

    code = cv2.COLOR_RGB2YUV if order == "BGR" else cv2.COLOR_BGR2YUV
    rows, cols = rgb.shape[0] // 4 * 4, rgb.shape[1] // 4 * 4
    u_plane = cv2.cvtColor(np.ascontiguousarray(rgb), code)[:rows, :cols, 1]
    approximation = pywt.dwt2(u_plane, "haar")[0]
    down, across = approximation.shape[0] // _BLOCK, approximation.shape[1] // _BLOCK
    blocks = (
        approximation[: down * _BLOCK, : across * _BLOCK]
        .reshape(down, _BLOCK, across, _BLOCK)
        .transpose(0, 2, 1, 3)
        .reshape(-1, _BLOCK * _BLOCK)
    )
    magnitude = np.abs(blocks[:, 1:])
    largest = magnitude[np.arange(len(blocks)), np.argmax(magnitude, axis=1)]
    return np.mod(largest, _SCALE) > 0.5 * _SCALE


def decode(blocks: np.ndarray, length: int) -> str:
    """The `length` message bits: block n votes for bit n mod length; more than half wins."""
    slot = np.arange(len(blocks)) % length
    votes = np.bincount(slot, weights=blocks, minlength=length)
    counts = np.bincount(slot, minlength=length)
    ones = votes / np.maximum(counts, 1) * 255 > 127
    return "".join("1" if bit else "0" for bit in ones)


def reading(mark: KnownMark, blocks: np.ndarray) -> WatermarkReading:
    """Decode `blocks` at the mark's length and read the count by the mark's rule."""
    bits = decode(blocks, len(mark.bits))
    matched = sum(a == b for a, b in zip(bits, mark.bits, strict=True))
    return WatermarkReading(
        method=METHOD,
        message=mark.message,
        used_by=mark.used_by,
        bits=bits,
        matched=matched,
        length=len(mark.bits),
        reading=_VERDICTS[mark.rule](matched, len(mark.bits)),
        rule=mark.rule,
    )


def _sdxl_verdict(matched: int, length: int) -> str:
    return "detected" if matched >= 34 else "inconclusive" if matched >= 28 else "not detected"


def _sd1_verdict(matched: int, length: int) -> str:
    if matched == length:
        return "detected"
    return "inconclusive" if chance_of_at_least(matched, length) < 1e-6 else "not detected"


def _binomial_verdict(matched: int, length: int) -> str:
    chance = chance_of_at_least(matched, length)
    return "detected" if chance < 1e-6 else "inconclusive" if chance < 1e-2 else "not detected"


_VERDICTS = {_SDXL_RULE: _sdxl_verdict, _SD1_RULE: _sd1_verdict, _BINOMIAL_RULE: _binomial_verdict}


def chance_of_at_least(matched: int, length: int) -> float:
    """P(at least `matched` of `length` fair coin flips agree): the binomial upper tail."""
    return sum(math.comb(length, k) for k in range(matched, length + 1)) / 2**length
