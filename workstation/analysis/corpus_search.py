"""The corpus index's search engines: FAISS when it is installed, the numpy scan when it is not.

Exact kinds give the same answer on either engine, row for row and value for value:
- perceptual hashes: FAISS `IndexBinaryFlat` (or numpy XOR + `bitwise_count`), Hamming bits,
  ties by row;
- embeddings, kind "flat": FAISS `IndexFlatIP` (or a numpy mat-vec) on unit vectors.

An engine only proposes candidates; the answer is fixed here. Candidates are re-scored with one
row-independent formula (`exact_cosines`: float64 products, summed along the row) and ordered by
(distance, row); the candidate list is widened until no row outside it can reach the k-th value
(`CANDIDATE_SLACK` covers float32 error of the engine's own scores). BLAS mat-vec results depend
on a row's position in the matrix (measured: up to 6e-8 apart), which is why neither engine's
raw scores are the answer.

Approximate kinds (embeddings only; hashes are always searched exactly):
- "hnsw": FAISS `IndexHNSWFlat`, inner product, held in memory;
- "ivfpq": FAISS `IndexIVFPQ`, inner product, written to a file and memory-mapped on load
  (`IO_FLAG_MMAP`: its inverted lists stay on disk).
Both propose `refine × k` candidates that are re-scored exactly as above; their recall@10 against
exact search is measured when they are built (`measure_recall`) and kept with the index.

`search_codes`, `search_vectors` and `merge_shards` are pure: one shard's rows (with the offset of
its first row) in, its top k out, and the shards' top-k lists merged into the corpus's. An
executor may run them on shards anywhere and merge: the answer is the unsharded one.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import numpy as np

from workstation.core.errors import Cancelled, InputError

KINDS = ("flat", "hnsw", "ivfpq")
APPROXIMATE = ("hnsw", "ivfpq")
# Candidates asked of an exact FAISS index at first: a scan costs the same for any k up to 64
# (measured at 1M), and the rows tied at the k-th Hamming distance rarely need more (a second
# scan when they do).
FIRST_CANDIDATES = 64
CANDIDATE_SLACK = 1e-4  # how far an engine's float32 cosine may be from the exact one, at most
RECALL_K = 10
RECALL_QUERIES = 200
RECALL_NOISE = 0.5  # the norm of the noise added to a held-out vector to make a query
ADD_CHUNK = 20_000  # vectors added to an approximate index between progress reports
# FAISS index files the workstation reads (its own, checked by hash first): at most this size.
MAX_FAISS_BYTES = 64 * 1024**3
FAISS_HEADERS = {"hnsw": (b"IHNf",), "ivfpq": (b"IwPQ",)}  # FAISS's fourcc of each kind

# The progress messages of a FAISS build's stages (after one event per file): the front ends
# recognise them by these beginnings.
STAGE_TRAIN = "training the search index"
STAGE_ADD = "building the search index"
STAGE_RECALL = "measuring the search index's recall@10"

Report = Callable[[int, int, str], None]


def faiss_module() -> ModuleType | None:
    """FAISS (`faiss-cpu`, the `[scale]` extra), or None when it is not installed."""
    try:
        import faiss
    except ImportError:
        return None
    return faiss


def engine_name() -> str:
    faiss = faiss_module()
    return f"faiss {faiss.__version__}" if faiss is not None else "numpy"


@contextlib.contextmanager
def faiss_threads(threads: int) -> Iterator[None]:
    """FAISS's OpenMP threads for a build (on a busy 2-core machine, more threads than free
    cores made an IVF-PQ build 4× slower), restored after."""
    faiss = faiss_module()
    if faiss is None:
        yield
        return
    previous = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(threads)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(previous)


def default_parameters(kind: str, count: int) -> dict:
    """The parameters an index of `count` vectors is built with when none are given."""
    if kind == "flat":
        return {}
    if kind == "hnsw":
        return {"m": 32, "ef_construction": 80, "ef_search": 128, "refine": 1}
    if kind == "ivfpq":
        nlist = max(1, min(round(math.sqrt(count)), count // 39 or 1, 65536))
        return {
            "nlist": nlist,
            "pq_m": 64,  # sub-quantizers; reduced to a divisor of the dimension when built
            "nbits": max(1, min(8, int(math.log2(max(count, 2))) - 1)),
            "nprobe": min(nlist, 32),
            # PQ codes rank near neighbours coarsely: re-scoring 20 × k candidates exactly took
            # recall@10 from 0.70 (4 × k) to 1.00 at 300k clustered vectors (nprobe 32 to 128
            # changed nothing), for 1.8 ms more per query. Larger corpora need more: at 10M,
            # 20 × k gave 0.61, 100 × k 0.89, 500 × k 1.00 in 28 ms (benchmarks/corpus_faiss.py).
            "refine": min(500, max(20, count // 20_000)),
        }
    raise InputError(f"unknown index kind {kind!r}: choose one of {', '.join(KINDS)}")


# --- exact search, one shard ------------------------------------------------------------------


def exact_cosines(vectors: np.ndarray, rows: np.ndarray, query: np.ndarray) -> np.ndarray:
    """The cosines of `rows` to `query`: float64 products summed along each row, so a row's
    value does not depend on which other rows are scored with it."""
    return (vectors[rows].astype(np.float64) * query.astype(np.float64)).sum(axis=1)


def _ordered(rows: np.ndarray, keys: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    order = np.lexsort((rows, keys))[:k]
    return rows[order], keys[order]


def search_codes(
    codes: np.ndarray, query: int, k: int, *, offset: int = 0, use_faiss: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """The k rows of `codes` (N,) uint64 nearest to `query` in Hamming bits, by (bits, row),
    and their bits (int64). Rows are numbered from `offset`."""
    rows, bits = CodeSearch(codes, use_faiss).search(query, k)
    return rows + offset, bits


@dataclass
class CodeSearch:
    """Hamming search of one hash kind's codes: FAISS `IndexBinaryFlat` (made on the first
    search, then kept) or the numpy scan."""

    codes: np.ndarray
    use_faiss: bool = True
    engine: object | None = None

    def search(self, query: int, k: int) -> tuple[np.ndarray, np.ndarray]:
        codes = self.codes
        count = len(codes)
        k = min(k, count)
        if k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        faiss = faiss_module() if self.use_faiss else None
        if faiss is None:
            return smallest_rows(np.bitwise_count(codes ^ np.uint64(query)).astype(np.int64), k)
        if self.engine is None:
            self.engine = faiss.IndexBinaryFlat(64)
            self.engine.add(np.ascontiguousarray(codes, np.uint64).view(np.uint8).reshape(-1, 8))
        probe = np.array([query], np.uint64).view(np.uint8).reshape(1, 8)
        wanted = min(count, max(FIRST_CANDIDATES, 2 * k))
        while True:
            found, rows = self.engine.search(probe, wanted)
            found, rows = found[0], rows[0]
            order = np.lexsort((rows, found))
            # Every row at the k-th distance must be a candidate: so when one beyond it shows.
            if wanted == count or found[order[-1]] > found[order[k - 1]]:
                order = order[:k]
                return rows[order].astype(np.int64), found[order].astype(np.int64)
            wanted = min(count, wanted * 4)


def search_vectors(
    vectors: np.ndarray, query: np.ndarray, k: int, *, offset: int = 0, use_faiss: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """The k rows of unit `vectors` (N, D) float32 with the largest cosine to `query`, by
    (−cosine, row), and their cosines (float64, `exact_cosines`). Rows are numbered from
    `offset`."""
    count = len(vectors)
    k = min(k, count)
    if k <= 0:
        return np.zeros(0, np.int64), np.zeros(0, np.float64)
    query = np.ascontiguousarray(query, np.float32)
    faiss = faiss_module() if use_faiss else None
    if faiss is None:
        scores = vectors @ query
        propose = lambda wanted: smallest_rows(-scores, wanted)[0]  # noqa: E731
    else:
        engine = faiss.IndexFlatIP(vectors.shape[1])
        engine.add(np.ascontiguousarray(vectors, np.float32))

        def propose(wanted: int) -> np.ndarray:
            return engine.search(query[None], wanted)[1][0].astype(np.int64)

    return _exact_top(vectors, query, k, propose, offset)


def _exact_top(vectors, query, k, propose, offset) -> tuple[np.ndarray, np.ndarray]:
    count = len(vectors)
    wanted = min(count, max(FIRST_CANDIDATES, 2 * k))
    while True:
        rows = propose(wanted)
        cosines = exact_cosines(vectors, rows, query)
        rows, negated = _ordered(rows, -cosines, wanted)
        # No row left out scores above the last candidate's engine score + slack, so none can
        # reach the k-th exact cosine when that is higher than it.
        if wanted == count or -negated[k - 1] > -negated[-1] + 2 * CANDIDATE_SLACK:
            return rows[:k] + offset, -negated[:k]
        wanted = min(count, wanted * 4)


def merge_shards(
    parts: list[tuple[np.ndarray, np.ndarray]], k: int, *, largest: bool
) -> tuple[np.ndarray, np.ndarray]:
    """The corpus's top k from each shard's top k (rows already numbered with their offsets):
    by (value, row), the largest values first when `largest` (cosines), else the smallest
    (Hamming bits)."""
    if not parts:
        return np.zeros(0, np.int64), np.zeros(0)
    rows = np.concatenate([p[0] for p in parts]).astype(np.int64)
    values = np.concatenate([p[1] for p in parts])
    ordered, keys = _ordered(rows, -values if largest else values, k)
    return ordered, (-keys if largest else keys)


def smallest_rows(values: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows of the k smallest values, by (value, row), and the values."""
    k = min(k, len(values))
    if k == 0:
        return np.zeros(0, np.int64), values[:0]
    kth = np.partition(values, k - 1)[k - 1]
    below = np.flatnonzero(values < kth)
    candidates = np.concatenate([below, np.flatnonzero(values == kth)[: k - len(below)]])
    order = np.lexsort((candidates, values[candidates]))
    rows = candidates[order]
    return rows, values[rows]


