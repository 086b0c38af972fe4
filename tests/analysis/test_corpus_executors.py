"""Corpus builds and sharded search on Ray against this process: the same index, array for array;
a worker killed mid-build is retried and no row is lost or doubled; a CLIP checkpoint changed
after the coordinator hashed it is refused by the worker and no index is written; the shards'
merged answer is the unsharded one. Local Ray, 2 CPUs, started once for the module."""

from __future__ import annotations

import os
import shutil

import numpy as np
import pytest
from PIL import Image

from tests.analysis.conftest import make_work, save
from workstation.analysis import corpus
from workstation.analysis.clip import ClipModel
from workstation.analysis.corpus import CorpusIndex, build_index, query_index
from workstation.analysis.executors import InProcess
from workstation.analysis.images import load_image
from workstation.core.errors import ModelError

WORKS = 10


def _executor(**options):
    from workstation.analysis.ray_executor import RayExecutor

    return RayExecutor(**options)


@pytest.fixture
def works(tmp_path):
    folder = tmp_path / "works"
    for seed in range(WORKS):
        save(make_work(200 + seed, (96, 96)), folder / f"sub{seed % 3}" / f"w{seed:02}.png")
    save(make_work(200, (96, 96)), folder / "copy-of-w00.png")  # a tie for every metric
    (folder / "broken.png").write_bytes(b"\x89PNG broken")
    Image.new("RGB", (4, 4)).save(folder / "tiny.png")
    return folder


@pytest.fixture(scope="module")
def clip(tiny_clip):
    return ClipModel.load(tiny_clip["checkpoint"], arch=str(tiny_clip["arch"]))


def _source(tiny_clip) -> tuple[str, str]:
    return str(tiny_clip["checkpoint"]), str(tiny_clip["arch"])


def _same(a: CorpusIndex, b: CorpusIndex) -> None:
    assert (a.embeddings is None) == (b.embeddings is None)
    names = ("paths", "sizes", "mtimes_ns", "sha256", *(("embeddings",) if a.clip else ()))
    for name in names:
        left, right = getattr(a, name), getattr(b, name)
        assert left.dtype == right.dtype and left.shape == right.shape, name
        assert left.tobytes() == right.tobytes(), name  # bit for bit
    for kind in corpus.HASH_KINDS:
        assert a.hashes[kind].tobytes() == b.hashes[kind].tobytes(), kind
    assert a.skipped == b.skipped and a.clip == b.clip and a.root == b.root


def test_a_ray_build_is_the_in_process_build_array_for_array(
    ray, works, clip, tiny_clip, monkeypatch
):
    monkeypatch.setattr(corpus, "FILES_PER_ITEM", 4)  # 13 files to decode: 4 items
    here, here_update = build_index(works, clip_model=clip, executor=InProcess())
    events = []
    there, there_update = build_index(
        works,
        clip_model=clip,
        executor=_executor(),
        clip_source=_source(tiny_clip),
        on_progress=lambda done, total, path: events.append((done, total, path)),
    )
    _same(here, there)
    assert here_update == there_update and len(here) == WORKS + 1
    assert [reason for _, reason in there.skipped if "too small" in reason]
    assert [e[0] for e in events] == list(range(1, WORKS + 4)) and events[-1][1] == WORKS + 3

    # Re-indexed on Ray: everything reused, nothing sent to a worker, the same rows.
    again, update = build_index(
        works, previous=there, clip_model=clip, executor=_executor(), clip_source=_source(tiny_clip)
    )
    assert (update.added, update.reused) == (0, WORKS + 1)
    _same(there, again)


def test_a_worker_killed_mid_build_is_retried_and_no_row_is_lost_or_doubled(
    ray, works, tmp_path, monkeypatch
):
    from workstation.analysis.ray_executor import run_on_worker

    marker = tmp_path / "killed"

    def dies_once(work, item):  # the worker process dies in the middle of the second item, once
        if item.index == 1 and not marker.exists():
            marker.touch()
            os._exit(1)
        return run_on_worker(work, item)

    monkeypatch.setattr(corpus, "FILES_PER_ITEM", 3)
    messages = []
    there, update = build_index(
        works,
        executor=_executor(worker=dies_once),
        on_progress=lambda done, total, path: messages.append(path),
    )
    assert marker.exists()
    assert any("worker was lost" in m and "retrying" in m for m in messages)
    here, _ = build_index(works)
    _same(here, there)
    assert len(set(there.paths.tolist())) == len(there) == WORKS + 1
    assert (update.added, update.skipped) == (WORKS + 1, 2)


