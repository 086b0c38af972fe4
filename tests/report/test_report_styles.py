"""The two report structures, read back from the PDF: an expert report and an appraisal opinion
(司法鉴定意见书), each in English and Chinese, of the sample case with its particulars, a
comparison and the examiner's findings (one of them withdrawn)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from workstation.app.sample_case import compare_sample_pair
from workstation.core.case import Case
from workstation.core.errors import InputError
from workstation.report import ReportOptions, build_report
from workstation.report.strings import EN, ZH

PARTICULARS = {
    "case_number": "(2026)京0491民初123号",
    "court": "北京互联网法院",
    "parties": "李明 诉 像素科技有限公司",
    "instructing_party": "Li Ming's solicitors",
    "description": "Whether the disputed image was derived from the protected work.",
}
ON_EXHIBIT = "争议图片与作品的构图和配色一致 — same pose and palette as the work."
ON_COMPARISON = "Registered SSIM of 0.8: consistent with derivation, not proof of it."
WITHDRAWN = "No resemblance at all."

EXPERT = {
    "en": [
        "1 Instructions and scope",
        "2 Materials examined",
        "3 Methodology",
        "4 Comparisons",
        "5 Examiner's findings",
        "6 Limitations",
        "7 Declaration",
        "8 Appendix",
    ],
    "zh": [
        "1 委托事项与范围",
        "2 所检验的材料",
        "3 方法说明",
        "4 比对",
        "5 鉴定人检验意见",
        "6 局限性",
        "7 声明",
        "8 附录",
    ],
}
APPRAISAL = {
    "en": [
        "1 Basic information",
        "2 Case summary",
        "3 Examination process",
        "4 Analysis",
        "5 Opinion",
        "Signature",
        "Attachments",
    ],
    "zh": [
        "一、基本情况",
        "二、检案摘要",
        "三、检验过程",
        "四、分析说明",
        "五、鉴定意见",
        "落款",
        "附件",
    ],
}


def _flat(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module")
def styled(sample_case_dir: Path, tmp_path_factory) -> dict:
    """Both structures in both languages, built once from one case."""
    root = tmp_path_factory.mktemp("styles") / "case"
    shutil.copytree(sample_case_dir, root)
    with Case.open(root) as case:
        compare_sample_pair(case)
        for name, value in PARTICULARS.items():
            case.amend_case(name, value)
        disputed = case.artifacts("disputed")[0]
        work = case.artifacts("reference")[0]
        (comparison,) = case.records("comparison")
        case.add_finding("warning", ON_EXHIBIT, artifact_id=disputed.id)
        case.add_finding("check", ON_COMPARISON, record_id=comparison.id)
        withdrawn = case.add_finding("ok", WITHDRAWN, artifact_id=work.id)
        case.withdraw_record(withdrawn, reason="entered on the wrong exhibit")
        built = {}
        for style in ("expert", "appraisal"):
            for lang in ("en", "zh"):
                out = root.parent / f"{style}-{lang}.pdf"
                result = build_report(case, ReportOptions(out=out, lang=lang, style=style))
                reader = PdfReader(out)
                pages = [page.extract_text() for page in reader.pages]
                chapters = [
                    (item.title, reader.get_destination_page_number(item))
                    for item in reader.outline
                    if not isinstance(item, list)
                ]
                built[style, lang] = {"result": result, "pages": pages, "chapters": chapters}
    return {"case": root, **built}


def _chapter(built: dict, title: str) -> str:
    """The text of the chapter `title`, up to the next chapter's title (whitespace removed)."""
    chapters, pages = built["chapters"], built["pages"]
    [index] = [i for i, (name, _) in enumerate(chapters) if name == title]
    text = _flat("\n".join(pages[chapters[index][1] :]))
    text = text[text.index(_flat(title)) :]
    if index + 1 < len(chapters):
        text = text[: text.index(_flat(chapters[index + 1][0]))]
    return text


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("style", ["expert", "appraisal"])
def test_chapters_in_order_and_particulars_on_the_front_page(styled, style, lang):
    built = styled[style, lang]
    titles = [name for name, _ in built["chapters"]]
    assert titles == (EXPERT if style == "expert" else APPRAISAL)[lang]
    starts = [page for _, page in built["chapters"]]
    assert starts == sorted(starts)
    for title, page in built["chapters"]:
        assert _flat(title) in _flat(built["pages"][page]), title
    cover = _flat(built["pages"][0])
    for value in PARTICULARS.values():
        assert _flat(value) in cover
    subtitle = (EN if lang == "en" else ZH)[f"{style}_subtitle"]
    assert _flat(subtitle) in cover
    with Case.open(styled["case"]) as case:
        record = case.record(built["result"].record_id)
    assert (record.body.style, record.body.lang) == (style, lang)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_expert_findings_are_the_spine(styled, lang):
    built, t = styled["expert", lang], EN if lang == "en" else ZH
    chapters = EXPERT[lang]
    materials = _chapter(built, chapters[1])
    results = _chapter(built, chapters[3])
    findings = _chapter(built, chapters[4])
    # Each exhibit and each result says what the examiner found about it, in their words.
    assert materials.count(_flat(t["findings_about_heading"])) == 4
    assert _flat(ON_EXHIBIT) in materials and _flat(ON_COMPARISON) not in materials
    assert _flat(t["findings_about_heading"]) in results and _flat(ON_COMPARISON) in results
    # The findings chapter collects all of them; the withdrawn one is there, marked.
    for text in (ON_EXHIBIT, ON_COMPARISON, WITHDRAWN, t["withdrawn"]):
        assert _flat(text) in findings, text
    declaration = _chapter(built, chapters[6])
    intro = t["declaration_intro_org"].format(
        examiner="Demo Examiner", organisation="AIGC Evidence Workstation"
    )
    assert _flat(intro) in declaration
    assert _flat(PARTICULARS["court"]) in declaration
    assert _flat(PARTICULARS["instructing_party"]) in declaration
    assert _flat(t["statement_of_truth"]) in declaration
    for label in ("signature_name", "signature_date", "signature_line"):
        assert _flat(t[label]) in declaration
    assert "{" not in declaration  # every placeholder filled


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_appraisal_opinion_is_the_examiners_text_and_exhibits_carry_sm3(styled, lang):
    built, t = styled["appraisal", lang], EN if lang == "en" else ZH
    chapters = APPRAISAL[lang]
    basic = _chapter(built, chapters[0])
    for key in ("appraisal_client", "appraisal_matter", "appraisal_accepted", "appraisal_dates"):
        assert _flat(t[key]) in basic
    assert _flat(PARTICULARS["instructing_party"]) in basic
    with Case.open(styled["case"]) as case:
        shown = case.record(built["result"].record_id).body.exhibits
        exhibits = [case.artifact(e["artifact_id"]) for e in shown]
        stored = [case.object_path(a.sha256).read_bytes() for a in exhibits]
    assert len(exhibits) == 4
    for artifact, data in zip(exhibits, stored, strict=True):
        assert hashlib.sha256(data).hexdigest() == artifact.sha256
        assert f"SHA-256{artifact.sha256}" in basic
        assert f"SM3{hashlib.new('sm3', data).hexdigest()}" in basic
    # The opinion: the examiner's findings verbatim, numbered; a withdrawn one is not an opinion.
    opinion = _chapter(built, chapters[4])
    assert _flat(t["opinion_intro"]) in opinion
    assert _flat(f"1. {ON_EXHIBIT}") in opinion and _flat(f"2. {ON_COMPARISON}") in opinion
    assert _flat(WITHDRAWN) not in opinion
    signature = _chapter(built, chapters[5])
    assert "DemoExaminer" in signature and _flat(t["signature_line"]) in signature


