"""Hostile corpus indexes (.npz): every wrong member, dtype, shape and zip is refused in one line
that names the file and the member, before anything large is inflated."""

from __future__ import annotations

import io
import json
import os
import struct
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from PIL import Image

from tests.hostile import assert_clean, run_main
from workstation.analysis import corpus
from workstation.analysis.corpus import HASH_KINDS, CorpusIndex
from workstation.core.errors import WorkstationError

ROWS = 3
CLIP = {"arch": "ViT-test", "checkpoint": "/x", "checkpoint_sha256": "ab" * 32, "embed_dim": 4}


def meta(**changes) -> dict:
    return {
        "format": corpus.FORMAT,
        "version": corpus.VERSION,
        "root": "/works",
        "created": "2026-01-01T00:00:00Z",
        "updated": "2026-01-01T00:00:00Z",
        "clip": None,
        "skipped": [],
        **changes,
    }


def members(rows: int = ROWS, **changes) -> dict[str, np.ndarray | None]:
    """The members of a valid index of `rows` works; `changes` replace (None: drop) members."""
    arrays: dict[str, np.ndarray | None] = {
        "meta": meta_array(meta()),
        "paths": np.array([f"w{i}.png" for i in range(rows)], dtype=str),
        "sizes": np.arange(rows, dtype=np.int64),
        "mtimes_ns": np.arange(rows, dtype=np.int64),
        "sha256": np.array([f"{i:064x}" for i in range(rows)], dtype="<U64"),
        **{f"hash_{k}": np.arange(rows, dtype=np.uint64) * 977 for k in HASH_KINDS},
    }
    arrays.update(changes)
    return {name: array for name, array in arrays.items() if array is not None}


def meta_array(value: dict | bytes) -> np.ndarray:
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()
    return np.frombuffer(raw, np.uint8)


def write(path: Path, arrays: dict, compressed: bool = False) -> Path:
    (np.savez_compressed if compressed else np.savez)(path, **arrays)
    return path


