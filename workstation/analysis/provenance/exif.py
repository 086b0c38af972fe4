"""EXIF blocks: every tag kept as text, the camera fields summarised, UserComment decoded.

UserComment starts with an 8-byte character code. "UNICODE\\0" means UTF-16, but writers disagree
on its byte order: piexif (which A1111 uses for JPEG and WebP) writes big-endian inside a
big-endian ("MM") TIFF block; other tools write little-endian, or UTF-16 with a byte-order mark.
We take a BOM if there is one, else the byte order whose zero bytes fall where mostly-Latin text
puts them, else the TIFF block's own byte order, and say which in the field's note.
"""

from __future__ import annotations

import warnings as pywarnings

from PIL import ExifTags, Image, TiffImagePlugin

from workstation.analysis.provenance.result import ExifSummary, RawField
from workstation.analysis.provenance.values import decode_utf8

USER_COMMENT = 0x9286
_SUB_IFDS = {
    ExifTags.IFD.Exif: "EXIF Exif IFD",
    ExifTags.IFD.GPSInfo: "EXIF GPS IFD",
    ExifTags.IFD.Interop: "EXIF Interop IFD",
}
_XP_TAGS = {0x9C9B, 0x9C9C, 0x9C9D, 0x9C9E, 0x9C9F}  # Windows XPTitle … XPSubject, UTF-16LE
_MAX_BYTES_SHOWN = 1 << 20
_SUMMARY_TAGS = {
    "make": 0x010F,
    "model": 0x0110,
    "lens": 0xA434,
    "software": 0x0131,
    "artist": 0x013B,
    "copyright": 0x8298,
    "description": 0x010E,
    "date_time": 0x0132,
    "date_time_original": 0x9003,
    "date_time_digitized": 0x9004,
    "user_comment": USER_COMMENT,
}


def read_exif(
    blocks: list[tuple[str, bytes]], warnings: list[str]
) -> tuple[ExifSummary | None, list[RawField]]:
    """Decode EXIF blocks (TIFF data, with or without the "Exif\\0\\0" prefix)."""
    raw: list[RawField] = []
    first: dict[int, str] = {}  # tag -> decoded text, first block and first IFD wins
    has_gps = False
    for source, block in blocks:
        exif = Image.Exif()
        # Pillow reports damage it skips over as Python warnings; they belong in ours.
        with pywarnings.catch_warnings(record=True) as caught:
            pywarnings.simplefilter("always")
            groups = _ifds(exif, block, source, warnings)
        warnings.extend(f"{source}: {warning.message}" for warning in caught)
        if groups is None:
            raw.append(RawField(source, "EXIF block", block[:_MAX_BYTES_SHOWN].hex(), "hex"))
            continue
        for group, tags in groups:
            names = ExifTags.GPSTAGS if group == "EXIF GPS IFD" else ExifTags.TAGS
            for tag, value in tags.items():
                if group == "EXIF IFD0" and tag in _SUB_IFDS:
                    continue  # an offset, not a value
                if group == "EXIF GPS IFD":
                    has_gps = True
                text, note = _decode(tag, value, exif.endian)
                if note.startswith("cut"):
                    warnings.append(f"{source}: tag 0x{tag:04X} {note}")
                key = f"{names.get(tag, 'unknown')} (0x{tag:04X})"
                raw.append(RawField(f"{source} {group.removeprefix('EXIF ')}", key, text, note))
                if group != "EXIF GPS IFD":
                    first.setdefault(tag, text)
    if not blocks:
        return None, raw
    summary = ExifSummary(
        **{name: first.get(tag) or None for name, tag in _SUMMARY_TAGS.items()}, has_gps=has_gps
    )
    return summary, raw


def _ifds(
    exif: Image.Exif, block: bytes, source: str, warnings: list[str]
) -> list[tuple[str, dict]] | None:
    """[(IFD name, {tag: value})] for IFD0 and its sub-IFDs; None if IFD0 cannot be read."""
    try:
        exif.load(block)
        groups = [("EXIF IFD0", dict(exif))]
    except Exception as error:  # Pillow raises many exception types on corrupt TIFF data
        warnings.append(f"{source}: EXIF block cannot be decoded ({type(error).__name__})")
        return None
    for tag, name in _SUB_IFDS.items():
        if tag in exif:
            try:
                groups.append((name, dict(exif.get_ifd(tag))))
            except Exception as error:  # as above: a corrupt sub-IFD
                warnings.append(f"{source}: {name} cannot be decoded ({type(error).__name__})")
    return groups


