"""Each hostile-metadata finding, as its smallest file: read by the reader, by `workstation
metadata`, and imported into a case — a warning in the result, never a crash or a hang."""

from __future__ import annotations

import json
import time
import tracemalloc
from pathlib import Path

import pytest

from tests.hostile import assert_clean, case_state, run_main
from tests.provenance.hostile import strategies as hs
from workstation.analysis.provenance import a1111, comfyui, fooocus, read_metadata, xmp
from workstation.analysis.provenance.exif import read_exif
from workstation.analysis.provenance.values import MAX_DIGITS, strip_extra_networks, to_int
from workstation.core.case import Case

SETTINGS = "Steps: 20, Sampler: Euler a, Seed: 5"


def png_with(**texts: str) -> bytes:
    chunks = [hs.png_chunk(b"tEXt", f"{k}\x00{v}".encode()) for k, v in texts.items()]
    return hs.PNG_SIGNATURE + b"".join(hs.tiny_png() + chunks) + hs.png_chunk(b"IEND", b"")


def read_everywhere(tmp_path: Path, data: bytes, suffix: str = ".png", *, imported: bool = True):
    """The reader's result, after the CLI (text and JSON) and a case import were held to the
    one-line promise; the case's provenance record is the reader's own."""
    path = tmp_path / f"finding{suffix}"
    path.write_bytes(data)
    meta = read_metadata(path)
    for extra in ((), ("--json",)):
        outcome = run_main("metadata", path, *extra)
        assert_clean(outcome)
        assert outcome.code == 0, outcome.err
    if not imported:
        return meta
    case_dir = tmp_path / "case"
    assert run_main("case", "init", case_dir, "--title", "T", "--examiner", "E").code == 0
    before = case_state(case_dir)
    outcome = run_main("case", "import", case_dir, path)
    assert_clean(outcome)
    if outcome.code != 0:
        assert case_state(case_dir) == before
    else:
        with Case.open(case_dir, readonly=True) as case:
            signals = case.records("provenance")[-1].body.signals
        assert signals["warnings"] == list(meta.warnings)
    return meta


# --- A1111 infotext -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        # a Size whose digits int() refuses (Python's 4,300-digit limit)
        (f"Size: {'9' * 5000}x8", "is not WIDTHxHEIGHT"),
        (f"Size: 8x8, Hires resize: 1x{'9' * 5000}, Denoising strength: 0.5", None),
        # a first-pass size times an upscale past any float
        ("Size: 999999999x8, Hires upscale: 1e308, Denoising strength: 0.5", None),
        # A1111's version and the ADetailer unit number: digits past int()'s limit
        (f"Refiner: r, Refiner switch at: 0.5, Version: v{'9' * 5000}.1", None),
        (f"ADetailer model {'9' * 5000}th: face.pt", None),
        # a refiner switch that is no share of the steps, times the steps
        ("Refiner: r, Refiner switch at: 1e308, Refiner switch by sampling steps: True", None),
    ],
)
def test_a1111_numbers_past_any_size(tmp_path: Path, settings: str, expected: str | None) -> None:
    meta = read_everywhere(tmp_path, png_with(parameters=f"a cat\n{SETTINGS}, {settings}"))
    assert meta.generator == "AUTOMATIC1111" and meta.recipe.prompt == "a cat"
    if expected:
        assert any(expected in warning for warning in meta.warnings), meta.warnings


@pytest.mark.parametrize(
    "text",
    [
        "<a:" * 40_000 + f"\n{SETTINGS}",  # tags left open: quadratic in `re` from each "<"
        f"p\nNegative prompt: {'<lora:' * 40_000}\n{SETTINGS}",
        f"p\n{SETTINGS}, Refiner: x{' ' * 40_000}y [0123abcd]",  # a lazy name before \s*\[
    ],
)
def test_a1111_text_is_read_in_linear_time(text: str) -> None:
    start = time.perf_counter()
    recipe, _ = a1111.parse(text, "t")
    assert time.perf_counter() - start < 1.0
    assert recipe.seed == 5


