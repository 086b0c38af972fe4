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

    front end → app.corpus.search_into_case   → the index file (and its FAISS file) stored in
                                                the case by SHA-256, loaded back from the stored
                                                copy and searched; the query image imported;
                                                a corpus_search record linking them: one
                                                transaction (`workstation index query --case`)

`workstation index build|query` and Analysis ▸ Corpus search build these requests.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
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
from workstation.app.case_writer import CaseWriter
from workstation.app.clip import ClipChoice
from workstation.app.inputs import check_writer
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
    decoded, hashed and embedded (default: in this process); the index is the same. While it
    runs, the rows decoded so far are kept in `<out>.partial` (at most every minute); a build
    killed midway resumes from them, and the file goes once the index is written."""
    from workstation.analysis.corpus import CorpusIndex, build_index, checkpoint_path

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
        checkpoint=checkpoint_path(request.out),
    )
    index.save(request.out)
    checkpoint_path(request.out).unlink(missing_ok=True)
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
    record_id: int | None = None  # the corpus_search record, when stored in a case


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


# Keeping a search in a case


def search_into_case(
    request: IndexQueryRequest,
    writer: CaseWriter,
    *,
    role: str = "disputed",
    clips: ClipHolder | None = None,
    shards: int = 1,
    executor: Executor | None = None,
    runtime: Runtime | None = None,
) -> IndexQueried:
    """Search the index and keep the search in the case of `writer`, in one transaction: the
    index file stored by SHA-256 (an index the case already holds adds nothing) and searched
    from the stored copy, so the hash the record names is that of the bytes searched; its FAISS
    file, when it has one, stored too (its SHA-256 is the one the index's meta names and the
    loader checks); the query image imported with `role` unless the case holds it; and the
    corpus_search record linking them. A failure leaves the case as it was."""
    from workstation.analysis.corpus import CorpusIndex, query_index
    from workstation.analysis.images import load_image
    from workstation.app.provenance import provenance_for_record
    from workstation.core.canonical import sha256_file
    from workstation.core.errors import CaseError, InputError
    from workstation.core.media import check_name
    from workstation.core.records import CorpusSearch, Link

    check_writer(writer)  # a read-only or wrong case fails before anything is read
    for path in (request.index, request.image):
        check_name(path)  # named in the record
    if not request.index.is_file():
        raise InputError(f"index not found: {request.index}")
    image = load_image(request.image)
    clip_model = (clips or ClipHolder()).get(request.clip)
    index_sha = sha256_file(request.index)
    with writer.open() as case, case.transaction():
        stored = case.find_artifact(index_sha)
        if stored is None:  # copied in while hashed: the stored copy is what it names
            stored = case.import_file(request.index, role="other", note="corpus index searched")
        elif sha256_file(case.object_path(stored.sha256)) != stored.sha256:
            raise CaseError(
                f"the case's copy of {request.index.name} (artifact #{stored.id}) no longer "
                "matches its SHA-256: it is not searched; run `workstation case verify`"
            )
        with tempfile.TemporaryDirectory(prefix="workstation-corpus-") as scratch:
            # The stored object under the index's own name, its FAISS file beside it: what the
            # loader reads is the case's copy (the FAISS file is read only when its SHA-256 is
            # the one the stored index names).
            copy = Path(scratch) / request.index.name
            copy.symlink_to(case.object_path(stored.sha256))
            for kind in KINDS:
                sidecar = request.index.with_name(f"{request.index.name}.{kind}.faiss")
                if sidecar.is_file():
                    (Path(scratch) / sidecar.name).symlink_to(sidecar.resolve())
            try:
                index = CorpusIndex.load(copy)
            except InputError as error:  # named by the examiner's path, not the scratch link's
                raise InputError(str(error).replace(str(copy), str(request.index))) from None
            meta = _stored_meta(copy)
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
        if runtime is not None:
            runtime.check_cancelled("corpus search")
        links = [Link("reference", "index", artifact_id=stored.id)]
        engine_file = meta["search"].get("file")
        if engine_file:
            sidecar = request.index.with_name(engine_file)
            kept = case.find_artifact(meta["search"]["sha256"])
            named = sidecar.is_file() and sha256_file(sidecar) == meta["search"]["sha256"]
            if kept is None and named:  # (not read, nor kept, when it is not the one named)
                kept = case.import_file(
                    sidecar, role="other", note=f"{index.kind} search index of the corpus index"
                )
                if kept.sha256 != meta["search"]["sha256"]:
                    raise InputError(
                        f"{sidecar} is not the {index.kind} search index the index names "
                        "(SHA-256 differs); rebuild it with `workstation index build`"
                    )
            if kept is not None:
                links.append(Link("reference", "search_index", artifact_id=kept.id))
        query = case.find_artifact(result.query["sha256"])
        if query is None:
            query = case.import_file(request.image, role=role, note="searched in a corpus index")
            if query.sha256 != result.query["sha256"]:
                raise InputError(f"{request.image} changed on disk during the search; run it again")
        links.append(Link("input", "query", artifact_id=query.id))
        body = CorpusSearch(
            index=_index_part(request.index, stored, meta),
            query=result.query,
            k=result.k,
            search=result.search,
            results=result.to_dict()["results"],
            notes=list(result.notes),
        )
        record_id = case.add_record(body, links)
        provenance_for_record(case, record_id)  # the query image
    return IndexQueried(result, len(index), record_id)


def _stored_meta(path: Path) -> dict:
    """The meta of an index that `CorpusIndex.load` has just checked (its member and size)."""
    with zipfile.ZipFile(path) as archive, archive.open("meta.npy") as stream:
        import numpy as np

        raw = np.lib.format.read_array(stream, allow_pickle=False)
    return json.loads(raw.tobytes().decode())


def _index_part(path: Path, stored, meta: dict) -> dict:
    """What the record says of the index: its file as stored and its parameters as its meta
    records them."""
    keep = (
        "format",
        "version",
        "root",
        "created",
        "updated",
        "entries",
        "hash_kinds",
        "hash_parameters",
        "clip",
        "library_versions",
        "search",
    )
    return {
        "path": str(path),
        "name": path.name,
        "sha256": stored.sha256,
        "size": stored.size,
        **{key: meta.get(key) for key in keep},
        "skipped": len(meta.get("skipped", [])),
    }


def stored_search(record) -> QueryResult | None:
    """A kept corpus_search record's search as the window shows one just run (read back, not
    searched anew); None when its payload cannot be read as one."""
    from workstation.analysis.corpus import Hit, QueryResult

    body = record.body
    try:
        by_metric = {
            metric: tuple(
                Hit(
                    int(h["rank"]),
                    str(h["path"]),
                    str(h["sha256"]),
                    float(h["distance"]),
                    float(h["similarity"]),
                )
                for h in hits
            )
            for metric, hits in body.results.items()
        }
        order = [*body.index.get("hash_kinds", []), "clip"]
        by_metric = dict(
            sorted(by_metric.items(), key=lambda item: (order + [item[0]]).index(item[0]))
        )
        return QueryResult(
            str(body.index.get("path", "")),
            str(body.index.get("root", "")),
            body.query,
            body.k,
            by_metric,
            tuple(str(n) for n in body.notes),
            body.search,
        )
    except (AttributeError, KeyError, TypeError, ValueError):
        return None
