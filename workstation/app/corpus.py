"""INDEX: a searchable index of a folder of reference works, and the works closest to an image.

    front end → app.corpus.build_corpus_index → analysis.corpus.build_index (hash, CLIP-embed;
                                                unchanged files reused; the search kind's
                                                FAISS index and its recall) → the .npz index
                                                file (+ <index>.<kind>.faiss, approximate kinds)
    front end → app.corpus.query_corpus       → analysis.corpus.query_index (top k per metric;
                                                with shards, each searched on the executor and
                                                merged: analysis/corpus_shards.py)

Either takes an executor (`analysis/executors.py`, `--executor`): where the files still to decode
are decoded, hashed and embedded, or where the shards are searched; only this process writes
the index file.

`workstation index build|query` and Analysis ▸ Corpus search build these requests.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from workstation.analysis.corpus_search import (  # noqa: F401  (the front ends' names)
    KINDS,
    STAGE_ADD,
    STAGE_RECALL,
    STAGE_TRAIN,
    engine_name,
)
from workstation.analysis.executors import executor_named as executor_named  # the front ends'
from workstation.app.clip import ClipChoice
from workstation.app.requests import nested, option
from workstation.app.resources import ClipHolder
from workstation.engine.runtime import Runtime

if TYPE_CHECKING:
    from workstation.analysis.corpus import CorpusIndex, IndexUpdate, QueryResult
    from workstation.analysis.executors import Executor


@dataclass(frozen=True, kw_only=True)
class IndexBuildRequest:
    folder: Path = option(positional=True, metavar="DIR", help="the folder of reference works")
    out: Path = option(
        metavar="INDEX", help="index file to write (.npz); updated in place if it exists"
    )
    clip: ClipChoice = nested(ClipChoice, required=False)
    kind: str = option(
        "flat",
        choices=KINDS,
        help="how CLIP embeddings are searched: flat (exact), hnsw (approximate, in memory), "
        "ivfpq (approximate, compressed, memory-mapped from disk); hnsw and ivfpq need FAISS "
        "(the [scale] extra) and measure their recall@10 when built. Hashes are always exact",
    )
    params: tuple[str, ...] = option(
        (),
        flag="--param",
        metavar="NAME=VALUE",
        parse=lambda text: _parameter(text) and text,
        help="a parameter of the kind, repeatable: hnsw m, ef_construction, ef_search, refine; "
        "ivfpq nlist, pq_m, nbits, nprobe, refine (defaults scale with the corpus)",
    )

    def parameters(self) -> dict:
        return dict(_parameter(text) for text in self.params)


def _parameter(text: str) -> tuple[str, float | int]:
    from workstation.analysis.corpus_search import default_parameters
    from workstation.core.errors import InputError

    name, _, value = text.partition("=")
    known = {n for kind in KINDS for n in default_parameters(kind, 1000)}
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if name not in known or not (number >= 1):
        raise InputError(
            f"--param {text!r}: expected NAME=VALUE, NAME one of {', '.join(sorted(known))}, "
            "VALUE a number of at least 1"
        )
    return name, int(number) if number.is_integer() else number


@dataclass(frozen=True)
class IndexBuilt:
    index: CorpusIndex
    update: IndexUpdate  # what was hashed, reused, removed, skipped
    path: Path


def build_corpus_index(
    request: IndexBuildRequest,
    *,
    runtime: Runtime | None = None,
    clips: ClipHolder | None = None,
    executor: Executor | None = None,
) -> IndexBuilt:
    """Index every image under the folder; an existing index file is updated, not redone.
    Progress: one event per file, its path as the message. `executor`: where the files are
    decoded, hashed and embedded (default: in this process); the index is the same."""
    from workstation.analysis.corpus import CorpusIndex, build_index

    previous = CorpusIndex.load(request.out) if request.out.exists() else None
    clip_model = (clips or ClipHolder()).get(request.clip)
    index, update = build_index(
        request.folder,
        previous,
        clip_model,
        runtime=runtime,
        kind=request.kind,
        parameters=request.parameters(),
        executor=executor,
        clip_source=_clip_source(request.clip) if clip_model else None,
    )
    index.save(request.out)
    return IndexBuilt(index, update, request.out)


def _clip_source(choice: ClipChoice) -> tuple[str, str | None]:
    """The CLIP model as a worker loads it: absolute paths (a Ray worker's folder is not ours)."""
    arch = choice.arch
    if arch and arch.endswith(".json"):
        arch = str(Path(arch).resolve())
    return str(Path(choice.model).resolve()), arch


@dataclass(frozen=True, kw_only=True)
class IndexQueryRequest:
    index: Path = option(positional=True, metavar="INDEX", help="the index file")
    image: Path = option(positional=True, metavar="IMAGE", help="the image to search with")
    k: int = option(10, flag="-k", help="results per metric")
    clip: ClipChoice = nested(ClipChoice, required=False)


@dataclass(frozen=True)
class IndexQueried:
    result: QueryResult
    works: int  # how many the index holds


def query_corpus(
    request: IndexQueryRequest,
    *,
    clips: ClipHolder | None = None,
    shards: int = 1,
    executor: Executor | None = None,
    runtime: Runtime | None = None,
) -> IndexQueried:
    """The k works closest to the image by each hash, and by CLIP when the index has
    embeddings and the request names the model that made them. `shards` > 1 or an executor:
    the rows searched in shards on it and merged (exact, the same answer)."""
    from workstation.analysis.corpus import CorpusIndex, query_index
    from workstation.analysis.images import load_image

    index = CorpusIndex.load(request.index)
    image = load_image(request.image)
    clip_model = (clips or ClipHolder()).get(request.clip)
    result = query_index(
        index,
        image,
        request.k,
        clip_model,
        str(request.index),
        shards=shards,
        executor=executor,
        runtime=runtime,
    )
    return IndexQueried(result, len(index))