def test_extra_network_tags_are_found_as_a1111_finds_them() -> None:
    text = "a <lora:x:0.5> b <lora:y:1> <hypernet:h:1>< c <lora:open"
    assert strip_extra_networks(text) == "a  b  < c <lora:open"
    recipe, _ = a1111.parse(f"{text}\n{SETTINGS}", "t")
    assert [lora.name for lora in recipe.loras] == ["x", "y"]


def test_refiner_name_and_hash() -> None:
    recipe, _ = a1111.parse(
        f"p\n{SETTINGS}, Refiner: sd_xl_refiner  [7440042BBD], Refiner switch at: 0.8", "t"
    )
    assert recipe.peer.refiner == "sd_xl_refiner" and recipe.peer.refiner_hash == "7440042bbd"
    recipe, _ = a1111.parse(f"p\n{SETTINGS}, Refiner: [nothash] x", "t")
    assert recipe.stages[1].model == "[nothash] x"


# --- ComfyUI --------------------------------------------------------------------------------------


def test_comfyui_node_ids_that_int_refuses(tmp_path: Path) -> None:
    sampler = {
        "class_type": "KSampler",
        "inputs": {"seed": 1, "steps": 2, "sampler_name": "euler", "model": ["x", 0]},
    }
    graph = {"9" * 5000: sampler, "²": dict(sampler), "007": dict(sampler), "7": dict(sampler)}
    meta = read_everywhere(tmp_path, png_with(prompt=json.dumps(graph)))
    assert meta.generator == "ComfyUI"
    assert len(meta.recipe.stages) == 4
    ids = ["²", "9" * 5000, "10", "7"]
    assert sorted(ids, key=comfyui._id_order) == ["7", "10", "9" * 5000, "²"]  # by value


def test_comfyui_editor_node_inputs_that_are_not_a_list(tmp_path: Path) -> None:
    workflow = {
        "nodes": [{"id": 1, "type": "KSampler", "inputs": 1, "widgets_values": [5, "fixed", 20]}],
        "links": [[1, 1, 0, 1, 0, "LATENT"]],
    }
    meta = read_everywhere(tmp_path, png_with(workflow=json.dumps(workflow)))
    assert meta.generator == "ComfyUI" and meta.recipe.seed == 5


@pytest.mark.parametrize("kind", ["latent", "model", "clip", "text"])
@pytest.mark.parametrize("loop", [False, True])
def test_comfyui_chains_of_2000_nodes(tmp_path: Path, kind: str, loop: bool) -> None:
    """A path of 2,000 nodes is walked without recursion, a loop ends it with a warning."""
    graph = hs.comfy_chain(2000, kind, loop)
    start = time.perf_counter()
    meta = read_everywhere(tmp_path, png_with(prompt=json.dumps(graph)), imported=False)
    assert time.perf_counter() - start < 10
    assert meta.generator == "ComfyUI"
    if loop and kind in ("latent", "model"):
        assert any("loops back" in warning for warning in meta.warnings), meta.warnings


# --- Fooocus, values ------------------------------------------------------------------------------


def test_fooocus_numbers_past_any_size() -> None:
    data = {
        "resolution": f"({'9' * 5000}, 8)",
        "steps": 10**90,
        "refiner_model": "r.safetensors",
        "refiner_switch": 1e308,
        "sampler": "euler",
    }
    recipe, warnings = fooocus.parse(json.dumps(data), None, "t")
    assert recipe.width is None and recipe.stages[0].end_step is None
    assert any("not (w, h)" in w for w in warnings) and any("refiner_switch" in w for w in warnings)


