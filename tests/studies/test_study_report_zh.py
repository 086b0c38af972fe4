"""Studies as the studies write them, reported in Chinese: their titles, descriptions, summaries,
table columns, image labels and plots are translated (the words come from analysis/studies,
not from a typed record)."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from tests.report.test_report_translation import case_words, english_runs
from workstation.analysis.studies import lora_scale, seeds, strength, trajectory
from workstation.core.case import Case
from workstation.report import ReportOptions, build_report
from workstation.report.strings import ZH


@pytest.mark.slow
def test_every_study_reads_in_chinese(models_dir, params, reference, tmp_path):
    with Case.create(tmp_path / "case", "studies", "Examiner") as case:
        trajectory.run(case, trajectory.TrajectoryStudy(params))
        strength.run(
            case,
            strength.StrengthStudy(
                params.replace(init_image=str(reference), strength=0.5), (0.5, 1.0), (1,)
            ),
        )
        lora_scale.run(
            case,
            lora_scale.LoraScaleStudy(
                params, models_dir / "kohya.safetensors", reference, scales=(0.0, 1.0)
            ),
        )
        seeds.run(case, seeds.SeedStudy(params, reference, seeds=(1, 2)))
        out = tmp_path / "zh.pdf"
        build_report(case, ReportOptions(out=out, lang="zh"))
        allowed = case_words(case)
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    flat = "".join(text.split())
    assert english_runs(text, allowed) == []
    for title in ("machine_title_strength", "machine_title_trajectory", "machine_title_seeds"):
        assert "".join(ZH[title].split("{")[0].split()) in flat, title
    assert "LoRA权重扫描（kohya）" in flat
    assert "".join(ZH["plot_redrawn"].split("{")[0].split()) in flat  # the stored plot, redrawn
    assert "".join(ZH["grid_redrawn"].split("{")[0].split()) in flat  # its grid, labelled here
    assert "重绘强度0.5种子1" in flat  # a grid cell's label
