"""Malformed or hostile metadata is reported, never a crash: fuzz, bad JSON, huge numbers."""

from __future__ import annotations

import json
import random
import zlib

import pytest

from tests.provenance.conftest import (
    a1111_infotext,
    chunk,
    exif_bytes,
    image_bytes,
    png_bytes,
    with_chunks,
)
from tests.provenance.test_comfyui import base_graph
from workstation.analysis.provenance import containers, read_metadata
from workstation.commands.metadata import describe
from workstation.core.errors import InputError

KEYS = [
    "parameters",
    "prompt",
    "workflow",
    "invokeai_metadata",
    "sd-metadata",
    "Dream",
    "Comment",
    "fooocus_scheme",
    "XML:com.adobe.xmp",
]


def reported(meta):
    """The result must serialise as strict JSON and print as UTF-8, whatever the input was."""
    json.dumps(meta.to_dict(), allow_nan=False, ensure_ascii=False).encode("utf-8")
    "\n".join(describe(meta)).encode("utf-8")
    return meta


def test_random_bytes_in_text_chunks(write) -> None:
    rng = random.Random(1)
    base = png_bytes({"Software": "NovelAI"})
    for i in range(150):
        key = rng.choice(KEYS).encode()
        body = rng.randbytes(rng.randint(0, 300))
        if rng.random() < 0.3:  # JSON-ish or A1111-ish garbage reaches the parsers
            body = rng.choice([b"{", b"[", b"a\nSteps: ", b'{"3": {"inputs": ']) + body
        kind = rng.choice([b"tEXt", b"zTXt", b"iTXt"])
        if kind == b"zTXt":
            payload = key + b"\x00\x00" + zlib.compress(body)
        elif kind == b"iTXt":
            payload = key + b"\x00" + bytes([rng.randint(0, 1), 0]) + b"en\x00\x00" + body
        else:
            payload = key + b"\x00" + body
        if rng.random() < 0.1:
            payload = rng.randbytes(40)
        reported(read_metadata(write(f"f{i}.png", with_chunks(base, chunk(kind, payload)))))


@pytest.mark.parametrize("key", ["prompt", "workflow", "invokeai_metadata", "sd-metadata"])
def test_invalid_json_is_a_warning(write, key: str) -> None:
    meta = reported(read_metadata(write("j.png", png_bytes({key: '{"3": {"inputs": '}))))
    assert any("not valid JSON" in w for w in meta.warnings)
    assert meta.generator == "none"


def test_novelai_with_broken_comment(write) -> None:
    meta = reported(
        read_metadata(
            write(
                "n.png",
                png_bytes({"Software": "NovelAI", "Description": "a prompt", "Comment": "{nope"}),
            )
        )
    )
    assert meta.generator == "NovelAI" and meta.recipe.prompt == "a prompt"
    assert any("not valid JSON" in w for w in meta.warnings)


def test_huge_and_non_finite_values(write) -> None:
    text = a1111_infotext(
        "p",
        "",
        {
            "Steps": "1e99",
            "Seed": 10**40,
            "CFG scale": "nan",
            "Size": "99999999x99999999",
            "Denoising strength": "inf",
            "Clip skip": "two",
            "Variation seed": 10**500,
        },
    )
    meta = reported(read_metadata(write("h.png", png_bytes({"parameters": text}))))
    r = meta.recipe
    assert (r.steps, r.cfg, r.denoising_strength, r.clip_skip) == (None, None, None, None)
    assert r.seed == 10**40 and r.width == 99999999  # as recorded; GenerationParams refuses
    assert len([w for w in meta.warnings if "not a" in w]) == 4
    with pytest.raises(InputError):
        meta.to_generation_params("m")

    graph = base_graph()
    graph["3"]["inputs"].update(seed=1e400, steps=[1, 2], cfg=float("nan"), sampler_name=None)
    comfy = reported(read_metadata(write("c.png", png_bytes({"prompt": json.dumps(graph)}))))
    assert (comfy.recipe.seed, comfy.recipe.steps, comfy.recipe.cfg) == (None, None, None)


def test_non_utf8_itxt_lone_surrogates_and_deep_nesting(write) -> None:
    bad = chunk(
        b"iTXt", b"parameters\x00\x00\x00\x00\x00caf\xe9 \xff\xfe\nSteps: 1, Seed: 2, Size: 8x8"
    )
    meta = reported(read_metadata(write("u.png", with_chunks(png_bytes(), bad))))
    assert meta.raw[0].value.startswith("caf\\xe9 \\xff\\xfe")
    assert any("not valid UTF-8" in w for w in meta.warnings)
    assert meta.recipe.seed == 2

    graph = base_graph()
    graph["6"]["inputs"]["text"] = "x\ud800y"
    meta = reported(read_metadata(write("s.png", png_bytes({"prompt": json.dumps(graph)}))))
    assert meta.recipe.prompt == "x\\ud800y"

    deep = reported(read_metadata(write("d.png", png_bytes({"prompt": '{"a": ' + "[" * 100_000}))))
    assert any("JSON" in w for w in deep.warnings)