# --- the searcher of one index: exact, or an approximate FAISS index ------------------------


@dataclass
class VectorSearch:
    """Embeddings search for one index: exact (`kind` "flat") or through `engine`, an
    approximate FAISS index whose candidates are re-scored exactly."""

    vectors: np.ndarray
    kind: str = "flat"
    parameters: dict = field(default_factory=dict)
    engine: object | None = None  # faiss.Index for approximate kinds (and for flat, cached)
    use_faiss: bool = True

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        count = len(self.vectors)
        k = min(k, count)
        if k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float64)
        query = np.ascontiguousarray(query, np.float32)
        if self.kind in APPROXIMATE and self.engine is not None:
            wanted = min(count, k * int(self.parameters.get("refine", 1)))
            rows = self.engine.search(query[None], wanted)[1][0].astype(np.int64)
            rows = rows[rows >= 0]
            cosines = exact_cosines(self.vectors, rows, query)
            rows, negated = _ordered(rows, -cosines, k)
            return rows, -negated
        faiss = faiss_module() if self.use_faiss else None
        if faiss is None:
            return search_vectors(self.vectors, query, k, use_faiss=False)
        if self.engine is None:
            self.engine = faiss.IndexFlatIP(self.vectors.shape[1])
            self.engine.add(np.ascontiguousarray(self.vectors, np.float32))
        engine = self.engine
        return _exact_top(
            self.vectors,
            query,
            k,
            lambda wanted: engine.search(query[None], wanted)[1][0].astype(np.int64),
            0,
        )


