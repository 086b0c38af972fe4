"""JSON from files held to limits before it is parsed: nesting depth and number of values.

Python's parser recurses once per level (a few thousand `[` end in RecursionError) and builds every
value it reads (a header of a hundred megabytes of `[],` becomes millions of lists). `loads`
counts both on the raw text first, with strings blanked out, and refuses text past a limit;
NaN, Infinity and numbers too large for a float are refused too (no reader here wants them).
Every refusal is a ValueError whose message says what is wrong, for the caller to prefix with the
file and field.
"""

from __future__ import annotations

import json
import math
import re
from itertools import accumulate
from typing import Any

MAX_DEPTH = 64  # real configs and safetensors headers nest 3-6 levels
MAX_VALUES = 2_000_000  # containers and separators: ~9 per tensor in a safetensors header

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_STRUCTURE = re.compile(rb"[^\[\]{},]")
_DEPTH_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1, ord(","): 0}


def loads(raw: bytes | str, max_depth: int = MAX_DEPTH, max_values: int = MAX_VALUES) -> Any:
    """The JSON value in `raw` (UTF-8), or ValueError saying why it is refused."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogatepass")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"not UTF-8 text (byte {error.start})") from None
    structure = _NOT_STRUCTURE.sub(b"", _STRING.sub(b'""', raw))
    if len(structure) > max_values:
        raise ValueError(f"more than {max_values:,} JSON values")
    depth = max(accumulate(map(_DEPTH_STEP.__getitem__, structure)), default=0)
    if depth > max_depth:
        raise ValueError(f"JSON nested {depth} levels deep (at most {max_depth})")
    try:
        return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except json.JSONDecodeError as error:
        raise ValueError(f"not valid JSON ({error.msg} at line {error.lineno})") from None


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text[:20]} is too large")
    return value