def test_a_clip_checkpoint_changed_after_hashing_is_refused_and_nothing_is_written(
    ray, works, tiny_clip, tmp_path
):
    from workstation.analysis.ray_executor import run_on_worker
    from workstation.app.clip import ClipChoice
    from workstation.app.corpus import IndexBuildRequest, build_corpus_index

    checkpoint = tmp_path / "clip-copy.safetensors"  # a path no worker has loaded before
    shutil.copy(tiny_clip["checkpoint"], checkpoint)
    marker = tmp_path / "tampered"

    def tampered(work, item):  # a weight changes after the coordinator loaded and hashed it
        if not marker.exists():
            marker.touch()
            with open(item.clip.location, "r+b") as stream:
                stream.seek(-1, os.SEEK_END)
                last = stream.read(1)[0]
                stream.seek(-1, os.SEEK_END)
                stream.write(bytes([last ^ 0x01]))
        return run_on_worker(work, item)

    out = tmp_path / "index.npz"
    request = IndexBuildRequest(
        folder=works, out=out, clip=ClipChoice(model=checkpoint, arch=str(tiny_clip["arch"]))
    )
    with pytest.raises(ModelError) as raised:
        build_corpus_index(request, executor=_executor(worker=tampered))
    message = str(raised.value)
    assert "\n" not in message and str(checkpoint) in message and "refused" in message
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == [
        "clip-copy.safetensors",
        "tampered",
        "works",
    ]


def test_a_cancelled_ray_build_writes_nothing(ray, works, tmp_path, monkeypatch):
    from workstation.analysis.ray_executor import run_on_worker
    from workstation.app.corpus import IndexBuildRequest, build_corpus_index
    from workstation.core.errors import Cancelled
    from workstation.engine.runtime import Runtime

    monkeypatch.setattr(corpus, "FILES_PER_ITEM", 2)
    seen = []

    def slow(work, item):  # the later items take long enough for the cancel to reach them
        if item.index > 0:
            import time

            time.sleep(5)
        return run_on_worker(work, item)

    out = tmp_path / "index.npz"
    runtime = Runtime(on_progress=seen.append, is_cancelled=lambda: len(seen) >= 1)
    with pytest.raises(Cancelled, match="nothing was written"):
        build_corpus_index(
            IndexBuildRequest(folder=works, out=out),
            runtime=runtime,
            executor=_executor(worker=slow),
        )
    assert not out.exists() and 1 <= len(seen) <= 2


def test_sharded_search_on_ray_is_the_unsharded_search(ray, works, clip, tiny_clip, tmp_path):
    index, _ = build_index(works, clip_model=clip)
    index.save(tmp_path / "works.npz")
    loaded = CorpusIndex.load(tmp_path / "works.npz")
    image = load_image(works / "sub1" / "w04.png")
    whole = query_index(loaded, image, k=6, clip_model=clip)
    for shards in (1, 3, 50):
        parts = query_index(
            loaded, image, k=6, clip_model=clip, shards=shards, executor=_executor()
        )
        assert parts.by_metric == whole.by_metric, shards
        assert parts.search["executor"] == "ray" and parts.search["shards"] == min(shards, 11)
    # Ties: w00 and its copy have the same codes and embedding, ordered by row either way.
    query = load_image(works / "copy-of-w00.png")
    whole = query_index(loaded, query, k=3, clip_model=clip)
    assert whole.by_metric["phash"][1].distance == 0
    assert query_index(
        loaded, query, k=3, clip_model=clip, shards=4, executor=_executor()
    ).by_metric == (whole.by_metric)


def test_sharded_codes_and_vectors_with_many_ties_on_ray(ray):
    from workstation.analysis import corpus_search
    from workstation.analysis.corpus_shards import sharded_search

    rng = np.random.default_rng(3)
    codes = {"phash": rng.integers(0, 4, 5000).astype(np.uint64)}  # 4 values: ties everywhere
    vectors = rng.normal(size=(5000, 8)).astype(np.float32)[rng.integers(0, 40, 5000)]
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    query = vectors[17]
    found = sharded_search(codes, {"phash": 1}, 25, 7, vectors, query, executor=_executor())
    rows, bits = corpus_search.search_codes(codes["phash"], 1, 25)
    assert found["phash"][0].tolist() == rows.tolist()
    assert found["phash"][1].tolist() == bits.tolist()
    rows, cosines = corpus_search.VectorSearch(vectors).search(query, 25)
    assert found["clip"][0].tolist() == rows.tolist()
    assert found["clip"][1].tolist() == cosines.tolist()


def test_the_cli_queries_in_shards_on_ray(ray, works, tmp_path, capsys):
    from workstation.cli import main

    index = tmp_path / "works.npz"
    assert main(["index", "build", str(works), "--out", str(index), "--executor", "ray"]) == 0
    assert main(["index", "build", str(works), "--out", str(tmp_path / "b.npz"), "--quiet"]) == 0
    capsys.readouterr()
    _same(CorpusIndex.load(index), CorpusIndex.load(tmp_path / "b.npz"))
    query = str(works / "sub2" / "w05.png")
    assert main(["index", "query", str(index), query, "--json"]) == 0
    whole = capsys.readouterr().out
    argv = ["index", "query", str(index), query, "--executor", "ray", "--shards", "3"]
    assert main([*argv, "--json"]) == 0
    import json

    parts = json.loads(capsys.readouterr().out)
    assert parts["results"] == json.loads(whole)["results"]
    assert parts["search"]["shards"] == 3 and parts["search"]["executor"] == "ray"
    assert main(argv) == 0
    assert "3 shard(s) on ray, merged" in capsys.readouterr().out
