"""Property: any safetensors header — random JSON structure, offsets, shapes, dtypes, metadata,
near-valid LoRAs among them — is either read as a consistent header or refused with a
ModelError/InputError; `lora-info` and `models scan` on it succeed or refuse in one line."""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from tests.engine.hostile.files import (
    KOHYA_ALPHA,
    KOHYA_DOWN,
    KOHYA_UP,
    lora_header,
    write_safetensors,
)
from tests.hostile import assert_clean, run_main
from workstation.core.errors import InputError, ModelError
from workstation.engine.safetensors_header import DTYPE_BITS, read_header

NAMES = st.sampled_from(
    [
        KOHYA_DOWN,
        KOHYA_UP,
        KOHYA_ALPHA,
        "lora_unet_x.hada_w1_a",
        "lora_unet_x.hada_w1_b",
        "lora_unet_x.hada_w2_a",
        "lora_unet_x.hada_w2_b",
        "lora_unet_x.lokr_w1",
        "lora_unet_x.lokr_w2",
        "lora_te_text_model_q_proj.lora_down.weight",
        "unet.a.attn2.to_k.lora_A.weight",
        "unet.a.attn2.to_k.lora_B.weight",
        "model.diffusion_model.input_blocks.0.0.weight",
        "double_blocks.0.img_attn.norm.key_norm.scale",
        "img_in.weight",
        "joint_blocks.0.context_block.adaLN_modulation.1.bias",
        "x_embedder.proj.weight",
        "text_model.encoder.layers.0.mlp.fc1.weight",
        "__metadata__",
    ]
) | st.text(max_size=12)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=12,
)
SS_KEYS = st.sampled_from(
    ["ss_tag_frequency", "ss_dataset_dirs", "ss_datasets", "ss_num_epochs", "ss_steps",
     "ss_training_started_at", "ss_network_alpha", "lora_adapter_metadata", "modelspec.title"]
)  # fmt: skip
METADATA_VALUE = st.one_of(st.text(max_size=20), JSON.map(json.dumps))
METADATA = st.one_of(
    st.dictionaries(SS_KEYS | st.text(max_size=6), METADATA_VALUE, max_size=4),
    JSON,  # anything at all where a text-to-text object belongs
)
DIM = (
    st.integers(0, 4)
    | st.sampled_from([-1, 2**31, 2**64, 10**30])
    | st.sampled_from([1.0, "2", True, None])
)
SHAPE = st.lists(DIM, max_size=5) | JSON


@st.composite
def headers(draw: st.DrawFn) -> tuple[Any, bytes]:
    """A header (a dict, or for a few examples any JSON) and the data bytes after it."""
    if draw(st.integers(0, 9)) == 0:
        return draw(JSON), b""
    header: dict[str, Any] = {}
    position = 0
    for name in draw(st.lists(NAMES, max_size=5, unique=True)):
        dtype = draw(st.sampled_from([*DTYPE_BITS, "F7", "f32", ""]) | JSON)
        shape = draw(SHAPE)
        size = 4
        if isinstance(shape, list) and all(type(n) is int and 0 <= n < 1000 for n in shape):
            size = (
                math.prod(shape) * DTYPE_BITS.get(dtype, 32) // 8 if isinstance(dtype, str) else 4
            )
        offsets = draw(
            st.just([position, position + size])
            | st.lists(st.integers(-2, 40) | JSON, min_size=0, max_size=3)
        )
        entry = {"dtype": dtype, "shape": shape, "data_offsets": offsets}
        if draw(st.integers(0, 9)) == 0:
            entry = draw(JSON)
        header[name] = entry
        position += size
    if draw(st.booleans()):
        header["__metadata__"] = draw(METADATA)
    slack = draw(st.sampled_from([0, 0, 0, -1, 3]))
    return header, b"\x3f" * max(0, position + slack)


def consistent(header: Any) -> None:
    """What read_header promises: known dtypes, sizes that match, data laid end to end."""
    position = 0
    for info in sorted(header.tensors.values(), key=lambda i: (i.begin, i.end)):
        assert info.dtype in DTYPE_BITS
        assert all(type(n) is int and n >= 0 for n in info.shape)
        assert math.prod(info.shape) * DTYPE_BITS[info.dtype] == 8 * (info.end - info.begin)
        assert info.begin == position
        position = info.end
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in header.metadata.items())


@given(headers())
def test_any_header_is_read_consistently_or_refused(case: tuple[Any, bytes]) -> None:
    raw, data = case
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        path = write_safetensors(folder / "x.safetensors", raw, data)
        try:
            header = read_header(path)
        except (ModelError, InputError) as error:
            assert str(error).startswith(f"{path}: ") and "\n" not in str(error)
        else:
            consistent(header)
            assert header.data_offset + sum(i.end - i.begin for i in header.tensors.values()) == (
                path.stat().st_size
            )
        assert_clean(run_main("lora-info", path))
        assert_clean(run_main("lora-info", path, "--json"))
        scanned = run_main("models", "scan", folder)
        assert_clean(scanned)
        assert scanned.code == 0 and "1 model(s)" in scanned.out


@given(st.integers(1, 3000), st.sampled_from([b"[", b'{"a":', b'{"__metadata__":{"k":']))
def test_nesting_of_any_depth_is_refused_or_read(depth: int, opener: bytes) -> None:
    closer = {b"[": b"]", b'{"a":': b"}", b'{"__metadata__":{"k":': b"}}"}[opener]
    raw = opener * depth + b"1" + closer * depth
    with tempfile.TemporaryDirectory() as scratch:
        path = write_safetensors(Path(scratch) / "n.safetensors", raw)
        outcome = run_main("lora-info", path)
        assert_clean(outcome)
        assert outcome.code == 2 and str(path) in outcome.err


@given(
    st.dictionaries(SS_KEYS, METADATA_VALUE, max_size=5),
    st.sampled_from([KOHYA_DOWN, KOHYA_UP, KOHYA_ALPHA, None]),
    st.lists(st.integers(0, 4), max_size=5),
)
def test_a_kohya_lora_with_any_metadata_and_any_part_shape(
    metadata: dict[str, str], part: str | None, shape: list[int]
) -> None:
    """A LoRA that is valid but for its kohya metadata and (maybe) one part's shape."""
    header, data = lora_header(metadata)
    if part is not None:  # reshaped with its byte span (and the file) to match
        tensors = [name for name in header if name != "__metadata__"]
        data, position = b"", 0
        for name in tensors:
            if name == part:
                header[name]["shape"] = shape
            size = 4 * math.prod(header[name]["shape"])
            header[name]["data_offsets"] = [position, position + size]
            data += b"\0" * size
            position += size
    with tempfile.TemporaryDirectory() as scratch:
        path = write_safetensors(Path(scratch) / "l.safetensors", header, data)
        for args in ((), ("--json",)):
            outcome = run_main("lora-info", path, *args)
            assert_clean(outcome)
        if part is None:
            assert outcome.code == 0, outcome.err
            report = json.loads(outcome.out)
            assert set(report["unreadable"]) <= {"ss_tag_frequency", "ss_dataset_dirs"}
