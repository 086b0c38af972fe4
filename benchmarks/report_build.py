"""How long the PDF report of a large case takes: 100 exhibits must build in under 15 s.

    .venv/bin/python benchmarks/report_build.py [--exhibits 100] [--size 512] [--keep DIR]

1. A case with N distinct 512×512 PNG exhibits (the bundled samples, re-coloured and noised so
   each file is different and compresses like a diffusion output), five comparisons that show
   ten of them a second time, and a generation with 20 kept steps.
2. The report is built exactly as `workstation report` builds it.
3. Baseline, in the same run: bare reportlab drawing the same N images one per page (no layout,
   no tables; it decodes each PNG and Flate-compresses the pixels again). The report copies PNG
   pixel data as it is (report/pngembed.py), so it can be faster than this baseline.

Prints the time, pages and size of both, their ratio, and whether the budget was met (exit 1 if
not).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from workstation.core.case import Case  # noqa: E402
from workstation.core.records import Comparison, Generation, Link  # noqa: E402
from workstation.engine.stored import step_label  # noqa: E402
from workstation.paths import SAMPLES_DIR  # noqa: E402
from workstation.report import ReportOptions, build_report  # noqa: E402
from workstation.report.build import _binary_streams  # noqa: E402

BUDGET_S = 15.0


def make_images(folder: Path, count: int, size: int) -> list[Path]:
    rng = np.random.default_rng(0)
    samples = [
        np.asarray(Image.open(p).convert("RGB").resize((size, size)), dtype=np.float32)
        for p in sorted(SAMPLES_DIR.glob("*.png"))
    ]
    paths = []
    for index in range(count):
        base = samples[index % len(samples)]
        tint = rng.uniform(0.7, 1.3, 3)
        noisy = base * tint + rng.normal(0, 6, base.shape)
        path = folder / f"exhibit_{index:03d}.png"
        Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8)).save(path)
        paths.append(path)
    return paths


def build_case(root: Path, images: list[Path], scratch: Path) -> Case:
    case = Case.create(root, title="Benchmark case", examiner="Bench Examiner")
    artifacts = case.import_files(images, role="reference", note="benchmark exhibit")
    for i in range(5):  # comparisons: ten exhibits appear twice
        a, b = artifacts[2 * i], artifacts[2 * i + 1]
        report = {
            "image_a": {"sha256": a.sha256},
            "image_b": {"sha256": b.sha256},
            "bands": [
                {
                    "metric": "ssim",
                    "label": "SSIM",
                    "value": 0.5,
                    "band": "different",
                    "rule": "similar ≥ 0.6",
                    "source": "benchmark",
                }
            ],
        }
        inputs = [
            Link("input", "image_a", artifact_id=a.id),
            Link("input", "image_b", artifact_id=b.id),
        ]
        case.add_record(Comparison(report=report), inputs)
    steps = {}
    for step in range(1, 21):
        path = scratch / f"step_{step:02d}.png"
        rgb = np.random.default_rng(step).integers(0, 256, (64, 64, 3), dtype=np.uint8)
        Image.fromarray(rgb).save(path)
        steps[step] = case.import_file(path, "other", f"step {step}").id
    params = {
        "model": "model.safetensors",
        "prompt": "a lighthouse",
        "seed": 1,
        "steps": 20,
        "width": 64,
        "height": 64,
    }
    generation = Generation(
        mode="txt2img",
        params=params,
        model={"path": "model.safetensors"},
        loras=[],
        init_image=None,
        scheduler={},
        steps_run=20,
        image={"width": 64, "height": 64},
        environment={},
    )
    links = [Link("output", "output", artifact_id=steps[20])]
    links += [Link("step", step_label(n, "decoded"), artifact_id=i) for n, i in steps.items()]
    case.add_record(generation, links)
    return case


def baseline(images: list[Path], out: Path) -> tuple[float, int]:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    start = time.perf_counter()
    with _binary_streams():
        canvas = Canvas(str(out), pagesize=A4)
        for path in images:
            canvas.drawImage(str(path), 60, 300, 450, 450)
            canvas.showPage()
        canvas.save()
    return time.perf_counter() - start, len(images)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exhibits", type=int, default=100)
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--keep", type=Path, help="build in this folder and keep the output")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as temporary:
        folder = args.keep or Path(temporary)
        (folder / "inputs").mkdir(parents=True, exist_ok=True)
        images = make_images(folder / "inputs", args.exhibits, args.size)
        case = build_case(folder / "case", images, folder / "inputs")

        start, cpu = time.perf_counter(), time.process_time()
        result = build_report(case, ReportOptions(out=folder / "REPORT.pdf"))
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        case.close()
        base_seconds, base_pages = baseline(images, folder / "baseline.pdf")

        size_mb = result.path.stat().st_size / 1e6
        base_mb = (folder / "baseline.pdf").stat().st_size / 1e6
        print(
            f"report:   {seconds:6.2f} s  {result.pages} pages  {size_mb:.1f} MB  "
            f"({result.exhibits} exhibits of {args.size}×{args.size}; {cpu:.2f} s CPU)"
        )
        print(
            f"baseline: {base_seconds:6.2f} s  {base_pages} pages  {base_mb:.1f} MB  "
            "(bare reportlab, same images, one per page)"
        )
        print(f"ratio report / baseline: {seconds / base_seconds:.2f}")
        verdict = "met" if seconds < BUDGET_S else "MISSED"
        print(f"budget {BUDGET_S:.0f} s for {args.exhibits} exhibits: {verdict}")
        return 0 if seconds < BUDGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
