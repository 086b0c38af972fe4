"""Calibrate the interpretation bands: how well each metric separates "same work" from "different".

    .venv/bin/python benchmarks/calibrate_bands.py [--works 60] [--size 512] [--negatives 4000]
        [--metrics NAME ...] [--clip-model PATH [--clip-arch NAME]]
        [--out benchmarks/results/calibration.json]

1. Works: synthetic Pillow-drawn works in four styles plus scikit-image's bundled photographs.
2. Queries: every work under every transform in `synthetic.TRANSFORMS` (JPEG, resize, crops of
   10/25/40 % of the area, rotations, colour shift, text overlay, mirror, and a combination).
3. Positives: a query against its own work. Negatives: a query against every other work (all
   pairs for the vectorised hash metrics; a seeded random sample for the pairwise metrics).
4. Per metric: the threshold with at most 1 % false positives and the true-positive rate there,
   the threshold beyond every negative (0 % false positives) and its TPR, and TPR@1 % per transform.

Every metric of the registry (`workstation/analysis/metrics/`) is calibrated, through the same
`Metric.compute` that `workstation compare` uses (A = the query, B = the work); a new metric is
calibrated without editing this script. What is computed once per image (hashes, SIFT features)
is computed once here too. `--metrics NAME ...` calibrates only those metrics on the same pairs
(same seed and settings) and merges them into an existing results file. Synthetic works stand in
for a real collection: the table says how the metrics behave under these transforms, not how they
behave on any particular art collection.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from multiprocessing import Pool
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from synthetic import STYLES, TRANSFORMS, make_work, natural_works  # noqa: E402

from workstation.analysis import hashes, keypoints, metrics  # noqa: E402
from workstation.analysis.images import image_from_array  # noqa: E402
from workstation.analysis.metrics.base import CLIP_MODEL  # noqa: E402
from workstation.analysis.metrics.shared import Pair  # noqa: E402

HASH_METRICS = tuple(hashes.HASHES)  # vectorised over every query × work pair
# Metrics measured on a pair at a time (CLIP is embedded once per image, below).
PAIRWISE = tuple(
    m.name for m in metrics.METRICS if m.name not in HASH_METRICS and CLIP_MODEL not in m.needs
)
# Settings that must match for a partial run to be merged into an earlier results file.
SAME_PAIRS = ("works", "size", "negatives", "no_natural", "seed")

_IMAGES: list[np.ndarray] = []  # shared with worker processes (fork)
_FEATURES: list = []
_CHOSEN: list[str] = []  # the pairwise metrics this run calibrates


NOT_MEASURED = -1.0  # a metric's value where it could not be measured (below any SSIM)


def _image_features(index):
    rgb = _IMAGES[index]
    image_hashes = hashes.image_hashes(rgb)
    return (
        {name: hashes.hash_to_uint64(value) for name, value in image_hashes.items()},
        hashes.crop_resistant_hash(rgb),
        keypoints.detect(rgb),
    )


def _mirrored_features(index):
    return keypoints.mirror_features(_IMAGES[index])


def _pair_metrics(job):
    query, work = job
    pair = Pair(image_from_array(_IMAGES[query]), image_from_array(_IMAGES[work]))
    if _FEATURES:  # seed the pair with what was computed once per image
        features_q, features_w, mirrored_w = (
            _FEATURES[query][2],
            _FEATURES[work][2],
            _FEATURES[work][3],
        )
        straight = keypoints.match_features(features_q, features_w)
        flipped = keypoints.match_features(features_q, mirrored_w, mirrored=True)
        pair.keypoints = flipped if flipped.inliers > straight.inliers else straight
        pair.side_a.crop_resistant_hash = _FEATURES[query][1]
        pair.side_b.crop_resistant_hash = _FEATURES[work][1]
    values = {}
    for name in _CHOSEN:
        value = metrics.get(name).compute(pair)
        values[name] = NOT_MEASURED if value is None else float(value)  # e.g. no homography
    return values


def _operating_points(positives, negatives, lower_is_closer, integer):
    """Threshold and TPR at ≤1 % FPR, and beyond every negative (0 % FPR)."""
    sign = -1.0 if lower_is_closer else 1.0  # work in "higher is closer"
    pos, neg = sign * np.asarray(positives, float), sign * np.asarray(negatives, float)
    neg_sorted = np.sort(neg)[::-1]
    allowed = int(np.floor(0.01 * len(neg)))  # negatives that may reach the threshold

    # Smallest threshold t with #(neg >= t) <= allowed: just above the (allowed+1)-th largest.
    def above(value):
        return np.nextafter(value, np.inf)

    threshold_1 = above(neg_sorted[allowed]) if allowed < len(neg_sorted) else -np.inf
    threshold_0 = above(neg_sorted[0])
    if lower_is_closer and integer:  # Hamming distances: "≤ d", d the largest allowed value
        t1, t0 = np.floor(-threshold_1), np.floor(-threshold_0)
    elif lower_is_closer:
        t1, t0 = -threshold_1, -threshold_0
    else:
        t1, t0 = threshold_1, threshold_0
    if lower_is_closer:
        tpr_1, tpr_0 = float(np.mean(-pos <= t1)), float(np.mean(-pos <= t0))
        fpr_1 = float(np.mean(-neg <= t1))
    else:
        tpr_1, tpr_0 = float(np.mean(pos >= t1)), float(np.mean(pos >= t0))
        fpr_1 = float(np.mean(neg >= t1))
    return {
        "threshold_1pct": float(t1),
        "tpr_1pct": tpr_1,
        "fpr_1pct": fpr_1,
        "threshold_0pct": float(t0),
        "tpr_0pct": tpr_0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--works", type=int, default=60, help="synthetic works (default 60)")
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument(
        "--negatives",
        type=int,
        default=4000,
        help="sampled different-work pairs for the pairwise metrics",
    )
    parser.add_argument("--no-natural", action="store_true", help="leave out skimage photos")
    parser.add_argument(
        "--metrics",
        nargs="+",
        choices=[*HASH_METRICS, *PAIRWISE],
        help="calibrate only these and merge them into --out (same pairs: same seed and settings)",
    )
    parser.add_argument("--clip-model")
    parser.add_argument("--clip-arch")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--out", default=str(Path(__file__).parent / "results" / "calibration.json")
    )
    args = parser.parse_args()
    chosen = args.metrics or [*HASH_METRICS, *PAIRWISE]
    earlier = _earlier_results(args) if args.metrics else None
    _CHOSEN.extend(m for m in PAIRWISE if m in chosen)
    started = time.perf_counter()
    rng = np.random.default_rng(args.seed)
    model = None
    if args.clip_model:  # loaded first, so a wrong path fails before the long part
        from workstation.analysis.clip import ClipModel

        model = ClipModel.load(args.clip_model, args.clip_arch)

    # 1. Works and queries.
    works = [make_work(args.seed + i, args.size) for i in range(args.works)]
    styles = [STYLES[(args.seed + i) % len(STYLES)] for i in range(args.works)]
    if not args.no_natural:
        natural = natural_works(args.size)
        works += natural
        styles += ["photo"] * len(natural)
    queries = []  # (work index, transform name, rgb)
    for index, work in enumerate(works):
        for name, transform in TRANSFORMS.items():
            queries.append((index, name, transform(work, rng)))
    _IMAGES.extend(works)
    _IMAGES.extend(q[2] for q in queries)
    n_works = len(works)
    print(
        f"{n_works} works ({args.works} synthetic), {len(TRANSFORMS)} transforms, "
        f"{len(queries)} queries",
        flush=True,
    )

    # 2. Per-image features (hashes, crop-resistant hash, SIFT), in parallel, when a metric that
    #    uses them is calibrated.
    if set(chosen) & {*HASH_METRICS, "crop_resistant", "keypoint_inliers", "registered_ssim"}:
        with Pool(os.cpu_count() or 2) as pool:
            per_image = pool.map(_image_features, range(len(_IMAGES)), chunksize=8)
            mirrored = pool.map(_mirrored_features, range(n_works), chunksize=4)
        _FEATURES.extend(
            (*f, mirrored[i] if i < n_works else None) for i, f in enumerate(per_image)
        )
        print(f"features: {time.perf_counter() - started:.0f} s", flush=True)

    # 3. Hash metrics on every query × work pair (vectorised).
    query_work = np.array([q[0] for q in queries])
    query_transform = np.array([q[1] for q in queries])
    scores: dict[str, dict] = {}
    for name in (m for m in HASH_METRICS if m in chosen):
        values = np.array([f[0][name] for f in per_image], dtype=np.uint64)
        work_hashes, query_hashes = values[:n_works], values[n_works:]
        distances = np.bitwise_count(query_hashes[:, None] ^ work_hashes[None, :]).astype(float)
        own = distances[np.arange(len(queries)), query_work]
        other = distances[np.arange(n_works)[None, :] != query_work[:, None]]
        scores[name] = {"positives": own, "negatives": other}

    # 4. Pairwise metrics on positives and a sample of negatives.
    positive_jobs = [(n_works + i, q[0]) for i, q in enumerate(queries)]
    negative_jobs = []
    while len(negative_jobs) < args.negatives:
        q = int(rng.integers(len(queries)))
        w = int(rng.integers(n_works))
        if w != queries[q][0]:
            negative_jobs.append((n_works + q, w))
    with Pool(os.cpu_count() or 2) as pool:
        positive_rows = pool.map(_pair_metrics, positive_jobs, chunksize=8) if _CHOSEN else []
        negative_rows = pool.map(_pair_metrics, negative_jobs, chunksize=8) if _CHOSEN else []
    for name in _CHOSEN:
        scores[name] = {
            "positives": np.array([r[name] for r in positive_rows]),
            "negatives": np.array([r[name] for r in negative_rows]),
        }
    print(f"pairwise metrics: {time.perf_counter() - started:.0f} s", flush=True)

    # 5. CLIP, when a model is given.
    if model is not None:
        embeddings = model.embed_images(_IMAGES)
        cosines = embeddings[n_works:] @ embeddings[:n_works].T
        scores["clip_image"] = {
            "positives": cosines[np.arange(len(queries)), query_work],
            "negatives": cosines[np.arange(n_works)[None, :] != query_work[:, None]],
        }

    # 6. Operating points, overall and per transform.
    results = {}
    for name, values in scores.items():
        lower = name != "clip_image" and metrics.get(name).closer == "lower"
        integer = name != "clip_image" and metrics.get(name).integer
        point = _operating_points(values["positives"], values["negatives"], lower, integer)
        threshold = point["threshold_1pct"]
        per_transform = {}
        for transform in TRANSFORMS:
            chosen = values["positives"][query_transform == transform]
            hits = chosen <= threshold if lower else chosen >= threshold
            per_transform[transform] = float(np.mean(hits))
        point["tpr_1pct_by_transform"] = per_transform
        point["positives"], point["negatives"] = len(values["positives"]), len(values["negatives"])
        point["closer"] = "lower" if lower else "higher"
        results[name] = point

    _print_table(results)
    if earlier is not None:  # a partial run: the other metrics stay as they were measured
        earlier["metrics"].update(results)
        earlier.setdefault("partial_runs", []).append(
            {"metrics": list(results), "seconds": round(time.perf_counter() - started, 1)}
        )
        Path(args.out).write_text(json.dumps(earlier, indent=2, ensure_ascii=False) + "\n")
        print(f"\nmerged {', '.join(results)} into {args.out}")
        return 0
    output = {
        "script": "benchmarks/calibrate_bands.py",
        "arguments": vars(args),
        "works": n_works,
        "styles": sorted(set(styles)),
        "transforms": list(TRANSFORMS),
        "queries": len(queries),
        "seconds": round(time.perf_counter() - started, 1),
        "metrics": results,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(output, indent=2, ensure_ascii=False) + "\n")
    print(f"\nwritten {args.out} ({output['seconds']} s)")
    return 0


def _earlier_results(args) -> dict:
    """The results file a partial run merges into, made with the same pairs."""
    path = Path(args.out)
    if not path.is_file():
        raise SystemExit(f"--metrics merges into an earlier full run; {path} does not exist")
    earlier = json.loads(path.read_text(encoding="utf-8"))
    different = [k for k in SAME_PAIRS if earlier["arguments"].get(k) != getattr(args, k)]
    if different:
        raise SystemExit(f"{path} was made with other {', '.join(different)}; run them all")
    return earlier


def _rounded(value: float, closer: str) -> float | None:
    """Threshold as a metric's Bands hold it: 3 decimals, towards fewer false positives (whole
    distances stay whole); None when even distance 0 had false positives (no near-duplicate
    range)."""
    if closer == "lower":
        return None if value < 0 else math.floor(value * 1000 + 1e-6) / 1000
    return math.ceil(value * 1000 - 1e-6) / 1000


def _print_table(results: dict) -> None:
    print(
        "\nTrue-positive rate at ≤1 % false-positive rate (same work transformed vs different "
        "work)\n"
    )
    header = f"{'metric':18} {'TPR@1%':>7} {'thresh@1%':>10} {'TPR@0%':>7} {'thresh@0%':>10}"
    print(header)
    print("-" * len(header))
    for name, r in results.items():
        sign = "≤" if r["closer"] == "lower" else "≥"
        print(
            f"{name:18} {r['tpr_1pct']:7.3f} {sign}{r['threshold_1pct']:9.4g} "
            f"{r['tpr_0pct']:7.3f} {sign}{r['threshold_0pct']:9.4g}"
        )
    print("\nFor the metrics' Bands (near-duplicate = 0 % FPR, similar = 1 % FPR):\n")
    for name, r in results.items():
        near = _rounded(r["threshold_0pct"], r["closer"])
        # A 1 % point on "not measured" is no threshold: every measured value is similar.
        not_measured = r["closer"] == "higher" and r["threshold_1pct"] <= NOT_MEASURED + 1e-9
        similar = None if not_measured else _rounded(r["threshold_1pct"], r["closer"])
        print(
            f"  {name:18} near-duplicate {near!s:>6} (TPR {r['tpr_0pct']:.3f})   "
            f"similar {similar!s:>6} (TPR {r['tpr_1pct']:.3f})   {r['negatives']:,} negatives"
        )
    transforms = list(next(iter(results.values()))["tpr_1pct_by_transform"])
    print("\nTPR at the 1 % FPR threshold, by transform\n")
    print(f"{'transform':18} " + " ".join(f"{name[:9]:>9}" for name in results))
    for transform in transforms:
        cells = " ".join(f"{results[n]['tpr_1pct_by_transform'][transform]:9.2f}" for n in results)
        print(f"{transform:18} {cells}")


if __name__ == "__main__":
    raise SystemExit(main())
