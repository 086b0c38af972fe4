"""Camera EXIF, UserComment character codes, and XMP (IPTC digital source type)."""

from __future__ import annotations

import pytest
from PIL.TiffImagePlugin import IFDRational

from tests.provenance.conftest import TRAINED, exif_bytes, image_bytes, png_bytes
from workstation.analysis.provenance import read_metadata
from workstation.analysis.provenance.exif import decode_user_comment

XMP = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/"
  xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmp:CreatorTool="Image Creator 3">
 <Iptc4xmpExt:DigitalSourceType>{TRAINED}</Iptc4xmpExt:DigitalSourceType>
 <dc:description><rdf:Alt><rdf:li xml:lang="x-default">灯塔 at dusk</rdf:li></rdf:Alt>
 </dc:description>
</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>"""


def test_camera_exif(write) -> None:
    exif = exif_bytes(
        endian="<",
        ifd0={
            0x010F: "Canon",
            0x0110: "Canon EOS R5",
            0x0131: "Darktable 4.6",
            0x0132: "2024:05:01 10:00:00",
            0x013B: "Ann Photographer",
        },
        exif_ifd={
            0x9003: "2024:04:30 18:42:07",
            0x9004: "2024:04:30 18:42:07",
            0xA434: "RF24-105mm F4 L IS USM",
            0x829A: IFDRational(1, 250),
        },
    )
    meta = read_metadata(write("photo.jpg", image_bytes("JPEG", exif=exif)))
    e = meta.exif
    assert meta.generator == "none" and meta.recipes == ()
    assert (e.make, e.model, e.lens, e.software, e.artist) == (
        "Canon",
        "Canon EOS R5",
        "RF24-105mm F4 L IS USM",
        "Darktable 4.6",
        "Ann Photographer",
    )
    assert (e.date_time_original, e.date_time) == ("2024:04:30 18:42:07", "2024:05:01 10:00:00")
    assert any(f.key == "ExposureTime (0x829A)" and f.value == "1/250" for f in meta.raw)


def test_utf8_in_an_ascii_tag_is_read_as_utf8(write) -> None:
    exif = exif_bytes(endian="<", ifd0={0x013B: "张三".encode()})
    meta = read_metadata(write("u.jpg", image_bytes("JPEG", exif=exif)))
    assert meta.exif.artist == "张三"


@pytest.mark.parametrize(
    ("data", "text", "note"),
    [
        (b"UNICODE\x00\xfe\xff" + "hé".encode("utf-16-be"), "hé", "byte-order mark"),
        (b"UNICODE\x00" + "hello".encode("utf-16-le"), "hello", "utf-16-le by its zero bytes"),
        (b"UNICODE\x00" + "hello".encode("utf-16-be"), "hello", "utf-16-be by its zero bytes"),
        (b"ASCII\x00\x00\x00plain\x00", "plain", "ASCII"),
        (b"JIS\x00\x00\x00\x00\x00" + "日本".encode("shift_jis"), "日本", "JIS"),
        (b"\x00" * 8 + b"ok", "ok", "undefined character code"),
        ("no prefix 中".encode(), "no prefix 中", "no character code"),
        (b"UNICODE\x00" + b"\x00h\x00", "h", "odd byte count"),
    ],
)
def test_user_comment_character_codes(data: bytes, text: str, note: str) -> None:
    decoded, why = decode_user_comment(data, ">")
    assert decoded == text and note in why


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_xmp_digital_source_type(write, fmt: str) -> None:
    if fmt == "PNG":
        data = png_bytes({"XML:com.adobe.xmp": XMP}, itxt=True)
    else:
        from io import BytesIO

        from PIL import Image

        out = BytesIO()
        Image.new("RGB", (32, 32)).save(out, fmt, xmp=XMP.encode())
        data = out.getvalue()
    meta = read_metadata(write(f"x.{fmt.lower()}", data))
    assert meta.xmp.digital_source_type == TRAINED
    assert meta.xmp.creator_tool == "Image Creator 3"
    assert meta.xmp.description == "灯塔 at dusk"
    assert any("XMP" in f.source or f.key == "XML:com.adobe.xmp" for f in meta.raw)
