"""Bad input: an empty case, unverified files, unwritable output, unknown exhibits, odd records."""

from __future__ import annotations

import os
import stat

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from tests.conftest import run_cli
from tests.report.conftest import generation, render
from workstation.core.case import Case
from workstation.core.errors import CaseError, InputError
from workstation.core.records import Comparison, Link, Study
from workstation.report import ReportOptions, build_report


def pdf_pages(path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def artifact_named(case_dir, name):
    with Case.open(case_dir) as case:
        return next(a for a in case.artifacts() if a.original_name == name), case.object_path(
            next(a for a in case.artifacts() if a.original_name == name).sha256
        )


def test_empty_case_gives_a_valid_report(tmp_path):
    with Case.create(tmp_path / "case", title="Empty matter", examiner="E. Xaminer") as case:
        result = build_report(case, ReportOptions(out=tmp_path / "empty.pdf"))
    pages = pdf_pages(result.path)
    text = "\n".join(pages)
    assert "The case holds no artifacts." in text
    assert "The case holds no records" in text
    assert f"Page 1 of {len(pages)}" in text
    assert result.exhibits == 0


def test_missing_file_is_refused_by_name(case_copy, tmp_path):
    artifact, path = artifact_named(case_copy, "disputed_image.png")
    path.unlink()
    out = tmp_path / "out" / "r.pdf"
    out.parent.mkdir()
    with Case.open(case_copy) as case, pytest.raises(CaseError) as caught:
        build_report(case, ReportOptions(out=out))
    message = str(caught.value)
    assert "disputed_image.png" in message and "missing" in message
    assert "--allow-unverified" in message and "\n" not in message
    assert list(out.parent.iterdir()) == []  # no report, no temporary file left behind


def test_altered_file_is_refused_by_name(case_copy, tmp_path):
    _, path = artifact_named(case_copy, "protected_work.png")
    path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    Image.new("RGB", (512, 512), (255, 0, 0)).save(path, format="PNG")
    with (
        Case.open(case_copy) as case,
        pytest.raises(CaseError, match="protected_work.png.*changed"),
    ):
        build_report(case, ReportOptions(out=tmp_path / "r.pdf"))


def test_allow_unverified_marks_every_page_where_it_appears(case_copy, tmp_path):
    _, path = artifact_named(case_copy, "disputed_image.png")
    path.unlink()
    with Case.open(case_copy) as case:
        result = build_report(case, ReportOptions(out=tmp_path / "r.pdf", allow_unverified=True))
    pages = pdf_pages(result.path)
    banner = "UNVERIFIED on this page:"
    assert result.unverified == ("Exhibit 2 (disputed_image.png)",)
    marked = [i for i, text in enumerate(pages) if banner in text]
    shows_it = [
        i
        for i, text in enumerate(pages)
        if i > 1
        and (
            "Exhibit 2 — disputed_image.png" in text  # the exhibit
            or "A: Exhibit 2" in text  # the comparison
            or "disputed_image.png" in text
            and "Manifest" in text
        )
    ]  # the manifest
    assert len(shows_it) == 3
    assert set(shows_it) <= set(marked)
    assert not any(banner in text for text in pages if "Methodology" in text)
    assert "stored file is missing" in "\n".join(pages)
    assert "Built with --allow-unverified" in pages[0]
    # The banner is red.
    png = render(result.path, tmp_path / "png", 40)[shows_it[0]]
    rgb = np.asarray(Image.open(png).convert("RGB")).astype(int)
    red = (rgb[..., 0] > 150) & (rgb[..., 1] < 60) & (rgb[..., 2] < 60)
    assert red.mean() > 0.005
    with Case.open(case_copy) as case:
        assert case.records("report")[-1].payload["unverified"] == [2]


def test_output_path_errors(case_copy, tmp_path):
    with Case.open(case_copy) as case:
        with pytest.raises(InputError, match="does not exist"):
            build_report(case, ReportOptions(out=tmp_path / "no" / "such" / "r.pdf"))
        with pytest.raises(InputError, match="is a folder"):
            build_report(case, ReportOptions(out=tmp_path))
        if os.geteuid() != 0:  # root writes anywhere
            locked = tmp_path / "locked"
            locked.mkdir(mode=0o500)
            with pytest.raises(InputError, match="cannot write"):
                build_report(case, ReportOptions(out=locked / "r.pdf"))
        assert case.records("report") == []


def test_unknown_exhibit_id(case_copy, tmp_path):
    with Case.open(case_copy) as case:
        with pytest.raises(InputError, match="no artifact #99"):
            build_report(case, ReportOptions(out=tmp_path / "r.pdf", exhibits=["99"]))
        with pytest.raises(InputError, match="'x' is not an artifact ID"):
            build_report(case, ReportOptions(out=tmp_path / "r.pdf", exhibits=["x"]))


def test_cli_errors_are_one_line(case_copy, tmp_path):
    result = run_cli("report", case_copy, "--out", tmp_path / "r.pdf", "--exhibits", "1", "99")
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    result = run_cli("report", case_copy, "--out", tmp_path / "missing" / "r.pdf")
    assert result.returncode == 2 and "does not exist" in result.stderr


def test_cli_builds_the_chosen_exhibits(case_copy, tmp_path):
    out = tmp_path / "chosen.pdf"
    result = run_cli(
        "report",
        case_copy,
        "--out",
        out,
        "--exhibits",
        "3",
        "#1",
        "--title",
        "Two exhibits",
        check=True,
    )
    assert "2 exhibit(s)" in result.stdout and "SHA-256" in result.stdout
    text = "\n".join(pdf_pages(out))
    assert "Exhibit 1 — independent_work.png" in text
    assert "Exhibit 2 — protected_work.png" in text
    assert "Comparison 1" in text  # touches artifact #1
    assert "Study 1" not in text  # touches none of the chosen
    assert (tmp_path / "chosen.pdf.sha256").is_file()


def test_odd_records_never_stop_the_report(case_copy, tmp_path):
    """Records that fit their schema but hold odd values inside (as old or hand-made ones may)."""
    with Case.open(case_copy) as case:
        case.add_record(
            generation(
                params={"steps": "many", "prompt": None},
                loras=[None, 3, {"scale": "x"}],
                model={"odd": ["odd"]},
                steps_run=-1,
            ),
            [Link("output", "output", artifact_id=1), Link("step", "x", artifact_id=2)],
        )
        case.add_record(
            generation(params={"prompt": "top-level prompt"}, image={"width": "wide"}),
            [Link("step", "step 999 decoded", artifact_id=3)],
        )
        case.add_record(
            Comparison(
                report={
                    "bands": [1, {"value": "NaN"}, {}],
                    "image_a": "nope",
                    "hashes": "x",
                    "keypoints": [],
                    "structure": {},
                }
            ),
            [Link("input", "image_b", artifact_id=2)],
        )
        case.add_record(Comparison(report={"image_a": {"sha256": "f" * 64}}))
        case.add_record(
            Study(
                study="?",
                title="",
                description="",
                parameter="",
                points=[1, 2],
                series=[{"a": [1, "b"]}, {"x": [1], "y": [1, 2]}],
                base_params={"seed": "odd"},
            )
        )
        case.add_record(
            Study(
                study="strength",
                title="研究 sweep",
                description="",
                parameter="x",
                points=[],
                series=[{"name": "ssim", "x": [1, 2, 3], "y": [0.9, 0.8, 0.7]}],
                base_params={"seed": 1},
            )
        )
        case.add_finding("warning", "x" * 5000, record_id=1)
        result = build_report(case, ReportOptions(out=tmp_path / "odd.pdf"))
    text = "\n".join(pdf_pages(result.path))
    assert "Study 3: 研究 sweep" in text and "Generation 3: top-level prompt" in text
    assert "x" * 200 in text.replace("\n", "")  # the long finding, wrapped


def test_a_study_without_base_parameters(case_copy, tmp_path):
    with Case.open(case_copy) as case:
        case.add_record(
            Study(study="seeds", title="bare", description="", parameter="seed", points=[])
        )
        result = build_report(case, ReportOptions(out=tmp_path / "bare.pdf"))
    assert "bare" in "\n".join(pdf_pages(result.path))
