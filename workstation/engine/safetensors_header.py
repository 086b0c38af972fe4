"""Read a .safetensors header (tensor names, dtypes, shapes, metadata) without loading tensors.

The format: 8 bytes little-endian header length N, N bytes of JSON, then the tensor data. Every
way this can be broken gets its own message, because a truncated download is the usual cause.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from workstation.core.errors import ModelError

MAX_HEADER = 100 * 1024 * 1024  # safetensors' own limit


@dataclass(frozen=True)
class TensorInfo:
    dtype: str
    shape: tuple[int, ...]
    begin: int
    end: int


@dataclass(frozen=True)
class SafetensorsHeader:
    tensors: dict[str, TensorInfo]
    metadata: dict[str, str]
    data_offset: int  # where tensor data starts in the file: 8 + header length

    @property
    def shapes(self) -> dict[str, tuple[int, ...]]:
        return {name: info.shape for name, info in self.tensors.items()}


def read_header(path: str | Path) -> SafetensorsHeader:
    path = Path(path)
    try:
        size = path.stat().st_size
        with open(path, "rb") as stream:
            prefix = stream.read(8)
            if len(prefix) < 8:
                raise ModelError(f"{path}: not a safetensors file (only {size} bytes)")
            length = int.from_bytes(prefix, "little")
            if length > MAX_HEADER or 8 + length > size:
                raise ModelError(
                    f"{path}: truncated or corrupt safetensors header "
                    f"(header says {length} bytes, file has {size})"
                )
            raw = stream.read(length)
    except OSError as error:
        raise ModelError(f"{path}: cannot read ({error.strerror or error})") from None
    try:
        header = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ModelError(f"{path}: corrupt safetensors header (not valid JSON)") from None
    if not isinstance(header, dict):
        raise ModelError(f"{path}: corrupt safetensors header (not a JSON object)")

    metadata = header.pop("__metadata__", None) or {}
    data_size = size - 8 - length
    tensors = {}
    for name, entry in header.items():
        try:
            begin, end = entry["data_offsets"]
            info = TensorInfo(
                str(entry["dtype"]), tuple(int(n) for n in entry["shape"]), begin, end
            )
        except (KeyError, TypeError, ValueError):
            raise ModelError(f"{path}: corrupt safetensors header (bad entry {name!r})") from None
        if not 0 <= info.begin <= info.end <= data_size:
            raise ModelError(
                f"{path}: truncated safetensors file (tensor {name!r} ends at byte "
                f"{info.end} of {data_size} data bytes)"
            )
        tensors[name] = info
    return SafetensorsHeader(tensors, {str(k): str(v) for k, v in metadata.items()}, 8 + length)
