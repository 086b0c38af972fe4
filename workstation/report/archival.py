"""The report as an archival file: PDF/A-3b, written once the PDF is otherwise complete.

PDF/A-3 rather than PDF/A-2: the report carries attached files (its anchor, the machine record),
and PDF/A-2 allows only PDF/A files as attachments; PDF/A-3 allows any file, declared as an
"associated file" with its relationship to the document. Level B (the visual appearance) is what
reportlab can give: it writes no structure tree, so the file is not tagged (level A/U, and
PDF/UA, would need one).

`make_archival` rewrites the file reportlab wrote and the anchor extended (pikepdf, one full
save): every attachment becomes an associated file, an sRGB output intent is added, the document
information and an XMP packet say the same things (title, examiner, case, report ID, chain head,
dates, PDF/A-3 level B), and link annotations are marked printable. pikepdf's PDF/A validator
then checks the bytes it writes; a file it does not approve is written without the PDF/A claim,
and the reason is returned as a warning.
"""

from __future__ import annotations

import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from xml.sax.saxutils import escape

import pikepdf
from pikepdf import Array, Dictionary, Name, String
from PIL import ImageCms

from workstation.report.anchor import ANCHOR_FILE, INFO_KEYS

FLAVOUR = "3b"
# How each attached file relates to the document (PDF/A-3's /AFRelationship): the anchor repeats
# what the pages print in machine-readable form; any other attachment is the data the tables
# were drawn from.
RELATIONSHIPS = {ANCHOR_FILE: "Supplement"}
DEFAULT_RELATIONSHIP = "Data"
MIME_TYPES = {".json": "application/json", ".csv": "text/csv", ".png": "image/png"}
OUTPUT_CONDITION = "sRGB IEC61966-2.1"


def make_archival(pdf: Path, created: datetime) -> list[str]:
    """Rewrite `pdf` in place as PDF/A-3b; the warnings say why it is not, when it is not."""
    pdf = Path(pdf)
    handle, name = tempfile.mkstemp(prefix=f".{pdf.name}.", suffix=".pdfa", dir=pdf.parent)
    os.close(handle)
    temporary = Path(name)
    warnings: list[str] = []
    try:
        with pikepdf.open(pdf) as doc:
            # 1. What reportlab writes that PDF/A does not need: empty page transitions.
            for page in doc.pages:
                if "/Trans" in page.obj and not page.obj.Trans.keys():
                    del page.obj.Trans
            _print_annotations(doc)
            doc.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)  # title, not file name
            # 2. Attachments become associated files; colours get their output intent.
            _associate_files(doc, created)
            _add_output_intent(doc)
            # 3. Document information and XMP, in agreement; then write and validate.
            _describe(doc, created, declare=True)
            warnings += _save(doc, temporary, created)
        os.replace(temporary, pdf)
    finally:
        temporary.unlink(missing_ok=True)
    return warnings


def _save(doc: pikepdf.Pdf, target: Path, created: datetime) -> list[str]:
    """Write and validate (pikepdf.pdfa: 0.15 s to import, so only when a report is written)."""
    from pikepdf.pdfa import PdfaError, save

    try:
        save(doc, target, FLAVOUR, repair=False)
        return []
    except PdfaError as error:
        findings = [f for f in error.report.findings if f.kind != "unsupported"]
        findings = findings or list(error.report.findings)
        _describe(doc, created, declare=False)  # no claim the file does not meet
        doc.save(target)
        first = findings[0] if findings else None
        reason = f"{first.message} ({first.rule})" if first else "no reason given"
        more = f", and {len(findings) - 1} more finding(s)" if len(findings) > 1 else ""
        return [f"the report is not PDF/A-3b: {reason}{more}"]


# 1. Structure


def _print_annotations(doc: pikepdf.Pdf) -> None:
    """PDF/A: every annotation is printed (the contents' links are reportlab's only ones)."""
    for page in doc.pages:
        for annotation in page.obj.get("/Annots") or []:
            if annotation.get("/Subtype") != Name.Popup:
                annotation.F = 4  # Print; not Hidden, Invisible or NoView


def _associate_files(doc: pikepdf.Pdf, created: datetime) -> None:
    """Each attachment: its MIME type, size, date, Unicode name and relationship, listed in the
    catalog's /AF array (PDF/A-3's associated files)."""
    associated = Array()
    for name, attached in doc.attachments.items():
        spec = attached.obj
        stream = spec.EF.F
        stream.Subtype = Name(
            "/" + MIME_TYPES.get(Path(name).suffix.lower(), "application/octet-stream")
        )
        params = stream.get("/Params") or Dictionary()
        params.Size = len(stream.read_bytes())
        params.ModDate = String(_pdf_date(created))
        stream.Params = params
        spec.F = String(name)
        spec.UF = String(name)
        spec.AFRelationship = Name("/" + RELATIONSHIPS.get(name, DEFAULT_RELATIONSHIP))
        associated.append(spec)
    if len(associated):
        doc.Root.AF = associated


