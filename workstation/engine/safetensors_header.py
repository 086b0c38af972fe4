"""Read a .safetensors header (tensor names, dtypes, shapes, metadata) without loading tensors.

The format: 8 bytes little-endian header length N, N bytes of JSON, then the tensor data. Every
way this can be broken gets its own message, because a truncated download is the usual cause.
A header is held to what the safetensors library itself accepts before anything reads a tensor:
JSON within bounded_json's depth and size limits; `__metadata__` an object of text values; every
tensor a known dtype, a shape of non-negative integers whose byte length is its offsets' span;
the tensors' data laid end to end, in order, without gaps or overlaps, filling the file.
"""

from __future__ import annotations

import math
import stat
from dataclasses import dataclass
from pathlib import Path

from workstation.core import bounded_json
from workstation.core.errors import ModelError

MAX_HEADER = 100 * 1024 * 1024  # safetensors' own limit
MAX_DIMS = 8  # no model tensor has more than 5
# Elements of a tensor counting only its non-zero dimensions: a tensor of 0 x 10^30 holds no
# bytes, but no library could index it (torch counts elements in 64 bits).
MAX_ELEMENTS = 1 << 53
# Bits per element of every dtype the safetensors format defines.
DTYPE_BITS = {
    "BOOL": 8,
    "U8": 8,
    "I8": 8,
    "F8_E5M2": 8,
    "F8_E4M3": 8,
    "F8_E8M0": 8,
    "I16": 16,
    "U16": 16,
    "F16": 16,
    "BF16": 16,
    "I32": 32,
    "U32": 32,
    "F32": 32,
    "C64": 64,
    "F64": 64,
    "I64": 64,
    "U64": 64,
    "F4": 4,
    "F6_E2M3": 6,
    "F6_E3M2": 6,
}


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
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            raise ModelError(f"{path}: not a regular file")
        size = st.st_size
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
        header = bounded_json.loads(raw)
    except ValueError as error:
        raise ModelError(f"{path}: corrupt safetensors header ({error})") from None
    if not isinstance(header, dict):
        raise ModelError(f"{path}: corrupt safetensors header (not a JSON object)")

    metadata = _metadata(path, header.pop("__metadata__", None))
    tensors = {name: _tensor(path, name, entry) for name, entry in header.items()}
    _check_layout(path, tensors, size - 8 - length)
    return SafetensorsHeader(tensors, metadata, 8 + length)


def _metadata(path: Path, metadata: object) -> dict[str, str]:
    if metadata is None:
        return {}
    if not isinstance(metadata, dict):
        raise ModelError(
            f"{path}: corrupt safetensors header (__metadata__ is a {_kind(metadata)}, "
            "not an object of text values)"
        )
    for key, value in metadata.items():
        if not isinstance(value, str):
            raise ModelError(
                f"{path}: corrupt safetensors header (__metadata__ {_quoted(key)} is a "
                f"{_kind(value)}, not text)"
            )
    return metadata


def _tensor(path: Path, name: str, entry: object) -> TensorInfo:
    def bad(reason: str) -> ModelError:
        return ModelError(f"{path}: corrupt safetensors header (tensor {_quoted(name)}: {reason})")

    if not isinstance(entry, dict):
        raise bad(f"a {_kind(entry)}, not an object")
    for field in ("dtype", "shape", "data_offsets"):
        if field not in entry:
            raise bad(f"no {field}")
    dtype, shape, offsets = entry["dtype"], entry["shape"], entry["data_offsets"]
    if not isinstance(dtype, str) or dtype not in DTYPE_BITS:
        raise bad(f"unknown dtype {_quoted(dtype)}")
    if not isinstance(shape, list) or not all(_is_count(n) for n in shape):
        raise bad("shape is not a list of non-negative integers")
    if len(shape) > MAX_DIMS:
        raise bad(f"{len(shape)} dimensions (at most {MAX_DIMS})")
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(map(_is_count, offsets))):
        raise bad("data_offsets is not two non-negative integers")
    if math.prod(n for n in shape if n) > MAX_ELEMENTS:
        raise bad(f"shape {_quoted(shape)} has more than 2^53 elements")
    begin, end = offsets
    bits = math.prod(shape) * DTYPE_BITS[dtype]
    if bits % 8 or end - begin != bits // 8:
        size = f"{_number(bits // 8)} bytes" if bits % 8 == 0 else f"{_number(bits)} bits"
        raise bad(
            f"shape {_quoted(shape)} of {dtype} is {size}, "
            f"its data_offsets span {_number(end - begin)}"
        )
    return TensorInfo(dtype, tuple(shape), begin, end)


def _check_layout(path: Path, tensors: dict[str, TensorInfo], data_size: int) -> None:
    """The tensors' bytes follow one another from the start of the data to the end of the file."""
    position = 0
    for name, info in sorted(tensors.items(), key=lambda item: (item[1].begin, item[1].end)):
        if info.end > data_size:
            raise ModelError(
                f"{path}: truncated safetensors file (tensor {_quoted(name)} ends at byte "
                f"{_number(info.end)} of {data_size} data bytes)"
            )
        if info.begin != position:
            what = "overlaps the tensor before it" if info.begin < position else "leaves a gap"
            raise ModelError(
                f"{path}: corrupt safetensors header (tensor {_quoted(name)}: data_offsets "
                f"start at {_number(info.begin)}, {what} (expected {position}))"
            )
        position = info.end
    if position != data_size:
        raise ModelError(
            f"{path}: corrupt safetensors file (the tensors hold {position} data bytes, "
            f"the file has {data_size})"
        )


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _number(value: int) -> str:
    """An integer for a message: a hostile one can have more digits than str() will write."""
    return str(value) if abs(value) < 10**18 else "more than 10^18"


def _kind(value: object) -> str:
    return {dict: "object", list: "list", str: "text", bool: "boolean", type(None): "null"}.get(
        type(value), "number"
    )


def _quoted(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