def test_an_appraisal_without_findings_says_none_was_recorded(small_case, tmp_path):
    with Case.open(small_case) as case:
        result = build_report(case, ReportOptions(out=tmp_path / "r.pdf", style="appraisal"))
    text = _flat("\n".join(page.extract_text() for page in PdfReader(result.export).pages))
    assert _flat(EN["opinion_none"]) in text
    assert _flat(EN["appraisal_case_none"]) in text  # no description recorded


def test_an_unknown_style_is_refused_before_anything_is_stored(small_case, tmp_path):
    with Case.open(small_case) as case:
        before = len(case.records())
        with pytest.raises(InputError, match="unknown report style 'memo'"):
            build_report(case, ReportOptions(out=tmp_path / "r.pdf", style="memo"))
        assert len(case.records()) == before
    assert not (tmp_path / "r.pdf").exists()


def test_a_missing_exhibit_has_no_check_values_and_is_marked(small_case, tmp_path):
    with Case.open(small_case) as case:
        disputed = case.artifacts("disputed")[0]
        stored = case.object_path(disputed.sha256)
        stored.chmod(0o600)
        stored.unlink()
        result = build_report(
            case,
            ReportOptions(out=tmp_path / "r.pdf", style="appraisal", allow_unverified=True),
        )
    basic = _flat(PdfReader(result.export).pages[2].extract_text())
    assert f"SHA-256{disputed.sha256}SM3—" in basic  # the recorded SHA-256, no SM3 to give
    assert _flat(EN["problem_missing"]) in basic