def _add_output_intent(doc: pikepdf.Pdf) -> None:
    """An sRGB output intent (the profile made by Pillow's LittleCMS): the colours of the
    report's images and drawings are sRGB."""
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    stream = doc.make_stream(profile)
    stream.N = 3
    intent = Dictionary(
        Type=Name.OutputIntent,
        S=Name.GTS_PDFA1,
        OutputConditionIdentifier=String(OUTPUT_CONDITION),
        RegistryName=String("http://www.color.org"),
        Info=String(OUTPUT_CONDITION),
        DestOutputProfile=stream,
    )
    doc.Root.OutputIntents = Array([doc.make_indirect(intent)])


# 2. Metadata


def _describe(doc: pikepdf.Pdf, created: datetime, declare: bool) -> None:
    """Set the document information's dates and write the XMP packet from it."""
    info = doc.docinfo
    info.CreationDate = info.ModDate = String(_pdf_date(created))
    if "/Trapped" in info:
        del info.Trapped  # PDF/A-2 and -3 would need it mirrored in XMP; it says nothing here
    packet = _xmp(
        {key: str(value) for key, value in info.items()}, doc.Root.get("/Lang"), created, declare
    )
    stream = doc.make_stream(packet)
    stream.Type, stream.Subtype = Name.Metadata, Name.XML
    doc.Root.Metadata = stream


def _xmp(info: dict[str, str], lang: object, created: datetime, declare: bool) -> bytes:
    """The XMP packet: Dublin Core, XMP, PDF and PDF/A identification properties only (PDF/A
    allows other schemas only with an extension schema description)."""
    date = created.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    relations = [
        f"{label}: {info[key]}"
        for label, key in (
            ("case-id", INFO_KEYS["case_id"]),
            ("chain-head", INFO_KEYS["chain_head"]),
        )
        if key in info
    ]

    def alt(value: str) -> str:
        return f'<rdf:Alt><rdf:li xml:lang="x-default">{escape(value)}</rdf:li></rdf:Alt>'

    def items(kind: str, values: list[str]) -> str:
        return (
            f"<rdf:{kind}>"
            + "".join(f"<rdf:li>{escape(v)}</rdf:li>" for v in values)
            + f"</rdf:{kind}>"
        )

    properties = [
        "<dc:format>application/pdf</dc:format>",
        f"<dc:title>{alt(info.get('/Title', ''))}</dc:title>",
        f"<xmp:CreateDate>{date}</xmp:CreateDate>",
        f"<xmp:ModifyDate>{date}</xmp:ModifyDate>",
        f"<xmp:MetadataDate>{date}</xmp:MetadataDate>",
    ]
    if lang is not None:
        properties.append(f"<dc:language>{items('Bag', [str(lang)])}</dc:language>")
    if "/Author" in info:
        properties.append(f"<dc:creator>{items('Seq', [info['/Author']])}</dc:creator>")
    if "/Subject" in info:
        properties.append(f"<dc:description>{alt(info['/Subject'])}</dc:description>")
    if INFO_KEYS["report_id"] in info:
        properties.append(f"<dc:identifier>{escape(info[INFO_KEYS['report_id']])}</dc:identifier>")
    if relations:
        properties.append(f"<dc:relation>{items('Bag', relations)}</dc:relation>")
    for key, element in (
        ("/Creator", "xmp:CreatorTool"),
        ("/Producer", "pdf:Producer"),
        ("/Keywords", "pdf:Keywords"),
    ):
        if key in info:
            properties.append(f"<{element}>{escape(info[key])}</{element}>")
    if declare:
        properties += ["<pdfaid:part>3</pdfaid:part>", "<pdfaid:conformance>B</pdfaid:conformance>"]
    body = "\n    ".join(properties)
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '  <rdf:Description rdf:about=""\n'
        '    xmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        '    xmlns:xmp="http://ns.adobe.com/xap/1.0/"\n'
        '    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"\n'
        '    xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">\n'
        f"    {body}\n"
        "  </rdf:Description>\n"
        " </rdf:RDF>\n"
        "</x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    ).encode()


def _pdf_date(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("D:%Y%m%d%H%M%S+00'00'")
