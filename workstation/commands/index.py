"""`workstation index build|query`: a searchable index of a folder of reference works."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workstation.app.case_writer import CaseWriter
from workstation.app.corpus import (
    IndexBuildRequest,
    IndexQueryRequest,
    build_corpus_index,
    engine_name,
    executor_named,
    query_corpus,
    search_into_case,
)
from workstation.app.requests import add_arguments, from_arguments
from workstation.commands.study import add_executor_arguments
from workstation.commands.terminal import json_text, printable
from workstation.core.progress import ProgressEvent
from workstation.engine.runtime import Runtime


def register(subparsers: argparse._SubParsersAction) -> None:
    index = subparsers.add_parser("index", help="index a folder of reference works and search it")
    actions = index.add_subparsers(dest="index_command", metavar="ACTION", required=True)

    build = actions.add_parser(
        "build",
        help="index (or re-index) every image under a folder",
        description="Hash every image under DIR (and embed it with CLIP when a model is given) "
        "into one index file. If INDEX exists, unchanged files are not read again; a build killed "
        "midway resumes from INDEX.partial, the rows it kept as it ran. Search runs "
        "on FAISS when it is installed (the [scale] extra), else on a numpy scan: exact kinds "
        "give the same results on both.",
    )
    add_arguments(build, IndexBuildRequest)
    add_executor_arguments(build, "where the images are decoded, hashed and embedded")
    build.add_argument("--quiet", action="store_true", help="no progress lines")
    build.set_defaults(func=cmd_build)

    query = actions.add_parser("query", help="find the works closest to an image")
    add_arguments(query, IndexQueryRequest)
    add_executor_arguments(query, "where the shards are searched")
    query.add_argument(
        "--shards",
        type=int,
        default=1,
        metavar="N",
        help="search the index's rows in N shards, each a task of the executor, and merge "
        "their top k: the same answer as one search (exact; not for hnsw/ivfpq indexes)",
    )
    query.add_argument("--json", action="store_true")
    query.add_argument(
        "--case",
        type=Path,
        metavar="DIR",
        help="store the search in this case: the index file (and its FAISS file) by SHA-256, "
        "searched from the stored copy, the query image and a corpus_search record",
    )
    query.add_argument(
        "--role",
        choices=("disputed", "reference", "generated", "other"),
        default="disputed",
        help="the query image's role when it is imported into the case (default: disputed)",
    )
    query.set_defaults(func=cmd_query)


def cmd_build(args: argparse.Namespace) -> int:
    step = {"next": 0}

    def progress(event: ProgressEvent) -> None:
        done, total = event.step, event.total
        if args.quiet:
            return
        if total == 0 or done < step.get("done", 0):  # a new stage
            step["next"] = 0
        step["done"] = done
        if total == 0:
            print(printable(event.message), file=sys.stderr, flush=True)
        elif done >= step["next"] or done == total:
            print(
                f"[{done:>{len(str(total))}}/{total}] {printable(event.message)}",
                file=sys.stderr,
                flush=True,
            )
            step["next"] = done + max(1, total // 20)

    request = from_arguments(IndexBuildRequest, args)
    executor = executor_named(args.executor, args.ray_address)
    built = build_corpus_index(request, runtime=Runtime(on_progress=progress), executor=executor)
    index, update = built.index, built.update
    clip = f", CLIP {printable(index.clip['arch'])}" if index.clip else ", no CLIP embeddings"
    print(
        f"indexed {len(index)} image(s) under {printable(index.root)}{clip}: "
        f"{update.added} hashed, "
        f"{update.reused} unchanged, {update.removed} removed, {update.skipped} skipped "
        f"-> {printable(str(built.path))}"
    )
    for path, reason in index.skipped:
        print(f"  skipped {printable(path)}: {printable(reason)}")
    print(search_line(index.search, engine_name()))
    return 0


def search_line(search: dict, engine: str) -> str:
    """How the index is searched: engine, kind, parameters, and an approximate kind's recall."""
    parameters = ", ".join(f"{k}={v}" for k, v in search.get("parameters", {}).items())
    line = f"search: {engine}, {search['kind']}" + (f" ({parameters})" if parameters else "")
    if search.get("shards"):
        line += f", {search['shards']} shard(s) on {search['executor']}, merged"
    if search["kind"] == "flat":
        return line + (
            ", exact (hashes: IndexBinaryFlat, CLIP: IndexFlatIP)"
            if engine.startswith("faiss")
            else ", exact numpy scan (FAISS not installed)"
        )
    recall = search.get("recall_at_10")
    if recall is not None:
        line += (
            f", approximate: recall@10 {recall:.3f} against exact search "
            f"({search['recall_queries']} held-out queries); hashes exact"
        )
    return line


def cmd_query(args: argparse.Namespace) -> int:
    request = from_arguments(IndexQueryRequest, args)
    executor = executor_named(args.executor, args.ray_address)
    if args.case:
        queried = search_into_case(
            request, CaseWriter(args.case), role=args.role, shards=args.shards, executor=executor
        )
    else:
        queried = query_corpus(request, shards=args.shards, executor=executor)
    result = queried.result
    stored = (
        f"stored in case {printable(str(args.case))} as corpus_search record #{queried.record_id}"
    )
    if args.json:
        print(json_text(result.to_dict()))
        if queried.record_id is not None:
            print(stored, file=sys.stderr)
        return 0
    print(f"query {printable(str(result.query['path']))}  sha256 {result.query['sha256']}")
    print(
        f"index {printable(str(args.index))}: {queried.works} works under {printable(result.root)}"
    )
    for metric, hits in result.by_metric.items():
        unit = "cosine" if metric == "clip" else "bits"
        print(
            f"\n{metric} (top {len(hits)}, {'similarity' if metric == 'clip' else 'distance'} "
            f"in {unit}):"
        )
        for hit in hits:
            value = f"{hit.similarity:.4f}" if metric == "clip" else f"{int(hit.distance):>3}"
            print(
                f"  {hit.rank:>3}. {value}  {printable(hit.path)}  ({printable(hit.sha256[:12])})"
            )
    print(f"\n{search_line(result.search, result.search['engine'])}")
    for note in result.notes:
        print(f"\nnote: {printable(note)}")
    if queried.record_id is not None:
        print(f"\n{stored}")
    return 0
