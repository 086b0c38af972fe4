"""INDEX: a searchable index of a folder of reference works, and the works closest to an image.

    front end → app.corpus.build_corpus_index → analysis.corpus.build_index (hash, CLIP-embed;
                                                unchanged files reused) → the .npz index file
    front end → app.corpus.query_corpus       → analysis.corpus.query_index (top k per metric)

`workstation index build|query` and Analysis ▸ Corpus search build these requests.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from workstation.app.clip import ClipChoice
from workstation.app.requests import nested, option
from workstation.app.resources import ClipHolder
from workstation.engine.runtime import Runtime

if TYPE_CHECKING:
    from workstation.analysis.corpus import CorpusIndex, IndexUpdate, QueryResult


@dataclass(frozen=True, kw_only=True)
class IndexBuildRequest:
    folder: Path = option(positional=True, metavar="DIR", help="the folder of reference works")
    out: Path = option(
        metavar="INDEX", help="index file to write (.npz); updated in place if it exists"
    )
    clip: ClipChoice = nested(ClipChoice, required=False)


@dataclass(frozen=True)
class IndexBuilt:
    index: CorpusIndex
    update: IndexUpdate  # what was hashed, reused, removed, skipped
    path: Path


def build_corpus_index(
    request: IndexBuildRequest, *, runtime: Runtime | None = None, clips: ClipHolder | None = None
) -> IndexBuilt:
    """Index every image under the folder; an existing index file is updated, not redone.
    Progress: one event per file, its path as the message."""
    from workstation.analysis.corpus import CorpusIndex, build_index

    previous = CorpusIndex.load(request.out) if request.out.exists() else None
    clip_model = (clips or ClipHolder()).get(request.clip)
    index, update = build_index(request.folder, previous, clip_model, runtime=runtime)
    index.save(request.out)
    return IndexBuilt(index, update, request.out)


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


def query_corpus(request: IndexQueryRequest, *, clips: ClipHolder | None = None) -> IndexQueried:
    """The k works closest to the image by each hash, and by CLIP when the index has
    embeddings and the request names the model that made them."""
    from workstation.analysis.corpus import CorpusIndex, query_index
    from workstation.analysis.images import load_image

    index = CorpusIndex.load(request.index)
    image = load_image(request.image)
    clip_model = (clips or ClipHolder()).get(request.clip)
    result = query_index(index, image, request.k, clip_model, str(request.index))
    return IndexQueried(result, len(index))
