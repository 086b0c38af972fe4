"""Corpus search: index a folder of reference works, then find the closest ones to an image.

The index file
--------------
One `.npz` file (numpy's zip of arrays, read with `allow_pickle=False`), written atomically:

- `meta`: UTF-8 JSON as a uint8 array: format name and version, the folder it indexes, creation
  and update times, the hash kinds and their imagehash parameters, the CLIP model's identity
  (architecture, checkpoint path and SHA-256) when embeddings are present, library versions, and
  the files that were skipped with the reason;
- `paths` (N, unicode, relative to the folder, `/`-separated), `sizes` (int64 bytes),
  `mtimes_ns` (int64), `sha256` (N, unicode hex);
- `hash_<kind>` (N, uint64) for each kind in `HASH_KINDS`: the hash bits, first bit most
  significant, zero-padded to 64 (so the hex equals imagehash's `str(hash)` for 64-bit hashes);
- `embeddings` (N, D, float32, unit length), only when built with a CLIP model.

Re-indexing reuses a file's row when its path, size and mtime are unchanged, or when its content
(SHA-256) matches a row already indexed (moved or touched files); only new content is decoded.

The meta's optional `search` names how the embeddings are searched (absent in older files: flat):
`kind` ("flat", "hnsw" or "ivfpq", see `corpus_search`), its `parameters`, and for the approximate
kinds the recall@10 measured against exact search when it was built, and the FAISS index file
written next to the index (`<index>.<kind>.faiss`) with its size and SHA-256: it is read only when
both match (FAISS's reader is not a parser for files from strangers; see docs/INPUTS.md).

Search runs on FAISS when it is installed (the `[scale]` extra) and on a numpy scan when it is
not; exact kinds give the same rows and values on both (`corpus_search`).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import os
import re
import struct
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from workstation.analysis import corpus_search, hashes
from workstation.analysis.executors import Executor, InProcess, require_sha256, worker_cache
from workstation.analysis.images import MIN_SIDE, LoadedImage, load_image
from workstation.core import bounded_json
from workstation.core.canonical import sha256_file
from workstation.core.errors import Cancelled, InputError, ModelError
from workstation.core.progress import ProgressEvent
from workstation.core.timeutil import utc_now
from workstation.engine.runtime import Runtime, thread_policy

if TYPE_CHECKING:
    from workstation.analysis.clip import ClipModel

FORMAT = "workstation.corpus-index"
VERSION = 1
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp", ".tif", ".tiff"}
# The cheap global hashes. wHash and the crop-resistant hash cost 20–40× more per image, so they
# are left to the pair comparison of the few candidates a search returns.
HASH_KINDS = ("phash", "dhash", "ahash", "colorhash")
HASH_BITS = {"phash": 64, "dhash": 64, "ahash": 64, "colorhash": 42}

Progress = Callable[[int, int, str], None]  # legacy form, see Runtime.from_callbacks


@dataclass(frozen=True)
class CorpusIndex:
    root: str
    paths: np.ndarray = field(repr=False)
    sizes: np.ndarray = field(repr=False)
    mtimes_ns: np.ndarray = field(repr=False)
    sha256: np.ndarray = field(repr=False)
    hashes: dict = field(repr=False)  # kind -> (N,) uint64
    embeddings: np.ndarray | None = field(default=None, repr=False)
    clip: dict | None = None  # ClipModelInfo.to_dict() of the model that made the embeddings
    skipped: tuple[tuple[str, str], ...] = ()
    created: str = ""
    updated: str = ""
    # How embeddings are searched: kind, parameters, measured recall, the FAISS file (see above).
    search: dict = field(default_factory=lambda: {"kind": "flat", "parameters": {}})
    engine: object | None = field(default=None, repr=False, compare=False)  # FAISS, approximate

    @property
    def kind(self) -> str:
        return self.search["kind"]

    @functools.cached_property
    def vector_search(self) -> corpus_search.VectorSearch | None:
        """The embeddings' searcher (FAISS's when installed), made once per loaded index."""
        if self.embeddings is None:
            return None
        return corpus_search.VectorSearch(
            self.embeddings, self.kind, self.search["parameters"], self.engine
        )

    @functools.cached_property
    def code_search(self) -> dict[str, corpus_search.CodeSearch]:
        """Each hash kind's searcher (FAISS's when installed), made once per loaded index."""
        return {kind: corpus_search.CodeSearch(self.hashes[kind]) for kind in HASH_KINDS}

    def __len__(self) -> int:
        return len(self.paths)

    def save(self, path: str | Path) -> None:
        from workstation.analysis.pair import library_versions

        path = Path(path)
        meta = {
            "format": FORMAT,
            "version": VERSION,
            "root": self.root,
            "created": self.created,
            "updated": self.updated,
            "entries": len(self),
            "hash_kinds": list(HASH_KINDS),
            "hash_parameters": {k: hashes.HASHES[k][1] for k in HASH_KINDS},
            "clip": self.clip,
            "skipped": [list(s) for s in self.skipped],
            "library_versions": library_versions(),
            "search": self._save_engine(path),
        }
        arrays = {
            "meta": np.frombuffer(json.dumps(meta, ensure_ascii=False).encode(), np.uint8),
            "paths": self.paths,
            "sizes": self.sizes,
            "mtimes_ns": self.mtimes_ns,
            "sha256": self.sha256,
            **{f"hash_{k}": self.hashes[k] for k in HASH_KINDS},
        }
        if self.embeddings is not None:
            arrays["embeddings"] = self.embeddings
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
        except OSError as error:
            raise InputError(
                f"cannot write the index to {path}: {error.strerror or error}"
            ) from None
        try:
            with os.fdopen(handle, "wb") as stream:
                np.savez(stream, **arrays)
            os.replace(temporary, path)
        except BaseException as error:
            Path(temporary).unlink(missing_ok=True)
            if isinstance(error, OSError):  # a full disk: the old index, if any, is as it was
                raise InputError(
                    f"cannot write the index to {path}: {error.strerror or error}"
                ) from None
            raise

    def _save_engine(self, path: Path) -> dict:
        """The meta's `search`; for an approximate kind, its FAISS index written next to `path`
        (atomically) with the file's size and SHA-256."""
        search = {k: v for k, v in self.search.items() if k not in ("file", "size", "sha256")}
        if self.kind not in corpus_search.APPROXIMATE:
            return search
        if self.engine is None:
            raise InputError(f"the {self.kind} search index was not built; nothing was written")
        target = path.parent / f"{path.name}.{self.kind}.faiss"
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(target.name + ".tmp")
        try:
            corpus_search.write_engine(self.engine, temporary)
            os.replace(temporary, target)
        except (OSError, RuntimeError) as error:
            temporary.unlink(missing_ok=True)
            raise InputError(f"cannot write the search index to {target}: {error}") from None
        return {
            **search,
            "file": target.name,
            "size": target.stat().st_size,
            "sha256": sha256_file(target),
        }

    @classmethod
    def load(cls, path: str | Path) -> CorpusIndex:
        """The index in `path`, every member checked before it is used (see `read_members`);
        an approximate kind's FAISS file only when its size and SHA-256 are the meta's."""
        path = Path(path)
        arrays, meta = _read_checked(path)
        return cls(
            **_rows_of(arrays, meta),
            skipped=tuple(tuple(s) for s in meta["skipped"]),
            created=meta["created"],
            updated=meta["updated"],
            search=meta["search"],
            engine=_load_engine(path, meta["search"]),
        )


