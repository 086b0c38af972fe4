"""The examiner's own words in the report: case particulars on the cover, findings in their own
section with what they are about, and every amendment with the value it replaced."""

from __future__ import annotations

from pypdf import PdfReader

from tests.report.conftest import render
from workstation.core.case import Case
from workstation.report import ReportOptions, build_report


def _prepare(case_dir) -> None:
    with Case.open(case_dir) as case:
        work, disputed = case.artifacts("reference")[0], case.artifacts("disputed")[0]
        case.amend_case("case_number", "(2026)京0491民初123号", reason="assigned by the court")
        case.amend_case("court", "Beijing Internet Court")
        case.amend_artifact(work.id, "note", "registered 2019", reason="typo in the year")
        case.add_finding("warning", "Same pose and palette as the work.", artifact_id=disputed.id)
        withdrawn = case.add_finding("ok", "No resemblance.", artifact_id=work.id)
        case.withdraw_record(withdrawn, reason="entered on the wrong exhibit")


def _text(pdf) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(pdf).pages)


def test_findings_particulars_and_amendments_are_printed(small_case, tmp_path) -> None:
    _prepare(small_case)
    with Case.open(small_case) as case:
        english = build_report(case, ReportOptions(out=tmp_path / "en.pdf"))
        chinese = build_report(case, ReportOptions(out=tmp_path / "zh.pdf", lang="zh"))
    text = _text(english.export)
    cover = PdfReader(english.export).pages[0].extract_text()
    assert "Case number" in cover and "Beijing Internet Court" in cover
    assert "Examiner's findings" in text and "Same pose and palette as the work." in text
    assert "No resemblance." in text and "withdrawn" in text
    assert "Corrections (amendments) and their history" in text
    assert "typo in the year" in text and "entered on the wrong exhibit" in text
    zh = _text(chinese.export)
    assert "案号" in zh and "鉴定人检验意见" in zh and "更正记录及其历史" in zh and "警示" in zh
    # Looked at: the findings page and the history render in both languages.
    for name in ("en", "zh"):
        assert render(tmp_path / f"{name}.pdf", tmp_path / f"png-{name}")


def test_a_report_without_findings_says_so(small_case, tmp_path) -> None:
    with Case.open(small_case) as case:
        result = build_report(case, ReportOptions(out=tmp_path / "r.pdf"))
    text = _text(result.export)
    assert "The examiner recorded no findings in this case." in text
    assert "Corrections (amendments)" not in text
