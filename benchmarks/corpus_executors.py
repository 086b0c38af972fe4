"""Corpus builds and sharded search: in this process against Ray, from one run.

    .venv/bin/python benchmarks/corpus_executors.py [--images 500] [--side 96] [--rows 200000]
                                                    [--dim 512] [--shards 2 4]

1. Build: `--images` random `--side`-px PNGs in a temporary folder, indexed (hashes only) in this
   process (twice: the first pays this process's imports; the ratios use the second), then on
   a local Ray with 2 workers: cold (`ray.init` and the workers' imports inside the time, as one
   `index build --executor ray` pays), and warm (Ray already up). Checks that the indexes are
   the same, array for array.
2. Query: a synthetic index of `--rows` rows (4 hash kinds, `--dim`-float unit embeddings), one
   query searched unsharded, then in `--shards` shards in this process and on Ray (warm).
   Checks that every answer is the unsharded one. Ray's time includes sending the shards' rows
   to the workers (the object store), which a one-off query pays every time.

Prints the wall times and the ratios. Everything is built in a temporary folder. Needs Ray.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np


def timed(function):
    started = time.perf_counter()
    value = function()
    return value, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=500)
    parser.add_argument("--side", type=int, default=96)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--dim", type=int, default=512)
    parser.add_argument("--shards", type=int, nargs="+", default=[2, 4])
    args = parser.parse_args()
    os.environ["WORKSTATION_THREADS"] = "1"

    from PIL import Image

    from workstation.analysis import corpus_search
    from workstation.analysis.corpus import HASH_KINDS, build_index
    from workstation.analysis.corpus_shards import sharded_search
    from workstation.analysis.executors import InProcess
    from workstation.analysis.ray_executor import RayExecutor, import_ray, start_local

    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory(prefix="corpus-executors-") as scratch:
        folder = Path(scratch) / "works"
        folder.mkdir()
        for number in range(args.images):
            pixels = rng.integers(0, 256, (args.side, args.side, 3), dtype=np.uint8)
            Image.fromarray(pixels).save(folder / f"w{number:05}.png")

        (here, _), first = timed(lambda: build_index(folder, executor=InProcess()))
        (here, _), inprocess = timed(lambda: build_index(folder, executor=InProcess()))
        (cold, _), ray_cold = timed(lambda: build_index(folder, executor=RayExecutor(num_cpus=2)))
        ray = import_ray(local=True)
        start_local(2)
        build_index(folder, executor=RayExecutor())  # the workers' imports, once
        (warm, _), ray_warm = timed(lambda: build_index(folder, executor=RayExecutor()))
        for other in (cold, warm):
            assert all(
                getattr(here, n).tobytes() == getattr(other, n).tobytes()
                for n in ("paths", "sizes", "mtimes_ns", "sha256")
            )
            assert all(here.hashes[k].tobytes() == other.hashes[k].tobytes() for k in HASH_KINDS)
        rate = args.images / inprocess
        print(f"build, {args.images} images of {args.side}×{args.side} px (hashes):")
        print(f"  in-process, first   {first:7.2f} s  (this process's imports inside)")
        print(f"  in-process          {inprocess:7.2f} s  ({rate:.0f} images/s)")
        print(
            f"  Ray, 2 workers cold {ray_cold:7.2f} s  "
            f"(ratio to in-process {ray_cold / inprocess:.2f})"
        )
        print(
            f"  Ray, 2 workers warm {ray_warm:7.2f} s  "
            f"(ratio to in-process {ray_warm / inprocess:.2f})"
        )
        print("  the three indexes are identical, array for array")

        codes = {k: rng.integers(0, 2**63, args.rows, dtype=np.uint64) for k in HASH_KINDS}
        vectors = rng.normal(size=(args.rows, args.dim)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        queries = {k: int(codes[k][7]) ^ 0b101 for k in HASH_KINDS}
        probe = vectors[11]
        k = 10

        def whole():
            found = {m: corpus_search.search_codes(codes[m], queries[m], k) for m in HASH_KINDS}
            found["clip"] = corpus_search.VectorSearch(vectors).search(probe, k)
            return found

        reference, unsharded = timed(whole)
        print(f"\nquery, {args.rows:,} rows, {args.dim}-float embeddings, k={k}:")
        print(f"  unsharded           {unsharded:7.3f} s")
        for shards in args.shards:
            for name, executor in (("in-process", InProcess()), ("Ray", RayExecutor())):
                found, seconds = timed(
                    lambda e=executor, s=shards: sharded_search(
                        codes, queries, k, s, vectors, probe, executor=e
                    )
                )
                for metric, (rows, values) in reference.items():
                    assert found[metric][0].tolist() == rows.tolist(), metric
                    assert found[metric][1].tolist() == values.tolist(), metric
                print(
                    f"  {shards} shards, {name:<10} {seconds:7.3f} s  "
                    f"(ratio to unsharded {seconds / unsharded:.2f})"
                )
        print("  every sharded answer is the unsharded one")
        ray.shutdown()


if __name__ == "__main__":
    main()
