"""Walk PNG chunks, JPEG segments and WebP RIFF chunks and collect every metadata field verbatim.

We read the containers ourselves rather than through Pillow: Pillow silently drops an iTXt chunk
that is not valid UTF-8, caps text chunks, and does not say where a field came from. Here every
text chunk, EXIF block, XMP packet and comment is kept with its source, and every irregularity
(bad CRC, truncation, bytes after the end of the image) becomes a warning.

All the metadata of one file shares one budget, `TEXT_BUDGET` (64 MiB, the limit Pillow is given
too): plain text, EXIF and XMP count as stored, compressed text (zTXt, compressed iTXt) as
inflated. Compressed text is inflated with a bounded decompressor, so a text "bomb" of a few MB
that would inflate to gigabytes never takes more than the budget; a field past the budget is not
read (a chunk that claims gigabytes is not even copied), and a one-line warning says so. Real
metadata (a ComfyUI workflow of a few MB) is far below it.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field

from workstation.analysis.provenance.result import RawField
from workstation.analysis.provenance.values import decode_utf8
from workstation.core.media import MAX_TEXT

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TEXT_BUDGET = MAX_TEXT  # bytes of metadata read per file, compressed text counted inflated

_XMP_KEY = "XML:com.adobe.xmp"
_JPEG_EXIF = b"Exif\x00\x00"
_JPEG_XMP = b"http://ns.adobe.com/xap/1.0/\x00"
_JPEG_XMP_EXTENSION = b"http://ns.adobe.com/xmp/extension/\x00"


@dataclass
class Container:
    format: str  # "PNG", "JPEG", "WEBP" or "" when not one of these
    raw: list[RawField] = field(default_factory=list)
    texts: dict[str, RawField] = field(default_factory=dict)  # PNG text chunks by keyword
    exif: list[tuple[str, bytes]] = field(default_factory=list)  # (source, TIFF-format block)
    xmp: list[tuple[str, str]] = field(default_factory=list)  # (source, packet)
    has_c2pa: bool = False
    warnings: list[str] = field(default_factory=list)
    inflated: int = 0  # bytes of metadata read so far, inflated text included (TEXT_BUDGET)
    not_inflated: list[str] = field(default_factory=list)  # compressed chunks past the budget
    not_read: list[str] = field(default_factory=list)  # other fields past the budget

    def take(self, size: int, what: str, *, compressed: bool = False) -> bool:
        """Whether a field of `size` stored bytes is read: when it fits in what is left of the
        budget (and is counted), or, compressed, in the whole budget (its inflated text is
        counted as it is inflated). A field not read is noted."""
        if size > TEXT_BUDGET - (0 if compressed else self.inflated):
            self.not_read.append(what)
            return False
        self.inflated += 0 if compressed else size
        return True


def sniff(head: bytes) -> str:
    if head.startswith(PNG_SIGNATURE):
        return "PNG"
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return ""


def walk(data: bytes) -> Container:
    """Everything metadata-like in `data` (bytes or an mmap of the file)."""
    box = Container(format=sniff(bytes(data[:12])))
    if box.format == "PNG":
        _walk_png(data, box)
        if box.not_inflated:
            box.warnings.append(
                f"{len(box.not_inflated)} more compressed text chunk(s) not inflated, the file's "
                f"text being past its {_budget()} budget (first: {box.not_inflated[0]})"
            )
    elif box.format == "JPEG":
        _walk_jpeg(data, box)
    elif box.format == "WEBP":
        _walk_webp(data, box)
    if box.not_read:
        box.warnings.append(
            f"{len(box.not_read)} metadata field(s) not read, the file's metadata being past "
            f"its {_budget()} budget (first: {box.not_read[0]})"
        )
    return box


# --- PNG ---------------------------------------------------------------------------------------


def _walk_png(data: bytes, box: Container) -> None:
    pos, end_of_file = len(PNG_SIGNATURE), len(data)
    while True:
        if pos + 8 > end_of_file:
            box.warnings.append("PNG ends without an IEND chunk (file truncated?)")
            return
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        start, end = pos + 8, pos + 8 + length
        name = kind.decode("latin-1")
        if length > 0x7FFFFFFF or end + 4 > end_of_file:
            box.warnings.append(f"PNG chunk {name!r} at offset {pos} runs past the end of the file")
            return
        if kind in (b"tEXt", b"zTXt", b"iTXt", b"eXIf"):
            # not copied when past the budget; compressed text counts when inflated
            inflate = kind == b"zTXt" or (kind == b"iTXt" and _itxt_compressed(data, start, end))
            if not box.take(length, f"PNG {name} chunk at offset {pos}", compressed=inflate):
                pos = end + 4
                continue
            payload = bytes(data[start:end])
            if zlib.crc32(kind + payload) != int.from_bytes(data[end : end + 4], "big"):
                box.warnings.append(f"PNG {name} chunk at offset {pos} has a bad CRC")
            if kind == b"eXIf":
                box.exif.append(("PNG eXIf", payload))
            else:
                _png_text(name, payload, box)
        elif kind == b"caBX":
            box.has_c2pa = True
        pos = end + 4
        if kind == b"IEND":
            if pos < end_of_file:
                box.warnings.append(f"{end_of_file - pos} bytes follow the PNG's IEND chunk")
            return


def _itxt_compressed(data: bytes, start: int, end: int) -> bool:
    """An iTXt chunk's compression flag: the byte after its keyword (at most 79 bytes)."""
    nul = data.find(b"\x00", start, min(end, start + 80))
    return 0 <= nul < end - 1 and data[nul + 1] != 0