def build_approximate(
    vectors: np.ndarray,
    kind: str,
    parameters: dict,
    report: Report | None = None,
    cancelled: Callable[[], bool] | None = None,
):
    """A FAISS index of `kind` ("hnsw" or "ivfpq") over unit `vectors`, with `parameters`
    (`default_parameters` for those not given; the ones used are returned with it)."""
    faiss = faiss_module()
    if faiss is None:
        raise InputError(
            f"index kind {kind!r} needs FAISS: install the [scale] extra "
            "(pip install 'workstation[scale]'), or build with --kind flat"
        )
    count, dim = vectors.shape
    parameters = {**default_parameters(kind, count), **parameters}
    vectors = np.ascontiguousarray(vectors, np.float32)
    if kind == "hnsw":
        engine = faiss.IndexHNSWFlat(dim, int(parameters["m"]), faiss.METRIC_INNER_PRODUCT)
        engine.hnsw.efConstruction = int(parameters["ef_construction"])
        engine.hnsw.efSearch = int(parameters["ef_search"])
    else:
        pq_m = int(parameters["pq_m"])
        while dim % pq_m:
            pq_m -= 1
        parameters["pq_m"] = pq_m
        quantizer = faiss.IndexFlatIP(dim)
        engine = faiss.IndexIVFPQ(
            quantizer,
            dim,
            int(parameters["nlist"]),
            pq_m,
            int(parameters["nbits"]),
            faiss.METRIC_INNER_PRODUCT,
        )
        # Training sample: FAISS's own guideline (39 points per centroid, at least 256 per
        # sub-quantizer code), every row of a small corpus, a fixed choice of rows otherwise.
        wanted = max(39 * int(parameters["nlist"]), 39 * 2 ** int(parameters["nbits"]))
        rows = np.arange(count)
        if count > wanted:
            rows = np.sort(np.random.default_rng(0).choice(count, wanted, replace=False))
        if report is not None:
            report(0, count, f"{STAGE_TRAIN} ({kind}) on {len(rows):,} vectors")
        engine.cp.min_points_per_centroid = 1  # small corpora: train, do not warn
        engine.pq.cp.min_points_per_centroid = 1
        engine.train(vectors[rows])
        engine.nprobe = int(parameters["nprobe"])
    for start in range(0, count, ADD_CHUNK):
        if cancelled is not None and cancelled():
            raise Cancelled("index build cancelled; nothing was written")
        engine.add(vectors[start : start + ADD_CHUNK])
        if report is not None:
            report(min(count, start + ADD_CHUNK), count, f"{STAGE_ADD} ({kind})")
    return engine, parameters


