"""`workstation metadata IMAGE [--json]` as a user runs it."""

from __future__ import annotations

from tests.conftest import run_cli
from tests.provenance.conftest import a1111_infotext, png_bytes


def test_text_view_shows_recipe_raw_fields_and_warnings(write) -> None:
    text = a1111_infotext(
        "a lighthouse, 中文 <lora:ink:0.8>",
        "blurry",
        {
            "Steps": 20,
            "Sampler": "Euler a",
            "CFG scale": 7,
            "Seed": 42,
            "Size": "512x512",
            "Model hash": "6ce0161689",
            "Model": "sd15",
            "Lora hashes": "ink: 0123456789ab",
            "Steps ": "duplicate-ish key",
        },
    )
    data = png_bytes({"parameters": text}) + b"trailing bytes"
    out = run_cli("metadata", write("a.png", data), check=True).stdout
    assert "Generator   AUTOMATIC1111" in out
    assert "prompt      a lighthouse, 中文 <lora:ink:0.8>" in out
    assert "model       sd15  [AutoV2 6ce0161689]" in out
    assert "LoRA        ink  scale 0.8  hash 0123456789ab  (prompt tag)" in out
    assert "PNG iTXt | parameters: a lighthouse" in out
    assert "bytes follow the PNG's IEND" in out


def test_missing_file_is_a_one_line_error(tmp_path) -> None:
    result = run_cli("metadata", tmp_path / "nope.png")
    assert result.returncode == 2
    assert result.stderr.strip() == f"error: {tmp_path / 'nope.png'}: no such file"
