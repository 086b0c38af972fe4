"""A finding with a shape drawn on an exhibit: the report says the shape in words in English and
Chinese, and shows a detail of the exhibit with the shape drawn (the stored file unchanged)."""

from __future__ import annotations

import numpy as np
from PIL import Image
from pypdf import PdfReader

from workstation.app.case_writer import CaseWriter
from workstation.app.findings import FindingRequest, Target, add_finding
from workstation.core.case import Case
from workstation.report import ReportOptions, build_report


def _text(pdf) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(pdf).pages).replace("\n", " ")


def _images(pdf) -> list[tuple[int, int]]:
    sizes = []
    for page in PdfReader(pdf).pages:
        for image in page.images:
            sizes.append(image.image.size)
    return sizes


def test_geometry_words_and_detail_in_both_languages(small_case, tmp_path) -> None:
    with Case.open(small_case) as case:
        disputed = case.artifacts("disputed")[0]
        before = case.object_path(disputed.sha256).read_bytes()
    size = {"width": disputed.width, "height": disputed.height}
    shapes = [
        ("box", [[120, 80], [184, 120]], None),
        ("distance", [[10, 10], [13, 14]], None),
        ("angle", [[200, 100], [100, 100], [100, 0]], None),
        ("callout", [[300, 40]], "灯塔 lamp"),
    ]
    writer = CaseWriter(small_case)
    for shape, points, text in shapes:
        geometry = {"shape": shape, "points": points, "image": size}
        if text:
            geometry["text"] = text
        add_finding(
            FindingRequest(
                about=Target(artifact_id=disputed.id),
                status="check",
                text=f"The {shape} marks it.",
                geometry=geometry,
            ),
            writer,
        )
    with Case.open(small_case) as case:
        english = build_report(case, ReportOptions(out=tmp_path / "en.pdf"))
        chinese = build_report(case, ReportOptions(out=tmp_path / "zh.pdf", lang="zh"))
        assert case.verify().ok
        assert case.object_path(disputed.sha256).read_bytes() == before

    en = _text(english.export)
    assert "Box at (120, 80), 64 × 40 px on Exhibit" in en
    assert "Distance 5 px from (10, 10) to (13, 14) on Exhibit" in en
    assert "Angle 90° at (100, 100) on Exhibit" in en
    assert "Callout at (300, 40) on Exhibit" in en and "灯塔 lamp" in en
    assert "the stored file is unchanged" in en
    zh = _text(chinese.export)
    assert "方框：左上角 (120, 80)，64 × 40 像素，位于证物" in zh
    assert "距离 5 像素" in zh and "角度 90°" in zh and "标注：(300, 40)" in zh
    assert "存储的文件未作改动" in zh

    # The details are in the PDF: enlarged crops with the shape drawn on them.
    sizes = _images(english.export)
    assert sum(1 for width, height in sizes if max(width, height) == 480) == len(shapes)


def test_detail_shows_the_shape_over_the_pixels(small_case, tmp_path) -> None:
    with Case.open(small_case) as case:
        disputed = case.artifacts("disputed")[0]
    geometry = {
        "shape": "box",
        "points": [[120, 80], [184, 120]],
        "image": {"width": disputed.width, "height": disputed.height},
    }
    add_finding(
        FindingRequest(
            about=Target(artifact_id=disputed.id), status="ok", text="t", geometry=geometry
        ),
        CaseWriter(small_case),
    )
    with Case.open(small_case) as case:
        result = build_report(case, ReportOptions(out=tmp_path / "r.pdf"))
    [detail] = [
        image.image
        for page in PdfReader(result.export).pages
        for image in page.images
        if max(image.image.size) == 480
    ]
    pixels = np.asarray(detail.convert("RGB")).astype(int)
    magenta = (np.abs(pixels - np.array([255, 64, 129])).sum(axis=2) < 60).mean()
    assert magenta > 0.005  # the box's outline is drawn
    assert isinstance(detail, Image.Image)
