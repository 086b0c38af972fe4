"""XMP packets: the few properties that speak to provenance (the tool, IPTC's digital source type
and its 2025.1 generative-AI properties, a remote C2PA manifest), read without resolving
entities."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

from workstation.analysis.provenance.result import XmpSummary

MAX_XMP_TAGS = 100_000  # markup ("<") in one packet; real XMP has hundreds, a tree costs ~40x text
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_IPTC_EXT = "{http://iptc.org/std/Iptc4xmpExt/2008-02-29/}"
_PROPERTIES = {
    "creator_tool": "{http://ns.adobe.com/xap/1.0/}CreatorTool",
    "digital_source_type": f"{_IPTC_EXT}DigitalSourceType",
    "provenance": "{http://purl.org/dc/terms/}provenance",
    "create_date": "{http://ns.adobe.com/xap/1.0/}CreateDate",
    "description": "{http://purl.org/dc/elements/1.1/}description",
    # IPTC Photo Metadata Standard 2025.1 (Extension 1.9): the generative-AI properties
    "ai_system_used": f"{_IPTC_EXT}AISystemUsed",
    "ai_system_version_used": f"{_IPTC_EXT}AISystemVersionUsed",
    "ai_prompt_information": f"{_IPTC_EXT}AIPromptInformation",
    "ai_prompt_writer_name": f"{_IPTC_EXT}AIPromptWriterName",
}


def read_xmp(packets: list[tuple[str, str]], warnings: list[str]) -> XmpSummary | None:
    """The first value of each property across the packets; None if there are no packets."""
    if not packets:
        return None
    found: dict[str, str] = {}
    for source, packet in packets:
        if "<!DOCTYPE" in packet or "<!ENTITY" in packet:
            # Real XMP never declares entities; a packet that does could expand without bound.
            warnings.append(f"{source}: XMP declares a DOCTYPE or entities; not parsed")
            continue
        if (tags := packet.count("<")) > MAX_XMP_TAGS:
            warnings.append(
                f"{source}: XMP has {tags:,} tags, more than {MAX_XMP_TAGS:,}; not parsed"
            )
            continue
        try:
            root = ElementTree.fromstring(packet.strip().strip("\x00"))
        except ElementTree.ParseError as error:
            warnings.append(f"{source}: XMP is not well-formed XML ({error})")
            continue
        for description in root.iter(f"{{{_RDF}}}Description"):
            for name, qualified in _PROPERTIES.items():
                if name not in found and (value := _property(description, qualified)):
                    found[name] = value
    return XmpSummary(**found)


def _property(description: ElementTree.Element, qualified: str) -> str | None:
    """An XMP property written as an attribute, a simple element, a resource or an rdf:Alt/Seq."""
    if qualified in description.attrib:
        return description.attrib[qualified].strip()
    element = description.find(qualified)
    if element is None:
        return None
    if resource := element.get(f"{{{_RDF}}}resource"):
        return resource.strip()
    items = [li.text.strip() for li in element.iter(f"{{{_RDF}}}li") if li.text and li.text.strip()]
    if items:
        return "; ".join(items)
    return (element.text or "").strip() or None