def _png_text(kind: str, payload: bytes, box: Container) -> None:
    source = f"PNG {kind}"
    raw_key, sep, rest = payload.partition(b"\x00")
    key = raw_key.decode("latin-1")
    if not sep or not 1 <= len(raw_key) <= 79:
        box.warnings.append(f"{source} chunk {key[:80]!r}: malformed keyword")
        if not sep:
            return
    note = ""
    if kind == "tEXt":
        text, note = _latin1_or_utf8(rest)
    elif kind == "zTXt":
        if rest[:1] != b"\x00":
            box.warnings.append(f"{source} {key!r}: unknown compression method")
            return
        inflated = _inflate(rest[1:], f"{source} {key!r}", box)
        if inflated is None:
            return
        text, note = _latin1_or_utf8(inflated)
    else:  # iTXt: flag, method, language\0, translated keyword\0, UTF-8 text
        if len(rest) < 2:
            box.warnings.append(f"{source} {key!r}: chunk too short")
            return
        compressed, method = rest[0], rest[1]
        language, _, rest = rest[2:].partition(b"\x00")
        translated, _, body = rest.partition(b"\x00")
        if compressed:
            if method != 0:
                box.warnings.append(f"{source} {key!r}: unknown compression method")
                return
            body = _inflate(body, f"{source} {key!r}", box)
            if body is None:
                return
        text, note = decode_utf8(body)
        if language or translated:
            extra = f"language {language.decode('latin-1')!r}, translated keyword "
            extra += repr(decode_utf8(translated)[0])
            note = f"{note}; {extra}" if note else extra
    if note.startswith("not valid"):
        box.warnings.append(f"{source} {key!r}: {note}")
    entry = RawField(source, key, text, note)
    box.raw.append(entry)
    if key == _XMP_KEY:
        box.xmp.append((f"{source} {key}", text))
    elif key in box.texts:
        box.warnings.append(f"PNG text keyword {key!r} appears more than once; the first is used")
    else:
        box.texts[key] = entry


def _latin1_or_utf8(data: bytes) -> tuple[str, str]:
    """tEXt/zTXt are Latin-1 by the standard, but some tools write UTF-8: take UTF-8 if it is."""
    if data.isascii():
        return data.decode("ascii"), ""
    try:
        return data.decode("utf-8"), "holds UTF-8 (the PNG standard says Latin-1)"
    except UnicodeDecodeError:
        return data.decode("latin-1"), ""


def _inflate(data: bytes, what: str, box: Container) -> bytes | None:
    """The text, inflated up to what is left of the file's budget (never more in memory)."""
    left = TEXT_BUDGET - box.inflated
    if left <= 0:
        box.not_inflated.append(what)
        return None
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, left)
    except zlib.error as error:
        box.warnings.append(f"{what}: compressed text is corrupt ({error})")
        return None
    box.inflated += len(out)
    if inflater.unconsumed_tail or (len(out) == left and not inflater.eof):
        box.warnings.append(
            f"{what}: decompresses to more than the file's {_budget()} text budget; "
            f"read up to there ({len(out):,} bytes)"
        )
    elif not inflater.eof:
        box.warnings.append(f"{what}: compressed text is truncated")
    return out


def _budget() -> str:
    return f"{TEXT_BUDGET / (1 << 20):g} MiB"


# --- JPEG --------------------------------------------------------------------------------------