def test_damaged_containers(write) -> None:
    good = png_bytes({"parameters": "p\nSteps: 1, Seed: 2, Size: 8x8"})
    bad_crc = with_chunks(png_bytes(), chunk(b"tEXt", b"k\x00v", crc=0))
    cases = {
        "crc.png": (bad_crc, "bad CRC"),
        "trunc.png": (good[: len(good) // 2], "runs past the end of the file"),
        "tail.png": (good + b"appended secret", "bytes follow the PNG's IEND"),
        "tail.jpg": (image_bytes("JPEG") + b"more", "bytes follow the JPEG's end"),
        "cut.jpg": (image_bytes("JPEG")[:300], "is truncated"),
        "noend.jpg": (image_bytes("JPEG")[:-20], "no end-of-image"),
        "cut.webp": (image_bytes("WEBP")[:30], "WebP"),
        "text.png": (b"this is not an image at all", "Pillow cannot read"),
        "empty.jpg": (b"", "Pillow cannot read"),
    }
    for name, (data, expected) in cases.items():
        meta = reported(read_metadata(write(name, data)))
        assert any(expected in w for w in meta.warnings), (name, meta.warnings)
    assert read_metadata(write("empty.jpg", b"")).format == "unknown"
    with pytest.raises(InputError, match="no such file"):
        read_metadata(write("x.png", b"").with_name("missing.png"))


def test_decompression_bomb_is_cut(write, monkeypatch) -> None:
    monkeypatch.setattr(containers, "TEXT_BUDGET", 1 << 20)
    bomb = chunk(b"zTXt", b"parameters\x00\x00" + zlib.compress(b"a" * (8 << 20), 9))
    meta = reported(read_metadata(write("bomb.png", with_chunks(png_bytes(), bomb))))
    assert len(meta.raw[0].value) == 1 << 20
    assert any("decompresses to more than" in w for w in meta.warnings)


def test_entity_xmp_and_corrupt_exif(write) -> None:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><x>&b;</x>'
    )
    meta = reported(
        read_metadata(write("x.png", png_bytes({"XML:com.adobe.xmp": laughs}, itxt=True)))
    )
    assert any("DOCTYPE" in w for w in meta.warnings)

    jpeg = image_bytes("JPEG")
    corrupt = jpeg[:2] + b"\xff\xe1\x00\x20Exif\x00\x00MM\x00*\x00\x00\xff\xff" + b"\x00" * 16
    meta = reported(read_metadata(write("e.jpg", corrupt + jpeg[2:])))
    assert any("EXIF" in w for w in meta.warnings)


def test_mutated_real_files(write) -> None:
    text = a1111_infotext(
        "p, <lora:x:0.5>",
        "n",
        {"Steps": 20, "Seed": 1, "Size": "64x64", "Lora hashes": "x: 0123456789ab"},
    )
    comment = b"UNICODE\x00" + text.encode("utf-16-be")
    files = [
        png_bytes({"parameters": text, "prompt": json.dumps(base_graph())}),
        image_bytes("JPEG", exif=exif_bytes(comment)),
        image_bytes("WEBP", exif=exif_bytes(comment)),
    ]
    rng = random.Random(3)
    for n, original in enumerate(files):
        for i in range(60):
            data = bytearray(original)
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(min(len(data), 3000))] = rng.randrange(256)
            reported(read_metadata(write(f"m{n}_{i}", bytes(data))))


def test_hostile_comfyui_graphs(write) -> None:
    graph = base_graph()
    previous = ["6", 0]
    for i in range(100, 300):  # each node combines the one before twice: 2**200 paths
        graph[str(i)] = {
            "class_type": "ConditioningCombine",
            "inputs": {"conditioning_1": previous, "conditioning_2": previous},
        }
        previous = [str(i), 0]
    graph["3"]["inputs"]["positive"] = previous
    graph["50"] = {"class_type": "Reroute", "inputs": {"": ["51", 0]}}
    graph["51"] = {"class_type": "Reroute", "inputs": {"": ["50", 0]}}  # a cycle
    graph["3"]["inputs"]["model"] = ["50", 0]
    meta = reported(read_metadata(write("g.png", png_bytes({"prompt": json.dumps(graph)}))))
    assert meta.recipe.prompt.startswith("a lighthouse") and meta.recipe.model_name is None

    text = 'p\nSteps: 1, Seed: 2, Size: 8x8, Note: "\\ud800, a lone surrogate"'
    meta = reported(read_metadata(write("q.png", png_bytes({"parameters": text}))))
    assert dict(meta.recipe.settings)["Note"] == "\\ud800, a lone surrogate"
