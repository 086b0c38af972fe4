"""Top-10 corpus search time at 100,000 and 1,000,000 entries: ours against the alternatives.

    .venv/bin/python benchmarks/corpus_search.py [--sizes 100000 1000000] [--repeat 20]

For each size: random 64-bit pHash codes and random 512-d unit embeddings, with one planted
near-duplicate of the query. Measured in the same run:
- pHash top-10: `corpus.top_k_hamming` (numpy XOR + bitwise_count + argpartition), a naive Python
  loop over imagehash objects (`query - h` for each, then heapq), and FAISS `IndexBinaryFlat`;
- embedding top-10: `corpus.top_k_cosine` (float32 mat-vec + argpartition) and FAISS `IndexFlatIP`.
Every method must return the planted entry first. Times are medians of `--repeat` queries
(the naive loop runs fewer times at 1M). FAISS runs single-threaded (see below) and is skipped
if `faiss-cpu` is not installed. The load average is printed: other work on the machine shows.
"""

from __future__ import annotations

import argparse
import heapq
import os
import statistics
import sys
import time
from pathlib import Path

import imagehash
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workstation.analysis.corpus import top_k_cosine, top_k_hamming  # noqa: E402

try:
    import faiss

    # One query at a time gains nothing from threads, and on a busy 2-core machine FAISS's OpenMP
    # threads were seen to stall single searches for 50–200 ms; one thread is its best case here.
    faiss.omp_set_num_threads(1)
except ImportError:  # optional: only this comparison needs it
    faiss = None


def median_ms(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def to_imagehash(code: int) -> imagehash.ImageHash:
    bits = np.unpackbits(np.frombuffer(int(code).to_bytes(8, "big"), np.uint8)).astype(bool)
    return imagehash.ImageHash(bits.reshape(8, 8))


def bench(size: int, repeat: int, rng: np.random.Generator) -> dict:
    planted = size // 3
    row = {"size": size}

    # 1. pHash codes.
    codes = rng.integers(0, 2**64, size, dtype=np.uint64, endpoint=False)
    query_code = int(codes[planted]) ^ 0b1000_0001  # 2 bits away
    row["hash_numpy"], (rows, _) = median_ms(lambda: top_k_hamming(codes, query_code, 10), repeat)
    assert rows[0] == planted

    start = time.perf_counter()
    objects = [to_imagehash(c) for c in codes.tolist()]
    row["naive_build_s"] = time.perf_counter() - start
    query_object = to_imagehash(query_code)

    def naive():
        return heapq.nsmallest(10, ((query_object - h, i) for i, h in enumerate(objects)))

    row["hash_naive"], hits = median_ms(naive, max(1, min(repeat, 3 if size > 200_000 else 5)))
    assert hits[0][1] == planted

    if faiss is not None:
        binary = faiss.IndexBinaryFlat(64)
        binary.add(codes.astype(">u8").view(np.uint8).reshape(size, 8))
        query_bytes = np.array([query_code], dtype=">u8").view(np.uint8).reshape(1, 8)
        row["hash_faiss"], (_, found) = median_ms(lambda: binary.search(query_bytes, 10), repeat)
        assert found[0][0] == planted

    # 2. 512-d embeddings.
    embeddings = rng.standard_normal((size, 512), dtype=np.float32)
    embeddings /= np.linalg.norm(embeddings, axis=1, keepdims=True)
    query = embeddings[planted] + 0.05 * rng.standard_normal(512, dtype=np.float32)
    query /= np.linalg.norm(query)
    row["embed_numpy"], (rows, _) = median_ms(lambda: top_k_cosine(embeddings, query, 10), repeat)
    assert rows[0] == planted
    if faiss is not None:
        flat = faiss.IndexFlatIP(512)
        flat.add(embeddings)
        row["embed_faiss"], (_, found) = median_ms(lambda: flat.search(query[None, :], 10), repeat)
        assert found[0][0] == planted
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    print(
        f"numpy {np.__version__}, faiss {faiss.__version__ if faiss else 'not installed'}, "
        f"{os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f}; "
        "times are medians, ms per top-10 query\n"
    )
    rows = [bench(size, args.repeat, rng) for size in args.sizes]

    header = (
        f"{'entries':>10} | {'pHash numpy':>11} {'naive loop':>11} {'FAISS bin':>10} "
        f"{'naive/np':>9} {'np/FAISS':>9} | {'emb numpy':>10} {'FAISS IP':>9} "
        f"{'np/FAISS':>9}"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        faiss_hash = r.get("hash_faiss", float("nan"))
        faiss_embed = r.get("embed_faiss", float("nan"))
        print(
            f"{r['size']:>10,} | {r['hash_numpy']:11.3f} {r['hash_naive']:11.1f} "
            f"{faiss_hash:10.3f} {r['hash_naive'] / r['hash_numpy']:8.0f}× "
            f"{r['hash_numpy'] / faiss_hash:8.2f}× | {r['embed_numpy']:10.2f} "
            f"{faiss_embed:9.2f} {r['embed_numpy'] / faiss_embed:8.2f}×"
        )
    print(
        "\n(targets at 100k: pHash top-10 ≤ 2 ms, embedding top-10 ≤ 20 ms; every method "
        "returned the planted entry first)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
