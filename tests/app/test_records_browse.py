"""The Records browser's rows (app/records_browse.py) and a stored comparison read back
(app/pair.py `stored_report`, `Pair.restore`), on a case holding a record of every kind.

`build_every_kind_case` is also the case of tests/gui/test_records_panel.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.report.conftest import build_rich_case, generation
from workstation.app.case import AmendRequest, amend
from workstation.app.case_writer import CaseWriter
from workstation.app.pair import Pair, stored_report
from workstation.app.records_browse import KINDS, filtered, newest, record_rows
from workstation.app.session import Session
from workstation.core.case import Case
from workstation.core.records import CorpusSearch, Exam, Lab, Link, Report, Reproduction

WITHDRAWN_REASON = "superseded by the later examination"


def build_every_kind_case(root: Path, scratch: Path) -> Case:
    """The report tests' case (the samples, a Chinese exhibit, a comparison of the disputed
    image with the protected work written by `compare --case`, a generation with ten steps, a
    study, a finding) plus a lab, a reproduction, two examinations (one withdrawn by an
    amendment) and a report record, typed and linked as their writers link them."""
    case = build_rich_case(root, scratch)
    (comparison,) = case.records("comparison")
    grid = case.import_file(_png(scratch / "grid.png", 40), "other", "lab grid")
    case.add_record(
        Lab(
            title="over-fitting lab: training-set size",
            description="",
            parameter="images",
            points=[{"images": 1, "near_copies": 1.0}, {"images": 8, "near_copies": 0.0}],
            near_copy_rule="SSIM ≥ 0.9",
            settings={},
            noise_offset_used=0.0,
            data={},
            base_model={"path": "/models/tiny"},
            calibration=None,
            clip_model=None,
            seconds=1.5,
        ),
        [Link("figure", "grid n=1", artifact_id=grid.id)],
    )
    case.add_record(
        Reproduction(
            **{
                key: value
                for key, value in generation().to_payload().items()
                if key not in ("schema", "study_key")
            },
            schema="workstation.reproduction/1",
            title="reproduction of disputed_image.png",
            disputed={"sha256": case.artifact(2).sha256},
            source="a1111",
            generator="AUTOMATIC1111",
            models_dir="/models",
            models_scanned=3,
            matches=[],
            missing=0,
            notes=[],
            exact_match=False,
            pixels={},
            comparison=comparison.payload["report"],
        ),
        [
            Link("input", "disputed", artifact_id=2),
            # The bytes its stored comparison measured as B (the protected work, here).
            Link("output", "regenerated", artifact_id=1),
            *(
                Link("figure", k.label, artifact_id=k.artifact_id)
                for k in comparison.linked("figure")
            ),
        ],
    )
    exams = [
        case.add_record(
            Exam(
                method=method,
                model={"path": "/models/sd15.safetensors", "sha256": "ab" * 32},
                loras=[{"path": "/models/style.safetensors", "sha256": "cd" * 32, "scale": 1}],
                inputs={},
                settings={},
                results={},
            ),
            [Link("input", "work 1", artifact_id=1)],
        )
        for method in ("membership", "set")
    ]
    report_pdf = scratch / "report.pdf"
    report_pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    document = case.import_file(report_pdf, "report", "report RPT-1")
    case.add_record(
        Report(
            report_id="RPT-1",
            title="Evidence report: lighthouse",
            lang="en",
            sha256=document.sha256,
            size=document.size,
            pages=12,
            created="2026-11-30T10:00:00Z",
            exhibits=[],
            records=[],
            chain_head={},
            verified=True,
            unverified=[],
            cjk_font=None,
            software={},
        ),
        [Link("document", "pdf", artifact_id=document.id)],
    )
    index_file = scratch / "works.npz"
    index_file.write_bytes(b"PK\x03\x04 a corpus index (not searched here)")
    stored_index = case.import_file(index_file, "other", "corpus index searched")
    case.add_record(
        CorpusSearch(
            index={"name": "works.npz", "sha256": stored_index.sha256, "entries": 6},
            query={"sha256": case.artifact(2).sha256},
            k=1,
            search={"kind": "flat", "engine": "numpy"},
            results={"phash": [{"rank": 1, "path": "a.png", "sha256": "ef" * 32, "distance": 4}]},
        ),
        [
            Link("reference", "index", artifact_id=stored_index.id),
            Link("input", "query", artifact_id=2),
        ],
    )
    amend(AmendRequest(withdraw=exams[0], reason=WITHDRAWN_REASON), CaseWriter(case.root))
    return case


def _png(path: Path, level: int) -> Path:
    Image.new("RGB", (32, 32), (level, level, 255 - level)).save(path)
    return path


@pytest.fixture(scope="module")
def every_kind_case(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("browse") / "case"
    build_every_kind_case(root, tmp_path_factory.mktemp("browse-inputs")).close()
    return root


@pytest.fixture
def case(every_kind_case: Path) -> Case:
    with Case.open(every_kind_case, readonly=True) as case:
        yield case


def test_every_kind_is_listed_with_a_title_built_from_the_record(case: Case) -> None:
    rows = record_rows(case)
    assert [row.record_id for row in rows] == [r.id for r in case.records()]
    assert {row.kind for row in rows} == set(KINDS)
    by_kind = {row.kind: row for row in rows}  # the newest of each kind
    comparison = by_kind["comparison"]
    assert comparison.title == "#2 disputed_image.png ↔ #1 protected_work.png"
    (record,) = case.records("comparison")
    assert comparison.inputs == (2, 1)
    assert comparison.outputs == tuple(k.artifact_id for k in record.linked("figure"))
    assert by_kind["generation"].title.startswith("seed 1234, 20 steps — 海边的灯塔")
    assert len(by_kind["generation"].steps) == 10
    assert by_kind["study"].title == "img2img strength sweep"
    assert by_kind["lab"].title == "over-fitting lab: training-set size"
    assert by_kind["reproduction"].title == "reproduction of disputed_image.png"
    assert by_kind["exam"].title == "set test: sd15.safetensors + style.safetensors"
    assert by_kind["report"].title == "Evidence report: lighthouse"
    assert by_kind["corpus_search"].title == "#2 disputed_image.png in works.npz (6 works, flat)"
    assert by_kind["finding"].title.startswith("审查员注释")
    assert by_kind["amendment"].title.startswith("withdraws #")
    provenance = [row.title for row in rows if row.kind == "provenance"]
    assert "no generator named: #1 protected_work.png" in provenance
    assert comparison.actor == "Demo Examiner" and comparison.time.count(":") == 1
    # Chinese titles: the same numbers and names, the words in Chinese.
    zh = {row.kind: row for row in record_rows(case, "zh")}
    assert zh["generation"].title.startswith("种子 1234，20 步")
    assert zh["exam"].title.startswith("集合检验")
    assert zh["corpus_search"].title == "#2 disputed_image.png 检索 works.npz（6 件作品，flat）"
    # What the software wrote (a study's title) in Chinese too, by the report's catalogue.
    assert zh["study"].title == "图生图重绘强度扫描"


def test_a_withdrawn_record_says_so_and_why(case: Case) -> None:
    rows = record_rows(case)
    (withdrawn,) = [row for row in rows if row.withdrawn]
    assert withdrawn.kind == "exam" and withdrawn.withdrawal == WITHDRAWN_REASON
    assert withdrawn not in filtered(rows, withdrawn=False)
    assert newest(rows, "exam").record_id != withdrawn.record_id
    (amendment,) = filtered(rows, "amendment")
    assert amendment.records == (withdrawn.record_id,)
    assert amendment.title == f"withdraws #{withdrawn.record_id}: {WITHDRAWN_REASON}"


def test_rows_filter_by_kind_and_by_text(case: Case) -> None:
    rows = record_rows(case)
    assert {row.kind for row in filtered(rows, "generation")} == {"generation"}
    # A file name finds every record that links the file.
    named = {row.kind for row in filtered(rows, text="DISPUTED_image")}
    assert {"comparison", "reproduction", "provenance"} <= named
    assert "lab" not in named
    comparison = newest(rows, "comparison")
    for text in (f"#{comparison.record_id}", f"R{comparison.record_id}"):
        assert comparison in filtered(rows, text=text)
    assert [row.kind for row in filtered(rows, "study", "strength")] == ["study"]
    assert filtered(rows, "study", "no such words") == []
    assert [row.kind for row in filtered(rows, text="superseded")] == ["exam", "amendment"]


def test_the_session_snapshot_reads_the_same_rows(every_kind_case: Path, case: Case) -> None:
    session = Session()
    session.open(every_kind_case)
    try:
        assert record_rows(session) == record_rows(case)
    finally:
        session.close(emit=False)


def test_a_stored_comparison_reads_back_as_compare_returned_it(case: Case) -> None:
    (record,) = case.records("comparison")
    report = stored_report(record, case.artifact, lambda a: case.object_path(a.sha256))
    assert report is not None
    assert report.to_dict() == record.payload["report"]  # every number, as stored
    figures = {k.label: k.artifact_id for k in record.linked("figure")}
    assert set(report.pictures) == set(figures)
    stored = case.object_path(case.artifact(figures["difference_map"]).sha256)
    with Image.open(stored) as image:
        assert np.array_equal(report.difference_picture, np.asarray(image.convert("RGB")))
    # A reproduction keeps the comparison of its two images the same way.
    (reproduction,) = case.records("reproduction")
    again = stored_report(reproduction, case.artifact, lambda a: case.object_path(a.sha256))
    assert again.to_dict() == record.payload["report"]


def test_a_record_without_a_readable_report_gives_none(case: Case) -> None:
    from dataclasses import replace

    (record,) = case.records("comparison")
    partial = replace(record, body=replace(record.body, report={"schema": "other"}))
    assert stored_report(partial, case.artifact, lambda a: case.object_path(a.sha256)) is None


def test_a_case_opens_on_its_newest_comparison_as_stored(
    every_kind_case: Path, tmp_path: Path
) -> None:
    root = tmp_path / "case"
    shutil.copytree(every_kind_case, root)
    session = Session()
    pair = Pair(session)
    session.open(root)
    try:
        (record,) = session.records("comparison")
        assert (pair.a.id, pair.b.id) == (2, 1) and pair.record_id == record.id
        assert pair.restored and not pair.running
        assert pair.report.to_dict() == record.payload["report"]
        # Withdrawn, it no longer opens: the case starts on the default pair, unmeasured.
        amend(AmendRequest(withdraw=record.id, reason="discarded"), session.writer())
        session.open(root)
        assert pair.record_id is None and pair.report is None and not pair.restored
        assert (pair.a.role, pair.b.role) == ("disputed", "reference")
    finally:
        session.close(emit=False)
