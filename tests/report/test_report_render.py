"""Pages rendered by poppler are not blank; Chinese labels; the fallback without a CJK font."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from tests.report.conftest import render
from workstation.core.case import Case
from workstation.report import ReportOptions, build, build_report, fonts


def ink(png) -> float:
    """Share of pixels that are not near-white."""
    with Image.open(png) as image:
        grey = np.asarray(image.convert("L"))
    return float((grey < 200).mean())


def test_pages_render_and_are_not_blank(built, tmp_path):
    pages = render(built["result"].path, tmp_path)
    assert len(pages) == built["result"].pages
    for number, png in enumerate(pages, start=1):
        assert ink(png) > 0.02, f"page {number} looks blank"  # header and footer alone: ~0.005
    exhibit_page = next(
        i
        for i, text in enumerate(built["pages"])
        if "Exhibit 2 — disputed_image.png" in text and i > 1
    )
    assert ink(pages[exhibit_page]) > 0.2  # the image itself is there


def test_chinese_labels(case_copy, tmp_path):
    with Case.open(case_copy) as case:
        result = build_report(case, ReportOptions(out=tmp_path / "zh.pdf", lang="zh"))
    reader = PdfReader(result.path)
    text = "\n".join(page.extract_text() for page in reader.pages)
    count = len(reader.pages)
    assert f"第 1 页，共 {count} 页" in text
    for label in ("证物 1", "方法说明", "审计日志", "去噪轨迹", "第 10 / 10 步", "提示词"):
        assert label in text, label
    assert "Page 1 of" not in text
    assert reader.metadata.title.startswith("证据报告")
    assert result.warnings == ()


def test_without_a_cjk_font_characters_become_code_points(case_copy, tmp_path, monkeypatch):
    monkeypatch.setattr(build, "load_fonts", lambda: fonts.load_fonts(()))
    with Case.open(case_copy) as case:
        result = build_report(case, ReportOptions(out=tmp_path / "plain.pdf", lang="zh"))
    text = "\n".join(page.extract_text() for page in PdfReader(result.path).pages)
    assert "U+6D77" in text  # 海, the first character of the prompt
    assert "Page 1 of" in text  # English labels instead of unreadable Chinese ones
    assert any("No font with Chinese" in warning for warning in result.warnings)
    assert any("English labels" in warning for warning in result.warnings)
    assert "No font with Chinese" in text  # the warning is printed in the report too


@pytest.mark.parametrize("text", ["plain Latin", "a < b & c > d", "≤ 0.5", "中文", "\x00tab\t"])
def test_markup_escapes_and_picks_fonts(text):
    loaded = fonts.load_fonts()
    markup = loaded.markup(text)
    assert "<" not in markup.replace("<font", "").replace("</font>", "").replace("<br/>", "")
    if text == "中文" and loaded.has_cjk:
        assert f'name="{loaded.cjk_name}"' in markup
    if text == "plain Latin":
        assert markup == "plain Latin"
    assert fonts.load_fonts(()).markup("中") == '<font name="DejaVuSansMono">[U+4E2D]</font>'


def test_every_image_format_a_case_accepts(tmp_path):
    """JPEG (embedded as its own data), WebP, animated GIF, 16-bit TIFF, CMYK, BMP, and a file
    that is not an image: each is shown, with a note where the display differs from the file."""
    rng = np.random.default_rng(3)
    rgb = rng.integers(0, 256, (60, 80, 3), dtype=np.uint8)
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    Image.fromarray(rgb).save(inputs / "photo.jpg", quality=90)
    Image.fromarray(rgb).save(inputs / "web.webp", lossless=True)
    frames = [Image.fromarray(rgb), Image.fromarray(255 - rgb)]
    frames[0].save(inputs / "moving.gif", save_all=True, append_images=frames[1:])
    Image.fromarray(rgb[..., 0].astype(np.uint16) * 257).save(inputs / "deep.tif")
    Image.fromarray(rgb).convert("CMYK").save(inputs / "print.jpg")
    Image.fromarray(rgb).save(inputs / "plain.bmp")
    (inputs / "notes.zip").write_bytes(b"PK\x03\x04" + bytes(40))
    with Case.create(tmp_path / "case", title="Formats", examiner="E") as case:
        case.import_files(sorted(p for p in inputs.iterdir() if p.suffix != ".zip"), "reference")
        case.import_file(inputs / "notes.zip", "other")
        result = build_report(case, ReportOptions(out=tmp_path / "formats.pdf"))
    text = "\n".join(page.extract_text() for page in PdfReader(result.path).pages)
    assert "Animated image with 2 frames" in text
    assert "shown converted to 8 bits" in text  # the 16-bit TIFF
    assert "Not an image (application/zip)" in text
    assert result.exhibits == 7
    listing = subprocess.run(
        ["pdfimages", "-list", str(result.path)], capture_output=True, text=True, check=True
    ).stdout
    assert listing.count(" jpeg ") == 2  # both JPEG files embedded as their own JPEG data
    exhibit_pages = render(result.path, tmp_path / "png")[3:9]
    assert all(ink(png) > 0.02 for png in exhibit_pages)
