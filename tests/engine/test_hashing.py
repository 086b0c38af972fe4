"""Model hashes as A1111/Civitai/kohya compute them, and the listing cache."""

from __future__ import annotations

import hashlib
import json
import os
import struct
import time
from pathlib import Path

import pytest

from workstation.engine import hashing
from workstation.engine.hashing import HashCache, compute_hashes, file_hashes, folder_sha256
from workstation.engine.library import scan


def _safetensors_bytes(metadata: dict[str, str], data: bytes) -> bytes:
    header = {
        "__metadata__": metadata,
        "t": {"dtype": "U8", "shape": [len(data)], "data_offsets": [0, len(data)]},
    }
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + data


def test_sha256_autov2_autov1_of_a_large_file(tmp_path: Path) -> None:
    data = os.urandom(3 * 1024 * 1024 + 17)
    path = tmp_path / "model.ckpt"
    path.write_bytes(data)
    hashes = compute_hashes(path)
    assert hashes.sha256 == hashlib.sha256(data).hexdigest()
    assert hashes.autov2 == hashes.sha256[:10]
    # A1111's legacy hash: 64 KiB at offset 1 MiB
    assert hashes.autov1 == hashlib.sha256(data[0x100000:0x110000]).hexdigest()[:8]
    assert hashes.addnet is None


def test_addnet_hash_covers_tensor_data_only(tmp_path: Path) -> None:
    data = os.urandom(2 * 1024 * 1024 + 5)  # spans several read chunks
    one, two = tmp_path / "one.safetensors", tmp_path / "two.safetensors"
    one.write_bytes(_safetensors_bytes({"ss_output_name": "one"}, data))
    two.write_bytes(_safetensors_bytes({"ss_output_name": "a different header"}, data))
    first, second = compute_hashes(one), compute_hashes(two)
    assert first.addnet == second.addnet == hashlib.sha256(data).hexdigest()
    assert first.addnet_short == first.addnet[:12]
    assert first.sha256 != second.sha256


def test_cache_skips_rehash_until_the_file_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "m.safetensors"
    path.write_bytes(_safetensors_bytes({}, b"abc"))
    calls = []
    real = hashing.compute_hashes
    monkeypatch.setattr(hashing, "compute_hashes", lambda p: calls.append(p) or real(p))
    cache_file = tmp_path / "cache" / "hashes.json"

    cache = HashCache(cache_file)
    first = cache.hashes(path)
    cache.save()
    assert HashCache(cache_file).hashes(path) == first  # a new process reads the cache
    assert len(calls) == 1 and cache_file.is_file()

    path.write_bytes(_safetensors_bytes({}, b"abd"))  # same size, new content and mtime
    os.utime(path, ns=(1, 1))
    changed = HashCache(cache_file).hashes(path)
    assert len(calls) == 2 and changed.sha256 != first.sha256


def test_default_cache_location_follows_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKSTATION_CACHE_DIR", str(tmp_path / "here"))
    path = tmp_path / "models" / "m.pt"
    path.parent.mkdir()
    path.write_bytes(b"x")
    scan(path.parent)  # a listing: through the per-user cache
    assert str(path.resolve()) in json.loads((tmp_path / "here" / "hashes.json").read_text())


def test_without_a_cache_hashes_are_read_now(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKSTATION_CACHE_DIR", str(tmp_path / "here"))
    path = tmp_path / "m.pt"
    path.write_bytes(b"x")
    assert file_hashes(path).sha256 == hashlib.sha256(b"x").hexdigest()
    assert not (tmp_path / "here").exists()


def test_cache_notices_a_rewrite_with_the_mtime_set_back(tmp_path: Path) -> None:
    """Same size, same mtime (os.utime), new bytes: the ctime still changed."""
    path = tmp_path / "m.safetensors"
    path.write_bytes(_safetensors_bytes({}, b"abc"))
    cache_file = tmp_path / "hashes.json"
    cache = HashCache(cache_file)
    first = cache.hashes(path)
    cache.save()
    before = path.stat()
    time.sleep(0.05)  # past the clock tick file times are taken from
    with open(path, "r+b") as stream:
        stream.seek(-1, os.SEEK_END)
        stream.write(b"d")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert HashCache(cache_file).hashes(path).sha256 == compute_hashes(path).sha256 != first.sha256


def test_damaged_cache_is_rebuilt(tmp_path: Path) -> None:
    cache_file = tmp_path / "hashes.json"
    cache_file.write_text("{not json")
    path = tmp_path / "m.pt"
    path.write_bytes(b"x")
    cache = HashCache(cache_file)
    assert cache.hashes(path).sha256 == hashlib.sha256(b"x").hexdigest()
    cache.save()
    assert json.loads(cache_file.read_text())


def test_folder_hash_names_every_file(tmp_path: Path) -> None:
    (tmp_path / "unet").mkdir()
    (tmp_path / "unet" / "w.safetensors").write_bytes(b"1")
    (tmp_path / "model_index.json").write_text("{}")
    before = folder_sha256(tmp_path)
    (tmp_path / "unet" / "w.safetensors").write_bytes(b"2")
    assert folder_sha256(tmp_path) != before