def measure_recall(search: VectorSearch, k: int = RECALL_K, queries: int = RECALL_QUERIES) -> dict:
    """Recall@k of `search` against exact search: queries are held-out corpus vectors (a fixed
    sample) moved by noise of norm `RECALL_NOISE`, so none is itself an entry of the index."""
    vectors = search.vectors
    count, dim = vectors.shape
    asked, k = k, min(k, count)  # a corpus of fewer than k: all of it is the exact answer
    rng = np.random.default_rng(0)
    rows = rng.choice(count, min(queries, count), replace=False)
    noise = rng.standard_normal((len(rows), dim)).astype(np.float32)
    noise *= RECALL_NOISE / np.linalg.norm(noise, axis=1, keepdims=True)
    probes = vectors[rows] + noise
    probes /= np.linalg.norm(probes, axis=1, keepdims=True)
    exact = VectorSearch(vectors, "flat")
    found = 0
    started = time.perf_counter()
    for probe in probes:
        truth = set(exact.search(probe, k)[0].tolist())
        found += len(truth & set(search.search(probe, k)[0].tolist()))
    return {
        f"recall_at_{asked}": round(found / (k * len(rows)), 4),
        "recall_queries": len(rows),
        "recall_noise": RECALL_NOISE,
        "recall_seconds": round(time.perf_counter() - started, 3),
    }


def write_engine(engine, path: Path) -> None:
    faiss_module().write_index(engine, str(path))


def read_engine(path: Path, kind: str):
    """A FAISS index file this workstation wrote: the caller has checked its size and SHA-256
    against the index's meta; its header must name `kind`. IVF-PQ is memory-mapped."""
    faiss = faiss_module()
    size = path.stat().st_size
    if size > MAX_FAISS_BYTES:
        raise InputError(f"{path}: {size:,} bytes, more than the limit of {MAX_FAISS_BYTES:,}")
    with open(path, "rb") as stream:
        header = stream.read(4)
    if header not in FAISS_HEADERS[kind]:
        raise InputError(f"{path}: not a FAISS {kind} index (header {header!r})")
    flags = faiss.IO_FLAG_MMAP if kind == "ivfpq" else 0
    engine = faiss.read_index(str(path), flags)
    if kind == "ivfpq":
        faiss.extract_index_ivf(engine)  # the type it must be
    return engine
