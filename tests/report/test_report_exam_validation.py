"""Every membership record in the report carries the methods' measured error rates from the
workstation's own benchmark (resources/model_exam/validation.json), in English and Chinese; a
missing benchmark file leaves the section out without stopping the report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from workstation.app.case_writer import CaseWriter
from workstation.app.exam import MembershipRequest, membership
from workstation.core.case import Case
from workstation.engine.runtime import Runtime
from workstation.engine.synthetic_shapes import write_dataset
from workstation.report import ReportOptions, build_report, exam_validation

FIGURES = {
    "measured": "2026-11-30",
    "lab": [
        {
            "size": size,
            "members": min(size, 50),
            "held_out": 50,
            "methods": {
                "loss": {"auc": auc, "tpr_at_1pct_fpr": tpr},
                "sima": {"auc": auc - 0.01, "tpr_at_1pct_fpr": tpr},
                "pia": {"auc": 0.47, "tpr_at_1pct_fpr": 0.0},
            },
            "prompts": {"auc": 0.31, "auc_reversed": 0.69},
        }
        for size, auc, tpr in ((1, 0.98, 1.0), (5, 0.93, 0.6), (50, 0.71, 0.08), (500, 0.52, 0.0))
    ],
    "lora_rank": {
        "controls": 50,
        "repeats": 5,
        "one_work": {"loss": {"ranked_first": 5, "p_le_0_02": 5, "median_p": 0.0196}},
        "other_works": {"loss": {"p_gt_0_1": 4, "median_p": 0.47}},
    },
}


@pytest.fixture(scope="module")
def case_root(tmp_path_factory) -> Path:
    from workstation.engine.tiny import build_tiny_model

    scratch = tmp_path_factory.mktemp("exam-validation")
    model = build_tiny_model(scratch / "tiny.safetensors", "single-file")
    scenes = sorted(
        write_dataset(scratch / "scenes", 4, seed=5, size=32, kind="scene").glob("*.png")
    )
    root = scratch / "case"
    with Case.create(root, "exam validation", "Examiner"):
        pass
    request = MembershipRequest(
        model=model, works=(scenes[0],), controls=tuple(scenes[1:]), timesteps=2
    )
    membership(request, CaseWriter(root), Runtime(threads=1))
    return root


def _text(root: Path, lang: str, out: Path) -> str:
    with Case.open(root) as case:
        build_report(case, ReportOptions(out=out, lang=lang))
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    return "".join(text.split())


@pytest.mark.parametrize(
    ("lang", "intro", "lora"),
    [
        ("en", "Howthesemethodsperformedwheretheanswerisknown", "Medianp"),
        ("zh", "这些方法在答案已知时的表现", "p中位数"),
    ],
)
def test_membership_record_carries_the_measured_error_rates(
    case_root, tmp_path, monkeypatch, lang, intro, lora
):
    figures = tmp_path / "validation.json"
    figures.write_text(json.dumps(FIGURES), encoding="utf-8")
    monkeypatch.setattr(exam_validation, "VALIDATION_FILE", figures)
    text = _text(case_root, lang, tmp_path / f"{lang}.pdf")
    assert intro in text and "2026-11-30" in text
    # Each size's AUC / TPR per method, as the file holds them.
    for cells in ("0.98/1.00", "0.97/1.00", "0.93/0.60", "0.71/0.08", "0.52/0.00", "0.47/0.00"):
        assert cells in text, cells
    for size in ("500", "50/50"):
        assert size in text
    assert lora in text and "5/5" in text and "0.47" in text


def test_without_the_benchmark_file_the_section_is_left_out(case_root, tmp_path, monkeypatch):
    monkeypatch.setattr(exam_validation, "VALIDATION_FILE", tmp_path / "missing.json")
    text = _text(case_root, "en", tmp_path / "en.pdf")
    assert "Howthesemethodsperformed" not in text
    assert "Membershiptest" in text  # the record itself is still reported
