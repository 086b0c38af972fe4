"""Numbers, not dumps: each record kind as tables a reader can follow; the full machine record in
one JSON file attached to the PDF, listed with its SHA-256; the framing rules, the difference
map's colour scale and the trajectory's step numbers and timesteps on the page."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil

import pytest
from pypdf import PdfReader

from tests.report.conftest import render
from workstation.analysis import framing, metrics
from workstation.core.canonical import canonical_json
from workstation.core.case import Case
from workstation.core.records import Comparison
from workstation.report import ReportOptions, build_report
from workstation.report.anchor import ANCHOR_FILE
from workstation.report.records import RECORDS_FILE, RECORDS_SCHEMA

# A dump line names a nested value by its dotted path: "keypoints.homography_b_to_a[0]".
INDEXED = re.compile(r"[A-Za-z_]+\[\d+\]")


def _dotted(value, prefix: str = ""):
    """Every nested key path of a payload ("keypoints.parameters.ratio")."""
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if prefix:
                yield path
            yield from _dotted(item, path)


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def zh_report(rich_case_dir, tmp_path_factory) -> dict:
    copy = tmp_path_factory.mktemp("tables-zh") / "case"
    shutil.copytree(rich_case_dir, copy)
    out = copy.parent / "REPORT-zh.pdf"
    with Case.open(copy) as case:
        build_report(case, ReportOptions(out=out, lang="zh"))
    reader = PdfReader(out)
    return {
        "path": out,
        "reader": reader,
        "text": "\n".join(p.extract_text() for p in reader.pages),
    }


def test_no_page_dumps_dotted_keys(built, zh_report):
    with Case.open(built["case"]) as case:
        full = {path for record in case.records() for path in _dotted(record.payload)}
    # and every tail of two keys or more: the old dump began below the payload's top
    paths = {".".join(p.split(".")[i:]) for p in full for i in range(p.count("."))}
    assert "keypoints.homography_b_to_a" in paths  # what the old dump printed
    for text in (_flat(built["text"]), _flat(zh_report["text"])):
        assert not INDEXED.search(text), INDEXED.search(text)
        shown = [path for path in paths if path in text]
        assert not shown, shown[:5]
        for key in ("timings_ms", "homography_b_to_a", "versions.", "keypoints."):
            assert key not in text


def test_a_comparison_reads_as_tables(built):
    text = _flat(built["text"])
    for heading in (
        "Measurement details",
        "Common frame After registration",
        "Homography B → A (3 × 3)",
        "Settings and software",
        "How the two images were framed",
    ):
        assert heading in text
    assert "Lowe ratio test 0.75" in text and "ms in all" in text
    # Each framing rule of the metrics measured, from the code's one definition.
    assert _flat(framing.COMMON_FRAME.rule()) in text
    assert _flat(metrics.get("phash").framing.rule()) in text


def test_the_full_record_is_attached_and_listed_with_its_hash(built):
    reader, text = built["reader"], _flat(built["text"])
    attached = reader.attachments
    assert set(attached) >= {RECORDS_FILE, ANCHOR_FILE}
    (data,) = attached[RECORDS_FILE]
    for name in (RECORDS_FILE, ANCHOR_FILE):
        assert hashlib.sha256(attached[name][0]).hexdigest() in text, f"{name}'s SHA-256"
    machine = json.loads(data.decode("utf-8"))
    assert data.decode("utf-8") == canonical_json(machine)  # canonical JSON, as the case hashes
    assert machine["schema"] == RECORDS_SCHEMA
    assert machine["report_id"] == built["result"].report_id
    with Case.open(built["case"]) as case:
        stored = {r.id: r for r in case.records()}
    kinds = set()
    for entry in machine["records"]:
        record = stored[entry["id"]]
        assert entry["payload"] == record.payload and entry["kind"] == record.kind
        assert (
            hashlib.sha256(canonical_json(entry["payload"]).encode()).hexdigest()
            == (entry["payload_sha256"])
        )
        assert entry["payload_sha256"] == record.payload_sha256
        kinds.add(entry["kind"])
    assert {"comparison", "generation", "study", "finding"} <= kinds
    # Every record the report shows is in the file.
    shown = {r.id for r in stored.values() if r.kind in ("comparison", "generation", "study")}
    assert shown <= {entry["id"] for entry in machine["records"]}


def test_bands_print_no_placeholder_threshold(built, zh_report):
    for text in (built["text"], zh_report["text"]):
        assert not re.search(r"[≤≥] ?-\d", text)
    assert "any other measured value similar (no threshold)" in _flat(built["text"])


def test_an_old_placeholder_rule_is_shown_as_the_rule_reads_now(small_case, tmp_path):
    old = "near-duplicate ≥ 0.775; similar ≥ -1; otherwise different"
    reading = metrics.get("registered_ssim").reading(0.5).to_dict() | {"rule": old}
    with Case.open(small_case) as case:
        case.add_record(Comparison(report={"bands": [reading]}))
        result = build_report(case, ReportOptions(out=tmp_path / "old.pdf"))
    text = _flat("\n".join(p.extract_text() for p in PdfReader(result.path).pages))
    assert "≥ -1" not in text
    assert _flat(metrics.get("registered_ssim").rule()) in text


def test_the_difference_map_has_its_colour_scale(built, zh_report):
    assert "Colour scale: per pixel, the largest difference of R, G, B" in _flat(built["text"])
    assert "色标" in zh_report["text"]


def test_the_trajectory_numbers_each_step_with_its_timestep(built, zh_report):
    text = _flat(built["text"])
    # The rich case's generation ran 10 steps at timesteps 901, 801, … 1.
    for n, t in ((1, 901), (5, 501), (10, 1)):
        assert f"Step {n} / 10 · t = {t}" in text
    assert "Figure: denoising trajectory, 10 kept steps of 10" in text
    assert "第 5 / 10 步 t = 501" in _flat(zh_report["text"])


def test_the_table_pages_render(built, tmp_path):
    """The pages with the new tables render, and the attached file survives a re-read."""
    pages = render(built["result"].path, tmp_path / "png", resolution=20)
    assert len(pages) == len(built["pages"])
    reread = PdfReader(io.BytesIO(built["result"].path.read_bytes()))
    assert RECORDS_FILE in reread.attachments
