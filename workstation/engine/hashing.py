"""Model file hashes as examiners meet them in image metadata.

- sha256: of the whole file. Civitai's "AutoV2" and A1111's "Model hash" are its first 10 hex.
- AutoV1: A1111's legacy model hash, first 8 hex of SHA-256 over the 64 KiB at offset 1 MiB.
- addnet: kohya's hash for LoRA files, SHA-256 of the bytes after the safetensors header (tensor
  data only, so editing metadata does not change it). A1111 writes its first 12 hex in
  "Lora hashes". kohya also stores it in the header as `sshs_model_hash`; we always recompute.

A hash that goes into a record is computed from the bytes in the same run (`compute_hashes`,
`folder_sha256` without a cache); `stamp` lets a loader check that the file did not change between
hashing and loading. A symlinked file is hashed as its target's bytes (what a loader reads); a
folder whose links lead out of it is refused, since its hash would not cover what is loaded.
`HashCache` only speeds up listings (`models scan`, the search for a file by
hash) and is never the source of a recorded hash.
"""

from __future__ import annotations

import hashlib
import os
import stat as stat_mode
from dataclasses import asdict, dataclass
from pathlib import Path

from workstation.core import bounded_json
from workstation.core.canonical import canonical_json, sha256_text
from workstation.core.errors import ModelError
from workstation.core.user_dirs import user_cache_dir

CHUNK = 1 << 20
# What changes when a file's bytes may have: size, mtime, ctime (os.utime cannot set it back on
# POSIX), inode and device (a file replaced by another). A folder's: one per file it is hashed by.
Stamp = tuple[int, int, int, int, int]
FolderStamp = tuple[tuple[str, Stamp], ...]


@dataclass(frozen=True)
class FileHashes:
    sha256: str
    autov1: str
    addnet: str | None  # safetensors files only

    @property
    def autov2(self) -> str:
        return self.sha256[:10]

    @property
    def addnet_short(self) -> str | None:
        return self.addnet[:12] if self.addnet else None


class HashCache:
    """For listings only (`models scan`, finding a local file by a recorded hash): hashes by
    absolute path, valid while the file's `stamp` is unchanged.

    Never the source of a hash written into a case: a stat can miss a change (ctime is the
    creation time on Windows; a rewrite within one clock tick), so records hash the bytes
    they load.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or user_cache_dir() / "hashes.json"
        try:
            entries = bounded_json.loads(self.path.read_bytes())
        except (OSError, ValueError):
            entries = {}  # no cache yet, or a damaged one: it is only a cache
        self._entries = entries if isinstance(entries, dict) else {}
        self._dirty = False

    def hashes(self, path: str | Path) -> FileHashes:
        path = Path(path).resolve()
        before = file_stamp(path)
        key = str(path)
        entry = self._entries.get(key)
        if _valid_entry(entry) and entry["stamp"] == list(before):
            return FileHashes(entry["sha256"], entry["autov1"], entry["addnet"])
        hashes = compute_hashes(path)
        if file_stamp(path) == before:  # not changing while it was read
            self._entries[key] = {"stamp": list(before), **asdict(hashes)}
            self._dirty = True
        return hashes

    def save(self) -> None:
        if not self._dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        temporary.write_text(canonical_json(self._entries), encoding="utf-8")
        os.replace(temporary, self.path)
        self._dirty = False


def _valid_entry(entry: object) -> bool:
    """A cache entry as `HashCache.hashes` writes it (anything else is recomputed)."""
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("stamp"), list)
        and all(isinstance(entry.get(key), str) for key in ("sha256", "autov1"))
        and isinstance(entry.get("addnet"), (str, type(None)))
    )


def file_stamp(path: str | Path) -> Stamp:
    """The file's size, mtime, ctime, inode and device (see `Stamp`)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise ModelError(f"{path}: no such file or folder") from None
    except OSError as error:
        raise ModelError(f"{path}: cannot read ({error.strerror or error})") from None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


def stamp(path: str | Path) -> Stamp | FolderStamp:
    """A file's stamp, or a folder's: the stamp of every file its `folder_sha256` covers."""
    path = Path(path)
    if path.is_dir():
        return tuple((name, file_stamp(file)) for name, file in folder_files(path))
    return file_stamp(path)


def compute_hashes(path: str | Path) -> FileHashes:
    """Read the file once for SHA-256 and (for safetensors) the tensor-data hash."""
    path = Path(path)
    full = hashlib.sha256()
    data = hashlib.sha256()
    try:
        if not stat_mode.S_ISREG(os.stat(path).st_mode):  # a FIFO would block the read forever
            raise ModelError(f"{path}: not a regular file")
        with open(path, "rb") as stream:
            data_offset = None
            if path.suffix.lower() == ".safetensors":
                prefix = stream.read(8)
                data_offset = 8 + int.from_bytes(prefix, "little") if len(prefix) == 8 else None
                stream.seek(0)
            position = 0
            while chunk := stream.read(CHUNK):
                full.update(chunk)
                if data_offset is not None and position + len(chunk) > data_offset:
                    data.update(chunk[max(0, data_offset - position) :])
                position += len(chunk)
            stream.seek(0x100000)
            autov1 = hashlib.sha256(stream.read(0x10000)).hexdigest()[:8]
    except OSError as error:
        raise ModelError(f"{path}: cannot read ({error.strerror or error})") from None
    return FileHashes(full.hexdigest(), autov1, None if data_offset is None else data.hexdigest())


def file_hashes(path: str | Path, cache: HashCache | None = None) -> FileHashes:
    """Hashes of one file: read now, or through `cache` when one is given (listings only)."""
    return cache.hashes(path) if cache is not None else compute_hashes(path)


def folder_sha256(folder: str | Path, cache: HashCache | None = None) -> str:
    """A diffusers folder's hash: SHA-256 of the canonical JSON {relative path: file SHA-256}.
    Every file is read now, or looked up in `cache` when one is given (listings only)."""
    manifest = {name: file_hashes(file, cache).sha256 for name, file in folder_files(Path(folder))}
    return sha256_text(canonical_json(manifest))


def folder_files(folder: Path) -> list[tuple[str, Path]]:
    """(relative path, file) of every file in the folder, hidden ones left out, sorted; a link
    to a file inside the folder counts as that file's bytes, a link out of it is refused."""
    real = Path(os.path.realpath(folder))
    files = []
    for entry in sorted(folder.rglob("*")):  # does not descend into linked folders
        name = entry.relative_to(folder)
        if any(part.startswith(".") for part in name.parts):
            continue
        if entry.is_symlink():
            target = Path(os.path.realpath(entry))
            if real != target and real not in target.parents:
                raise ModelError(
                    f"{folder}: {name.as_posix()} links out of the model folder (to {target}); "
                    "its hash would not cover those bytes: copy the files in (cp -rL)"
                )
        if entry.is_file():
            files.append((name.as_posix(), entry))
    return files
