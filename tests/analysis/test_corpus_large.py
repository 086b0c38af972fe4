"""Large corpora: an index over the in-memory limit is read when its members are stored (what
`save` writes) and lie inside the file (memory-mapped, CRC-32 checked), and refused in one line
when its members are deflated or declare more than the file holds; sharded search in this
process gives the unsharded answer, ties included. The limit is lowered to a few KB to keep it
cheap; one slow test builds a real index over 2 GiB."""

from __future__ import annotations

import json
import struct
import zipfile

import numpy as np
import pytest

from tests.analysis.conftest import make_work, save
from tests.hostile import assert_clean, run_main
from workstation.analysis import corpus, corpus_search
from workstation.analysis.corpus import HASH_KINDS, CorpusIndex, build_index, query_index
from workstation.analysis.corpus_shards import boundaries, sharded_search
from workstation.analysis.images import load_image
from workstation.core.errors import InputError

LIMIT = 4096


@pytest.fixture
def built(tmp_path):
    folder = tmp_path / "works"
    for seed in range(40):
        save(make_work(300 + seed, (64, 64)), folder / f"w{seed:02}.png")
    save(make_work(300, (64, 64)), folder / "x-copy-of-w00.png")  # ties
    index, _ = build_index(folder)
    index.save(tmp_path / "works.npz")
    return folder, tmp_path / "works.npz", index


def _refused(path, query, *words) -> str:
    outcome = run_main("index", "query", path, query)
    assert_clean(outcome)
    line = outcome.err.strip()
    assert outcome.code == 2 and "\n" not in line and str(path) in line, line
    for word in words:
        assert word in line, line
    return line


def test_an_index_over_the_limit_is_memory_mapped_when_stored(built, monkeypatch):
    folder, path, index = built
    assert path.stat().st_size > LIMIT
    small = CorpusIndex.load(path)
    assert not isinstance(small.paths, np.memmap)  # within the limit: read as before

    monkeypatch.setattr(corpus, "MAX_INDEX_BYTES", LIMIT)
    large = CorpusIndex.load(path)
    for name in ("paths", "sizes", "mtimes_ns", "sha256"):
        assert isinstance(getattr(large, name), np.memmap), name
        assert getattr(large, name).tobytes() == getattr(index, name).tobytes()
    for kind in HASH_KINDS:
        assert isinstance(large.hashes[kind], np.memmap)
        assert large.hashes[kind].tobytes() == index.hashes[kind].tobytes()
    query = load_image(folder / "w07.png")
    assert query_index(large, query, k=5).by_metric == query_index(small, query, k=5).by_metric

    # Updated in place: the new file replaces the mapped one; the rows are the same.
    again, update = build_index(folder, previous=large)
    again.save(path)
    assert update.reused == len(index)
    assert CorpusIndex.load(path).sha256.tolist() == index.sha256.tolist()


def test_a_deflated_index_over_the_limit_is_refused_unread(built, tmp_path, monkeypatch):
    folder, path, _ = built
    deflated = tmp_path / "deflated.npz"
    with np.load(path) as stored:
        np.savez_compressed(deflated, **{name: stored[name] for name in stored.files})
    monkeypatch.setattr(corpus, "MAX_INDEX_BYTES", LIMIT)
    monkeypatch.setattr(np.lib.format, "read_array", pytest.fail)  # nothing may be inflated
    monkeypatch.setattr(np, "memmap", pytest.fail)
    with pytest.raises(InputError) as raised:
        CorpusIndex.load(deflated)
    assert "\n" not in str(raised.value) and f"limit of {LIMIT:,}" in str(raised.value)
    _refused(deflated, folder / "w01.png", "declare", "deflated", f"{LIMIT:,}")


def test_a_stored_member_that_declares_more_than_the_file_holds_is_refused(
    built, tmp_path, monkeypatch
):
    folder, path, _ = built
    monkeypatch.setattr(corpus, "MAX_INDEX_BYTES", LIMIT)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        names = [info.filename for info in archive.infolist()]
    start, at = data.find(b"PK\x01\x02"), 0
    while start != -1:  # the central directory: `sizes` declares 1 GiB, stored, in a small file
        if names[at] == "sizes.npy":
            struct.pack_into("<II", data, start + 20, 2**30, 2**30)
        start, at = data.find(b"PK\x01\x02", start + 4), at + 1
    lying = tmp_path / "lying.npz"
    lying.write_bytes(bytes(data))
    monkeypatch.setattr(np, "memmap", pytest.fail)
    _refused(lying, folder / "w01.png", "declare", "not inside the file", f"{LIMIT:,}")


def test_a_mapped_member_whose_bytes_changed_is_refused_by_its_crc(built, tmp_path, monkeypatch):
    folder, path, _ = built
    monkeypatch.setattr(corpus, "MAX_INDEX_BYTES", LIMIT)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("hash_phash.npy")
    data[info.header_offset + 200] ^= 0x01  # inside the member's codes: still a valid array
    flipped = tmp_path / "flipped.npz"
    flipped.write_bytes(bytes(data))
    _refused(flipped, folder / "w01.png", "hash_phash", "CRC-32")


