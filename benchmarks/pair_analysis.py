"""Time of each metric in a full pair comparison of two 1024×1024 images.

    .venv/bin/python benchmarks/pair_analysis.py [--repeat 3] [--no-clip]
        [--clip-model PATH --clip-arch NAME]

A is a synthetic 1024² work; B is A cropped (25 % of the area), re-encoded as JPEG and scaled back
to 1024², so every stage has work to do (the homography exists, the registered SSIM runs). CLIP
is timed with the given model, or else with a random-weight ViT-B-32 saved to a temporary file
and loaded the way a real checkpoint is (the cost of a forward pass does not depend on the
weights). Prints the median over `--repeat` runs per stage.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from synthetic import crop, jpeg, make_work  # noqa: E402

from workstation.analysis.images import image_from_array  # noqa: E402
from workstation.analysis.pair import compare_images  # noqa: E402


def random_clip(folder: Path):
    import open_clip
    import torch
    from safetensors.torch import save_file

    from workstation.analysis.clip import ClipModel

    torch.manual_seed(0)
    model, _, _ = open_clip.create_model_and_transforms("ViT-B-32")
    path = folder / "vit-b-32-random.safetensors"
    save_file(model.state_dict(), str(path))
    return ClipModel.load(path, "ViT-B-32")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-clip", action="store_true")
    parser.add_argument("--clip-model")
    parser.add_argument("--clip-arch")
    args = parser.parse_args()

    work = make_work(7, 1024)
    rng = np.random.default_rng(7)
    copy = np.asarray(Image.fromarray(jpeg(crop(work, 0.25, rng), 80)).resize((1024, 1024)))
    a, b = image_from_array(work), image_from_array(copy)

    with tempfile.TemporaryDirectory() as folder:
        model = None
        if args.clip_model:
            from workstation.analysis.clip import ClipModel

            model = ClipModel.load(args.clip_model, args.clip_arch)
        elif not args.no_clip:
            start = time.perf_counter()
            model = random_clip(Path(folder))
            print(
                f"(random ViT-B-32 built, saved and loaded in {time.perf_counter() - start:.1f} s;"
                " not counted below)"
            )
        compare_images(a, b, clip_model=model, prompt="a picture")  # warm-up: imports, caches
        runs, totals = [], []
        for _ in range(args.repeat):
            start = time.perf_counter()
            report = compare_images(a, b, clip_model=model, prompt="a picture")
            totals.append((time.perf_counter() - start) * 1000)
            runs.append(report.timings_ms)

    threads = ""
    if model is not None:
        import torch

        threads = f", torch {torch.get_num_threads()} thread(s)"
    print(
        f"\nPair comparison, two 1024×1024 images, median of {args.repeat} runs (ms); "
        f"load average {os.getloadavg()[0]:.1f}{threads}\n"
    )
    for stage in runs[0]:
        print(f"  {stage:22} {statistics.median(r[stage] for r in runs):9.1f}")
    print(f"  {'total (incl. pictures)':22} {statistics.median(totals):9.1f}")
    print(
        f"\n  keypoints: {report.keypoints.inliers} inliers of {report.keypoints.matches}; "
        f"registered SSIM {report.registered_structure.ssim:.3f}"
        if report.registered_structure
        else ""
    )
    if model is not None:
        print(f"  CLIP: {model.info.arch}, stage 'clip' = 2 image embeddings + 1 text embedding")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