@pytest.fixture(scope="module")
def query(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("query") / "query.png"
    pixels = np.random.default_rng(0).integers(0, 256, (32, 32, 3), dtype=np.uint8)
    Image.fromarray(pixels).save(path)
    return path


def refused(path: Path, query: Path, *words: str) -> str:
    outcome = run_main("index", "query", path, query)
    assert_clean(outcome)
    assert outcome.code == 2
    line = outcome.err.strip()
    assert str(path) in line
    for word in words:
        assert word in line, line
    return line


def test_a_valid_index_is_searched(tmp_path, query):
    path = write(tmp_path / "ok.npz", members())
    outcome = run_main("index", "query", path, query, "--json")
    assert outcome.code == 0, outcome.err
    assert len(json.loads(outcome.out)["results"]["phash"]) == ROWS
    index = CorpusIndex.load(
        write(
            tmp_path / "clip.npz",
            members(meta=meta_array(meta(clip=CLIP)), embeddings=np.eye(ROWS, 4, dtype=np.float32)),
        )
    )
    assert index.embeddings.shape == (ROWS, 4) and index.clip == CLIP


NAN = np.full((ROWS, 4), np.nan, np.float32)
HOSTILE = {
    "object array": (dict(paths=np.array(["a", 1, None], dtype=object)), ["paths", "objects"]),
    "wrong dtype": (dict(sizes=np.zeros(ROWS, np.float64)), ["sizes", "dtype <f8"]),
    "big-endian hashes": (dict(hash_phash=np.zeros(ROWS, ">u8")), ["hash_phash", ">u8"]),
    "numbers as paths": (dict(paths=np.zeros(ROWS, np.int64)), ["paths", "expected text"]),
    "2-D where 1-D": (dict(hash_dhash=np.zeros((ROWS, 2), np.uint64)), ["hash_dhash", "1-D"]),
    "0-D where 1-D": (dict(mtimes_ns=np.int64(5)), ["mtimes_ns", "1-D"]),
    "rows disagree": (dict(sizes=np.zeros(ROWS - 1, np.int64)), ["sizes", "2 rows"]),
    "unexpected member": (dict(extra=np.zeros(1)), ["extra.npy", "not a member"]),
    "missing member": (dict(hash_ahash=None), ["hash_ahash", "missing"]),
    "embeddings, no model": (dict(embeddings=np.zeros((ROWS, 4), np.float32)), ["meta.clip"]),
    "model, no embeddings": (dict(meta=meta_array(meta(clip=CLIP))), ["embeddings"]),
    "embeddings too narrow": (
        dict(meta=meta_array(meta(clip=CLIP)), embeddings=np.zeros((ROWS, 3), np.float32)),
        ["embeddings", "expected (3, 4)"],
    ),
    "embeddings not finite": (
        dict(meta=meta_array(meta(clip=CLIP)), embeddings=NAN),
        ["embeddings", "finite"],
    ),
    "meta not UTF-8": (dict(meta=meta_array(b"\xff{")), ["meta", "UTF-8"]),
    "meta not JSON": (dict(meta=meta_array(b"{format")), ["meta", "not valid JSON"]),
    "meta nested deep": (dict(meta=meta_array(b"[" * 200_000 + b"]" * 200_000)), ["meta", "deep"]),
    "meta a list": (dict(meta=meta_array([1, 2])), ["not a workstation corpus index"]),
    "meta 2-D": (dict(meta=np.zeros((2, 2), np.uint8)), ["meta", "1-D"]),
    "clip of wrong type": (dict(meta=meta_array(meta(clip={"arch": 5}))), ["meta.clip"]),
    "skipped of wrong type": (dict(meta=meta_array(meta(skipped=[[1]]))), ["meta.skipped"]),
    "root not text": (dict(meta=meta_array(meta(root=["x"]))), ["meta.root"]),
    "other version": (dict(meta=meta_array(meta(version=99))), ["version 99"]),
    "path out of the folder": (dict(paths=np.array(["a.png", "../../x.png", "b"])), ["row 1"]),
    "absolute path": (dict(paths=np.array(["/etc/passwd", "a", "b"])), ["paths", "row 0"]),
    "empty path": (dict(paths=np.array(["a", "b", ""])), ["paths", "row 2"]),
    "sha256 not hex": (dict(sha256=np.array(["x" * 64, "y", "z"])), ["sha256", "row 0"]),
}


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_hostile_member_is_named(tmp_path, query, kind):
    changes, words = HOSTILE[kind]
    refused(write(tmp_path / "bad.npz", members(**changes)), query, *words)


def npy_member(header_shape: tuple, data: bytes) -> bytes:
    """A .npy file whose header claims `header_shape` over `data`."""
    stream = io.BytesIO()
    header = {"descr": "<u8", "fortran_order": False, "shape": header_shape}
    np.lib.format.write_array_header_1_0(stream, header)
    return stream.getvalue() + data


def test_a_header_that_claims_more_rows_than_its_bytes(tmp_path, query):
    path = write(tmp_path / "claims.npz", members(hash_phash=None))
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("hash_phash.npy", npy_member((10**15,), b"\0" * 8 * ROWS))
    refused(path, query, "hash_phash", "does not match")


def test_a_member_twice_is_refused(tmp_path, query):
    path = write(tmp_path / "twice.npz", members())
    with pytest.warns(UserWarning, match="Duplicate name"), zipfile.ZipFile(path, "a") as archive:
        archive.writestr("sizes.npy", npy_member((ROWS,), b"\0" * 8 * ROWS))
    refused(path, query, "sizes", "more than once")


def patch_declared_sizes(path: Path, size: int) -> None:
    """Make the central directory declare `size` uncompressed bytes for every member."""
    data = bytearray(path.read_bytes())
    start = data.find(b"PK\x01\x02")
    while start != -1:
        struct.pack_into("<I", data, start + 24, size)
        start = data.find(b"PK\x01\x02", start + 4)
    path.write_bytes(bytes(data))


def test_a_zip_that_declares_more_than_the_budget_is_refused_unread(tmp_path, query, monkeypatch):
    path = write(tmp_path / "declares.npz", members())
    patch_declared_sizes(path, 0xFFFF_FFF0)  # ~4 GiB a member, as the bomb declared
    monkeypatch.setattr(np.lib.format, "read_array", pytest.fail)  # nothing may be inflated
    refused(path, query, "declare", f"{corpus.MAX_INDEX_BYTES:,}")


def test_a_real_zip_bomb_is_refused_before_inflating(tmp_path, query, monkeypatch):
    """A small deflated member that inflates past the budget (the budget lowered to keep the
    test cheap): refused from the directory, before a byte is inflated."""
    path = write(tmp_path / "bomb.npz", members(sizes=np.zeros(2_000_000, np.int64)), True)
    assert path.stat().st_size < 200_000
    monkeypatch.setattr(corpus, "MAX_INDEX_BYTES", 8_000_000)
    monkeypatch.setattr(np.lib.format, "read_array", pytest.fail)
    refused(path, query, "declare", "8,000,000")


def test_broken_zips(tmp_path, query):
    good = write(tmp_path / "good.npz", members()).read_bytes()
    (tmp_path / "text.npz").write_text("not a zip")
    (tmp_path / "truncated.npz").write_bytes(good[: len(good) // 2])
    flipped = bytearray(good)
    flipped[200] ^= 0xFF  # inside the first member's data: its CRC no longer matches
    (tmp_path / "flipped.npz").write_bytes(bytes(flipped))
    for name in ("text.npz", "truncated.npz", "flipped.npz"):
        refused(tmp_path / name, query, "not a workstation corpus index")


def test_a_folder_or_fifo_is_not_read(tmp_path, query):
    (tmp_path / "folder.npz").mkdir()
    refused(tmp_path / "folder.npz", query, "not a regular file")
    os.mkfifo(tmp_path / "fifo.npz")  # opening it to read would wait for a writer forever
    refused(tmp_path / "fifo.npz", query, "not a regular file")


def test_build_refuses_to_update_a_hostile_index_and_leaves_it(tmp_path):
    folder = tmp_path / "works"
    folder.mkdir()
    Image.new("RGB", (32, 32), (9, 9, 9)).save(folder / "a.png")
    path = write(tmp_path / "bad.npz", members(paths=np.array([1, None], dtype=object)))
    before = path.read_bytes()
    outcome = run_main("index", "build", folder, "--out", path, "--quiet")
    assert_clean(outcome)
    assert outcome.code == 2 and "paths" in outcome.err
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.npz", "works"]


# --- property: any archive at all -----------------------------------------------------------

NAMES = [*corpus.MEMBERS, "extra"]
DTYPES = [np.uint8, np.int64, np.uint64, np.float32, np.float64, "<U8", ">u8", "<U64", object]


@st.composite
def arrays(draw) -> np.ndarray:
    dtype = draw(st.sampled_from(DTYPES))
    shape = draw(st.sampled_from([(), (0,), (1,), (ROWS,), (ROWS, 4), (2, 3), (ROWS + 1,)]))
    if dtype is object:
        return np.array(draw(st.lists(st.sampled_from([1, "a", None, 2.5]), min_size=1)), object)
    return np.zeros(shape, dtype) if draw(st.booleans()) else np.ones(shape, dtype)


@st.composite
def archives(draw) -> bytes:
    rows = draw(st.sampled_from([0, 1, ROWS]))
    clip = draw(st.sampled_from([None, CLIP, {"arch": 1}, "x"]))
    base = members(rows, meta=meta_array(meta(clip=clip)))
    if clip == CLIP:
        base["embeddings"] = np.ones((rows, 4), np.float32) / 2
    for name in draw(st.lists(st.sampled_from(NAMES), max_size=3, unique=True)):
        base[name] = draw(arrays()) if draw(st.booleans()) else None
    if draw(st.booleans()):
        base["meta"] = meta_array(draw(st.binary(max_size=40)))
    stream = io.BytesIO()
    kept = {name: array for name, array in base.items() if array is not None}
    (np.savez_compressed if draw(st.booleans()) else np.savez)(stream, **kept)
    data = bytearray(stream.getvalue())
    damage = draw(st.sampled_from(["none", "none", "truncate", "flip", "declare"]))
    at = draw(st.integers(0, len(data) - 1))
    if damage == "truncate":
        del data[at:]
    elif damage == "flip":
        data[at] ^= draw(st.integers(1, 255))
    elif damage == "declare":
        start = data.find(b"PK\x01\x02")
        struct.pack_into("<I", data, start + 24, draw(st.integers(0, 2**32 - 1)))
    return bytes(data)


@given(data=archives())
def test_any_archive_is_searched_or_refused_in_one_line(tmp_path_factory, query, data):
    """`index query` and `index build --out` (which updates the index) on any archive: success or
    one line; CorpusIndex.load gives a consistent index or a one-line WorkstationError."""
    path = tmp_path_factory.mktemp("npz") / "index.npz"
    path.write_bytes(data)
    assert_clean(run_main("index", "query", path, query))
    try:
        index = CorpusIndex.load(path)
    except WorkstationError as error:
        assert str(path) in str(error) and "\n" not in str(error)
        event("refused")
        built = run_main("index", "build", query.parent, "--out", path, "--quiet")
        assert_clean(built)
        assert built.code == 2 and path.read_bytes() == data  # a refused index is left as it was
        return
    event("loaded")
    assert_clean(run_main("index", "build", query.parent, "--out", path, "--quiet"))
    rows = len(index.paths)
    assert all(len(index.hashes[k]) == rows for k in HASH_KINDS)
    assert len(index.sizes) == len(index.mtimes_ns) == len(index.sha256) == rows
    assert (index.embeddings is None) == (index.clip is None)


def test_a_full_disk_keeps_the_old_index(tmp_path, monkeypatch):
    folder = tmp_path / "works"
    folder.mkdir()
    Image.new("RGB", (32, 32), (9, 9, 9)).save(folder / "a.png")
    path = write(tmp_path / "index.npz", members())
    before = path.read_bytes()

    def full(*_: object, **__: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "savez", full)
    outcome = run_main("index", "build", folder, "--out", path, "--quiet")
    assert_clean(outcome)
    assert outcome.code == 2 and f"cannot write the index to {path}" in outcome.err
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.npz", "works"]


def test_a_directory_of_many_entries_is_refused_before_it_is_read(tmp_path, query, monkeypatch):
    many = tmp_path / "many.npz"
    with zipfile.ZipFile(many, "w") as archive:
        for number in range(len(corpus.MEMBERS) + 1):
            archive.writestr(f"x{number}.npy", b"")
    zip64 = write(tmp_path / "zip64.npz", members())
    data = bytearray(zip64.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HHL", data, end + 8, 0xFFFF, 0xFFFF, 0xFFFF_FFFF)  # "see the zip64 record"
    zip64.write_bytes(bytes(data))
    monkeypatch.setattr(zipfile, "ZipFile", pytest.fail)  # the directory is never parsed
    refused(many, query, "declares 11 entries")
    refused(zip64, query, "declares 65,535 entries in 4,294,967,295 bytes")