@pytest.mark.parametrize("shards", [1, 2, 3, 7, 41, 500])
def test_sharded_search_in_this_process_is_the_unsharded_search(built, shards):
    folder, _, index = built
    for name in ("w00.png", "w13.png"):
        query = load_image(folder / name)
        whole = query_index(index, query, k=8)
        parts = query_index(index, query, k=8, shards=shards)
        assert parts.by_metric == whole.by_metric
        if shards == 1:  # one shard in this process: the plain search
            assert "shards" not in parts.search
        else:
            assert parts.search["shards"] == min(shards, len(index))
            assert parts.search["executor"] == "inprocess"
    ties = query_index(index, load_image(folder / "w00.png"), k=2, shards=shards)
    assert [h.path for h in ties.by_metric["phash"]] == ["w00.png", "x-copy-of-w00.png"]


def test_sharded_vectors_and_codes_with_ties_equal_one_search():
    rng = np.random.default_rng(5)
    codes = {"phash": rng.integers(0, 3, 3000).astype(np.uint64)}
    vectors = rng.normal(size=(30, 16)).astype(np.float32)[rng.integers(0, 30, 3000)]
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    for shards in (1, 4, 13):
        found = sharded_search(codes, {"phash": 2}, 50, shards, vectors, vectors[9])
        rows, bits = corpus_search.search_codes(codes["phash"], 2, 50)
        assert found["phash"][0].tolist() == rows.tolist()
        assert found["phash"][1].tolist() == bits.tolist()
        rows, cosines = corpus_search.VectorSearch(vectors).search(vectors[9], 50)
        assert found["clip"][0].tolist() == rows.tolist()
        assert found["clip"][1].tolist() == cosines.tolist()


def test_shard_boundaries_cover_every_row_once():
    for rows in (0, 1, 5, 1000):
        for shards in (1, 3, 8, 2000):
            ranges = boundaries(rows, shards)
            assert [r for start, stop in ranges for r in range(start, stop)] == list(range(rows))
            assert len(ranges) == max(1, min(shards, rows))


def test_shards_refused_for_an_approximate_index_and_below_one(built):
    folder, _, index = built
    query = load_image(folder / "w01.png")
    with pytest.raises(InputError, match="at least 1"):
        query_index(index, query, shards=0)
    approximate = corpus.dataclasses.replace(index, search={"kind": "hnsw"}, engine=object())
    with pytest.raises(InputError, match="without --shards"):
        query_index(approximate, query, shards=2)


def _write_large(path, rows: int, dim: int) -> None:
    """An index of `rows` works with `dim`-float embeddings, written member by member (the
    embeddings in chunks, never whole in memory), stored as `np.savez` stores them."""
    clip = {"arch": "t", "checkpoint": "/x", "checkpoint_sha256": "ab" * 32, "embed_dim": dim}
    meta = {
        **{"format": corpus.FORMAT, "version": corpus.VERSION, "root": "/works"},
        **{"created": "", "updated": "", "clip": clip, "skipped": []},
    }
    small = {
        "meta": np.frombuffer(json.dumps(meta).encode(), np.uint8),
        "paths": np.char.add("w", np.arange(rows).astype("<U8")),
        "sizes": np.zeros(rows, np.int64),
        "mtimes_ns": np.zeros(rows, np.int64),
        "sha256": np.full(rows, "ab" * 32, "<U64"),
        **{f"hash_{k}": np.arange(rows, dtype=np.uint64) for k in HASH_KINDS},
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        for name, array in small.items():
            with archive.open(f"{name}.npy", "w", force_zip64=True) as stream:
                np.lib.format.write_array(stream, array, allow_pickle=False)
        with archive.open("embeddings.npy", "w", force_zip64=True) as stream:
            header = {"descr": "<f4", "fortran_order": False, "shape": (rows, dim)}
            np.lib.format.write_array_header_2_0(stream, header)
            chunk = np.zeros((65536, dim), np.float32)  # row r: the unit vector along r % dim
            chunk[np.arange(len(chunk)), np.arange(len(chunk)) % dim] = 1
            for start in range(0, rows, len(chunk)):
                stream.write(chunk[: min(len(chunk), rows - start)].tobytes())


@pytest.mark.slow
def test_a_real_index_over_two_gib_is_read_memory_mapped(tmp_path):
    rows, dim = 1_050_000, 512  # embeddings alone: 2.15 GB
    path = tmp_path / "large.npz"
    _write_large(path, rows, dim)
    try:
        assert path.stat().st_size > corpus.MAX_INDEX_BYTES
        index = CorpusIndex.load(path)
        assert isinstance(index.embeddings, np.memmap) and index.embeddings.shape == (rows, dim)
        assert len(index) == rows and index.paths[-1] == f"w{rows - 1}"
        found = sharded_search(
            {"phash": index.hashes["phash"]},
            {"phash": 77},
            3,
            4,
            index.embeddings,
            index.embeddings[5],
        )
        assert found["phash"][0][0] == 77 and found["clip"][0].tolist() == [5, 517, 1029]
    finally:
        path.unlink(missing_ok=True)


def test_index_build_and_query_with_ray_missing_are_one_line(built, tmp_path, monkeypatch):
    import sys

    folder, path, _ = built
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray → ImportError
    before = path.read_bytes()
    for argv in (
        ("index", "build", folder, "--out", path, "--executor", "ray", "--quiet"),
        ("index", "query", path, folder / "w01.png", "--executor", "ray", "--shards", "2"),
    ):
        outcome = run_main(*argv)
        assert_clean(outcome)
        line = outcome.err.strip()
        assert outcome.code == 2 and "\n" not in line and "pip install" in line
    assert path.read_bytes() == before
