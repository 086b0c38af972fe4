"""Limits, not crashes: a text bomb is cut at the file's budget; a big workflow reads whole."""

from __future__ import annotations

import json
import struct
import tracemalloc
import unicodedata
import zlib

import pytest

from tests.provenance.conftest import chunk, png_bytes, with_chunks
from workstation import cli
from workstation.analysis.images import load_image
from workstation.analysis.provenance import containers, read_metadata
from workstation.commands.terminal import json_text, printable
from workstation.core.errors import InputError
from workstation.core.media import probe

MB = 1 << 20


def zeros_deflated(megabytes: int) -> bytes:
    """A zlib stream of `megabytes` MiB of zeros, built without ever holding them.

    After a full flush the compressor starts afresh, so every further MiB of zeros deflates to
    the same bytes: deflate two, repeat the second, and close with the zlib header and the
    Adler-32 of n zeros (a stays 1, b grows by 1 a byte).
    """
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate: the zlib frame is ours
    block = bytes(MB)
    first = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
    again = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
    adler = ((megabytes * MB) % 65521) << 16 | 1
    body = first + again * (megabytes - 1) + deflate.flush()
    return b"\x78\xda" + body + struct.pack(">I", adler)


def test_the_bomb_helper_is_a_real_stream() -> None:
    inflater = zlib.decompressobj()
    out = inflater.decompress(zeros_deflated(3))
    assert out == bytes(3 * MB) and inflater.eof


