"""IPTC in XMP: the digital source type and the Photo Metadata 2025.1 generative-AI properties
(Iptc4xmpExt AISystemUsed, AISystemVersionUsed, AIPromptInformation, AIPromptWriterName), in
packets written the way image services and Photoshop write them, inside JPEG APP1 and PNG iTXt."""

from __future__ import annotations

import io
import struct

import pytest
from PIL import Image

from tests.provenance.conftest import TRAINED, png_bytes
from workstation.analysis.provenance import read_metadata
from workstation.app.metadata import sections

COMPOSITE = "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia"
PROMPT = "a lighthouse at dusk, 灯塔, --ar 3:2 --v 7"

# A generator's packet: the properties as elements (an Alt for the description).
GENERATED = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="XMP Core 6.0.0">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/">
   <Iptc4xmpExt:DigitalSourceType>{TRAINED}</Iptc4xmpExt:DigitalSourceType>
   <Iptc4xmpExt:AISystemUsed>Midjourney</Iptc4xmpExt:AISystemUsed>
   <Iptc4xmpExt:AISystemVersionUsed>7</Iptc4xmpExt:AISystemVersionUsed>
   <Iptc4xmpExt:AIPromptInformation>{PROMPT}</Iptc4xmpExt:AIPromptInformation>
   <Iptc4xmpExt:AIPromptWriterName>Ann Example</Iptc4xmpExt:AIPromptWriterName>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{PROMPT}</rdf:li></rdf:Alt>
   </dc:description>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
{" " * 200}
<?xpacket end="w"?>"""

# Photoshop's style: simple properties as attributes of rdf:Description, a second Description.
EDITED = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Adobe XMP Core 9.1-c002">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmp:CreatorTool="Adobe Photoshop 26.2 (Windows)" xmp:CreateDate="2025-03-01T10:00:00+01:00"/>
  <rdf:Description rdf:about=""
    xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
    Iptc4xmpExt:DigitalSourceType="{COMPOSITE}"
    Iptc4xmpExt:AISystemUsed="Adobe Firefly Image 3"
    Iptc4xmpExt:AIPromptInformation="replace the sky with a storm"/>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""


def jpeg_with_xmp(packet: str) -> bytes:
    """A JPEG with the packet in its own APP1 segment, right after SOI (as Photoshop places it)."""
    out = io.BytesIO()
    Image.new("RGB", (48, 32), (90, 120, 200)).save(out, "JPEG")
    body = b"http://ns.adobe.com/xap/1.0/\x00" + packet.encode()
    segment = b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body
    data = out.getvalue()
    return data[:2] + segment + data[2:]


def png_with_xmp(packet: str) -> bytes:
    return png_bytes({"XML:com.adobe.xmp": packet}, itxt=True)


@pytest.mark.parametrize(("name", "build"), [("x.jpg", jpeg_with_xmp), ("x.png", png_with_xmp)])
def test_generated_image_packet(write, name: str, build) -> None:
    meta = read_metadata(write(name, build(GENERATED)))
    xmp = meta.xmp
    assert meta.warnings == ()
    assert xmp.digital_source_type == TRAINED
    assert (xmp.ai_system_used, xmp.ai_system_version_used) == ("Midjourney", "7")
    assert (xmp.ai_prompt_information, xmp.ai_prompt_writer_name) == (PROMPT, "Ann Example")
    assert xmp.description == PROMPT
    (section,) = [s for s in sections(meta) if s.kind == "xmp"]
    rows = {row.label: row.value for row in section.rows}
    assert rows["source type (IPTC)"] == TRAINED
    assert (rows["AI system"], rows["AI system version"]) == ("Midjourney", "7")
    assert (rows["AI prompt"], rows["AI prompt writer"]) == (PROMPT, "Ann Example")


@pytest.mark.parametrize(("name", "build"), [("x.jpg", jpeg_with_xmp), ("x.png", png_with_xmp)])
def test_edited_image_packet_with_attributes(write, name: str, build) -> None:
    xmp = read_metadata(write(name, build(EDITED))).xmp
    assert xmp.creator_tool == "Adobe Photoshop 26.2 (Windows)"
    assert xmp.digital_source_type == COMPOSITE
    assert xmp.ai_system_used == "Adobe Firefly Image 3"
    assert xmp.ai_prompt_information == "replace the sky with a storm"
    assert (xmp.ai_system_version_used, xmp.ai_prompt_writer_name) == (None, None)


def test_camera_packet_has_no_ai_rows(write) -> None:
    packet = EDITED.replace(f'Iptc4xmpExt:DigitalSourceType="{COMPOSITE}"', "")
    packet = packet.replace('Iptc4xmpExt:AISystemUsed="Adobe Firefly Image 3"', "")
    packet = packet.replace('Iptc4xmpExt:AIPromptInformation="replace the sky with a storm"', "")
    meta = read_metadata(write("c.jpg", jpeg_with_xmp(packet)))
    (section,) = [s for s in sections(meta) if s.kind == "xmp"]
    labels = [row.label for row in section.rows]
    assert labels == ["creator tool", "create date"]