def _load_engine(path: Path, search: dict):
    """The FAISS index of an approximate kind, or None (flat; or FAISS not installed: then the
    embeddings are searched exactly and the query says so)."""
    if search["kind"] not in corpus_search.APPROXIMATE or corpus_search.faiss_module() is None:
        return None
    file = path.parent / search["file"]
    if not file.is_file() or file.stat().st_size != search["size"]:
        raise InputError(
            f"{path}: its {search['kind']} search index {file.name} is missing or changed; "
            "rebuild it with `workstation index build`"
        )
    if sha256_file(file) != search["sha256"]:
        raise InputError(
            f"{path}: {file.name} is not the {search['kind']} search index this index wrote "
            "(SHA-256 differs); it is not read. Rebuild it with `workstation index build`"
        )
    return corpus_search.read_engine(file, search["kind"])


# --- reading an index file: everything checked before it is inflated or used --------------------

# What the zip's central directory may declare, all members together, uncompressed, to be read
# into memory: a hundred thousand works with 512-float CLIP embeddings and 200-character paths
# take about 300 MB. A larger index is read only when its members over the limit are stored
# (numpy's `savez`, what `save` writes) and lie inside the file: those are memory-mapped in place
# (`_mapped_members`), so what a member declares is bounded by the file's own size.
MAX_INDEX_BYTES = 2 * 1024**3
LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # a zip member's local header, before its name
CRC_CHUNK = 64 * 1024**2  # a mapped member's CRC-32 is checked this many bytes at a time
MAX_META_BYTES = 64 * 1024**2  # the JSON (its list of skipped files is the only part that grows)
MAX_DIRECTORY_BYTES = 64 * 1024  # the zip's central directory: ten entries of ~100 bytes
MAX_ZIP_COMMENT = 0xFFFF
END_RECORD = struct.Struct("<4s4H2LH")  # signature, disks, entries here/total, size, offset
NPY_VERSIONS = {
    (1, 0): np.lib.format.read_array_header_1_0,
    (2, 0): np.lib.format.read_array_header_2_0,
}
ROW_MEMBERS = {
    "paths": "U",
    "sizes": np.dtype(np.int64),
    "mtimes_ns": np.dtype(np.int64),
    "sha256": "U",
    **{f"hash_{k}": np.dtype(np.uint64) for k in HASH_KINDS},
}
MEMBERS = {"meta": np.dtype(np.uint8), **ROW_MEMBERS, "embeddings": np.dtype(np.float32)}
HEX64 = re.compile("[0-9a-f]{64}")


def _bad(path: Path, member: str, problem: str) -> InputError:
    return InputError(f"not a workstation corpus index: {path}: {member}: {problem}")


def _read_checked(path: Path) -> tuple[dict[str, np.ndarray], dict]:
    """An index file's arrays and meta, every member checked (an index, or a build's checkpoint)."""
    arrays = read_members(path)
    meta = _read_meta(path, arrays.pop("meta"))
    _check_arrays(path, arrays, meta)
    return arrays, meta


def _rows_of(arrays: dict[str, np.ndarray], meta: dict) -> dict:
    """The rows of a checked index file, as `CorpusIndex` arguments."""
    return dict(
        root=meta["root"],
        paths=arrays["paths"],
        sizes=arrays["sizes"],
        mtimes_ns=arrays["mtimes_ns"],
        sha256=arrays["sha256"],
        hashes={k: arrays[f"hash_{k}"] for k in HASH_KINDS},
        embeddings=arrays.get("embeddings"),
        clip=meta["clip"],
    )


def read_members(path: Path) -> dict[str, np.ndarray]:
    """The arrays of an index file, read only after the zip's central directory and each
    member's .npy header have been checked: known names, at most `MAX_INDEX_BYTES` declared in
    all to read into memory, no object arrays (read with `allow_pickle=False`), dtypes as
    `MEMBERS` says, and no more data than the member declares. In an index over the limit, its
    stored members that lie inside the file are memory-mapped (`np.memmap`, read-only) after
    their CRC-32 is checked."""
    if not path.exists():
        raise InputError(f"index not found: {path}")
    if not path.is_file():
        raise InputError(f"not a workstation corpus index: {path}: not a regular file")
    try:
        _check_directory_size(path)
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            mapped = _check_directory(path, infos)
            return {
                info.filename[:-4]: _read_member(path, archive, info, mapped.get(info.filename))
                for info in infos
            }
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
        raise InputError(f"not a workstation corpus index: {path}: {error}") from None


