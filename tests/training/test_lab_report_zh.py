"""The over-fitting lab as the lab writes it, reported in Chinese: its title, methods paragraph,
settings and columns are translated (the English comes from analysis/overfit_lab.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import run_cli
from tests.report.test_report_translation import case_words, english_runs
from workstation.core.case import Case
from workstation.report import ReportOptions, build_report
from workstation.report.strings import ZH


@pytest.mark.slow
def test_the_lab_reads_in_chinese(tmp_path: Path, demo_model) -> None:
    case_dir = tmp_path / "case"
    Case.create(case_dir, title="lab", examiner="t").close()
    run_cli(
        "lab", "overfit", "--case", case_dir, "--sizes", "1", "--steps", "4",
        "--batch-size", "2", "--samples", "1", "--base", demo_model, check=True,
    )  # fmt: skip
    out = tmp_path / "zh.pdf"
    with Case.open(case_dir) as case:
        build_report(case, ReportOptions(out=out, lang="zh"))
        allowed = case_words(case)
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    assert english_runs(text, allowed) == []
    flat = "".join(text.split())
    assert "".join(ZH["machine_lab_title"].split()) in flat
    assert "方法。对每个训练集规模n（1）" in flat  # the methods paragraph, from the record's values
    assert "".join(ZH["setting_batch_size"].split()) in flat
