"""Corpus search on FAISS: ours vs raw FAISS (parity) and the old numpy scan; approximate kinds.

    .venv/bin/python benchmarks/corpus_faiss.py [--sizes 100000 [1000000]] [--repeat 30]
        [--approximate-sizes 100000 [1000000]] [--kinds hnsw ivfpq] [--phash-10m]
        [--ivfpq-stream 10000000 [--sweep-nprobe 32 128 --sweep-refine 20 100 500]]

For each of `--sizes`, in one run (times are medians of `--repeat` queries, ms per top-10 query):
- pHash top-10 over random 64-bit codes with a planted near-duplicate: ours
  (`corpus_search.CodeSearch`, FAISS `IndexBinaryFlat` + the exact tie order), raw FAISS
  `IndexBinaryFlat.search`, and the old numpy scan (`corpus.top_k_hamming`);
- 512-d embeddings top-10: ours (`VectorSearch`, kind flat: FAISS `IndexFlatIP` + exact
  re-scoring), raw FAISS `IndexFlatIP.search`, the old numpy scan (`corpus.top_k_cosine`).
Every method must return the planted entry first, and ours the old scan's rows.

For each of `--approximate-sizes` and `--kinds`: build time (train + add, progress as the
workstation builds it), recall@10 against exact search as the build measures it (200 held-out
queries, `corpus_search.measure_recall`), query time, and resident memory added by the index
(RSS delta). IVF-PQ is written under /tmp and read back memory-mapped (`IO_FLAG_MMAP`), its file
size reported, and deleted after. The embeddings are clustered (2,000 random centres, each
vector a centre plus noise), closer to real CLIP embeddings than uniform noise, on which
inverted lists have nothing to find.

`--phash-10m`: ours vs raw FAISS vs numpy on 10 million pHash codes (80 MB).
`--ivfpq-stream N`: IVF-PQ over N embeddings generated in chunks (never all in memory), written
to /tmp and memory-mapped; recall@10 of 50 queries against an exact scan of the regenerated
chunks. The vectors themselves are also written, chunk by chunk, to a raw file under /tmp
(float32 when the disk has room for it with 70 % to spare, float16 otherwise: `--stored-dtype`)
and opened as an `np.memmap`, so the IVF-PQ candidates are re-scored exactly
(`corpus_search.VectorSearch`, refine × k candidates read from the file), as the workstation
does for a corpus too big for memory: recall@10 and query time with and without re-scoring;
`--sweep-nprobe` × `--sweep-refine` measure both for other settings on the same index (at 10M
clustered vectors, refine 20 gave recall@10 0.61, refine 500 gave 1.00: see
results/corpus_faiss_10m.txt).
Everything big lives under /tmp and is deleted after.

Queries run on one FAISS thread (one query at a time gains nothing from threads here, and on a
busy 2-core machine OpenMP threads stall single searches); builds use the free cores
(`thread_policy`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import faiss  # noqa: E402  (this benchmark is about FAISS: the [scale] extra)

from workstation.analysis import corpus_search  # noqa: E402
from workstation.analysis.corpus import top_k_cosine, top_k_hamming  # noqa: E402
from workstation.engine.runtime import thread_policy  # noqa: E402

DIM = 512
CORES = os.cpu_count() or 1
BUILD_THREADS = thread_policy()  # the free cores, as the workstation's builds use


def rss_mb() -> float:
    with open("/proc/self/statm") as stream:
        return int(stream.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def median_ms(function, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def clustered(rng: np.random.Generator, count: int, centres: np.ndarray) -> np.ndarray:
    vectors = centres[rng.integers(0, len(centres), count)]
    vectors += 0.7 / np.sqrt(DIM) * rng.standard_normal((count, DIM), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors


def exact_parity(size: int, repeat: int, rng: np.random.Generator) -> dict:
    faiss.omp_set_num_threads(1)
    planted = size // 3
    row = {"size": size}

    # 1. pHash codes.
    codes = rng.integers(0, 2**64, size, dtype=np.uint64, endpoint=False)
    query_code = int(codes[planted]) ^ 0b1000_0001  # 2 bits away
    ours = corpus_search.CodeSearch(codes)
    ours.search(query_code, 10)  # the FAISS index is made on the first search, then kept
    row["hash_ours"], (rows, bits) = median_ms(lambda: ours.search(query_code, 10), repeat)
    raw = faiss.IndexBinaryFlat(64)
    raw.add(codes.view(np.uint8).reshape(size, 8))
    probe = np.array([query_code], np.uint64).view(np.uint8).reshape(1, 8)
    row["hash_faiss"], (_, found) = median_ms(lambda: raw.search(probe, 10), repeat)
    row["hash_numpy"], old = median_ms(lambda: top_k_hamming(codes, query_code, 10), repeat)
    assert rows[0] == found[0][0] == old[0][0] == planted
    assert rows.tolist() == old[0].tolist() and bits.tolist() == old[1].tolist()
    del raw, ours

    # 2. 512-d embeddings.
    embeddings = rng.standard_normal((size, DIM), dtype=np.float32)
    embeddings /= np.linalg.norm(embeddings, axis=1, keepdims=True)
    query = embeddings[planted] + 0.05 * rng.standard_normal(DIM, dtype=np.float32)
    query /= np.linalg.norm(query)
    ours = corpus_search.VectorSearch(embeddings)
    ours.search(query, 10)
    row["embed_ours"], (rows, _) = median_ms(lambda: ours.search(query, 10), repeat)
    raw = faiss.IndexFlatIP(DIM)
    raw.add(embeddings)
    row["embed_faiss"], (_, found) = median_ms(lambda: raw.search(query[None], 10), repeat)
    row["embed_numpy"], old = median_ms(lambda: top_k_cosine(embeddings, query, 10), repeat)
    assert rows[0] == found[0][0] == old[0][0] == planted
    assert rows.tolist() == old[0].tolist()
    return row


def approximate(size: int, kind: str, repeat: int, rng: np.random.Generator, folder: Path):
    centres = rng.standard_normal((2000, DIM), dtype=np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    vectors = clustered(rng, size, centres)
    row = {"size": size, "kind": kind}
    faiss.omp_set_num_threads(BUILD_THREADS)
    before = rss_mb()
    started = time.perf_counter()
    engine, parameters = corpus_search.build_approximate(vectors, kind, {})
    row["build_s"] = time.perf_counter() - started
    row["parameters"] = parameters
    if kind == "ivfpq":  # on disk, memory-mapped back
        path = folder / f"bench-{size}.ivfpq.faiss"
        corpus_search.write_engine(engine, path)
        row["file_mb"] = path.stat().st_size / 2**20
        del engine
        before = rss_mb()
        engine = corpus_search.read_engine(path, "ivfpq")
        engine.nprobe = parameters["nprobe"]
    row["rss_mb"] = rss_mb() - before
    faiss.omp_set_num_threads(1)
    search = corpus_search.VectorSearch(vectors, kind, parameters, engine)
    row.update(corpus_search.measure_recall(search))
    # Without the exact re-scoring (raw FAISS answer, what a corpus too big for memory gets).
    raw = corpus_search.VectorSearch(vectors, kind, {**parameters, "refine": 1}, engine)
    row["recall_raw"] = corpus_search.measure_recall(raw)["recall_at_10"]
    query = vectors[size // 2]
    row["query_ms"], _ = median_ms(lambda: search.search(query, 10), repeat)
    row["query_raw_ms"], _ = median_ms(lambda: engine.search(query[None], 10), repeat)
    if kind == "ivfpq":
        del engine, search, raw
        path.unlink()
    return row


def phash_10m(repeat: int) -> dict:
    faiss.omp_set_num_threads(1)
    rng = np.random.default_rng(10)
    size = 10_000_000
    codes = rng.integers(0, 2**64, size, dtype=np.uint64, endpoint=False)
    query = int(codes[1234567]) ^ 0b11
    before = rss_mb()
    ours = corpus_search.CodeSearch(codes)
    started = time.perf_counter()
    ours.search(query, 10)
    row = {"build_s": time.perf_counter() - started, "rss_mb": rss_mb() - before}
    row["ours"], (rows, _) = median_ms(lambda: ours.search(query, 10), repeat)
    probe = np.array([query], np.uint64).view(np.uint8).reshape(1, 8)
    row["faiss"], _ = median_ms(lambda: ours.engine.search(probe, 10), repeat)
    row["numpy"], old = median_ms(lambda: top_k_hamming(codes, query, 10), max(3, repeat // 5))
    assert rows.tolist() == old[0].tolist() and rows[0] == 1234567
    return row


def stored_dtype(size: int, folder: Path, wanted: str) -> np.dtype | None:
    """float32 when the disk holds the raw vectors with 70 % to spare (10M: 20.5 GB of 35 GB),
    float16 when it holds half of that, None when neither fits (no re-scoring then)."""
    if wanted != "auto":
        return None if wanted == "none" else np.dtype(wanted)
    free = shutil.disk_usage(folder).free
    for dtype in (np.float32, np.float16):
        if free >= 1.7 * size * DIM * np.dtype(dtype).itemsize:
            return np.dtype(dtype)
    return None


def ivfpq_stream(
    size: int, folder: Path, repeat: int, wanted: str = "auto", sweep: tuple = ()
) -> dict:
    """IVF-PQ over `size` clustered vectors made chunk by chunk (seeded per chunk, so the exact
    scan for recall regenerates them); the vectors also written to a raw memory-mapped file for
    exact re-scoring."""
    chunk = 200_000
    dtype = stored_dtype(size, folder, wanted)
    store = None
    if dtype is not None:
        raw_path = folder / f"vectors.{dtype.name}"
        store = np.memmap(raw_path, dtype=dtype, mode="w+", shape=(size, DIM))
    store_s = 0.0
    centres = np.random.default_rng(1).standard_normal((2000, DIM), dtype=np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)

    def part(start: int) -> np.ndarray:
        return clustered(
            np.random.default_rng(1000 + start // chunk), min(chunk, size - start), centres
        )

    parameters = corpus_search.default_parameters("ivfpq", size)
    parameters["nlist"] = min(parameters["nlist"], 1024)  # the assignment of N vectors dominates
    faiss.omp_set_num_threads(BUILD_THREADS)
    before = rss_mb()
    started = time.perf_counter()
    quantizer = faiss.IndexFlatIP(DIM)
    engine = faiss.IndexIVFPQ(
        quantizer,
        DIM,
        parameters["nlist"],
        parameters["pq_m"],
        parameters["nbits"],
        faiss.METRIC_INNER_PRODUCT,
    )
    engine.train(
        np.concatenate([part(s) for s in range(0, min(size, 39 * parameters["nlist"]), chunk)])
    )
    # 50 held-out queries: corpus vectors moved by noise, as the build's recall check does (their
    # rows copied as their chunks go by: a view would keep each 400 MB chunk alive).
    rng = np.random.default_rng(2)
    picks = np.sort(rng.choice(size, 50, replace=False))
    probes = np.zeros((len(picks), DIM), np.float32)
    for start in range(0, size, chunk):
        vectors = part(start)
        inside = (picks >= start) & (picks < start + len(vectors))
        probes[inside] = vectors[picks[inside] - start]
        engine.add(vectors)
        if store is not None:
            wrote = time.perf_counter()
            store[start : start + len(vectors)] = vectors
            store_s += time.perf_counter() - wrote
    if store is not None:
        wrote = time.perf_counter()
        store.flush()
        store_s += time.perf_counter() - wrote
        del store
    build_s = time.perf_counter() - started - store_s
    print(
        f"  (built in {build_s:.0f} s, vectors written in {store_s:.0f} s; load average "
        f"{os.getloadavg()[0]:.1f})",
        flush=True,
    )
    path = folder / "stream.ivfpq.faiss"
    corpus_search.write_engine(engine, path)
    file_mb = path.stat().st_size / 2**20
    del engine, quantizer
    before = rss_mb()
    engine = corpus_search.read_engine(path, "ivfpq")
    engine.nprobe = parameters["nprobe"]
    rss = rss_mb() - before
    noise = rng.standard_normal(probes.shape).astype(np.float32)
    probes += corpus_search.RECALL_NOISE * noise / np.linalg.norm(noise, axis=1, keepdims=True)
    probes /= np.linalg.norm(probes, axis=1, keepdims=True)
    # The exact answer: a scan of every vector (read back from the float32 file, the same values
    # as generated; regenerated otherwise).
    exact = None if dtype != np.float32 else np.memmap(raw_path, np.float32, "r", shape=(size, DIM))
    started = time.perf_counter()
    best = [(np.full(10, -np.inf), np.zeros(10, np.int64)) for _ in probes]
    for start in range(0, size, chunk):
        scores = (part(start) if exact is None else exact[start : start + chunk]) @ probes.T
        for q in range(len(probes)):
            top = np.argpartition(-scores[:, q], 10)[:10]
            values = np.concatenate([best[q][0], scores[top, q]])
            rows = np.concatenate([best[q][1], top + start])
            keep = np.argsort(-values)[:10]
            best[q] = (values[keep], rows[keep])
    del exact
    print(f"  (exact scan for recall: {time.perf_counter() - started:.0f} s)", flush=True)
    faiss.omp_set_num_threads(1)
    found = 0
    for q, probe in enumerate(probes):
        found += len(set(engine.search(probe[None], 10)[1][0].tolist()) & set(best[q][1].tolist()))
    query_ms, _ = median_ms(lambda: engine.search(probes[:1], 10), repeat)
    row = {
        "size": size,
        "parameters": parameters,
        "build_s": build_s,
        "file_mb": file_mb,
        "rss_mb": rss,
        "recall_raw": found / (10 * len(probes)),
        "query_ms": query_ms,
        "stored": None if dtype is None else dtype.name,
    }
    if dtype is not None:
        # Exact re-scoring of refine × 10 candidates, read from the memory-mapped raw vectors:
        # what VectorSearch does for an IVF-PQ index. Each probe's first search reads its
        # candidates' rows from the file (or the page cache: the file was just written).
        vectors = np.memmap(raw_path, dtype=dtype, mode="r", shape=(size, DIM))
        before = rss_mb()
        search = corpus_search.VectorSearch(vectors, "ivfpq", parameters, engine)
        found, first = 0, []
        for q, probe in enumerate(probes):
            started = time.perf_counter()
            rows = search.search(probe, 10)[0]
            first.append((time.perf_counter() - started) * 1000)
            found += len(set(rows.tolist()) & set(best[q][1].tolist()))
        row["recall_rescored"] = found / (10 * len(probes))
        row["rescored_first_ms"] = statistics.median(first)
        row["rescored_ms"], _ = median_ms(lambda: search.search(probes[0], 10), repeat)
        row["rescore_rss_mb"] = rss_mb() - before
        row["stored_mb"] = raw_path.stat().st_size / 2**20
        row["store_s"] = store_s
        row["sweep"] = []
        for nprobe, refine in sweep:  # what more probes or candidates buy
            engine.nprobe = nprobe
            wider = corpus_search.VectorSearch(
                vectors, "ivfpq", {**parameters, "nprobe": nprobe, "refine": refine}, engine
            )
            found = raw = 0
            times = []
            for q, probe in enumerate(probes):
                truth = set(best[q][1].tolist())
                raw += len(set(engine.search(probe[None], 10)[1][0].tolist()) & truth)
                started = time.perf_counter()
                rows = wider.search(probe, 10)[0]
                times.append((time.perf_counter() - started) * 1000)
                found += len(set(rows.tolist()) & truth)
            point = (nprobe, refine, raw / 500, found / 500, statistics.median(times))
            print(
                f"  nprobe {nprobe:>4}, refine {refine:>4} ({refine * 10:>5} candidates): "
                f"recall@10 "
                f"raw {point[2]:.3f}, re-scored {point[3]:.3f}, query {point[4]:.1f} ms",
                flush=True,
            )
            row["sweep"].append(point)
        engine.nprobe = parameters["nprobe"]
        del search, vectors
        raw_path.unlink()
    path.unlink()
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000])
    parser.add_argument("--approximate-sizes", type=int, nargs="*", default=[100_000])
    parser.add_argument("--kinds", nargs="*", default=["hnsw", "ivfpq"])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--phash-10m", action="store_true")
    parser.add_argument("--ivfpq-stream", type=int, default=0, metavar="N")
    parser.add_argument(
        "--stored-dtype",
        choices=["auto", "float32", "float16", "none"],
        default="auto",
        help="--ivfpq-stream: the raw vectors' file for exact re-scoring (auto: float32 if the "
        "disk has room, else float16)",
    )
    parser.add_argument(
        "--sweep-nprobe", type=int, nargs="*", default=[], help="--ivfpq-stream: also try these"
    )
    parser.add_argument(
        "--sweep-refine", type=int, nargs="*", default=[], help="--ivfpq-stream: with these"
    )
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    print(
        f"numpy {np.__version__}, faiss {faiss.__version__}, {CORES} CPU(s), builds on "
        f"{BUILD_THREADS} thread(s), load average "
        f"{os.getloadavg()[0]:.1f}; query times are medians, ms per top-10 query\n",
        flush=True,
    )
    if args.sizes:
        header = (
            f"{'entries':>10} | {'pHash ours':>10} {'FAISS bin':>9} {'numpy':>7} {'ours/F':>7} "
            f"{'np/ours':>8} | {'emb ours':>8} {'FAISS IP':>8} {'numpy':>7} {'ours/F':>7} "
            f"{'np/ours':>8}"
        )
        print(header)
        print("-" * len(header))
        for size in args.sizes:
            r = exact_parity(size, args.repeat, rng)
            print(
                f"{r['size']:>10,} | {r['hash_ours']:10.3f} {r['hash_faiss']:9.3f} "
                f"{r['hash_numpy']:7.3f} {r['hash_ours'] / r['hash_faiss']:6.2f}× "
                f"{r['hash_numpy'] / r['hash_ours']:7.2f}× | {r['embed_ours']:8.2f} "
                f"{r['embed_faiss']:8.2f} {r['embed_numpy']:7.2f} "
                f"{r['embed_ours'] / r['embed_faiss']:6.2f}× "
                f"{r['embed_numpy'] / r['embed_ours']:7.2f}×",
                flush=True,
            )
        print("(same rows as the old scan, the planted entry first, on every method)\n")
    if args.approximate_sizes and args.kinds:
        with tempfile.TemporaryDirectory(prefix="corpus-faiss-", dir="/tmp") as folder:
            print(
                f"{'entries':>10} {'kind':>6} | {'build s':>8} {'recall@10':>9} {'raw':>6} "
                f"{'query ms':>8} {'raw ms':>7} {'RSS MB':>7} {'file MB':>7} | parameters"
            )
            for size in args.approximate_sizes:
                for kind in args.kinds:
                    r = approximate(size, kind, args.repeat, rng, Path(folder))
                    print(
                        f"{size:>10,} {kind:>6} | {r['build_s']:8.1f} {r['recall_at_10']:9.3f} "
                        f"{r['recall_raw']:6.3f} {r['query_ms']:8.3f} {r['query_raw_ms']:7.3f} "
                        f"{r['rss_mb']:7.0f} {r.get('file_mb', float('nan')):7.0f} | "
                        f"{r['parameters']}",
                        flush=True,
                    )
            print(
                "(recall@10: ours, candidates re-scored exactly (refine × k); raw: FAISS's own "
                "top 10; RSS: resident memory the index added (IVF-PQ: after memory-mapping)\n"
            )
    if args.phash_10m:
        r = phash_10m(args.repeat)
        print(
            f"10,000,000 pHash: ours {r['ours']:.2f} ms, FAISS {r['faiss']:.2f} ms "
            f"({r['ours'] / r['faiss']:.2f}×), numpy {r['numpy']:.2f} ms "
            f"({r['numpy'] / r['ours']:.1f}× ours); index made in {r['build_s']:.2f} s, "
            f"+{r['rss_mb']:.0f} MB RSS\n",
            flush=True,
        )
    if args.ivfpq_stream:
        with tempfile.TemporaryDirectory(prefix="corpus-faiss-", dir="/tmp") as folder:
            sweep = tuple(
                (nprobe, refine) for nprobe in args.sweep_nprobe for refine in args.sweep_refine
            )
            r = ivfpq_stream(args.ivfpq_stream, Path(folder), args.repeat, args.stored_dtype, sweep)
        print(
            f"{r['size']:,} embeddings, IVF-PQ on disk: build {r['build_s']:.0f} s, file "
            f"{r['file_mb']:.0f} MB, +{r['rss_mb']:.0f} MB RSS memory-mapped, recall@10 "
            f"{r['recall_raw']:.3f} (FAISS's own top 10, 50 held-out queries), query "
            f"{r['query_ms']:.2f} ms; {r['parameters']}"
        )
        if r["stored"]:
            print(
                f"  re-scored exactly ({r['parameters']['refine']} × 10 candidates read from the "
                f"{r['stored']} vectors, a {r['stored_mb'] / 1024:.1f} GB memory-mapped file "
                f"written in {r['store_s']:.0f} s): recall@10 {r['recall_rescored']:.3f}, query "
                f"{r['rescored_first_ms']:.2f} ms (median of each probe's first search), "
                f"{r['rescored_ms']:.2f} ms (repeated), +{r['rescore_rss_mb']:.0f} MB RSS"
            )
        else:
            print("  (no room under /tmp for the raw vectors: no exact re-scoring)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