def _check_directory_size(path: Path) -> None:
    """The zip's end record, before zipfile reads the directory it points to (a directory of
    millions of entries would take gigabytes as ZipInfo objects): at most one entry per member,
    at most `MAX_DIRECTORY_BYTES`. An index never needs the zip64 end record for these two (an
    index over 4 GiB needs it only for the directory's offset), so a count or size that defers
    to one is refused too."""
    with open(path, "rb") as stream:
        stream.seek(0, os.SEEK_END)
        stream.seek(max(0, stream.tell() - (MAX_ZIP_COMMENT + END_RECORD.size)))
        tail = stream.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < END_RECORD.size:
        return  # not a zip: zipfile says so in its own words
    entries, directory_bytes = END_RECORD.unpack_from(tail, at)[4:6]
    if entries > len(MEMBERS) or directory_bytes > MAX_DIRECTORY_BYTES:
        raise InputError(
            f"not a workstation corpus index: {path}: its zip directory declares {entries:,} "
            f"entries in {directory_bytes:,} bytes (at most {len(MEMBERS)} in "
            f"{MAX_DIRECTORY_BYTES:,})"
        )


def _check_directory(path: Path, infos: list[zipfile.ZipInfo]) -> dict[str, int]:
    """Refuses what the directory declares wrongly; returns the members to memory-map, each
    with the offset of its data in the file (none while the index is within the limit)."""
    names = [info.filename for info in infos]
    for info in infos:
        name = info.filename.removesuffix(".npy")
        if not info.filename.endswith(".npy") or name not in MEMBERS:
            raise _bad(path, info.filename, "not a member of a corpus index")
        if names.count(info.filename) > 1:
            raise _bad(path, name, "appears more than once")
        if info.flag_bits & 0x1:
            raise _bad(path, name, "is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _bad(path, name, f"compression method {info.compress_type} is not numpy's")
    declared = sum(info.file_size for info in infos)
    mapped = _mapped_members(path, infos) if declared > MAX_INDEX_BYTES else {}
    in_memory = sum(info.file_size for info in infos if info.filename not in mapped)
    if in_memory > MAX_INDEX_BYTES:
        raise InputError(
            f"not a workstation corpus index: {path}: its members declare {declared:,} bytes "
            f"uncompressed, {in_memory:,} of them to read into memory (deflated, or not inside "
            f"the file), more than the limit of {MAX_INDEX_BYTES:,}"
        )
    missing = [name for name in ("meta", *ROW_MEMBERS) if f"{name}.npy" not in names]
    if missing:
        raise _bad(path, missing[0], "missing")
    return mapped


def _mapped_members(path: Path, infos: list[zipfile.ZipInfo]) -> dict[str, int]:
    """The stored members (not `meta`) whose declared bytes lie inside the file after their
    local header, by name, with the offset of their data: what an index over `MAX_INDEX_BYTES`
    maps rather than reads. A member that declares more than the file holds is not among them
    (and so counts against the limit)."""
    size = path.stat().st_size
    mapped = {}
    with open(path, "rb") as stream:
        for info in infos:
            if (
                info.compress_type != zipfile.ZIP_STORED
                or info.filename == "meta.npy"
                or info.compress_size != info.file_size
                or info.header_offset + LOCAL_HEADER.size > size
            ):
                continue
            stream.seek(info.header_offset)
            header = LOCAL_HEADER.unpack(stream.read(LOCAL_HEADER.size))
            if header[0] != b"PK\x03\x04":
                continue
            start = info.header_offset + LOCAL_HEADER.size + header[10] + header[11]
            if start + info.file_size <= size:
                mapped[info.filename] = start
    return mapped


def _read_member(
    path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, start: int | None = None
) -> np.ndarray:
    """One member, read into memory, or memory-mapped from the file when `start` (the offset
    of its data in the file) is given."""
    name = info.filename[:-4]
    with archive.open(info) as stream:
        try:
            version = np.lib.format.read_magic(stream)
            if version not in NPY_VERSIONS:
                raise _bad(path, name, f".npy format version {version} is not read")
            shape, fortran, dtype = NPY_VERSIONS[version](stream)
        except ValueError as error:
            raise _bad(path, name, f"not a .npy array ({error})") from None
        header = stream.tell()
    expected = MEMBERS[name]
    if dtype.hasobject:
        raise _bad(path, name, "holds Python objects (pickles are not read)")
    if expected == "U" and (dtype.kind != "U" or dtype.byteorder == ">"):
        raise _bad(path, name, f"dtype {dtype.str}, expected text (<U)")
    if expected != "U" and dtype != expected:
        raise _bad(path, name, f"dtype {dtype.str}, expected {np.dtype(expected).str}")
    if len(shape) != (2 if name == "embeddings" else 1):
        raise _bad(path, name, f"shape {shape}, expected {2 if name == 'embeddings' else 1}-D")
    if math.prod(shape) * dtype.itemsize != info.file_size - header:
        raise _bad(path, name, f"shape {shape} does not match its {info.file_size:,} bytes")
    if start is not None and math.prod(shape) > 0:
        _check_crc(path, name, info, start)
        return np.memmap(path, dtype, "r", start + header, shape, order="F" if fortran else "C")
    with archive.open(info) as stream:
        try:
            return np.lib.format.read_array(stream, allow_pickle=False)
        except ValueError as error:
            raise _bad(path, name, str(error)) from None


def _check_crc(path: Path, name: str, info: zipfile.ZipInfo, start: int) -> None:
    """A mapped member's bytes have the CRC-32 the directory declares (zipfile checks the CRC of
    what it reads; a mapped member is not read by it)."""
    crc = 0
    with open(path, "rb") as stream:
        stream.seek(start)
        left = info.file_size
        while left:
            chunk = stream.read(min(left, CRC_CHUNK))
            if not chunk:
                raise _bad(path, name, "the file ends inside the member")
            crc = zlib.crc32(chunk, crc)
            left -= len(chunk)
    if crc != info.CRC:
        raise _bad(path, name, "its bytes do not have the CRC-32 the zip directory declares")


def _read_meta(path: Path, raw: np.ndarray) -> dict:
    if raw.size > MAX_META_BYTES:
        raise _bad(path, "meta", f"{raw.size:,} bytes, more than {MAX_META_BYTES:,}")
    try:
        meta = bounded_json.loads(raw.tobytes())
    except ValueError as error:
        raise _bad(path, "meta", str(error)) from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise InputError(f"not a workstation corpus index: {path}")
    if meta.get("version") != VERSION:
        raise InputError(
            f"{path} is corpus index version {meta.get('version')!r}; this workstation reads "
            f"version {VERSION}. Rebuild it with `workstation index build`."
        )
    meta.setdefault("clip", None)
    meta.setdefault("skipped", [])
    meta.setdefault("created", "")
    meta.setdefault("updated", "")
    meta.setdefault("search", {"kind": "flat", "parameters": {}})
    _check_search(path, meta["search"])
    for key in ("root", "created", "updated"):
        if not isinstance(meta.get(key), str):
            raise _bad(path, f"meta.{key}", "expected text")
    skipped = meta["skipped"]
    if not isinstance(skipped, list) or not all(
        isinstance(s, list) and len(s) == 2 and all(isinstance(t, str) for t in s) for s in skipped
    ):
        raise _bad(path, "meta.skipped", "expected a list of [path, reason] pairs")
    clip = meta["clip"]
    if clip is not None and not (
        isinstance(clip, dict)
        and isinstance(clip.get("arch"), str)
        and isinstance(clip.get("checkpoint_sha256"), str)
        and type(clip.get("embed_dim")) is int
        and clip["embed_dim"] > 0
    ):
        raise _bad(path, "meta.clip", "expected arch, checkpoint_sha256 and embed_dim")
    return meta


def _check_search(path: Path, search) -> None:
    if not isinstance(search, dict) or search.get("kind") not in corpus_search.KINDS:
        raise _bad(path, "meta.search", f"expected a kind among {corpus_search.KINDS}")
    parameters = search.get("parameters")
    if not isinstance(parameters, dict) or not all(
        type(v) in (int, float) and math.isfinite(v) and v >= 0 for v in parameters.values()
    ):
        raise _bad(path, "meta.search.parameters", "expected numbers")
    if search["kind"] in corpus_search.APPROXIMATE:
        file, size, digest = search.get("file"), search.get("size"), search.get("sha256")
        if not (
            isinstance(file, str)
            and file.endswith(f".{search['kind']}.faiss")
            and Path(file).name == file
            and "\\" not in file
            and not file.startswith(".")
            and type(size) is int
            and size > 0
            and isinstance(digest, str)
            and HEX64.fullmatch(digest)
        ):
            raise _bad(
                path,
                "meta.search",
                f"expected the file {path.name}.{search['kind']}.faiss with its size and sha256",
            )


def _check_arrays(path: Path, arrays: dict[str, np.ndarray], meta: dict) -> None:
    """Every row member the same length; embeddings exactly when meta names a CLIP model, of its
    width, finite."""
    count = len(arrays["paths"])
    for name in ROW_MEMBERS:
        if len(arrays[name]) != count:
            raise _bad(path, name, f"{len(arrays[name])} rows, but paths has {count}")
    for row, rel in enumerate(arrays["paths"].tolist()):
        parts = rel.split("/")
        if not rel or rel.startswith("/") or ".." in parts or "\0" in rel:
            raise _bad(path, "paths", f"row {row}: {rel[:80]!r} is not a path inside the folder")
    for row, digest in enumerate(arrays["sha256"].tolist()):
        if not HEX64.fullmatch(digest):
            raise _bad(path, "sha256", f"row {row}: not a SHA-256 in hex")
    embeddings, clip = arrays.get("embeddings"), meta["clip"]
    if (embeddings is None) != (clip is None):
        member = "embeddings" if clip is not None else "meta.clip"
        raise _bad(path, member, "embeddings and their CLIP model must come together")
    if embeddings is not None:
        if embeddings.shape != (count, clip["embed_dim"]):
            raise _bad(
                path,
                "embeddings",
                f"shape {embeddings.shape}, expected ({count}, {clip['embed_dim']})",
            )
        if not np.isfinite(embeddings).all():
            raise _bad(path, "embeddings", "holds values that are not finite")


@dataclass(frozen=True)
class IndexUpdate:
    added: int = 0  # new content hashed
    reused: int = 0  # rows kept: unchanged files, or content already indexed
    removed: int = 0  # files in the old index that are gone
    skipped: int = 0  # unreadable or too small


def image_files(folder: Path) -> list[Path]:
    return sorted(
        p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file()
    )


def build_index(
    folder: str | Path,
    previous: CorpusIndex | None = None,
    clip_model: ClipModel | None = None,
    on_progress: Progress | None = None,
    is_cancelled: Callable[[], bool] | None = None,
    *,
    runtime: Runtime | None = None,
    kind: str = "flat",
    parameters: dict | None = None,
    executor: Executor | None = None,
    clip_source: tuple[str, str | None] | None = None,
    checkpoint: str | Path | None = None,
) -> tuple[CorpusIndex, IndexUpdate]:
    """Index every image under `folder`, reusing what `previous` already holds. The runtime gets
    one event per file (its path as the message), then, for an approximate `kind` of embeddings
    search ("hnsw", "ivfpq"), events of its FAISS build; with a CLIP model the build runs inside
    `runtime.applied()`. `parameters`: the kind's, over `corpus_search.default_parameters`.
    `executor`: where the files still to decode are decoded, hashed and embedded (`index_files`,
    `FILES_PER_ITEM` a item; default in this process); `clip_source`: the CLIP model's location
    and architecture as chosen (`ClipModel.load`'s arguments), for workers that load it
    themselves (default: from the model's info). `checkpoint`: where the rows decoded so far are
    kept while the build runs (`<index>.partial`, see `Checkpoint`), and read back from when an
    interrupted build left one there. `on_progress(done, total, path)`/`is_cancelled`: the legacy
    form."""
    runtime = Runtime.from_callbacks(runtime, on_progress, is_cancelled)
    executor = executor or InProcess()
    if kind not in corpus_search.KINDS:
        raise InputError(
            f"unknown index kind {kind!r}: choose one of {', '.join(corpus_search.KINDS)}"
        )
    if kind in corpus_search.APPROXIMATE and clip_model is None:
        raise InputError(
            f"index kind {kind!r} is a search of CLIP embeddings: give a CLIP model, or build "
            "with --kind flat (hashes are always searched exactly)"
        )
    clip = _clip_spec(clip_model, clip_source) if clip_model is not None else None
    if clip_model is None:  # no torch to set (nor to import)
        index, update = _build(Path(folder), previous, None, runtime, executor, None, checkpoint)
    else:
        with runtime.applied() as run:
            index, update = _build(
                Path(folder), previous, clip_model, run, executor, clip, checkpoint
            )
    return with_search(index, kind, parameters or {}, runtime), update


def with_search(
    index: CorpusIndex, kind: str, parameters: dict, runtime: Runtime | None = None
) -> CorpusIndex:
    """`index` with its embeddings searched by `kind`: for an approximate kind, its FAISS index
    built (progress and cancel through `runtime`) and its recall@10 against exact search
    measured and kept in `search`."""
    runtime = runtime or Runtime()
    if kind not in corpus_search.APPROXIMATE or index.embeddings is None or len(index) == 0:
        return dataclasses.replace(index, search={"kind": kind, "parameters": {}}, engine=None)
    threads = runtime.threads or thread_policy()
    started = time.perf_counter()
    with corpus_search.faiss_threads(threads):
        engine, used = corpus_search.build_approximate(
            index.embeddings, kind, parameters, runtime.report, runtime.cancelled
        )
    seconds = time.perf_counter() - started
    runtime.report(0, 0, f"{corpus_search.STAGE_RECALL} ({kind}) against exact search")
    recall = corpus_search.measure_recall(
        corpus_search.VectorSearch(index.embeddings, kind, used, engine)
    )
    search = {
        "kind": kind,
        "parameters": used,
        "built_with": corpus_search.engine_name(),
        "build_seconds": round(seconds, 3),
        "build_threads": threads,
        **recall,
    }
    return dataclasses.replace(index, search=search, engine=engine)


def _build(
    folder: Path,
    previous: CorpusIndex | None,
    clip_model: ClipModel | None,
    runtime: Runtime,
    executor: Executor,
    clip: ClipSpec | None,
    checkpoint: str | Path | None = None,
) -> tuple[CorpusIndex, IndexUpdate]:
    folder = folder.resolve()
    if not folder.is_dir():
        raise InputError(f"not a folder: {folder}")
    clip_info = clip_model.info.to_dict() if clip_model else None
    if previous is not None and previous.clip and clip_model is None:
        raise InputError(
            f"the index holds CLIP embeddings ({previous.clip['arch']}); give the same CLIP "
            "model to update it, or write a new index"
        )
    reuse_embeddings = bool(
        previous is not None
        and previous.embeddings is not None
        and clip_info
        and previous.clip["checkpoint_sha256"] == clip_info["checkpoint_sha256"]
    )

    # 1. What the previous index knows, by content, and by path if it indexed this same folder;
    # then what an interrupted build's checkpoint kept (same folder and models, or ignored).
    by_path: dict[str, list] = {}  # path -> [(index, row)], the previous index's first
    by_sha: dict[str, tuple] = {}
    if previous is not None:
        same_folder = previous.root == str(folder)
        for row, rel in enumerate(previous.paths.tolist()):
            if same_folder:
                by_path[rel] = [(previous, row)]
            by_sha.setdefault(str(previous.sha256[row]), (previous, row))
    keeper = Checkpoint(Path(checkpoint), str(folder), clip_info) if checkpoint else None
    interrupted = keeper.resume(runtime) if keeper else None
    if interrupted is not None:
        for row, rel in enumerate(interrupted.paths.tolist()):
            by_path.setdefault(rel, []).append((interrupted, row))
            by_sha.setdefault(str(interrupted.sha256[row]), (interrupted, row))

    # 2. Walk the folder: a row reused for each file the previous index holds, the rest to decode.
    files = image_files(folder)
    found: list[dict | str | None] = [None] * len(files)  # a row, or why the file was skipped
    fresh: list[int] = []  # positions of the files to decode
    kept: list[int] = []  # positions of the rows not from `previous`: what a checkpoint holds
    done = resumed = 0
    for position, file in enumerate(files):
        if runtime.cancelled():
            raise Cancelled("index build cancelled; nothing was written")
        rel = file.relative_to(folder).as_posix()
        stat = file.stat()
        same = (stat.st_size, stat.st_mtime_ns)
        old = next(
            (
                (source, row)
                for source, row in by_path.get(rel, ())
                if (int(source.sizes[row]), int(source.mtimes_ns[row])) == same
            ),
            None,
        )
        if old is None:  # same content under another name, or touched but not changed?
            old = by_sha.get(sha256_file(file)) if by_sha else None
        source = old[0] if old is not None else None
        if source is not None and source is interrupted:  # checked against this build's model
            found[position] = _row_from(source, old[1], rel, stat, clip_model is not None)
            kept.append(position)
            resumed += 1
        elif source is not None and (clip_model is None or reuse_embeddings):
            found[position] = _row_from(source, old[1], rel, stat, reuse_embeddings)
        else:
            fresh.append(position)
            continue
        done += 1
        runtime.report(done, len(files), rel)

    # 3. The rest decoded, hashed (and embedded) by the executor, `FILES_PER_ITEM` an item; each
    # result stored in its file's place, so the rows keep the folder's order.
    items = [
        FilesItem(
            index=number,
            label=f"files {chunk[0] + 1}–{chunk[-1] + 1} of {len(files)}",
            folder=str(folder),
            files=tuple(files[p].relative_to(folder).as_posix() for p in chunk),
            positions=tuple(chunk),
            clip=clip,
            threads=runtime.threads or 1,
        )
        for number, chunk in enumerate(
            fresh[at : at + FILES_PER_ITEM] for at in range(0, len(fresh), FILES_PER_ITEM)
        )
    ]
    here = executor.name == "inprocess"
    if here and clip_model is not None:  # this process's workers use the model already loaded
        _CLIP_MODELS.get(clip.key, lambda: clip_model)
    reused = done

    def within(event: ProgressEvent) -> None:  # the items' progress after the reused files'
        if event.total <= 0:
            runtime.report(0, 0, event.message)
        else:
            runtime.report(reused + event.step, len(files), event.message)

    try:
        for item, results in executor.map(
            index_files, items, replace(runtime, on_progress=within), "index build"
        ):
            for position, result in zip(item.positions, results, strict=True):
                found[position] = result
                kept.append(position)
                if not here:  # in this process each file was reported as it was read
                    done += 1
                    runtime.report(done, len(files), files[position].relative_to(folder).as_posix())
            if keeper is not None and keeper.due():
                keeper.write(
                    [found[p] for p in sorted(kept) if isinstance(found[p], dict)], runtime
                )
    except Cancelled:
        if keeper is not None and keeper.rows:
            raise Cancelled(
                f"index build cancelled; the {keeper.rows:,} rows decoded so far are kept in "
                f"{keeper.path} for the next build"
            ) from None
        raise Cancelled("index build cancelled; nothing was written") from None
    finally:
        if not here:
            _CLIP_MODELS.clear()

    rows = [r for r in found if isinstance(r, dict)]
    skipped = [
        (files[p].relative_to(folder).as_posix(), found[p])
        for p in fresh
        if isinstance(found[p], str)
    ]
    added = len(fresh) - len(skipped) + resumed  # the resumed rows: new content, hashed before

    removed = 0
    if previous is not None:
        present = {row["path"] for row in rows}
        removed = sum(1 for rel in previous.paths.tolist() if rel not in present)

    now = utc_now()
    index = _index_of(
        rows,
        str(folder),
        clip_info,
        skipped=tuple(skipped),
        created=previous.created if previous is not None and previous.created else now,
        updated=now,
    )
    return index, IndexUpdate(
        added=added, reused=reused - resumed, removed=removed, skipped=len(skipped)
    )


def _index_of(rows: list[dict], root: str, clip_info: dict | None, **meta) -> CorpusIndex:
    return CorpusIndex(
        root=root,
        paths=np.array([r["path"] for r in rows], dtype=str),
        sizes=np.array([r["size"] for r in rows], dtype=np.int64),
        mtimes_ns=np.array([r["mtime_ns"] for r in rows], dtype=np.int64),
        sha256=np.array([r["sha256"] for r in rows], dtype="<U64"),
        hashes={k: np.array([r[k] for r in rows], dtype=np.uint64) for k in HASH_KINDS},
        embeddings=np.array([r["embedding"] for r in rows], dtype=np.float32).reshape(
            len(rows), clip_info["embed_dim"]
        )
        if clip_info
        else None,
        clip=clip_info,
        **meta,
    )


# --- a long build's checkpoint: what a killed build keeps --------------------------------------

# Seconds between two checkpoints at least; and never more often than every ten times the last
# write took (a build of millions of rows spends at most a tenth of its time writing them).
CHECKPOINT_SECONDS = 60.0
CHECKPOINT_OVERHEAD = 10


def checkpoint_path(out: str | Path) -> Path:
    """Where the build of the index `out` keeps its rows while it runs."""
    out = Path(out)
    return out.with_name(out.name + ".partial")


class Checkpoint:
    """The rows a build decoded so far (those `previous` did not give it), written atomically in
    the index format, in the folder's order; nothing the final index does not hold too. A build
    that finds one reads it with the same checks as any index and reuses its rows only when it
    indexes this folder with these hash kinds and this CLIP model."""

    def __init__(self, path: Path, root: str, clip_info: dict | None):
        self.path, self.root, self.clip_info = path, root, clip_info
        self.last = time.monotonic()
        self.cost = 0.0  # seconds the last write took
        self.rows = 0  # rows in the last checkpoint written
        self.failed = False

    def resume(self, runtime: Runtime) -> CorpusIndex | None:
        """The interrupted build's rows, or None (none there; or ignored, said in one line)."""
        if not self.path.exists():
            return None
        try:
            arrays, meta = _read_checked(self.path)
            problem = self._mismatch(meta)
        except InputError as error:
            problem = str(error)
        if problem:
            runtime.report(0, 0, f"ignoring the checkpoint {self.path}: {problem}")
            return None
        index = CorpusIndex(**_rows_of(arrays, meta))
        runtime.report(0, 0, f"resuming: {len(index):,} rows from an interrupted build")
        return index

    def _mismatch(self, meta: dict) -> str:
        if meta["root"] != self.root:
            return f"it indexes {meta['root']}, not {self.root}"
        parameters = json.loads(json.dumps({k: hashes.HASHES[k][1] for k in HASH_KINDS}))
        if meta.get("hash_kinds") != list(HASH_KINDS) or meta.get("hash_parameters") != parameters:
            return "its hash kinds or their parameters are not this build's"
        if meta["search"]["kind"] != "flat":
            return "not a checkpoint (it has a search index)"
        theirs = meta["clip"]["checkpoint_sha256"] if meta["clip"] else None
        ours = self.clip_info["checkpoint_sha256"] if self.clip_info else None
        if theirs != ours:
            return (
                "its CLIP embeddings are not this build's model's"
                if theirs
                else ("it has no CLIP embeddings")
            )
        return ""

    def due(self) -> bool:
        if self.failed:
            return False
        elapsed = time.monotonic() - self.last
        return elapsed >= CHECKPOINT_SECONDS and (
            CHECKPOINT_SECONDS <= 0 or elapsed >= CHECKPOINT_OVERHEAD * self.cost
        )

    def write(self, rows: list[dict], runtime: Runtime) -> None:
        started = time.monotonic()
        try:
            _index_of(rows, self.root, self.clip_info, updated=utc_now()).save(self.path)
        except InputError as error:  # a full disk: the build goes on without checkpoints
            self.failed = True
            runtime.report(0, 0, f"no checkpoint from now on: {error}")
            return
        self.last = time.monotonic()
        self.cost = self.last - started
        self.rows = len(rows)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


# --- the files still to decode, on an executor (analysis/executors.py) -------------------------

FILES_PER_ITEM = 64  # files an item decodes: enough to keep a worker busy, few lost if it dies


@dataclass(frozen=True)
class ClipSpec:
    """The CLIP model as a worker loads it: `ClipModel.load(location, arch)`, and the SHA-256 of
    the checkpoint the coordinator loaded (a worker refuses any other)."""

    location: str  # the checkpoint file or the model folder
    arch: str | None  # an open_clip name or an architecture .json; None for a folder
    checkpoint_sha256: str

    @property
    def key(self) -> tuple:
        return (self.location, self.arch, self.checkpoint_sha256)


def _clip_spec(clip_model: ClipModel, source: tuple[str, str | None] | None) -> ClipSpec:
    info = clip_model.info
    if source is None:  # the model as its info names it: a folder's, or a checkpoint's
        folder = info.arch.startswith("local-dir:")
        source = (
            str(Path(info.checkpoint).parent) if folder else info.checkpoint,
            None if folder else info.arch,
        )
    return ClipSpec(str(source[0]), source[1], info.checkpoint_sha256)


@dataclass(frozen=True)
class FilesItem:
    """Files of the folder to decode, hash (and embed): what a worker needs, nothing more."""

    index: int  # in the build's items
    label: str  # "files 65–128 of 500", for messages
    folder: str  # absolute
    files: tuple[str, ...]  # relative to the folder, `/`-separated
    positions: tuple[int, ...]  # each file's place in the folder's order (the coordinator's)
    clip: ClipSpec | None = None
    threads: int = 1  # torch's CPU threads (CLIP)

    @property
    def cost(self) -> int:
        return len(self.files)

    @property
    def device(self) -> str:
        return "cpu"


_CLIP_MODELS = worker_cache()  # the worker's CLIP model, kept for its next item


def cached_clip(spec: ClipSpec) -> ClipModel:
    """The item's CLIP model, loaded or kept, refused unless its checkpoint's SHA-256 is the one
    the coordinator loaded (a one-line `ModelError`)."""
    from workstation.analysis.clip import ClipModel

    model = _CLIP_MODELS.get(
        spec.key,
        lambda: ClipModel.load(spec.location, spec.arch),
        stale=lambda model: model.info.checkpoint_sha256 != spec.checkpoint_sha256,
    )
    actual = model.info.checkpoint_sha256
    require_sha256(
        model.info.checkpoint, "CLIP checkpoint", spec.checkpoint_sha256, actual, "index build"
    )
    return model


def index_files(item: FilesItem, runtime: Runtime) -> list[dict | str]:
    """One item, in a worker: each file's row (the SHA-256 of the bytes it read, size, mtime,
    hash codes, embedding), or the one-line reason it was skipped. One event per file."""
    folder = Path(item.folder)
    model = cached_clip(item.clip) if item.clip is not None else None
    results: list[dict | str] = []
    with replace(runtime, threads=item.threads).applied() if model else nullcontext():
        for done, rel in enumerate(item.files):
            runtime.check_cancelled("index build")
            file = folder / rel
            try:
                stat = file.stat()
                image = load_image(file)
                if min(image.width, image.height) < MIN_SIDE:
                    raise InputError(f"{image.width}×{image.height} pixels is too small to hash")
            except InputError as error:
                results.append(str(error))
            except OSError as error:  # gone since the folder was walked
                results.append(f"{rel}: cannot be read ({error.strerror or error})")
            else:
                results.append(_row_for(image, rel, stat, model))
            runtime.report(done + 1, len(item.files), rel)
    return results


def _row_for(image: LoadedImage, rel: str, stat, clip_model) -> dict:
    row = {"path": rel, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": image.sha256}
    values = hashes.image_hashes(image.rgb, HASH_KINDS)
    row.update({k: hashes.hash_to_uint64(values[k]) for k in HASH_KINDS})
    if clip_model is not None:
        row["embedding"] = clip_model.embed_images([image.rgb])[0]
    return row


def _row_from(previous: CorpusIndex, old: int, rel: str, stat, with_embedding: bool) -> dict:
    row = {
        "path": rel,
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        "sha256": str(previous.sha256[old]),
    }
    row.update({k: int(previous.hashes[k][old]) for k in HASH_KINDS})
    if with_embedding:
        row["embedding"] = previous.embeddings[old]
    return row


# --- search -----------------------------------------------------------------------------------


# The scan of this module before FAISS, kept as the reference the engines are tested and
# benchmarked against: `corpus_search` gives the same rows (and, for hashes, the same bits).


def top_k_hamming(codes: np.ndarray, query: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows of the k smallest Hamming distances to `query` (ties by row), and the distances."""
    distances = np.bitwise_count(codes ^ np.uint64(query))
    return corpus_search.smallest_rows(distances, k)


def top_k_cosine(
    embeddings: np.ndarray, query: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Rows of the k largest cosines (unit vectors), and the cosines."""
    similarities = embeddings @ query.astype(embeddings.dtype, copy=False)
    rows, negated = corpus_search.smallest_rows(-similarities, k)
    return rows, -negated


@dataclass(frozen=True)
class Hit:
    rank: int
    path: str
    sha256: str
    distance: float  # Hamming bits for hashes; 1 − cosine for CLIP
    similarity: float  # 1 − distance/bits for hashes; cosine for CLIP

    def to_dict(self) -> dict:
        return {
            "rank": self.rank,
            "path": self.path,
            "sha256": self.sha256,
            "distance": self.distance,
            "similarity": round(self.similarity, 6),
        }


@dataclass(frozen=True)
class QueryResult:
    index: str
    root: str
    query: dict  # LoadedImage.describe()
    k: int
    by_metric: dict  # metric -> tuple[Hit, ...]
    notes: tuple[str, ...] = ()
    search: dict = field(default_factory=dict)  # engine, kind, parameters, measured recall

    def to_dict(self) -> dict:
        return {
            "index": self.index,
            "root": self.root,
            "query": self.query,
            "k": self.k,
            "results": {m: [h.to_dict() for h in hits] for m, hits in self.by_metric.items()},
            "notes": list(self.notes),
            "search": self.search,
        }


def query_index(
    index: CorpusIndex,
    image: LoadedImage,
    k: int = 10,
    clip_model: ClipModel | None = None,
    index_name: str = "",
    *,
    shards: int = 1,
    executor: Executor | None = None,
    runtime: Runtime | None = None,
) -> QueryResult:
    """The k works closest to `image` by each hash (and by CLIP). `shards` > 1, or an executor
    other than this process: the rows are searched in that many shards on `executor`
    (`corpus_shards`), exactly, with the same answer."""
    if k < 1:
        raise InputError("k must be at least 1")
    if min(image.width, image.height) < MIN_SIDE:
        raise InputError(f"query image is {image.width}×{image.height}; hashing needs {MIN_SIDE}+")
    if shards < 1:
        raise InputError("--shards must be at least 1")
    sharded = shards > 1 or (executor is not None and executor.name != "inprocess")
    if sharded and index.kind in corpus_search.APPROXIMATE and index.engine is not None:
        raise InputError(
            f"the index's CLIP embeddings are searched by its {index.kind} index, which is one "
            "piece: query it without --shards and --executor (or build it with --kind flat)"
        )
    notes = []
    by_metric = {}
    values = hashes.image_hashes(image.rgb, HASH_KINDS)
    codes = {kind: hashes.hash_to_uint64(values[kind]) for kind in HASH_KINDS}
    clip_query = None
    if index.embeddings is not None and clip_model is not None:
        if clip_model.info.checkpoint_sha256 != index.clip["checkpoint_sha256"]:
            raise ModelError(
                f"the index's embeddings come from {index.clip['arch']} (sha256 "
                f"{index.clip['checkpoint_sha256'][:12]}…); the given model is "
                f"{clip_model.info.arch} (sha256 {clip_model.info.checkpoint_sha256[:12]}…)"
            )
        clip_query = clip_model.embed_images([image.rgb])[0]
    found = {}
    if sharded:
        from workstation.analysis.corpus_shards import sharded_search

        found = sharded_search(
            index.hashes,
            codes,
            k,
            shards,
            index.embeddings if clip_query is not None else None,
            clip_query,
            executor=executor,
            runtime=runtime,
        )
    for kind in HASH_KINDS:
        if sharded:
            rows, distances = found[kind]
        else:
            rows, distances = index.code_search[kind].search(codes[kind], k)
        bits = HASH_BITS[kind]
        by_metric[kind] = tuple(
            Hit(rank + 1, str(index.paths[row]), str(index.sha256[row]), int(d), 1 - int(d) / bits)
            for rank, (row, d) in enumerate(zip(rows, distances, strict=True))
        )

    if index.embeddings is None:
        if clip_model is not None:
            notes.append("the index has no CLIP embeddings: CLIP search not run")
    elif clip_model is None:
        notes.append(
            f"the index has CLIP embeddings ({index.clip['arch']}) but no CLIP model was given: "
            "CLIP search not run"
        )
    else:
        if sharded:
            rows, cosines = found["clip"]
        else:
            rows, cosines = index.vector_search.search(clip_query, k)
        by_metric["clip"] = tuple(
            Hit(
                rank + 1,
                str(index.paths[row]),
                str(index.sha256[row]),
                round(1 - float(c), 6),
                float(c),
            )
            for rank, (row, c) in enumerate(zip(rows, cosines, strict=True))
        )
    search = {**index.search, "engine": corpus_search.engine_name()}
    if index.kind in corpus_search.APPROXIMATE and index.engine is None:
        notes.append(
            f"FAISS is not installed: the {index.kind} index was not read; CLIP embeddings "
            "were searched exactly (numpy scan)"
        )
        search["kind"] = "flat"
    for key in ("file", "size", "sha256"):
        search.pop(key, None)
    if sharded:
        from workstation.analysis.corpus_shards import boundaries

        search["shards"] = len(boundaries(len(index), shards))
        search["executor"] = executor.name if executor is not None else "inprocess"
    return QueryResult(index_name, index.root, image.describe(), k, by_metric, tuple(notes), search)
