"""Corpus index: the planted near-duplicate comes first, re-indexing skips unchanged files."""

from __future__ import annotations

import os

import imagehash
import numpy as np
import pytest
from PIL import Image

from tests.analysis.conftest import make_work, save
from workstation.analysis import corpus
from workstation.analysis.clip import ClipModel
from workstation.analysis.corpus import CorpusIndex, build_index, query_index
from workstation.analysis.images import load_image
from workstation.core.errors import Cancelled, InputError, ModelError

WORKS = 12


@pytest.fixture
def collection(tmp_path):
    folder = tmp_path / "works"
    for seed in range(WORKS):
        save(make_work(100 + seed, (256, 256)), folder / f"sub{seed % 2}" / f"work{seed:02}.png")
    (folder / "readme.txt").write_text("not an image")
    (folder / "broken.png").write_bytes(b"\x89PNG broken")
    # The query: work 7, re-encoded as JPEG and scaled down, outside the folder.
    planted = np.asarray(Image.fromarray(make_work(107, (256, 256))).resize((200, 200)))
    query = save(planted, tmp_path / "query.jpg", quality=75)
    return folder, query


def test_planted_near_duplicate_is_found_first(collection, tmp_path):
    folder, query = collection
    seen = []
    index, update = build_index(folder, on_progress=lambda d, t, p: seen.append((d, t, p)))
    assert len(index) == WORKS and update.added == WORKS
    assert index.skipped == (("broken.png", index.skipped[0][1]),)
    assert seen[-1][:2] == (WORKS + 1, WORKS + 1) and [s[0] for s in seen] == list(range(1, 14))

    index.save(tmp_path / "works.npz")
    loaded = CorpusIndex.load(tmp_path / "works.npz")
    result = query_index(loaded, load_image(query), k=5)
    for metric in ("phash", "dhash", "ahash"):
        hits = result.by_metric[metric]
        assert hits[0].path == "sub1/work07.png", metric
        assert [h.rank for h in hits] == [1, 2, 3, 4, 5]
        assert hits[0].distance < hits[1].distance
    assert "clip" not in result.by_metric


def test_distances_equal_imagehash(collection):
    folder, query = collection
    index, _ = build_index(folder)
    hit = query_index(index, load_image(query), k=WORKS).by_metric["phash"]
    direct = {
        h.path: imagehash.phash(Image.open(folder / h.path).convert("RGB"))
        - imagehash.phash(Image.open(query).convert("RGB"))
        for h in hit
    }
    assert {h.path: h.distance for h in hit} == direct


def test_reindexing_skips_unchanged_files(collection, monkeypatch):
    folder, _ = collection
    first, _ = build_index(folder)

    decoded = []
    original = corpus.load_image
    monkeypatch.setattr(corpus, "load_image", lambda path: decoded.append(path) or original(path))
    second, update = build_index(folder, previous=first)
    assert (update.added, update.reused, update.removed) == (0, WORKS, 0)
    assert [p.name for p in decoded] == ["broken.png"]  # only the file that failed before

    # A moved file is recognised by its content; a changed one is hashed again; a deleted one goes.
    (folder / "sub0" / "work00.png").rename(folder / "moved.png")
    save(make_work(999, (256, 256)), folder / "sub1" / "work01.png")
    os.utime(folder / "sub1" / "work01.png", ns=(1, 1))
    (folder / "sub0" / "work02.png").unlink()
    decoded.clear()
    third, update = build_index(folder, previous=second)
    assert (update.added, update.reused, update.removed) == (1, WORKS - 2, 2)
    assert sorted(p.name for p in decoded) == ["broken.png", "work01.png"]
    assert "moved.png" in third.paths.tolist()


def test_cancel_stops_the_build(collection):
    folder, _ = collection
    with pytest.raises(Cancelled):
        build_index(folder, is_cancelled=lambda: True)


def test_top_k_matches_a_plain_computation():
    rng = np.random.default_rng(0)
    codes = rng.integers(0, 2**63, 5000, dtype=np.uint64)
    query = int(codes[123]) ^ 0b1011
    rows, distances = corpus.top_k_hamming(codes, query, 10)
    plain = sorted((bin(int(c) ^ query).count("1"), i) for i, c in enumerate(codes))[:10]
    assert list(zip(distances.tolist(), rows.tolist(), strict=True)) == plain
    assert rows[0] == 123 and distances[0] == 3

    vectors = rng.normal(size=(1000, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    rows, cosines = corpus.top_k_cosine(vectors, vectors[42], 3)
    assert rows[0] == 42 and cosines[0] == pytest.approx(1.0, abs=1e-6)
    assert list(rows) == list(np.argsort(-(vectors @ vectors[42]))[:3])


def test_clip_embeddings_in_the_index(collection, tiny_clip, tmp_path):
    folder, _ = collection
    model = ClipModel.load(tiny_clip["checkpoint"], arch=str(tiny_clip["arch"]))
    index, _ = build_index(folder, clip_model=model)
    index.save(tmp_path / "clip.npz")
    loaded = CorpusIndex.load(tmp_path / "clip.npz")
    assert loaded.embeddings.shape == (WORKS, 32)
    assert loaded.clip["checkpoint_sha256"] == model.info.checkpoint_sha256

    exact = load_image(folder / "sub1" / "work05.png")
    hits = query_index(loaded, exact, k=3, clip_model=model).by_metric["clip"]
    assert hits[0].path == "sub1/work05.png" and hits[0].similarity == pytest.approx(1, abs=1e-5)

    without = query_index(loaded, exact, k=3)
    assert "clip" not in without.by_metric and "no CLIP model was given" in without.notes[0]
    with pytest.raises(InputError, match="give the same CLIP model"):
        build_index(folder, previous=loaded)
    other = ClipModel.load(tiny_clip["other_checkpoint"], arch=str(tiny_clip["other_arch"]))
    with pytest.raises(ModelError, match="the index's embeddings come from"):
        query_index(loaded, exact, clip_model=other)


def test_not_an_index_is_refused(tmp_path):
    path = tmp_path / "x.npz"
    np.savez(path, something=np.zeros(3))
    with pytest.raises(InputError, match="not a workstation corpus index"):
        CorpusIndex.load(path)
    with pytest.raises(InputError, match="index not found"):
        CorpusIndex.load(tmp_path / "missing.npz")
