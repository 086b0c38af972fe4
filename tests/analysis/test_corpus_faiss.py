"""Corpus search on FAISS: exact kinds give the old scan's rows (and bits) on either engine,
shards merge to the unsharded answer, approximate kinds keep their measured recall and are read
only from the file the build wrote, and without FAISS the numpy scan answers the same."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from tests.analysis.conftest import make_work, save
from workstation.analysis import corpus, corpus_search
from workstation.analysis.clip import ClipModel
from workstation.analysis.corpus import CorpusIndex, build_index, query_index
from workstation.analysis.corpus_search import merge_shards, search_codes, search_vectors
from workstation.analysis.images import load_image
from workstation.cli import main
from workstation.core.errors import InputError


@pytest.fixture
def faiss():
    """For the tests that need FAISS; the others compare the engines FAISS or not."""
    return pytest.importorskip("faiss")


WORKS = 12


def random_codes(rng, count, bits):
    """Codes with only `bits` random low bits: many rows share each distance (ties)."""
    return rng.integers(0, 2**63, count, dtype=np.uint64) & np.uint64(2**bits - 1)


def unit(rng, count, dim):
    vectors = rng.normal(size=(count, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@pytest.mark.parametrize("seed", range(6))
def test_hashes_give_the_old_scans_rows_and_bits_on_both_engines(seed):
    rng = np.random.default_rng(seed)
    count = int(rng.integers(1, 30_000))
    codes = random_codes(rng, count, [64, 12, 6, 3, 1, 64][seed])
    for query in (int(codes[0]), int(rng.integers(0, 2**63))):
        for k in (1, 10, 57):
            old = corpus.top_k_hamming(codes, query, k)
            for use_faiss in (True, False):
                rows, bits = search_codes(codes, query, k, use_faiss=use_faiss)
                assert rows.tolist() == old[0].tolist(), (count, k, use_faiss)
                assert bits.tolist() == old[1].tolist()


@pytest.mark.parametrize("seed", range(6))
def test_embeddings_give_the_old_scans_rows_and_one_value_on_both_engines(seed):
    rng = np.random.default_rng(100 + seed)
    count, dim = int(rng.integers(1, 20_000)), [512, 32, 64, 8, 512, 16][seed]
    vectors = unit(rng, count, dim)
    vectors[count // 2 :: 7] = vectors[0]  # exact ties: ordered by row
    for query in (vectors[0], unit(rng, 1, dim)[0]):
        for k in (1, 10, 40):
            old_rows, old_cosines = corpus.top_k_cosine(vectors, query, k)
            with_faiss = search_vectors(vectors, query, k)
            numpy_only = search_vectors(vectors, query, k, use_faiss=False)
            # Engines: bit for bit the same. The old scan: the same rows, its float32 BLAS value
            # within rounding (a row's mat-vec value depends on its position in the matrix).
            assert with_faiss[0].tolist() == numpy_only[0].tolist() == old_rows.tolist()
            assert with_faiss[1].tobytes() == numpy_only[1].tobytes()
            np.testing.assert_allclose(with_faiss[1], old_cosines, rtol=0, atol=1e-6)


def test_shards_merge_to_the_unsharded_answer():
    rng = np.random.default_rng(7)
    codes = random_codes(rng, 10_000, 8)
    vectors = unit(rng, 10_000, 32)
    bounds = [0, 1, 2500, 2600, 9000, 10_000]
    shards = list(zip(bounds[:-1], bounds[1:], strict=True))
    query_code, query = int(codes[5]), vectors[5]
    merged = merge_shards(
        [search_codes(codes[a:b], query_code, 10, offset=a) for a, b in shards], 10, largest=False
    )
    whole = search_codes(codes, query_code, 10)
    assert merged[0].tolist() == whole[0].tolist() and merged[1].tolist() == whole[1].tolist()
    merged = merge_shards(
        [search_vectors(vectors[a:b], query, 10, offset=a) for a, b in shards], 10, largest=True
    )
    whole = search_vectors(vectors, query, 10)
    assert merged[0].tolist() == whole[0].tolist()
    assert merged[1].tobytes() == whole[1].tobytes()


@pytest.mark.parametrize("kind", ["hnsw", "ivfpq"])
def test_approximate_recall_is_measured_and_close_to_exact(kind, faiss):
    rng = np.random.default_rng(3)
    vectors = unit(rng, 5000, 32)
    engine, used = corpus_search.build_approximate(vectors, kind, {})
    search = corpus_search.VectorSearch(vectors, kind, used, engine)
    recall = corpus_search.measure_recall(search)
    assert recall["recall_queries"] == 200
    assert 0.5 <= recall["recall_at_10"] <= 1.0
    rows, cosines = search.search(vectors[9], 10)
    assert rows[0] == 9 and cosines[0] == pytest.approx(1, abs=1e-6)
    assert list(cosines) == sorted(cosines, reverse=True)


@pytest.fixture
def works(tmp_path):
    folder = tmp_path / "works"
    for seed in range(WORKS):
        save(make_work(300 + seed, (128, 128)), folder / f"w{seed:02}.png")
    return folder


@pytest.fixture
def clip(tiny_clip):
    return ClipModel.load(tiny_clip["checkpoint"], arch=str(tiny_clip["arch"]))


@pytest.mark.parametrize("kind", ["hnsw", "ivfpq"])
def test_approximate_index_round_trip_with_its_recall(works, clip, tmp_path, kind, faiss):
    events = []
    index, _ = build_index(
        works, clip_model=clip, kind=kind, on_progress=lambda d, t, m: events.append(m)
    )
    assert any(f"building the search index ({kind})" in str(m) for m in events)
    index.save(tmp_path / "works.npz")
    sidecar = tmp_path / f"works.npz.{kind}.faiss"
    assert sidecar.is_file()

    loaded = CorpusIndex.load(tmp_path / "works.npz")
    assert loaded.kind == kind and loaded.engine is not None
    assert loaded.search["sha256"] == corpus.sha256_file(sidecar)
    assert 0 <= loaded.search["recall_at_10"] <= 1 and loaded.search["recall_queries"] == WORKS
    result = query_index(loaded, load_image(works / "w04.png"), k=3, clip_model=clip)
    assert result.by_metric["clip"][0].path == "w04.png"
    assert result.search["kind"] == kind and result.search["engine"].startswith("faiss")
    assert result.by_metric["phash"][0].path == "w04.png"  # hashes: exact, as before

    # A FAISS file that is not the one the build wrote is never handed to FAISS's reader. It is
    # replaced, not rewritten in place: the loaded IVF-PQ index maps the old file, and a mapped
    # file truncated under it faults (as the index's own save avoids with os.replace).
    del loaded, result
    data = bytearray(sidecar.read_bytes())
    data[-1] ^= 0xFF
    changed = tmp_path / "changed.faiss"
    changed.write_bytes(bytes(data))
    os.replace(changed, sidecar)
    with pytest.raises(InputError, match="SHA-256 differs"):
        CorpusIndex.load(tmp_path / "works.npz")
    sidecar.unlink()
    with pytest.raises(InputError, match="missing or changed"):
        CorpusIndex.load(tmp_path / "works.npz")


def test_without_faiss_the_numpy_scan_answers_the_same(works, clip, tmp_path, monkeypatch, faiss):
    index, _ = build_index(works, clip_model=clip, kind="hnsw")
    index.save(tmp_path / "works.npz")
    query = load_image(works / "w07.png")
    with_faiss = query_index(CorpusIndex.load(tmp_path / "works.npz"), query, 5, clip)
    flat, _ = build_index(works, clip_model=clip)

    monkeypatch.setattr(corpus_search, "faiss_module", lambda: None)
    loaded = CorpusIndex.load(tmp_path / "works.npz")  # hnsw: its FAISS file is not read
    assert loaded.engine is None
    without = query_index(loaded, query, 5, clip)
    assert without.search["engine"] == "numpy" and without.search["kind"] == "flat"
    assert any("FAISS is not installed" in note for note in without.notes)
    assert without.by_metric["phash"] == with_faiss.by_metric["phash"]
    assert without.by_metric["clip"] == query_index(flat, query, 5, clip).by_metric["clip"]
    with pytest.raises(InputError, match="needs FAISS"):
        build_index(works, clip_model=clip, kind="ivfpq")


def test_an_index_without_search_meta_loads_and_searches_as_flat(works, tmp_path):
    """Index files written before FAISS (no `search` in their meta) are read as they were."""
    index, _ = build_index(works)
    index.save(tmp_path / "new.npz")
    with np.load(tmp_path / "new.npz", allow_pickle=False) as archive:
        arrays = dict(archive)
    meta = json.loads(arrays["meta"].tobytes())
    del meta["search"]
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), np.uint8)
    np.savez(tmp_path / "old.npz", **arrays)
    old = CorpusIndex.load(tmp_path / "old.npz")
    assert old.kind == "flat"
    query = load_image(works / "w02.png")
    assert query_index(old, query).by_metric == query_index(index, query).by_metric


def test_cli_builds_an_approximate_index_and_prints_its_recall(
    works, tiny_clip, tmp_path, capsys, faiss
):
    clip_args = [
        "--clip-model",
        str(tiny_clip["checkpoint"]),
        "--clip-arch",
        str(tiny_clip["arch"]),
    ]
    out = tmp_path / "works.npz"
    build = ["index", "build", str(works), "--out", str(out), "--quiet", "--kind", "hnsw"]
    assert main([*build, "--param", "ef_search=64", *clip_args]) == 0
    printed = capsys.readouterr().out
    assert "search: faiss" in printed and "hnsw (m=32" in printed and "ef_search=64" in printed
    assert "recall@10" in printed and "12 held-out queries" in printed

    assert main(["index", "query", str(out), str(works / "w03.png"), "--json", *clip_args]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["search"]["kind"] == "hnsw" and result["search"]["parameters"]["ef_search"] == 64
    assert result["results"]["clip"][0]["path"] == "w03.png"

    with pytest.raises(SystemExit):
        main([*build, "--param", "bogus=3"])
    assert "NAME one of" in capsys.readouterr().err
    assert (
        main(["index", "build", str(works), "--out", str(tmp_path / "x.npz"), "--kind", "ivfpq"])
        != 0
    )
    assert "give a CLIP model" in capsys.readouterr().err


def rewrite_meta(path, change) -> None:
    with np.load(path, allow_pickle=False) as archive:
        arrays = dict(archive)
    meta = json.loads(arrays["meta"].tobytes())
    change(meta)
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), np.uint8)
    np.savez(path, **arrays)


def test_a_faiss_file_is_read_only_as_named_and_with_the_kinds_header(works, clip, tmp_path, faiss):
    """A stranger's index may name any file and record its hash: the name must be a plain file
    beside the index, and the header FAISS's for the kind, before FAISS's reader sees it."""
    index, _ = build_index(works, clip_model=clip, kind="hnsw")
    path = tmp_path / "works.npz"
    index.save(path)

    def elsewhere(meta):
        meta["search"]["file"] = "../works.npz.hnsw.faiss"

    rewrite_meta(path, elsewhere)
    with pytest.raises(InputError, match="meta.search"):
        CorpusIndex.load(path)

    index.save(path)
    forged = tmp_path / "works.npz.hnsw.faiss"
    forged.write_bytes(b"\x80\x04not a faiss index" * 10)

    def matching(meta):
        meta["search"].update(size=forged.stat().st_size, sha256=corpus.sha256_file(forged))

    rewrite_meta(path, matching)
    with pytest.raises(InputError, match="not a FAISS hnsw index"):
        CorpusIndex.load(path)
