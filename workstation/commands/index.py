"""`workstation index build|query`: a searchable index of a folder of reference works."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from workstation.analysis.corpus import CorpusIndex, build_index, query_index
from workstation.analysis.images import load_image
from workstation.commands.compare import add_clip_options, load_clip


def register(subparsers: argparse._SubParsersAction) -> None:
    index = subparsers.add_parser("index", help="index a folder of reference works and search it")
    actions = index.add_subparsers(dest="index_command", metavar="ACTION", required=True)

    build = actions.add_parser(
        "build",
        help="index (or re-index) every image under a folder",
        description="Hash every image under DIR (and embed it with CLIP when a model is given) "
        "into one index file. If INDEX exists, unchanged files are not read again.",
    )
    build.add_argument("dir", type=Path, metavar="DIR")
    build.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="INDEX",
        help="index file to write (.npz); updated in place if it exists",
    )
    add_clip_options(build)
    build.add_argument("--quiet", action="store_true", help="no progress lines")
    build.set_defaults(func=cmd_build)

    query = actions.add_parser("query", help="find the works closest to an image")
    query.add_argument("index", type=Path, metavar="INDEX")
    query.add_argument("image", type=Path, metavar="IMAGE")
    query.add_argument("-k", type=int, default=10, help="results per metric (default 10)")
    query.add_argument("--json", action="store_true")
    add_clip_options(query)
    query.set_defaults(func=cmd_query)


def cmd_build(args: argparse.Namespace) -> int:
    previous = CorpusIndex.load(args.out) if args.out.exists() else None
    clip_model = load_clip(args)
    step = {"next": 0}

    def progress(done: int, total: int, path: str) -> None:
        if args.quiet:
            return
        if done >= step["next"] or done == total:
            print(f"[{done:>{len(str(total))}}/{total}] {path}", file=sys.stderr, flush=True)
            step["next"] = done + max(1, total // 20)

    index, update = build_index(args.dir, previous, clip_model, on_progress=progress)
    index.save(args.out)
    clip = f", CLIP {index.clip['arch']}" if index.clip else ", no CLIP embeddings"
    print(
        f"indexed {len(index)} image(s) under {index.root}{clip}: {update.added} hashed, "
        f"{update.reused} unchanged, {update.removed} removed, {update.skipped} skipped "
        f"-> {args.out}"
    )
    for path, reason in index.skipped:
        print(f"  skipped {path}: {reason}")
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    index = CorpusIndex.load(args.index)
    image = load_image(args.image)
    result = query_index(
        index, image, k=args.k, clip_model=load_clip(args), index_name=str(args.index)
    )
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return 0
    print(f"query {image.path}  sha256 {image.sha256}")
    print(f"index {args.index}: {len(index)} works under {index.root}")
    for metric, hits in result.by_metric.items():
        unit = "cosine" if metric == "clip" else "bits"
        print(
            f"\n{metric} (top {len(hits)}, {'similarity' if metric == 'clip' else 'distance'} "
            f"in {unit}):"
        )
        for hit in hits:
            value = f"{hit.similarity:.4f}" if metric == "clip" else f"{int(hit.distance):>3}"
            print(f"  {hit.rank:>3}. {value}  {hit.path}  ({hit.sha256[:12]})")
    for note in result.notes:
        print(f"\nnote: {note}")
    return 0
