"""A realistic case for the report tests: the bundled samples, a Chinese-named exhibit, a
comparison and an examiner's finding written by the app's use cases, and generation and study
records (typed, with their links) shaped like the ones the engine writes.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from workstation.app.case_writer import CaseWriter
from workstation.app.compare import CompareRequest, compare
from workstation.app.evidence import ImportRequest, import_evidence
from workstation.app.findings import FindingRequest, Target, add_finding
from workstation.app.sample_case import build_sample_case
from workstation.core.case import Case
from workstation.core.records import Generation, Link, Study
from workstation.report import ReportOptions, build_report

CHINESE_PROMPT = "海边的灯塔，黄昏，水彩 — lighthouse at dusk, watercolour"
CHINESE_NOTE = "从网上下载的图片，来源不明"
CHINESE_NAME = "争议图片.png"


def _rgb(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"))


def _save(rgb: np.ndarray, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(rgb.astype(np.uint8)).save(path)
    return path


def generation(**fields) -> Generation:
    """A generation record with every field present; `fields` override (odd values welcome)."""
    values = {
        "mode": "txt2img",
        "params": {},
        "model": {},
        "loras": [],
        "init_image": None,
        "scheduler": {},
        "steps_run": 0,
        "image": {},
        "environment": {},
    }
    return Generation(**{**values, **fields})


def build_rich_case(root: Path, scratch: Path) -> Case:
    """The sample case plus one record of each kind the report lays out, and a finding.

    Imports, the comparison and the finding are written by the use cases the CLI and the window
    run (app/); the generation and the study, which would need a diffusion model, are typed
    records shaped like the engine's, with their links."""
    case = build_sample_case(root)
    writer = CaseWriter(case.root)
    by_name = {a.original_name: a for a in case.artifacts()}
    protected, disputed = by_name["protected_work.png"], by_name["disputed_image.png"]
    a_rgb, b_rgb = _rgb(case.object_path(protected.sha256)), _rgb(case.object_path(disputed.sha256))

    # 1. An exhibit with a Chinese name and note.
    flipped = _save(b_rgb[:, ::-1], scratch / CHINESE_NAME)
    import_evidence(ImportRequest(files=(flipped,), role="disputed", note=CHINESE_NOTE), writer)

    # 2. The disputed image compared with the protected work, kept with its pictures.
    compare(
        CompareRequest(
            image_a=case.object_path(disputed.sha256), image_b=case.object_path(protected.sha256)
        ),
        writer=writer,
    )

    # 3. An img2img generation with ten kept steps, shaped like engine/generate.py's record.
    rng = np.random.default_rng(0)
    small = np.asarray(Image.fromarray(a_rgb).resize((128, 128)), dtype=float)
    steps = {}
    for step in range(1, 11):
        mix = step / 10
        noisy = small * mix + rng.normal(128, 60, small.shape) * (1 - mix)
        path = _save(np.clip(noisy, 0, 255), scratch / f"step_{step:02d}.png")
        steps[step] = case.import_file(path, "other", f"step {step} of 10").id
    output = case.import_file(
        _save(np.clip(b_rgb * 0.9 + 20, 0, 255), scratch / "output.png"),
        "generated",
        "img2img output",
    )
    model_sha, lora_sha = "ab" * 32, "cd" * 32
    params = {
        "model": "/models/sd15.safetensors",
        "prompt": CHINESE_PROMPT,
        "seed": 1234,
        "steps": 20,
        "cfg": 7.0,
        "sampler": "Euler a",
        "width": 512,
        "height": 512,
        "negative": "模糊, low quality",
        "loras": [{"path": "/models/watercolor.safetensors", "scale": 0.8, "sha256": lora_sha}],
        "init_image": "/evidence/protected_work.png",
        "strength": 0.5,
        "clip_skip": 1,
        "device": "cpu",
        "dtype": "float32",
        "model_sha256": model_sha,
        "init_sha256": protected.sha256,
    }
    case.add_record(
        generation(
            mode="img2img",
            params=params,
            model={
                "path": "/models/sd15.safetensors",
                "name": "sd15",
                "format": "safetensors",
                "kind": "checkpoint",
                "architecture": "sd1",
                "size": 2_132_625_894,
                "sha256": model_sha,
                "autov2": model_sha[:10],
                "autov1": "12345678",
            },
            loras=[
                {
                    "path": "/models/watercolor.safetensors",
                    "name": "watercolor",
                    "scale": 0.8,
                    "sha256": lora_sha,
                    "addnet": "ef" * 32,
                }
            ],
            init_image={
                "path": "/evidence/protected_work.png",
                "sha256": protected.sha256,
                "original_size": [512, 512],
                "resized": False,
            },
            scheduler={"class": "EulerAncestralDiscreteScheduler", "config": {"steps": 1000}},
            steps_run=10,
            timesteps=[float(t) for t in range(901, 0, -100)],  # one per step run
            image={"width": 512, "height": 512, "rgb_sha256": "0f" * 32},
            environment={
                "device": "cpu",
                "device_name": "x86_64",
                "dtype": "float32",
                "torch": "2.14.1",
                "diffusers": "0.42.1",
                "transformers": "5.23.0",
                "python": "3.11.2",
                "software": "workstation 0.1.0",
            },
        ),
        [
            Link("input", "init_image", artifact_id=protected.id),
            Link("output", "output", artifact_id=output.id),
            *(Link("step", f"step {n} decoded", artifact_id=i) for n, i in steps.items()),
        ],
    )

    # 4. A strength sweep (study) with images, and the examiner's finding about the work.
    strengths = (0.2, 0.4, 0.6, 0.8)
    points = [
        {"strength": s, "ssim": round(0.95 - s * 0.5, 3), "phash_distance": int(s * 20)}
        for s in strengths
    ]
    case.add_record(
        Study(
            study="strength",
            title="img2img strength sweep",
            description="",
            parameter="strength",
            points=points,
            base_params={"prompt": CHINESE_PROMPT, "seed": 1234, "steps": 20, "cfg": 7.0},
        ),
        [
            Link("output", f"strength {s}", artifact_id=steps[i * 3 + 1])
            for i, s in enumerate(strengths)
        ],
    )
    finding = "审查员注释：色彩分布与原作一致 " + "x" * 3000
    add_finding(
        FindingRequest(about=Target(artifact_id=protected.id), status="check", text=finding),
        writer,
    )
    return case