def _decode(tag: int, value: object, endian: str | None) -> tuple[str, str]:
    if tag == USER_COMMENT and isinstance(value, bytes):
        return decode_user_comment(value, endian)
    if tag == USER_COMMENT and isinstance(value, str):  # written as ASCII type (Fooocus does)
        return _fix_latin1(value)
    if tag in _XP_TAGS and isinstance(value, tuple) and all(_is_byte(item) for item in value):
        value = bytes(value)  # written as BYTE; another type falls through to its numbers
    if tag in _XP_TAGS and isinstance(value, bytes):
        text = value.decode("utf-16-le", "backslashreplace").rstrip("\x00")
        return text, "UTF-16LE (Windows XP tag)"
    if isinstance(value, str):
        return _fix_latin1(value)
    if isinstance(value, bytes):
        return _bytes_text(value)
    if isinstance(value, tuple):
        return ", ".join(_number(item) for item in value), ""
    return _number(value), ""


def _is_byte(value: object) -> bool:
    return isinstance(value, int) and 0 <= value < 256


def _number(value: object) -> str:
    if isinstance(value, TiffImagePlugin.IFDRational):
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, bytes):
        return _bytes_text(value)[0]
    return str(value)


def _fix_latin1(text: str) -> tuple[str, str]:
    """Pillow reads EXIF ASCII as Latin-1; many writers put UTF-8 there. Undo that when it fits."""
    if text.isascii():
        return text, ""
    try:
        return text.encode("latin-1").decode("utf-8"), "ASCII tag holds UTF-8"
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text, "ASCII tag holds non-ASCII bytes, read as Latin-1"


def _bytes_text(data: bytes) -> tuple[str, str]:
    body = data.rstrip(b"\x00")
    if body.isascii() and body.decode("ascii").isprintable():
        return body.decode("ascii"), "bytes, shown as ASCII"
    if len(data) > _MAX_BYTES_SHOWN:
        return data[:_MAX_BYTES_SHOWN].hex(), f"cut at {_MAX_BYTES_SHOWN} of {len(data)} bytes, hex"
    return data.hex(), "hex"


def decode_user_comment(data: bytes, endian: str | None = None) -> tuple[str, str]:
    """(text, note) for an EXIF UserComment value, whatever its character code."""
    prefix, body = data[:8], data[8:]
    if prefix == b"UNICODE\x00":
        text, note = _utf16(body, endian)
        return text.rstrip("\x00"), note
    if prefix == b"ASCII\x00\x00\x00":
        text, bad = decode_utf8(body.rstrip(b"\x00"))
        if body.isascii():
            return text, "ASCII"
        return text, f"ASCII ({bad})" if bad else "ASCII (holds UTF-8)"
    if prefix == b"JIS\x00\x00\x00\x00\x00":
        return body.decode("shift_jis", "backslashreplace").rstrip(
            "\x00"
        ), "JIS (read as Shift-JIS)"
    if prefix == b"\x00" * 8:
        text, note = decode_utf8(body.rstrip(b"\x00"))
        return text, "undefined character code; read as UTF-8" + (f", {note}" if note else "")
    text, note = decode_utf8(data.rstrip(b"\x00"))
    return text, "no character code; read as UTF-8" + (f", {note}" if note else "")


def _utf16(body: bytes, endian: str | None) -> tuple[str, str]:
    if body[:2] in (b"\xfe\xff", b"\xff\xfe"):
        codec = "utf-16-be" if body[:2] == b"\xfe\xff" else "utf-16-le"
        return body[2:].decode(codec, "backslashreplace"), f"UNICODE, {codec} (byte-order mark)"
    zeros_even = body[0::2].count(0)
    zeros_odd = body[1::2].count(0)
    if zeros_even != zeros_odd:
        codec, why = ("utf-16-be" if zeros_even > zeros_odd else "utf-16-le"), "by its zero bytes"
    else:
        codec, why = ("utf-16-le" if endian == "<" else "utf-16-be"), "by the TIFF byte order"
    if len(body) % 2:
        why += "; odd byte count, last byte dropped"
    return body[: len(body) // 2 * 2].decode(codec, "backslashreplace"), f"UNICODE, {codec} {why}"
