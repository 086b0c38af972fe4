"""PNG files into the PDF as they are: their compressed pixel data copied, never re-encoded.

A PNG's IDAT chunks form one zlib stream of filtered scanlines, which PDF reads directly with
FlateDecode and the PNG predictor (PDF 32000-1:2008, 7.4.4.4). Copying it keeps every bit, 16-bit
channels included, and skips decoding and re-compressing — most of the time a report with many
images would otherwise spend. PNGs this does not cover (alpha, palettes, interlacing,
transparency) go through reportlab's own path, which decodes and Flate-compresses them: lossless
too, 8 bits per channel.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

from reportlab.pdfbase.pdfdoc import (
    PDFDictionary,
    PDFImageXObject,
    PDFName,
    PDFStream,
)

SIGNATURE = b"\x89PNG\r\n\x1a\n"
_COLOURS = {0: 1, 2: 3}  # PNG colour type -> channels: greyscale, RGB (no alpha, no palette)
_SPACES = {0: "DeviceGray", 2: "DeviceRGB"}


@dataclass(frozen=True)
class PngData:
    width: int
    height: int
    bits: int
    colour_type: int
    data: bytes  # the concatenated IDAT chunks: a zlib stream of PNG-filtered scanlines


def read_png(path: str) -> PngData | None:
    """The PNG's pixel stream, or None when it is not a PNG this module can copy as it is."""
    try:
        with open(path, "rb") as stream:
            content = stream.read()
    except OSError:
        return None
    if not content.startswith(SIGNATURE):
        return None
    position, header, chunks = len(SIGNATURE), None, []
    while position + 12 <= len(content):
        length, kind = struct.unpack(">I4s", content[position : position + 8])
        body = content[position + 8 : position + 8 + length]
        crc = content[position + 8 + length : position + 12 + length]
        if (
            len(body) != length
            or len(crc) != 4
            or zlib.crc32(kind + body) != int.from_bytes(crc, "big")
        ):
            return None  # damaged: let the general path report it
        if kind == b"IHDR" and length == 13:
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            chunks.append(body)
        elif kind == b"tRNS":
            return None  # a transparent colour needs a mask
        elif kind == b"IEND":
            break
        position += 12 + length
    if header is None or not chunks:
        return None
    width, height, bits, colour_type, compression, filtering, interlace = header
    if colour_type not in _COLOURS or bits not in (8, 16):
        return None
    if compression or filtering or interlace:  # Adam7 interlacing is not what PDF predicts
        return None
    return PngData(width, height, bits, colour_type, b"".join(chunks))


class PngXObject(PDFImageXObject):
    """An image XObject holding a PNG's pixel stream, decoded by the PDF reader's PNG predictor."""

    def __init__(self, name: str, png: PngData):
        self.name = name
        self.png = png
        self.width, self.height = png.width, png.height
        self.bitsPerComponent = png.bits
        self.colorSpace = _SPACES[png.colour_type]
        self.mask = None

    def format(self, document):  # noqa: ANN001, ANN201 (reportlab's signature)
        png = self.png
        stream = PDFStream(content=png.data)
        stream.dictionary.dict.update(
            {
                "Type": PDFName("XObject"),
                "Subtype": PDFName("Image"),
                "Width": png.width,
                "Height": png.height,
                "BitsPerComponent": png.bits,
                "ColorSpace": PDFName(self.colorSpace),
                "Filter": PDFName("FlateDecode"),  # present, so reportlab adds no filter of its own
                "DecodeParms": PDFDictionary(
                    {
                        "Predictor": 15,
                        "Colors": _COLOURS[png.colour_type],
                        "BitsPerComponent": png.bits,
                        "Columns": png.width,
                    }
                ),
            }
        )
        return stream.format(document)