@pytest.fixture(scope="session")
def rich_case_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("report") / "case"
    build_rich_case(root, tmp_path_factory.mktemp("report-inputs")).close()
    return root


@pytest.fixture
def case_copy(rich_case_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the rich case, for tests that damage or extend it."""
    copy = tmp_path / "case"
    shutil.copytree(rich_case_dir, copy)
    return copy


@pytest.fixture(scope="session")
def sample_case_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("report-sample") / "case"
    build_sample_case(root).close()
    return root


@pytest.fixture
def small_case(sample_case_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the sample case (four images, no records): quick to report on."""
    copy = tmp_path / "small-case"
    shutil.copytree(sample_case_dir, copy)
    return copy


@pytest.fixture(scope="session")
def built(rich_case_dir: Path, tmp_path_factory) -> dict:
    """The English report of the rich case, built once: its result, its reader, its text."""
    copy = tmp_path_factory.mktemp("built") / "case"
    shutil.copytree(rich_case_dir, copy)
    out = copy.parent / "REPORT.pdf"
    with Case.open(copy) as case:
        result = build_report(case, ReportOptions(out=out))
    reader = PdfReader(out)
    pages = [page.extract_text() for page in reader.pages]
    return {
        "case": copy,
        "result": result,
        "reader": reader,
        "pages": pages,
        "text": "\n".join(pages),
    }


def render(pdf: Path, folder: Path, resolution: int = 30) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-r", str(resolution), "-png", str(pdf), str(folder / "page")],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return sorted(folder.glob("page-*.png"))
