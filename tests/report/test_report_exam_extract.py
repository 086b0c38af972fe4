"""The report's extraction attempt (exam extract), read back from the PDF in English and Chinese.

The extraction is run by the app's use case on the tiny random model with a tiny LoRA, with two
32 px scenes in the case as reference works: the report shows the method with its paper, the
settings (w', λ, seeds), each cluster with its nearest work and pHash distance, the centre
images beside the works, and the limit; the Chinese report holds no English beyond what the
case holds, file names and proper names.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.report.conftest import render
from tests.report.test_report_translation import case_words, english_runs
from workstation.app.case_writer import CaseWriter
from workstation.app.exam_extract import ExtractRequest, extract
from workstation.core.case import Case
from workstation.engine.runtime import Runtime
from workstation.engine.synthetic_shapes import write_dataset
from workstation.report import ReportOptions, build_report


@pytest.fixture(scope="module")
def extract_case(tmp_path_factory) -> Path:
    from workstation.engine.tiny import build_tiny_lora, build_tiny_model

    scratch = tmp_path_factory.mktemp("extract-report")
    model = build_tiny_model(scratch / "tiny.safetensors", "single-file")
    lora = build_tiny_lora(scratch / "tiny-lora.safetensors", seed=1)
    scenes = sorted(
        write_dataset(scratch / "scenes", 2, seed=5, size=32, kind="scene").glob("*.png")
    )
    root = scratch / "case"
    with Case.create(root, "extraction report", "Examiner") as case:
        case.import_files(scenes, role="reference")
    request = ExtractRequest(model=model, lora=lora, count=4, steps=3, size=32, device="cpu")
    extract(request, CaseWriter(root), Runtime(threads=1, deterministic=True))
    return root


def _report(root: Path, lang: str, out: Path) -> tuple[str, dict, set[str]]:
    with Case.open(root) as case:
        build_report(case, ReportOptions(out=out, lang=lang))
        text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
        (record,) = case.records("exam")
        return " ".join(text.split()), record.payload, case_words(case)


def _squeezed(text: str) -> str:
    return "".join(text.split())


def test_english_report_shows_method_settings_clusters_and_limit(extract_case, tmp_path):
    text, payload, _ = _report(extract_case, "en", tmp_path / "en.pdf")
    squeezed = _squeezed(text)
    for words in (
        "extraction attempt",
        "FineXtract: Wu, Zhang & Wu, 2024, arXiv 2410.03039",
        "w' = 3 (λ = 0.333); 4 images, seeds 0–3; 3 DDIM steps; 2 clusters; 32 px",
        "none (empty caption)",
        "Clusters and the nearest of the case's 2 reference works",
        "Hamming distance between the two images' 64-bit perceptual hashes",
        "no close image is not proof of absence",
        "CopyMark, 2024",
    ):
        assert _squeezed(words) in squeezed, words
    assert payload["loras"][0]["sha256"][:16] in squeezed
    assert payload["model"]["sha256"][:16] in squeezed
    for cluster in payload["results"]["clusters"]:
        near = cluster["nearest"][0]
        caption = f"Cluster {cluster['cluster']}: centre image, seed {cluster['medoid_seed']}"
        assert _squeezed(caption) in squeezed
        assert _squeezed(f"pHash distance {near['phash_distance']} / 64") in squeezed


def test_chinese_report_says_the_same_in_chinese(extract_case, tmp_path):
    text, payload, allowed = _report(extract_case, "zh", tmp_path / "zh.pdf")
    squeezed = _squeezed(text)
    for words in (
        "训练数据提取尝试",
        "Wu、Zhang 与 Wu，2024，arXiv 2410.03039",
        "w' = 3（λ = 0.333）；4 张图像，种子 0–3",
        "无（空标注）",
        "CopyMark，2024",
        "没有接近的图像并不能证明其不存在",
    ):
        assert _squeezed(words) in squeezed, words
    cluster = payload["results"]["clusters"][0]
    assert (
        _squeezed(f"簇 {cluster['cluster']}：中心图像，种子 {cluster['medoid_seed']}") in squeezed
    )
    runs = english_runs(text, allowed | {"FineXtract", "pHash", "DDIM", "LoRA"})
    assert runs == [], f"English in the Chinese report: {sorted(set(runs))[:20]}"


def test_the_centre_images_are_drawn(extract_case, tmp_path):
    """The page with the clusters holds the pictures: more distinct colours than text alone."""
    import numpy as np
    from PIL import Image

    pdf = tmp_path / "en.pdf"
    _report(extract_case, "en", pdf)
    reader = PdfReader(pdf)
    page = next(
        i for i, p in enumerate(reader.pages) if "centre image, seed" in (p.extract_text() or "")
    )
    images = [name for name in reader.pages[page].images]
    assert len(images) >= 2  # a centre and its nearest work at least
    (png,) = render(pdf, tmp_path / "pages", resolution=40)[page : page + 1]
    colours = np.unique(np.asarray(Image.open(png).convert("RGB")).reshape(-1, 3), axis=0)
    assert len(colours) > 50
