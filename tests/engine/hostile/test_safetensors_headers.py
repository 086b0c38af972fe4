"""Safetensors headers that are valid JSON but hostile: each class refused in one line that names
the file and the field, before any library reads a tensor; `models scan` lists such a file as
unreadable and goes on; `lora-info` shows malformed kohya values as unreadable."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from tests.engine.hostile.files import (
    KOHYA_ALPHA,
    KOHYA_DOWN,
    KOHYA_UP,
    lora_header,
    write_lora,
    write_safetensors,
)
from tests.hostile import assert_clean, run_main
from workstation.core import bounded_json
from workstation.core.errors import ModelError
from workstation.engine.library import inspect
from workstation.engine.safetensors_header import MAX_DIMS, read_header


def entry(dtype: str = "F32", shape: Any = (2,), offsets: Any = (0, 8)) -> dict[str, Any]:
    return {"dtype": dtype, "shape": list(shape), "data_offsets": list(offsets)}


def refused(path: Path, *fragments: str) -> str:
    with pytest.raises(ModelError) as caught:
        read_header(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and "\n" not in message, message
    for fragment in fragments:
        assert fragment in message, message
    return message


def test_a_consistent_header_is_read(tmp_path: Path) -> None:
    header, data = lora_header({"ss_network_dim": "2"})
    found = read_header(write_safetensors(tmp_path / "ok.safetensors", header, data))
    assert found.shapes == {KOHYA_DOWN: (2, 8), KOHYA_UP: (8, 2), KOHYA_ALPHA: ()}
    assert found.metadata == {"ss_network_dim": "2"}


@pytest.mark.parametrize("depth", [65, 1000, 100_000])
def test_deeply_nested_json_is_refused_before_parsing(tmp_path: Path, depth: int) -> None:
    for name, raw in {
        "list": b"[" * depth + b"]" * depth,
        "object": b'{"a":' * depth + b"1" + b"}" * depth,
        "in metadata": b'{"__metadata__":' + b'{"a":' * depth + b'"x"' + b"}" * (depth + 1),
    }.items():
        path = write_safetensors(tmp_path / f"{name}.safetensors", raw)
        refused(path, f"nested {depth + (name == 'in metadata')} levels deep")


def test_brackets_inside_strings_do_not_count_as_nesting(tmp_path: Path) -> None:
    header = {"__metadata__": {"note": "[" * 10_000 + '"\\"{'}}
    assert read_header(write_safetensors(tmp_path / "s.safetensors", header)).metadata


@pytest.mark.parametrize(
    ("metadata", "fragment"),
    [
        ([1, 2], "__metadata__ is a list"),
        ("text", "__metadata__ is a text"),
        ({"ss_steps": 10}, "__metadata__ 'ss_steps' is a number"),
        ({"ss_tag_frequency": {"a": {"b": 1}}}, "__metadata__ 'ss_tag_frequency' is a object"),
        ({"x": None}, "__metadata__ 'x' is a null"),
        ({"x": True}, "__metadata__ 'x' is a boolean"),
    ],
)
def test_metadata_must_be_text_values(tmp_path: Path, metadata: Any, fragment: str) -> None:
    header, data = lora_header(metadata)
    refused(write_safetensors(tmp_path / "m.safetensors", header, data), fragment)


@pytest.mark.parametrize(
    ("tensor", "fragment"),
    [
        ([1, 2], "tensor 'w': a list, not an object"),
        ({"dtype": "F32", "shape": [2]}, "tensor 'w': no data_offsets"),
        (entry(offsets=[0.0, 8.0]), "data_offsets is not two non-negative integers"),
        (entry(offsets=["0", "8"]), "data_offsets is not two non-negative integers"),
        (entry(offsets=[-8, 0]), "data_offsets is not two non-negative integers"),
        (entry(offsets=[0, 8, 16]), "data_offsets is not two non-negative integers"),
        (entry(offsets=[True, 8]), "data_offsets is not two non-negative integers"),
        (entry(shape=[3]), "shape [3] of F32 is 12 bytes, its data_offsets span 8"),
        (entry(shape=[2, -1]), "shape is not a list of non-negative integers"),
        (entry(shape=[2.0]), "shape is not a list of non-negative integers"),
        (entry(shape="2"), "shape is not a list of non-negative integers"),
        (entry(shape=[1] * (MAX_DIMS + 1)), f"{MAX_DIMS + 1} dimensions"),
        (entry(dtype="F7"), "unknown dtype 'F7'"),
        (entry(dtype=["F32"]), "unknown dtype ['F32']"),
        (entry(dtype="F4", shape=[3]), "shape [3] of F4 is 12 bits"),
        (entry(shape=[10**30, 10**30]), "more than 2^53 elements"),
        (entry(shape=[0, 10**30], offsets=[0, 0]), "more than 2^53 elements"),
        (entry(shape=[2**40] * 4), "more than 2^53 elements"),
        (entry(shape=[2**20] * 2), "is 4398046511104 bytes, its data_offsets span 8"),
    ],
)
def test_bad_tensor_entries_are_named(tmp_path: Path, tensor: Any, fragment: str) -> None:
    path = write_safetensors(tmp_path / "t.safetensors", {"w": tensor}, b"\0" * 8)
    refused(path, fragment)


@pytest.mark.parametrize(
    ("offsets", "data", "fragment"),
    [
        ([(0, 8), (4, 12)], 12, "tensor 'b': data_offsets start at 4, overlaps"),
        ([(8, 16), (0, 8)], 16, None),  # out of the header's order but end to end: fine
        ([(0, 8), (12, 20)], 20, "tensor 'b': data_offsets start at 12, leaves a gap"),
        ([(0, 8), (0, 8)], 8, "tensor 'b': data_offsets start at 0, overlaps"),
        ([(0, 8), (8, 16)], 24, "the tensors hold 16 data bytes, the file has 24"),
        ([(0, 8), (8, 16)], 12, "truncated safetensors file (tensor 'b' ends at byte 16 of 12"),
    ],
)
def test_offsets_must_lay_the_tensors_end_to_end(
    tmp_path: Path, offsets: list, data: int, fragment: str | None
) -> None:
    header = {name: entry(offsets=span) for name, span in zip("ab", offsets, strict=True)}
    path = write_safetensors(tmp_path / "o.safetensors", header, b"\0" * data)
    if fragment is None:
        assert set(read_header(path).tensors) == {"a", "b"}
    else:
        refused(path, fragment)


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        (b"\xff\xfe{}", "not UTF-8 text"),
        (b'{"a": NaN}', "NaN is not a number JSON allows"),
        (b'{"__metadata__": {"a": "b"}, "x": 1e999}', "is too large"),
        (b"[1, 2]", "not a JSON object"),
        (b'{"a": 1' + b"1" * 5000 + b"}", "corrupt safetensors header"),
    ],
)
def test_header_text_that_is_not_plain_json_is_refused(
    tmp_path: Path, raw: bytes, fragment: str
) -> None:
    refused(write_safetensors(tmp_path / "j.safetensors", raw), fragment)


def test_a_header_of_millions_of_values_is_refused_unparsed(tmp_path: Path) -> None:
    count = bounded_json.MAX_VALUES + 1
    raw = b'{"a": [' + b"0," * count + b"0]}"
    refused(write_safetensors(tmp_path / "many.safetensors", raw), "more than 2,000,000 JSON")


@pytest.mark.parametrize(
    ("shapes", "fragment"),
    [
        ({KOHYA_DOWN: (16,)}, "a 2-D or 4-D weight is needed"),
        ({KOHYA_DOWN: ()}, "a 2-D or 4-D weight is needed"),
        ({KOHYA_UP: (8, 2, 1)}, "a 2-D or 4-D weight is needed"),
        ({"lora_unet_x.hada_w1_a": (4,)}, "a 2-D weight is needed"),
        ({"lora_unet_x.lokr_t2": (2, 2)}, "a 4-D weight is needed"),
        ({"text_encoder.q_proj.lora_A.weight": (4,)}, "a 2-D or 4-D weight is needed"),
        ({"model.diffusion_model.input_blocks.0.0.weight": (32,)}, "a 4-D weight is needed"),
        ({"double_blocks.0.img_attn.norm.key_norm.scale": (4,)}, "without 'img_in.weight'"),
        (
            {
                "joint_blocks.0.context_block.adaLN_modulation.1.bias": (4,),
                "x_embedder.proj.weight": (4,),
            },
            "a 4-D weight is needed",
        ),
    ],
)
def test_tensors_with_dimensions_no_reader_uses_make_the_file_unusable(
    tmp_path: Path, shapes: dict, fragment: str
) -> None:
    header, position = {}, 0
    for name, shape in shapes.items():
        size = 4 * math.prod(shape)
        header[name] = entry(shape=shape, offsets=(position, position + size))
        position += size
    path = write_safetensors(tmp_path / "dims.safetensors", header, b"\0" * position)
    info = inspect(path)
    assert info.kind == "unknown" and fragment in info.problem, info.problem
    outcome = run_main("lora-info", path)
    assert_clean(outcome)
    assert outcome.code == 2 and fragment in outcome.err and str(path) in outcome.err


def test_an_alpha_that_is_not_one_number_is_refused_by_lora_info(tmp_path: Path) -> None:
    header, data = lora_header()
    start = header[KOHYA_ALPHA]["data_offsets"][0]  # the last tensor
    header[KOHYA_ALPHA] = entry(shape=(2,), offsets=(start, start + 8))
    path = write_safetensors(tmp_path / "alpha.safetensors", header, data[:start] + b"\0" * 8)
    outcome = run_main("lora-info", path)
    assert_clean(outcome)
    assert outcome.code == 2 and "an alpha of shape (2,), not one number" in outcome.err


MALFORMED_KOHYA = {
    "ss_tag_frequency": [
        ("[1, 2]", "not a JSON object of folders of tag counts"),
        ('{"10_x": [1]}', "not a JSON object of folders of tag counts"),
        ('{"10_x": {"tag": "many"}}', "folder '10_x': tag 'tag' has no count"),
        ('{"10_x": {"tag": -3}}', "folder '10_x': tag 'tag' has no count"),
        ('{"10_x": {"tag": 1.5}}', "folder '10_x': tag 'tag' has no count"),
        ('{"10_x": {"tag": true}}', "folder '10_x': tag 'tag' has no count"),
        ("{not json", "not valid JSON"),
        ("[" * 50 + "]" * 50, "JSON nested 50 levels deep"),
    ],
    "ss_dataset_dirs": [
        ('"text"', "not a JSON object of folders"),
        ('{"10_x": 3}', "not a JSON object of folders"),
        ('{"10_x": {"img_count": "ten"}}', "folder '10_x': img_count is not a count"),
    ],
}


@pytest.mark.parametrize(
    ("key", "value", "reason"),
    [(key, value, reason) for key, cases in MALFORMED_KOHYA.items() for value, reason in cases],
)
def test_malformed_kohya_values_are_shown_as_unreadable(
    tmp_path: Path, key: str, value: str, reason: str
) -> None:
    path = write_lora(tmp_path / "kohya.safetensors", {key: value, "ss_network_dim": "2"})
    outcome = run_main("lora-info", path)
    assert_clean(outcome)
    assert outcome.code == 0
    assert f"{key}: unreadable: {reason}" in outcome.out, outcome.out
    assert "network dim (rank)               2" in outcome.out  # the rest of the report stands
    report = json.loads(run_main("lora-info", path, "--json").out)
    assert list(report["unreadable"]) == [key]
    assert report["unreadable"][key].startswith(f"unreadable: {reason}")


def test_ss_datasets_that_are_not_objects_make_the_tags_unreadable(tmp_path: Path) -> None:
    path = write_lora(tmp_path / "d.safetensors", {"ss_datasets": '[1, {"tag_frequency": 2}]'})
    report = json.loads(run_main("lora-info", path, "--json").out)
    assert report["unreadable"] == {
        "ss_tag_frequency": "unreadable: ss_datasets is not a list of objects"
    }


@pytest.mark.parametrize("value", ["ten", "1e999", "nan", "0x10", ""])
def test_numbers_that_are_not_numbers_are_shown_as_unreadable(tmp_path: Path, value: str) -> None:
    metadata = {"ss_num_epochs": value, "ss_training_started_at": value, "ss_steps": "100"}
    report = json.loads(
        run_main("lora-info", write_lora(tmp_path / "n.safetensors", metadata), "--json").out
    )
    assert report["training"]["steps"] == "100"
    if value:
        assert report["training"]["epochs"] == f"unreadable: not a number ({value!r})"
        assert report["training"]["training started"].startswith("unreadable: not a number")


def test_well_formed_kohya_values_are_read(tmp_path: Path) -> None:
    metadata = {
        "ss_tag_frequency": json.dumps({"10_a": {"cat": 3, " dog": 1}, "5_b": {"cat": 2}}),
        "ss_dataset_dirs": json.dumps({"10_a": {"n_repeats": 10, "img_count": 4}}),
        "ss_training_started_at": "0",
    }
    report = json.loads(
        run_main("lora-info", write_lora(tmp_path / "w.safetensors", metadata), "--json").out
    )
    assert report["tag_frequency"] == {"cat": 5, "dog": 1}
    assert report["dataset_dirs"] == {"10_a": {"n_repeats": 10, "img_count": 4}}
    assert report["training"]["training started"] == "1970-01-01T00:00:00Z"
    assert report["unreadable"] == {}


def test_models_scan_lists_every_bad_file_and_goes_on(tmp_path: Path) -> None:
    folder = tmp_path / "models"
    folder.mkdir()
    write_lora(folder / "a_good.safetensors")
    write_safetensors(folder / "deep.safetensors", b"[" * 5000 + b"]" * 5000)
    write_safetensors(folder / "meta.safetensors", {"__metadata__": {"a": [1]}})
    write_safetensors(folder / "overlap.safetensors", {"a": entry(), "b": entry()}, b"\0" * 8)
    write_safetensors(folder / "dtype.safetensors", {"a": entry(dtype="Q8")}, b"\0" * 8)
    header, data = lora_header()
    header[KOHYA_DOWN]["shape"] = [16]
    write_safetensors(folder / "flat.safetensors", header, data)
    (folder / "short.safetensors").write_bytes(b"\1\2")
    outcome = run_main("models", "scan", folder)
    assert_clean(outcome)
    assert outcome.code == 0
    assert "7 model(s), 6 unusable" in outcome.out
    for reason in (
        "nested 5000 levels deep",
        "__metadata__ 'a' is a list, not text",
        "tensor 'b': data_offsets start at 0, overlaps",
        "unknown dtype 'Q8'",
        "a 2-D or 4-D weight is needed",
        "not a safetensors file (only 2 bytes)",
    ):
        assert reason in outcome.out, outcome.out
    listed = json.loads(run_main("models", "scan", folder, "--json").out)
    good = next(m for m in listed if m["path"].endswith("a_good.safetensors"))
    assert good["kind"] == "LoRA" and good["problem"] is None


@pytest.mark.parametrize(
    ("packed", "fragment"),
    [
        ("[" * 200 + "]" * 200, "lora_adapter_metadata: JSON nested 200 levels deep"),
        ("[1]", "lora_adapter_metadata: not a JSON object"),
        ("{bad", "lora_adapter_metadata: not valid JSON"),
        ('{"unet.lora_alpha": "8"}', "unet.lora_alpha: not a number"),
        ('{"unet.lora_alpha": true}', "unet.lora_alpha: not a number"),
        ('{"unet.use_rslora": "yes"}', "unet.use_rslora: not true or false"),
        ('{"unet.alpha_pattern": [1]}', "unet.alpha_pattern: not an object"),
        ('{"unet.alpha_pattern": {"to_q": "x"}}', "'to_q': not a module and alpha"),
        ('{"unet.alpha_pattern": {"(": 4}}', "'(': missing ), unterminated subpattern"),
        (json.dumps({"unet.alpha_pattern": {"a" * 500: 4}}), "not a module and alpha"),
    ],
)
def test_malformed_peft_adapter_metadata_is_refused(packed: str, fragment: str) -> None:
    from workstation.engine.lora_formats import peft_configs

    with pytest.raises(ModelError) as caught:
        peft_configs({"lora_adapter_metadata": packed})
    assert fragment in str(caught.value) and "\n" not in str(caught.value)


def test_well_formed_peft_adapter_metadata_is_read() -> None:
    from workstation.engine.lora_formats import peft_configs

    packed = {"unet.r": 4, "unet.lora_alpha": 8, "unet.alpha_pattern": {"to_q": 2.0}}
    assert peft_configs({"lora_adapter_metadata": json.dumps(packed)}) == {
        "unet": {"r": 4, "lora_alpha": 8, "alpha_pattern": {"to_q": 2.0}}
    }
