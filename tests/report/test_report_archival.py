"""The report as an archival file: every font embedded, PDF/A-3b as pikepdf's validator and our
own structure checks see it, document metadata that agrees with the anchor, attachments as
associated files; and the layout: values that do not break inside, headings kept with what
follows them.

veraPDF (the reference validator) cannot be installed on this offline machine; pikepdf's
allow-list validator (pikepdf.pdfa, built from veraPDF's rules) is the independent check here.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from pikepdf.pdfa import validate_written
from PIL import Image, ImageCms
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Paragraph
from reportlab.platypus.doctemplate import ActionFlowable
from reportlab.platypus.flowables import NullDraw

from tests.report.conftest import render
from workstation.core.case import Case
from workstation.report import ReportOptions, build_report, fonts, layout
from workstation.report.anchor import ANCHOR_FILE, read_anchor

DATE = r"\d{4}-\d\d-\d\d"


def _recorded_build(case_dir: Path, folder: Path, lang: str, style: str) -> dict:
    """A report of a copy of the case, with the flowables each page received (last pass)."""
    copy = folder / "case"
    shutil.copytree(case_dir, copy)
    placed: list[tuple[int, int, object]] = []
    after = layout.ReportDocument.afterFlowable

    def record(document, flowable):
        placed.append((id(document), document.page, flowable))
        return after(document, flowable)

    options = ReportOptions(out=folder / f"{lang}-{style}.pdf", lang=lang, style=style)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(layout.ReportDocument, "afterFlowable", record)
        with Case.open(copy) as case:
            result = build_report(case, options)
    last_pass = placed[-1][0]
    return {
        "case": copy,
        "result": result,
        "lang": lang,
        "placed": [(page, f) for document, page, f in placed if document == last_pass],
    }


@pytest.fixture(scope="module")
def zh_report(rich_case_dir: Path, tmp_path_factory) -> dict:
    """The Chinese expert report of the rich case."""
    return _recorded_build(rich_case_dir, tmp_path_factory.mktemp("archival-zh"), "zh", "expert")


@pytest.fixture(scope="module")
def appraisal_report(rich_case_dir: Path, tmp_path_factory) -> dict:
    """The English appraisal-style report of the rich case."""
    folder = tmp_path_factory.mktemp("archival-appraisal")
    return _recorded_build(rich_case_dir, folder, "en", "appraisal")


@pytest.fixture(params=["en", "zh", "appraisal"])
def report(request, built, zh_report, appraisal_report) -> dict:
    chosen = {"en": {**built, "lang": "en"}, "zh": zh_report, "appraisal": appraisal_report}
    return chosen[request.param]


def _layout_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


# 1. Fonts


def test_every_font_is_embedded(report):
    listing = subprocess.run(
        ["pdffonts", str(report["result"].path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    rows = [line.split() for line in listing]
    assert rows and all(row[-5] == "yes" for row in rows), listing  # the "emb" column
    names = {row[0].split("+")[-1] for row in rows}
    assert {fonts.BASE, fonts.BOLD, fonts.MONO} <= names
    assert not any(name.startswith(("Helvetica", "Courier", "Times")) for name in names)
    loaded = fonts.load_fonts()
    if report["lang"] == "zh" and loaded.has_cjk:
        face = pdfmetrics.getFont(loaded.cjk_name).face.name.decode()
        assert any(name.startswith(face) for name in names), names


def test_embedded_subsets_have_the_widths_the_pdf_states():
    """reportlab 5.1 keeps a monospaced font's shared advance width in the wrong units; the
    subset of DejaVu Sans Mono would draw each glyph half as wide as the PDF says."""
    fonts.load_fonts()
    face = pdfmetrics.getFont(fonts.MONO).face
    advances = [advance for advance, _ in face.hmetrics]
    assert all(isinstance(advance, int) for advance in advances)
    assert max(advances) == 1233  # font units, 2048 an em (602.05 in the PDF's 1000)


# 2. PDF/A-3b


def test_pikepdf_validator_approves_pdfa_3b(report):
    verdict = validate_written(report["result"].path, "3b")
    assert verdict.passed, [str(finding) for finding in verdict.findings]
    assert report["result"].warnings == ()


def test_structure_metadata_and_attachments(report):
    result = report["result"]
    with pikepdf.open(result.path) as pdf:
        assert not pdf.is_encrypted
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True  # viewers show the title
        assert len(pdf.trailer.ID) == 2 and all(len(bytes(i)) == 16 for i in pdf.trailer.ID)
        # XMP: uncompressed, PDF/A-3 level B, the same title, author and dates as the Info
        assert "/Filter" not in pdf.Root.Metadata
        info = pdf.docinfo
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
            assert xmp["pdfaid:part"] == "3" and xmp["pdfaid:conformance"] == "B"
            assert xmp["dc:title"] == str(info.Title)
            assert xmp["dc:creator"] == [str(info.Author)]
            assert xmp["pdf:Producer"] == str(info.Producer)
            assert xmp["dc:identifier"] == result.report_id == str(info.WorkstationReportId)
            relations = set(xmp["dc:relation"])
            created = xmp["xmp:CreateDate"]
        assert relations == {
            f"case-id: {result.anchor.case_id}",
            f"chain-head: {result.anchor.head_text}",
        }
        stamp = re.sub(r"\D", "", created)[:14]
        assert str(info.CreationDate).startswith(f"D:{stamp}")
        # the output intent: sRGB, an ICC profile that LittleCMS reads as RGB
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == pikepdf.Name.GTS_PDFA1
        profile = intent.DestOutputProfile
        assert profile.N == 3
        icc = ImageCms.ImageCmsProfile(io.BytesIO(profile.read_bytes()))
        assert icc.profile.xcolor_space.strip() == "RGB"
        # every attachment is an associated file with its relationship and MIME type
        specs = {str(spec.UF): spec for spec in pdf.Root.AF}
        assert set(specs) == set(pdf.attachments) and ANCHOR_FILE in specs
        for name, spec in specs.items():
            expected = "/Supplement" if name == ANCHOR_FILE else "/Data"
            assert spec.AFRelationship == pikepdf.Name(expected), name
            stream = spec.EF.F
            assert stream.Subtype == pikepdf.Name("/application/json"), name
            assert stream.Params.Size == len(stream.read_bytes())
        for page in pdf.pages:
            for annotation in page.get("/Annots") or []:
                assert annotation.F == 4  # printable, not hidden
    anchor = read_anchor(result.path)  # report-verify still reads it after the rewrite
    assert (anchor.report_id, anchor.chain_head) == (result.report_id, result.anchor.chain_head)


def test_images_with_transparency_keep_their_soft_mask(tmp_path):
    """PDF/A-2 and -3 allow transparency: an RGBA or grey-and-alpha PNG keeps its alpha as a soft
    mask, a palette PNG its transparent colour, and the file passes."""
    rng = np.random.default_rng(6)
    rgb = rng.integers(0, 256, (30, 40, 3), dtype=np.uint8)
    alpha = rng.integers(0, 256, (30, 40), dtype=np.uint8)
    Image.fromarray(np.dstack([rgb, alpha])).save(tmp_path / "rgba.png")
    Image.fromarray(np.dstack([rgb[..., 0], alpha])).save(tmp_path / "la.png")
    Image.fromarray(rgb).convert("P").save(tmp_path / "palette.png", transparency=0)
    with Case.create(tmp_path / "case", title="Alpha", examiner="E") as case:
        case.import_files(sorted(tmp_path.glob("*.png")), "reference")
        result = build_report(case, ReportOptions(out=tmp_path / "alpha.pdf"))
    assert result.warnings == ()
    assert validate_written(result.path, "3b").passed
    listing = subprocess.run(
        ["pdfimages", "-list", str(result.path)], capture_output=True, text=True, check=True
    ).stdout
    assert listing.count(" smask ") == 3


def test_a_file_pdfa_cannot_hold_is_written_without_the_claim(tmp_path):
    """A CMYK JPEG is embedded as its own data, in DeviceCMYK, which an sRGB output intent does
    not cover: the report is written, says it is not PDF/A, and does not claim to be."""
    rgb = np.random.default_rng(5).integers(0, 256, (40, 60, 3), dtype=np.uint8)
    Image.fromarray(rgb).convert("CMYK").save(tmp_path / "print.jpg")
    with Case.create(tmp_path / "case", title="CMYK", examiner="E") as case:
        case.import_file(tmp_path / "print.jpg", "reference")
        result = build_report(case, ReportOptions(out=tmp_path / "cmyk.pdf"))
    (warning,) = [w for w in result.warnings if "PDF/A" in w]
    assert warning.startswith("the report is not PDF/A-3b: ") and "\n" not in warning
    assert not validate_written(result.path, "3b").passed
    with pikepdf.open(result.path) as pdf, pdf.open_metadata(update_docinfo=False) as xmp:
        assert "pdfaid:part" not in xmp
        assert xmp["dc:identifier"] == result.report_id
    assert read_anchor(result.path).report_id == result.report_id


# 3. Layout


def _lines(markup: str, style, width: float) -> list[str]:
    paragraph = Paragraph(markup, style)
    paragraph.wrap(width, 10_000)
    lines = []
    for line in paragraph.blPara.lines:
        if hasattr(line, "words"):  # the CJK line breaker's lines
            lines.append("".join(getattr(word, "text", "") for word in line.words))
        else:
            lines.append(" ".join(line[1]) if isinstance(line, tuple) else str(line))
    return lines


@pytest.mark.parametrize("cjk", [False, True])
@pytest.mark.parametrize(
    "value",
    ["2026-11-30 10:29:55 UTC", "2026-11-30T10:29:55.123456Z", "122,577 bytes", "512 × 512 px"],
)
def test_a_value_is_never_split_across_lines(cjk, value):
    loaded = fonts.load_fonts()
    styles = layout.make_styles(cjk_wrap=cjk)
    filler = "报告" if cjk and loaded.has_cjk else "word "
    for length in range(1, 60):
        text = filler * length + " " + value + " " + filler * 10
        lines = _lines(loaded.markup(text), styles.body, layout.FRAME_WIDTH)
        joined = [line.replace(fonts.NO_BREAK_SPACE, " ") for line in lines]
        assert any(value in line for line in joined), (length, joined)


def test_no_timestamp_size_or_hash_breaks_in_the_report(report):
    text = _layout_text(report["result"].path)
    lines = [line.strip() for line in text.splitlines()]
    for line, following in zip(lines, lines[1:], strict=False):
        broken = (
            re.search(rf"{DATE}[ T](?!\d\d:\d\d)\d", line),  # a time cut short
            re.search(rf"{DATE}$", line) and re.match(r"\d\d:\d\d", following),
            re.search(r"\d\d:\d\d(:\d\d)?$", line) and following.startswith("UTC"),
            re.search(r"\d$", line) and re.match(r"(bytes|px)\b", following),
        )
        assert not any(broken), (line, following)
    with Case.open(report["case"], readonly=True) as case:
        hashes = [a.sha256 for a in case.artifacts() if a.role != "report"]
    assert hashes and all(sha in text for sha in hashes)  # each on one line, whole


@pytest.mark.parametrize("which", ["zh_report", "appraisal_report"])
def test_headings_keep_with_what_follows(which, request):
    placed = request.getfixturevalue(which)["placed"]
    # what a reader sees: not spacers, page breaks or template switches
    invisible = (ActionFlowable, NullDraw, layout.PageMark)
    content = [(page, f) for page, f in placed if not isinstance(f, invisible)]
    headings = 0
    for (page, flowable), (next_page, _) in zip(content, content[1:], strict=False):
        style = getattr(flowable, "style", None)
        if isinstance(flowable, layout.Heading) or getattr(style, "keepWithNext", 0):
            headings += 1
            assert next_page == page, f"{flowable.getPlainText()!r} ends page {page}"
    assert headings > 10


def test_no_text_leaves_the_frame(report, tmp_path):
    """Rendered pages: nothing is drawn in the left and right margins (a word or hash too long
    for its cell, a table wider than the frame)."""
    dpi = 40
    margin = int((layout.MARGIN_X - 2 * mm) / 72 * dpi)  # a little inside the margin line
    for number, png in enumerate(render(report["result"].path, tmp_path, dpi), start=1):
        with Image.open(png) as image:
            grey = np.asarray(image.convert("L"))
        outside = np.concatenate([grey[:, :margin], grey[:, -margin:]], axis=1)
        assert (outside < 200).sum() == 0, f"page {number}: ink in the margins"