def _walk_jpeg(data: bytes, box: Container) -> None:
    pos, end_of_file = 2, len(data)
    extended_xmp: dict[bytes, list[tuple[int, bytes]]] = {}
    while pos + 4 <= end_of_file:
        if data[pos] != 0xFF:
            box.warnings.append(f"JPEG: expected a marker at offset {pos}")
            break
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # markers without a length
            pos += 2
            continue
        if marker == 0xD9:  # EOI before any scan
            break
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        if length < 2 or pos + 2 + length > end_of_file:
            box.warnings.append(f"JPEG segment 0x{marker:02X} at offset {pos} is truncated")
            return
        if marker == 0xDA:  # start of scan: no more metadata segments
            break
        if marker in (0xE1, 0xFE) and box.take(length - 2, f"JPEG segment at offset {pos}"):
            _jpeg_segment(marker, bytes(data[pos + 4 : pos + 2 + length]), box, extended_xmp)
        elif marker == 0xEB:  # APP11: only its first bytes are looked at
            _jpeg_segment(marker, bytes(data[pos + 4 : pos + 6]), box, extended_xmp)
        pos += 2 + length
    for guid, parts in extended_xmp.items():
        text, note = decode_utf8(b"".join(part for _, part in sorted(parts)))
        source = f"JPEG APP1 extended XMP {guid.decode('latin-1')}"
        box.raw.append(RawField(source, "XMP packet", text, note))
        box.xmp.append((source, text))
    end_of_image = data.rfind(b"\xff\xd9")
    if end_of_image < 0:
        box.warnings.append("JPEG has no end-of-image marker (file truncated?)")
    elif end_of_image + 2 < end_of_file:
        tail = end_of_file - end_of_image - 2
        box.warnings.append(f"{tail} bytes follow the JPEG's end-of-image marker")


def _jpeg_segment(
    marker: int, payload: bytes, box: Container, extended_xmp: dict[bytes, list]
) -> None:
    if marker == 0xE1 and payload.startswith(_JPEG_EXIF):
        box.exif.append((f"JPEG APP1 Exif #{len(box.exif) + 1}", payload[len(_JPEG_EXIF) :]))
    elif marker == 0xE1 and payload.startswith(_JPEG_XMP):
        text, note = decode_utf8(payload[len(_JPEG_XMP) :])
        box.raw.append(RawField("JPEG APP1 XMP", "XMP packet", text, note))
        box.xmp.append(("JPEG APP1 XMP", text))
    elif marker == 0xE1 and payload.startswith(_JPEG_XMP_EXTENSION):
        body = payload[len(_JPEG_XMP_EXTENSION) :]
        if len(body) < 40:
            box.warnings.append("JPEG extended XMP segment too short")
            return
        guid, offset = body[:32], int.from_bytes(body[36:40], "big")
        extended_xmp.setdefault(guid, []).append((offset, body[40:]))
    elif marker == 0xEB and payload.startswith(b"JP"):  # APP11 JUMBF: C2PA manifest store
        box.has_c2pa = True
    elif marker == 0xFE:
        text, note = decode_utf8(payload)
        if note:
            text, note = payload.decode("latin-1"), "not UTF-8; read as Latin-1"
        box.raw.append(RawField("JPEG COM", "comment", text, note))


# --- WebP --------------------------------------------------------------------------------------


def _walk_webp(data: bytes, box: Container) -> None:
    end_of_file = len(data)
    declared_end = 8 + int.from_bytes(data[4:8], "little")
    if declared_end != end_of_file:
        box.warnings.append(
            f"WebP RIFF header declares {declared_end} bytes; the file has {end_of_file}"
        )
    end = min(declared_end, end_of_file)
    pos = 12
    while pos + 8 <= end:
        fourcc = bytes(data[pos : pos + 4])
        size = int.from_bytes(data[pos + 4 : pos + 8], "little")
        if pos + 8 + size > end_of_file:
            box.warnings.append(f"WebP chunk {fourcc!r} at offset {pos} is truncated")
            return
        metadata = fourcc in (b"EXIF", b"XMP ")  # only these are copied (image data is not)
        if metadata and box.take(size, f"WebP {fourcc.decode('latin-1')!r} chunk at offset {pos}"):
            payload = bytes(data[pos + 8 : pos + 8 + size])
        else:
            payload = None
        if fourcc == b"EXIF" and payload is not None:
            box.exif.append(("WebP EXIF", payload))
        elif fourcc == b"XMP " and payload is not None:
            text, note = decode_utf8(payload)
            box.raw.append(RawField("WebP XMP", "XMP packet", text, note))
            box.xmp.append(("WebP XMP", text))
        elif fourcc == b"C2PA":
            box.has_c2pa = True
        pos += 8 + size + (size & 1)
