"""The report's model examination section, read back from the PDF in English and Chinese.

A membership test and a set test are run by the app's use cases on the tiny random model (32 px
scenes); a prompt screen and an attribution are typed records shaped like the ones their use
cases write. Each shows its method, references, numbers and the limit; the Chinese report
holds no English beyond what the case holds, file names and proper names.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.report.test_report_translation import case_words, english_runs
from workstation.app.case_writer import CaseWriter
from workstation.app.exam import MembershipRequest, SetTestRequest, membership, set_test
from workstation.core.case import Case
from workstation.core.records import Exam
from workstation.engine.runtime import Runtime
from workstation.engine.synthetic_shapes import write_dataset
from workstation.report import ReportOptions, build_report

PROMPTS = ("a red lighthouse on a cliff", "an ordinary street at noon")


def _prompt_screen() -> Exam:
    scores = [
        {
            "prompt": PROMPTS[0],
            "magnitudes": [3.1, 3.3],
            "magnitude": 3.2,
            "z": 5.71,
            "flagged": True,
            "tokens": [{"token": "lighthouse", "share": 0.62}, {"token": "cliff", "share": 0.2}],
            "truncated": False,
        },
        {
            "prompt": PROMPTS[1],
            "magnitudes": [1.0, 1.1],
            "magnitude": 1.05,
            "z": 0.12,
            "flagged": False,
            "tokens": [],
            "truncated": False,
        },
    ]
    return Exam(
        method="prompts",
        model={"path": "/models/tiny.safetensors", "sha256": "ab" * 32, "family": "sd1"},
        loras=[],
        inputs={"source": "given", "prompts": list(PROMPTS)},
        settings={"seeds": [0, 1], "steps": 2},
        results={
            "prompts": scores,
            "flagged": [PROMPTS[0]],
            "reference": {"kind": "generic", "count": 20, "median": 1.02, "mad": 0.11},
            "limit": "prompt screen limits",
        },
        limits=["prompt screen limits"],
        seconds=1.5,
    )


def _attribution() -> Exam:
    def reading(name: str, sha: str, distance: float, within: bool) -> dict:
        return {
            "model": f"/models/{name}.safetensors",
            "sha256": sha * 32,
            "vae_sha256": "ee" * 32,
            "group": 0,
            "distance": distance,
            "within_calibration": within,
            "calibration": {
                "own": [0.01],
                "real": [0.09],
                "threshold": 0.0345,
                "false_negative_rate": 0.25,
                "false_positive_rate": 0.125,
                "ranked_first": 0.75,
            },
        }

    return Exam(
        method="attribute",
        model={"models": [{"path": "/models/alpha.safetensors", "sha256": "a1" * 32}]},
        loras=[],
        inputs={"image": {"path": "/x/disputed.png", "sha256": "0f" * 32}},
        settings={"generated": 4, "real": 4},
        results={
            "ranking": [
                reading("alpha", "a1", 0.0213, True),
                reading("beta", "b2", 0.0877, False),
            ],
            "indistinguishable": [["/models/alpha.safetensors", "/models/gamma.safetensors"]],
            "real_images": ["synthetic 1"],
            "verdict": "closest: alpha",
        },
        limits=["attribution limits"],
    )


@pytest.fixture(scope="module")
def exam_case(tmp_path_factory) -> Path:
    from workstation.engine.tiny import build_tiny_model

    scratch = tmp_path_factory.mktemp("exam-report")
    model = build_tiny_model(scratch / "tiny.safetensors", "single-file")
    scenes = sorted(
        write_dataset(scratch / "scenes", 6, seed=5, size=32, kind="scene").glob("*.png")
    )
    root = scratch / "case"
    with Case.create(root, "exam report", "Examiner"):
        pass
    inputs = {"model": model, "works": tuple(scenes[:2]), "controls": tuple(scenes[2:])}
    membership(MembershipRequest(**inputs, timesteps=3), CaseWriter(root), Runtime(threads=1))
    set_test(
        SetTestRequest(**inputs, timesteps=3, permutations=200),
        CaseWriter(root),
        Runtime(threads=1),
    )
    with Case.open(root) as case, case.transaction():
        case.add_record(_prompt_screen(), [])
        case.add_record(_attribution(), [])
    return root


def _report(root: Path, lang: str, out: Path) -> tuple[str, set[str]]:
    with Case.open(root) as case:
        build_report(case, ReportOptions(out=out, lang=lang))
        text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
        return " ".join(text.split()), case_words(case) | set(PROMPTS) | {"lighthouse", "cliff"}


def _squeezed(text: str) -> str:
    return "".join(text.split())


def test_english_report_shows_methods_numbers_and_limit(exam_case, tmp_path):
    text, _ = _report(exam_case, "en", tmp_path / "en.pdf")
    squeezed = _squeezed(text)
    with Case.open(exam_case) as case:
        member, set_record, _, _ = case.records("exam")
    # Methods and their papers, the limit with its source.
    for words in (
        "membership test",
        "Matsumoto et al. 2023",
        "Kong et al., ICLR 2024",
        "Rao et al., TMLR 2025",
        "Wen et al., ICLR 2024",
        "AEROBLADE, CVPR 2024",
        "CopyMark, 2024",
        "not reliable",
    ):
        assert _squeezed(words) in squeezed, words
    # Each work's p-value and effect size per method, as the record holds them.
    works = member.payload["results"]["works"]
    assert len(works) == 2
    for work in works:
        for method in ("loss", "pia", "sima"):
            assert f"{work['p_value'][method]:.3f}" in text
            assert f"{work['effect_size'][method]:.2f}" in text
            assert _squeezed(f"{work['scores'][method]:.4g}") in squeezed
    # The set test's statistic and permutation p-value per method.
    results = set_record.payload["results"]
    assert "Set test: 2 works, 4 controls" in text
    for values in results["methods"].values():
        assert f"{values['p_value']:.4f}" in text
    # The prompt screen's flag and tokens; the attribution's ranking and error rates.
    assert "Prompts screened (1 flagged of 2)" in text and "lighthouse 0.62" in text
    assert "5.71" in text and "0.0213" in text and "0.0345" in text
    assert "0.25" in text and "0.12" in text and "0.75" in text
    assert "Cannot be told apart" in text and "gamma.safetensors" in text
    # The membership and the set test each draw their scores: one figure caption each.
    assert text.count("the controls (grey) and the works (red)") == 2


def test_chinese_report_says_the_same_in_chinese(exam_case, tmp_path):
    text, allowed = _report(exam_case, "zh", tmp_path / "zh.pdf")
    squeezed = _squeezed(text)
    for words in ("成员推断检验", "集合检验", "记忆提示词筛查", "CopyMark，2024", "并不可靠"):
        assert _squeezed(words) in squeezed, words
    assert _squeezed("Kong 等，ICLR 2024") in squeezed and "无法区分" in text
    with Case.open(exam_case) as case:
        work = case.records("exam")[0].payload["results"]["works"][0]
    assert f"{work['p_value']['pia']:.3f}" in text
    assert squeezed.count(_squeezed("对照（灰色）与作品（红色）")) == 2
    runs = english_runs(text, allowed)
    assert runs == [], f"English in the Chinese report: {sorted(set(runs))[:20]}"