def test_whole_numbers_have_at_most_max_digits() -> None:
    warnings: list[str] = []
    assert to_int(10**MAX_DIGITS - 1, "n", warnings) == 10**MAX_DIGITS - 1
    assert to_int(10**MAX_DIGITS, "n", warnings) is None
    assert to_int(1e300, "n", warnings) is None
    assert to_int("٣", "n", warnings) is None  # ASCII digits only
    assert len(warnings) == 3


# --- EXIF -----------------------------------------------------------------------------------------


def test_exif_xp_tag_written_as_shorts(tmp_path: Path) -> None:
    """XPTitle is BYTE by Microsoft's definition; written as SHORT its values exceed a byte."""
    entry = (0x9C9B).to_bytes(2, "little") + b"\x03\x00" + b"\x02\x00\x00\x00" + b"\x00\x01\xff\xff"
    block = b"II*\x00\x08\x00\x00\x00" + b"\x01\x00" + entry + b"\x00\x00\x00\x00"
    warnings: list[str] = []
    _, raw = read_exif([("t", block)], warnings)
    assert [field.value for field in raw] == ["256, 65535"]
    meta = read_everywhere(tmp_path, hs.jpeg_with([(b"\xe1", b"Exif\x00\x00" + block)]), ".jpg")
    assert meta.format == "JPEG"


# --- a field of hundreds of MB ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "head"),
    [
        (b"tEXt", b"parameters\x00"),
        (b"iTXt", b"workflow\x00\x00\x00\x00\x00"),
        (b"zTXt", b"prompt\x00\x00"),
        (b"eXIf", b"MM\x00*"),
    ],
)
def test_a_png_chunk_of_hundreds_of_mb_is_not_copied(tmp_path: Path, kind: bytes, head: bytes):
    """A sparse file (no disk used): one metadata chunk of 200 MiB after the image data. It is
    past the file's budget, so it is skipped with a warning, never copied into memory."""
    size = 200 << 20
    path = tmp_path / "huge.png"
    with open(path, "wb") as out:
        out.write(hs.PNG_SIGNATURE + b"".join(hs.tiny_png()))
        out.write(size.to_bytes(4, "big") + kind + head)
        out.seek(size - len(head), 1)
        out.write(b"\x00\x00\x00\x00" + hs.png_chunk(b"IEND", b""))
    tracemalloc.start()
    try:
        meta = read_metadata(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 32 << 20, f"peak {peak >> 20} MiB"
    assert meta.size > size and meta.width == 8
    assert any(
        "1 metadata field(s) not read" in w and f"PNG {kind.decode()} chunk at offset" in w
        for w in meta.warnings
    ), meta.warnings
    assert_clean(run_main("metadata", path, "--json"))


# --- XMP ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", ["deep", "flat"])
def test_xmp_of_a_million_tags_is_not_parsed(tmp_path: Path, shape: str) -> None:
    """An element tree costs about 40 times its text: 64 MiB of `<a/>` would take gigabytes."""
    n = xmp.MAX_XMP_TAGS + 1
    body = "<a>" * n + "</a>" * n if shape == "deep" else "<a/>" * n
    packet = f'<x:xmpmeta xmlns:x="adobe:ns:meta/">{body}</x:xmpmeta>'
    tracemalloc.start()
    try:
        meta = read_everywhere(tmp_path, png_with(**{"XML:com.adobe.xmp": packet}))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 << 20, f"peak {peak >> 20} MiB"
    assert any("more than 100,000; not parsed" in w for w in meta.warnings), meta.warnings


def test_xmp_below_the_tag_limit_is_read() -> None:
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    items = "<rdf:li>h</rdf:li>" * 1000
    packet = (
        f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="{rdf}"><rdf:Description '
        f'xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="T"><xmp:H><rdf:Seq>{items}'
        "</rdf:Seq></xmp:H></rdf:Description></rdf:RDF></x:xmpmeta>"
    )
    warnings: list[str] = []
    assert xmp.read_xmp([("t", packet)], warnings).creator_tool == "T" and not warnings