def test_text_bomb_is_cut_at_the_budget_in_bounded_memory(write) -> None:
    bomb = zeros_deflated(2048)  # 2 GiB of zeros in about 2 MB
    assert len(bomb) < 3 * MB
    # then a compressed iTXt (flag 1, method 0, no language, no translation), past the budget
    more = chunk(b"iTXt", b"more\x00\x01\x00\x00\x00" + bomb[:100_000])
    png = with_chunks(png_bytes(), chunk(b"zTXt", b"bomb\x00\x00" + bomb), more)
    path = write("bomb.png", png)
    del bomb, png
    tracemalloc.start()
    try:
        meta = read_metadata(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 200 * MB, f"peak {peak / MB:.0f} MiB"
    budget = containers.TEXT_BUDGET
    assert budget == 64 * MB
    (bomb_text,) = [field.value for field in meta.raw if field.key == "bomb"]
    assert len(bomb_text) == budget and set(bomb_text) == {"\x00"}
    assert "more" not in [field.key for field in meta.raw]
    assert any(
        "'bomb'" in w and "decompresses to more than the file's 64 MiB text budget" in w
        for w in meta.warnings
    ), meta.warnings
    assert any("1 more compressed text chunk(s) not inflated" in w for w in meta.warnings)
    # the image is still identified (Pillow refuses its own text, the reader says so)
    assert meta.format == "PNG"
    # import refuses it in one line, naming the limit
    with pytest.raises(InputError, match="text comes to more than 64 MB .*decompression bomb"):
        probe(path)


def test_budget_is_shared_by_all_compressed_chunks(write, monkeypatch) -> None:
    monkeypatch.setattr(containers, "TEXT_BUDGET", 1000)
    text = "a" * 700
    png = png_bytes({"one": text}, zipped=True)
    png = with_chunks(
        png,
        chunk(b"iTXt", b"two\x00\x01\x00en\x00\x00" + zlib.compress(text.encode())),
        chunk(b"zTXt", b"three\x00\x00" + zlib.compress(text.encode())),
        chunk(b"tEXt", b"plain\x00" + text.encode()),  # plain text counts as stored
    )
    meta = read_metadata(write("shared.png", png))
    values = {field.key: field.value for field in meta.raw}
    assert values == {"one": text, "two": "a" * 300}
    assert any("'two'" in w and "read up to there (300 bytes)" in w for w in meta.warnings)
    assert any("first: PNG zTXt 'three'" in w for w in meta.warnings)
    assert any("1 metadata field(s) not read" in w and "PNG tEXt chunk" in w for w in meta.warnings)


def workflow_json(nodes: int) -> str:
    """A ComfyUI editor workflow of the shape the UI saves, `nodes` nodes long."""
    return json.dumps(
        {
            "last_node_id": nodes,
            "nodes": [
                {
                    "id": i,
                    "type": "CLIPTextEncode",
                    "pos": [i * 10, i * 20],
                    "inputs": [{"name": "clip", "type": "CLIP", "link": i}],
                    "widgets_values": [f"prompt {i}: {'lush forest, volumetric light, ' * 4}"],
                }
                for i in range(nodes)
            ],
            "links": [],
            "version": 0.4,
        }
    )


def test_a_3_mb_workflow_in_ztxt_reads_back_exactly(write, tmp_path) -> None:
    workflow = workflow_json(12_000)
    assert len(workflow) > 3 * MB
    path = write("big.png", png_bytes({"workflow": workflow}, zipped=True, size=(32, 24)))
    assert b"zTXt" in path.read_bytes()
    meta = read_metadata(path)
    (field,) = [field for field in meta.raw if field.key == "workflow"]
    assert field.source == "PNG zTXt" and field.value == workflow
    assert (meta.width, meta.height) == (32, 24)
    assert not any("Pillow" in w or "budget" in w for w in meta.warnings), meta.warnings
    # Pillow, which caps text at 1 MiB by default, is given the same budget: import and analysis
    # read the file instead of refusing it as damaged
    assert probe(path).media_type == "image/png"
    assert load_image(path).original_size == (32, 24)


# Terminal output: what files and users wrote is shown escaped, never raw

HOSTILE = (
    "a cat \x1b[2J\x1b]0;pwned\x07 on a mat\nsecond line \u202egnp.exe\u2066x\u2069, 猫\u3000ok"
)
SHOWN = "a cat \\x1b[2J\\x1b]0;pwned\\x07 on a mat"


def unsafe(text: str) -> list[str]:
    """Characters a terminal could act on or hide: controls but the newline, format characters
    (bidi, zero-width), line and paragraph separators."""
    return [
        ch for ch in text if ch != "\n" and unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")
    ]


def run(capsys, *argv: object) -> tuple[int, str, str]:
    code = cli.main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_printable_escapes_what_a_terminal_would_act_on() -> None:
    assert printable("plain 猫 text\u00a0\u3000") == "plain 猫 text\u00a0\u3000"
    assert printable("\x1b[31m\x7f\x9b\u202e\u2066\u200b\ufeff\U000e0001") == (
        "\\x1b[31m\\x7f\\x9b\\u202e\\u2066\\u200b\\ufeff\\U000e0001"
    )
    assert printable("one\ntwo\r\tthree") == "one\\ntwo\\r\\tthree"
    assert printable("one\ntwo\x1b", indent="  ") == "one\n  two\\x1b"
    data = {"name": "a\x1b\u202e\U0001f600\udc80 猫", "n": [1]}
    text = json_text(data)
    assert not unsafe(text) and "\\u001b\\u202e" in text and "猫" in text
    assert json.loads(text) == data


def test_metadata_prints_a_hostile_prompt_escaped(write, capsys) -> None:
    infotext = f"{HOSTILE}\nSteps: 20, Seed: 5, Size: 64x48"
    path = write("hostile.png", png_bytes({"parameters": infotext}))
    assert b"iTXt" in path.read_bytes()  # not Latin-1: Pillow writes it as iTXt, as A1111 does
    code, out, _ = run(capsys, "metadata", path)
    assert code == 0 and not unsafe(out)
    lines = out.splitlines()
    (prompt,) = [n for n, line in enumerate(lines) if line.startswith("  prompt ")]
    assert lines[prompt].endswith(SHOWN)
    assert lines[prompt + 1] == " " * 14 + "second line \\u202egnp.exe\\u2066x\\u2069, 猫\u3000ok"
    assert any(SHOWN + "\\nsecond line" in line for line in lines)  # the raw field, on one line
    code, out, _ = run(capsys, "metadata", path, "--json")
    assert code == 0 and not unsafe(out)
    assert json.loads(out)["recipes"][0]["prompt"] == HOSTILE  # exact


def test_case_list_prints_a_hostile_file_name_escaped(tmp_path, capsys) -> None:
    name = "exhibit\x1b[8m hidden\x1b[0m \u202egnp.png"
    source = tmp_path / name
    source.write_bytes(png_bytes())
    root = tmp_path / "case"
    assert run(capsys, "case", "init", root, "--title", "T\x1b]0;x\x07", "--examiner", "A")[0] == 0
    code, out, _ = run(capsys, "case", "import", root, source)
    assert code == 0 and not unsafe(out)
    code, out, _ = run(capsys, "case", "list", root)
    assert code == 0 and not unsafe(out)
    assert out.startswith("T\\x1b]0;x\\x07 — 1 artifact(s)\n")
    assert out.rstrip("\n").endswith("exhibit\\x1b[8m hidden\\x1b[0m \\u202egnp.png")
    code, out, _ = run(capsys, "case", "list", root, "--json")
    assert code == 0 and not unsafe(out)
    assert json.loads(out)[0]["original_name"] == name
    code, out, _ = run(capsys, "case", "log", root)
    assert code == 0 and not unsafe(out) and "exhibit\\x1b[8m" in out
