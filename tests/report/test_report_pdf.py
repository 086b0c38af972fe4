"""The English report of a realistic case, read back with pypdf: text, pages, metadata, images."""

from __future__ import annotations

import hashlib
import re
import subprocess

import numpy as np
from PIL import Image
from pypdf import PdfReader

from tests.conftest import run_cli
from tests.report.conftest import CHINESE_NAME, CHINESE_NOTE
from workstation import APP_NAME, __version__
from workstation.analysis import metrics
from workstation.app.sample_case import build_sample_case
from workstation.core.case import Case
from workstation.report import ReportOptions, build_report


def test_cover_names_case_examiner_and_software(built):
    first = built["pages"][0]
    assert "Sample case: lighthouse illustration" in first
    assert "Demo Examiner" in first
    assert f"{APP_NAME} {__version__}" in first
    assert "(UTC" in first and "UTC" in first  # both UTC and local time are given
    assert "states no legal conclusions" in " ".join(first.split())  # wherever the line breaks


def test_every_page_says_page_x_of_n(built):
    pages, count = built["pages"], len(built["reader"].pages)
    assert count == built["result"].pages > 10
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {count}" in text
        assert built["result"].report_id in text
    assert all("Sample case: lighthouse illustration" in text for text in pages[1:])  # header


def test_manifest_lists_every_artifact_sha256(built):
    with Case.open(built["case"]) as case:
        evidence = case.artifacts()[:-1]  # the last is the report itself, stored after it
        entries = {e.seq: e for e in case.audit_entries()}
        (comparison,) = case.records("comparison")
    # 5 images, the comparison's pictures, a generation's 10 steps and its output.
    assert len(evidence) == 5 + len(comparison.linked("figure")) + 11
    text = built["text"].replace("\n", "")
    for artifact in evidence:
        assert artifact.sha256 in text, artifact.original_name
    # The chain head the report covers: the entry before the report's own two (import, record).
    seq, digest = built["result"].anchor.chain_head
    assert entries[seq].hash == digest and digest in text and f"entry #{seq}:" in text
    assert [entries[seq + 1].action, entries[seq + 2].action] == ["import", "report"]


def test_chinese_text_extracts_back(built):
    text = built["text"]
    assert "海边的灯塔" in text  # prompt
    assert CHINESE_NOTE in text.replace("\n", "")
    assert CHINESE_NAME in text
    assert "审查员注释" in text  # a value of a record of unknown kind


def test_sections_and_trajectory(built):
    text = built["text"]
    for expected in (
        "Exhibit 1 — protected_work.png",
        "Comparison 1: Exhibit 2 vs Exhibit 1",
        "Generation 1:",
        "Study 1: img2img strength sweep",
        "Methodology",
        "A. Manifest",
        "B. Model and LoRA files",
        "C. Audit log",
        "Step 1 / 10",
        "Step 10 / 10",
    ):
        assert expected in text, expected
    with Case.open(built["case"]) as case:
        (comparison,) = case.records("comparison")
    flat = " ".join(text.split())
    for reading in comparison.body.report["bands"]:
        assert reading["rule"] in flat, reading["metric"]  # each band rule, as measured
    assert "ab" * 32 in text.replace("\n", "")  # model SHA-256 from the generation record
    # Pictures derived for a record are shown there, not as exhibits.
    assert built["result"].exhibits == 6
    assert "Exhibit 7" not in text


def test_contents_and_outline_point_at_the_right_pages(built):
    reader, pages = built["reader"], built["pages"]
    contents = reader.pages[1].extract_text(extraction_mode="layout")
    top = [item for item in reader.outline if not isinstance(item, list)]
    titles = [item.title for item in top]
    assert titles[:4] == [
        "1 Instructions and scope",
        "2 Materials examined",
        "3 Methodology",
        "4 Comparisons",
    ]
    assert titles[-4:] == ["7 Examiner's findings", "8 Limitations", "9 Declaration", "10 Appendix"]
    for item in top:
        page = reader.get_destination_page_number(item)
        assert item.title in pages[page], item.title
        listed = re.search(rf"^\s*{re.escape(item.title)}[ .]*?(\d+)\s*$", contents, re.M)
        assert listed and int(listed.group(1)) == page + 1, item.title


