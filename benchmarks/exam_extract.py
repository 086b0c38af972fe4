"""Does the extraction attempt bring back the work a LoRA was trained on?

    nice -n 5 env WORKSTATION_THREADS=1 .venv/bin/python benchmarks/exam_extract.py \
        [--repeats 6] [--controls 20] [--count 8] [--scale 3] [--lora-steps 300] [--negative]

Per repeat, on the bundled demo model: draw 1 + `--controls` synthetic scenes of one
distribution, train a LoRA on the first (rank 4, all layers, learning rate 5e-3, `--lora-steps`
steps (300: a LoRA made to reproduce its one work; benchmarks/model_exam_auc.py's 52 steps
leave it too weak to redraw the layout), one torch thread), and run `exam extract`
(app/exam_extract.py) with the LoRA's training caption, `--count` seeds and w' = `--scale`; the
same with w' = 1 (plain sampling from the LoRA, no extrapolation) as the baseline. Of the
cluster centres, the one nearest the training work is taken; the training work is ranked among
itself and the controls by that centre's distance, in pHash Hamming distance (what the record
reports, 0..64) and in RMS difference of 16×16 grey thumbnails (the clustering space, 0..1).
Rank 1 = the centre is nearer the training work than any control; ties count against it (rank
= 1 + controls at most as near). Prints per repeat and the mean rank, the share of rank 1 and
the distances, plus seconds.

With `--negative` the LoRA is trained on another scene of the pool and the candidate (not in
training) is ranked the same way: the false-positive side.

Measured 2026-11-30 (2 shared CPU cores, nice 5, one torch thread; --repeats 6 --controls 20
--count 8 --clusters 2 --steps 20), rank of the work among 1 + 20 (mean; rank 1 in n/6) and the
nearest centre's distance to it against the nearest control's:
    LoRA 300 steps, w' 3:  pHash 1.67, 5/6, 11.0 vs 22.3 bits;  thumbnail 1.00, 6/6, 0.063 vs 0.153
    LoRA 300 steps, w' 1:  pHash 1.00, 6/6, 13.3 vs 22.7 bits;  thumbnail 1.17, 5/6, 0.056 vs 0.110
    LoRA  52 steps, w' 3:  pHash 5.17, 3/6, 22.3 vs 22.7 bits;  thumbnail 2.67, 4/6, 0.130 vs 0.140
    LoRA  52 steps, w' 1:  pHash 6.83, 3/6, 23.3 vs 20.0 bits;  thumbnail 3.17, 3/6, 0.113 vs 0.106
    --negative (300 steps, w' 3), candidate not in training:
                           pHash 10.33, 0/6, 30.0 vs 21.3 bits; thumbnail 9.67, 0/6, 0.315 vs 0.136
A LoRA trained to reproduce its one work gives it back: the nearest centre is 11 of 64 pHash bits
from it where the nearest control is 22, and a work not in training is never ranked first.
The extrapolation (w' 3 against plain sampling, w' 1) does not change the rank on these LoRAs:
the 300-step one reproduces its work without it (the centre is farther from every control,
0.153 against 0.110, but not nearer the work); on the weak 52-step LoRA both find the work in
half the repeats only. pHash on 64 px scenes is coarse (ties, one rank 5 where the thumbnail
ranks it first). Seconds per repeat: LoRA training 28–53 s (300 steps; 5 s at 52), each
extraction of 8 images × 20 steps 2–4 s.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def rank_of_first(distances: list[float]) -> int:
    """1 + how many of the others (distances[1:]) are at most as near as distances[0]."""
    return 1 + sum(d <= distances[0] for d in distances[1:])


def measure(images: list[np.ndarray], result: dict, works: list[np.ndarray]) -> dict:
    """The centre nearest the training work (works[0]) and the work's rank by its distance."""
    from workstation.analysis.model_exam.extract import nearest, thumbnails

    seeds = result["settings"]["seeds"]
    centres = [images[seeds.index(row["medoid_seed"])] for row in result["clusters"]]
    work_thumbs = thumbnails(works)
    out = {}
    for metric in ("phash", "thumb"):
        best = None
        for centre in centres:
            if metric == "phash":
                rows = sorted(nearest(centre, works), key=lambda r: r["index"])
                distances = [float(r["phash_distance"]) for r in rows]
            else:
                mine = thumbnails([centre])[0]
                distances = [float(np.sqrt(((mine - t) ** 2).mean())) for t in work_thumbs]
            if best is None or distances[0] < best[0]:
                best = distances
        assert best is not None
        out[metric] = {
            "rank": rank_of_first(best),
            "distance": best[0],
            "nearest_control": min(best[1:]),
        }
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=4)
    parser.add_argument("--controls", type=int, default=20)
    parser.add_argument("--count", type=int, default=8)
    parser.add_argument("--clusters", type=int, default=2)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--scale", type=float, default=3.0)
    parser.add_argument("--lora-steps", type=int, default=300)
    parser.add_argument(
        "--negative",
        action="store_true",
        help="train the LoRA on another scene: the candidate is not in training",
    )
    args = parser.parse_args()

    from workstation.analysis.images import load_image
    from workstation.app.exam_extract import ExtractRequest, extract
    from workstation.engine.demo_model import DEMO_NAME
    from workstation.engine.runtime import Runtime
    from workstation.engine.synthetic_shapes import write_dataset
    from workstation.engine.training import LoraSettings, train_lora
    from workstation.paths import MODELS_DIR

    demo = MODELS_DIR / DEMO_NAME
    print(
        f"model {demo}; {args.controls} controls, {args.count} images, {args.clusters} clusters, "
        f"{args.steps} DDIM steps, LoRA {args.lora_steps} steps; {args.repeats} repeats"
    )
    scales = (args.scale,) if args.negative else (args.scale, 1.0)
    if args.negative:
        print("negative: the LoRA is trained on another scene; the candidate is not in training")
    table: dict[float, list[dict]] = {scale: [] for scale in scales}
    seconds: dict[str, float] = {"train": 0.0, **{str(s): 0.0 for s in scales}}
    for repeat in range(args.repeats):
        with tempfile.TemporaryDirectory() as scratch:
            root = Path(scratch)
            pool = sorted(
                write_dataset(
                    root / "pool",
                    1 + args.controls + args.negative,
                    seed=700 + repeat,
                    kind="scene",
                ).glob("*.png")
            )
            (root / "train").mkdir()
            trained = pool.pop() if args.negative else pool[0]
            for item in (trained, trained.with_suffix(".txt")):
                shutil.copy(item, root / "train" / item.name)
            caption = trained.with_suffix(".txt").read_text(encoding="utf-8").strip()
            settings = LoraSettings(
                steps=args.lora_steps,
                batch_size=2,
                learning_rate=5e-3,
                targets="all",
                seed=repeat,
            )
            lora = root / "lora.safetensors"
            clock = time.perf_counter()
            train_lora(root / "train", lora, demo, settings, runtime=Runtime(threads=1))
            seconds["train"] += time.perf_counter() - clock
            works = [load_image(path).rgb for path in pool]
            line = [f"repeat {repeat}: {caption!r}"]
            for scale in scales:
                request = ExtractRequest(
                    model=demo,
                    lora=lora,
                    count=args.count,
                    seed=1000 * repeat,
                    steps=args.steps,
                    scale=scale,
                    clusters=args.clusters,
                    prompt=caption,
                    device="cpu",
                )
                clock = time.perf_counter()
                done = extract(request, None, Runtime(threads=1, deterministic=True))
                seconds[str(scale)] += time.perf_counter() - clock
                found = measure(done.images, done.result, works)
                table[scale].append(found)
                line.append(
                    f"w' {scale:g}: pHash rank {found['phash']['rank']} "
                    f"(d {found['phash']['distance']:.0f}, nearest control "
                    f"{found['phash']['nearest_control']:.0f}), thumbnail rank "
                    f"{found['thumb']['rank']} (d {found['thumb']['distance']:.3f}, nearest "
                    f"control {found['thumb']['nearest_control']:.3f})"
                )
            print("\n    ".join(line), flush=True)

    who = "the candidate (not in training)" if args.negative else "the training work"
    print(f"\nover {args.repeats} repeats, rank of {who} among 1 + {args.controls}:")
    for scale in scales:
        for metric in ("phash", "thumb"):
            rows = [found[metric] for found in table[scale]]
            ranks = [r["rank"] for r in rows]
            print(
                f"  w' {scale:g} {metric:5}: mean rank {np.mean(ranks):.2f}, rank 1 in "
                f"{sum(r == 1 for r in ranks)}/{len(ranks)}, distance to the work "
                f"{np.mean([r['distance'] for r in rows]):.3f}, to the nearest control "
                f"{np.mean([r['nearest_control'] for r in rows]):.3f}"
            )
    per = {k: v / args.repeats for k, v in seconds.items()}
    print(
        f"seconds per repeat: training {per['train']:.1f}, extraction "
        + ", ".join(f"w' {s:g} {per[str(s)]:.1f}" for s in scales)
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
