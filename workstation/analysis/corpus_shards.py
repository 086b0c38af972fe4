"""Exact corpus search in shards, on an executor (`index query --shards N [--executor ray]`).

The index's rows are cut into N contiguous shards; each is one item (`ShardItem`: its rows'
hash codes and embeddings, the query's codes and embedding, k) searched by `search_shard` with
`corpus_search.search_codes` / `search_vectors`, rows numbered from the shard's first; the
coordinator merges the shards' top k with `corpus_search.merge_shards`. Every shard's top k is
ordered by (value, row) and so is the merge, so the answer is the unsharded search's, ties
included. Sharded search is exact: an index built with an approximate kind is searched without
shards (its FAISS index is one piece).
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field

import numpy as np

from workstation.analysis import corpus_search
from workstation.analysis.executors import Executor, InProcess
from workstation.core.errors import InputError
from workstation.engine.runtime import Runtime

Found = dict[str, tuple[np.ndarray, np.ndarray]]  # metric -> (rows, values)


@dataclass(frozen=True)
class ShardItem:
    """One shard's rows and the query: what a worker needs, nothing of the index file."""

    index: int  # in the query's shards
    label: str  # "rows 0–99,999", for messages
    start: int  # the shard's first row in the index
    codes: dict = field(repr=False)  # hash kind -> (n,) uint64
    queries: dict = field(repr=False)  # hash kind -> the query's code
    k: int
    vectors: np.ndarray | None = field(default=None, repr=False)  # (n, D) float32
    query_vector: np.ndarray | None = field(default=None, repr=False)
    threads: int = 0  # FAISS's threads for the shard (Ray: the CPUs its task holds); 0: as set

    cost = 1

    @property
    def device(self) -> str:
        return "cpu"


def search_shard(item: ShardItem, runtime: Runtime) -> Found:
    """One shard's top k by each hash kind (and by CLIP), rows numbered in the index."""
    with corpus_search.faiss_threads(item.threads) if item.threads else nullcontext():
        found = {
            kind: corpus_search.search_codes(codes, item.queries[kind], item.k, offset=item.start)
            for kind, codes in item.codes.items()
        }
        if item.vectors is not None and item.query_vector is not None:
            found["clip"] = corpus_search.search_vectors(
                item.vectors, item.query_vector, item.k, offset=item.start
            )
    return found


def boundaries(rows: int, shards: int) -> list[tuple[int, int]]:
    """`shards` contiguous (start, stop) ranges of nearly equal size covering `rows` (fewer when
    there are fewer rows; one empty range for an empty index)."""
    shards = max(1, min(shards, rows))
    edges = [round(rows * i / shards) for i in range(shards + 1)]
    return list(zip(edges[:-1], edges[1:], strict=True))


def sharded_search(
    codes: dict[str, np.ndarray],
    queries: dict[str, int],
    k: int,
    shards: int,
    vectors: np.ndarray | None = None,
    query_vector: np.ndarray | None = None,
    *,
    executor: Executor | None = None,
    runtime: Runtime | None = None,
) -> Found:
    """Each metric's top k over all rows: the shards searched on `executor`, then merged."""
    if shards < 1:
        raise InputError("--shards must be at least 1")
    executor = executor or InProcess()
    rows = len(next(iter(codes.values())))
    items = [
        ShardItem(
            index=number,
            label=f"rows {start:,}–{max(start, stop - 1):,}",
            start=start,
            codes={kind: np.asarray(column[start:stop]) for kind, column in codes.items()},
            queries=queries,
            k=k,
            vectors=None if vectors is None else np.asarray(vectors[start:stop]),
            query_vector=query_vector,
            threads=(runtime.threads or 0) if runtime else 0,
        )
        for number, (start, stop) in enumerate(boundaries(rows, shards))
    ]
    parts: dict[str, list] = {}
    for _, found in executor.map(search_shard, items, runtime or Runtime(), "corpus search"):
        for metric, part in found.items():
            parts.setdefault(metric, []).append(part)
    return {
        metric: corpus_search.merge_shards(found, k, largest=metric == "clip")
        for metric, found in parts.items()
    }