def test_metadata(built):
    meta, result = built["reader"].metadata, built["result"]
    assert meta.title == "Evidence report: Sample case: lighthouse illustration"
    assert meta.author == "Demo Examiner"
    assert "Evidence report for case" in meta.subject
    assert meta.creation_date is not None
    assert APP_NAME in meta.producer and "ReportLab" in meta.producer
    assert result.report_id in meta["/Keywords"]


def test_images_embedded_once_and_losslessly(built, tmp_path):
    reader = built["reader"]
    xobjects = set()
    for page in reader.pages:
        for ref in (page["/Resources"].get("/XObject") or {}).values():
            if ref.get_object()["/Subtype"] == "/Image":
                xobjects.add(ref.idnum)
    with Case.open(built["case"]) as case:
        stored = {}
        for artifact in case.artifacts():
            if artifact.role == "report":
                continue  # the report itself, stored after it was built
            with Image.open(case.object_path(artifact.sha256)) as image:
                stored[np.asarray(image.convert("RGB")).tobytes()] = artifact.original_name
    # Each stored image once (protected_work.png alone is drawn five times), plus one plot and
    # the difference scale's colour bar (drawn under both difference maps, embedded once).
    assert len(xobjects) == len(stored) + 2
    # poppler decodes every drawn image to exactly the stored pixels.
    subprocess.run(
        ["pdfimages", "-png", str(built["result"].export), str(tmp_path / "x")],
        check=True,
        timeout=120,
    )
    embedded = set()
    for path in tmp_path.glob("x-*.png"):
        with Image.open(path) as image:
            pixels = np.asarray(image.convert("RGB")).tobytes()
        embedded.add(stored.get(pixels))
    assert embedded - {None} == set(stored.values())


def test_report_is_stored_recorded_and_hashed(built):
    result = built["result"]
    digest = hashlib.sha256(result.export.read_bytes()).hexdigest()
    assert result.sha256 == digest == hashlib.sha256(result.path.read_bytes()).hexdigest()
    assert result.sha256_path.read_text() == f"{digest}  REPORT.pdf\n"
    with Case.open(built["case"]) as case:
        record = case.records("report")[-1]
        entry = case.audit_entries()[-1]
        report = case.verify(log=False)
        (link,) = record.links
        stored = case.artifact(link.artifact_id)
    assert record.id == result.record_id
    assert record.body.sha256 == digest and record.body.pages == result.pages
    assert [e["exhibit"] for e in record.body.exhibits] == list(range(1, 7))
    assert (link.role, stored.role, stored.sha256) == ("document", "report", digest)
    assert entry.action == "report" and entry.details["record_id"] == record.id
    assert report.ok, report.problems  # building and storing the report changed no artifact


def test_second_report_lists_the_first(built, tmp_path):
    with Case.open(built["case"]) as case:
        again = build_report(case, ReportOptions(out=tmp_path / "again.pdf", title="Second"))
    text = "\n".join(page.extract_text() for page in PdfReader(again.path).pages)
    assert "D. Reports issued earlier from this case" in text
    assert built["result"].report_id in text


def test_a_comparison_stored_by_workstation_compare(tmp_path, samples):
    """The record `workstation compare --case` writes, rendered (the real payload, not a copy)."""
    build_sample_case(tmp_path / "case").close()
    run_cli(
        "compare",
        samples / "disputed_image.png",
        samples / "protected_work.png",
        "--case",
        tmp_path / "case",
        check=True,
    )
    with Case.open(tmp_path / "case") as case:
        result = build_report(case, ReportOptions(out=tmp_path / "r.pdf"))
    text = "\n".join(page.extract_text() for page in PdfReader(result.path).pages)
    assert result.exhibits == 4  # the difference maps and keypoint picture are not exhibits
    assert "Comparison 1: Exhibit 2 vs Exhibit 1" in text
    for expected in (
        "pHash Hamming distance",
        "SSIM",
        "Sources of the thresholds",
        "Difference map —",
        "Keypoint matches",
        "not a legal conclusion",
    ):
        assert expected in text, expected
    # Every reading of the record and every picture it stored, by the metric registry's words.
    with Case.open(tmp_path / "case") as case:
        (record,) = case.records("comparison")
    flat = " ".join(text.split())
    for reading in record.payload["report"]["bands"]:
        assert reading["label"] in flat, reading["metric"]
    for metric in metrics.METRICS:
        if metric.picture and metric.picture.name in {link.label for link in record.links}:
            assert " ".join(metric.picture.words["en"].title.split()[:3]) in flat, metric.name
