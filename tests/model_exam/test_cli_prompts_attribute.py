"""`workstation exam prompts|attribute` end to end on the tiny model: JSON keys, the text
output, one-line errors that leave the case unchanged."""

from __future__ import annotations

import json
from pathlib import Path

from workstation.analysis.model_exam.attribute import photo_like
from workstation.cli import main


def test_exam_prompts_json_and_text(tiny_model: Path, tmp_path: Path, capsys):
    prompts = tmp_path / "prompts.txt"
    prompts.write_text("a knight in armour\na castle on a hill\n", encoding="utf-8")
    common = ["exam", "prompts", "--model", str(tiny_model), "--prompts", str(prompts)]
    options = ["--seeds", "0,1", "--size", "32", "--reference", "batch", "--device", "cpu"]
    assert main([*common, *options, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["method"] == "prompts" and result["settings"]["seeds"] == [0, 1]
    first = result["prompts"][0]
    assert first["prompt"] == "a knight in armour" and len(first["magnitudes"]) == 2
    assert {"magnitude", "z", "flagged", "tokens"} <= set(first)
    assert main([*common, *options]) == 0
    text = capsys.readouterr().out
    assert "reference: batch (2 prompts)" in text and "tokens: " in text and "limit: " in text


def test_exam_prompts_bad_inputs(tiny_model: Path, tiny_lora: Path, tmp_path: Path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_text("\n", encoding="utf-8")
    base = ["exam", "prompts", "--model", str(tiny_model)]
    assert main([*base, "--prompts", str(empty)]) == 2
    assert "holds no prompts" in capsys.readouterr().err
    from safetensors.torch import load_file, save_file

    bare = tmp_path / "no-captions.safetensors"  # the tensors, no kohya metadata
    save_file(load_file(tiny_lora), bare, metadata={"format": "pt"})
    assert main([*base, "--from-lora", str(bare)]) == 2
    err = capsys.readouterr().err
    assert "records no training captions" in err and err.count("\n") == 1


def test_exam_attribute_text_and_case(tiny_model: Path, case_dir: Path, tmp_path: Path, capsys):
    from workstation.core.case import Case

    photo = tmp_path / "photo.png"
    photo_like(32, seed=9).save(photo)
    options = ["--generated", "1", "--synthetic", "1", "--size", "32", "--steps", "2"]
    argv = ["exam", "attribute", str(photo), "--models", str(tiny_model), *options]
    assert main([*argv, "--device", "cpu", "--case", str(case_dir)]) == 0
    out = capsys.readouterr().out
    assert "1. " in out and "calibration: threshold" in out and "verdict: closest: tiny" in out
    assert "as exam record #" in out
    # bad inputs: one line, and the case keeps what it had
    with Case.open(case_dir) as case:
        before = len(case.records())
    not_image = tmp_path / "x.png"
    not_image.write_text("text", encoding="utf-8")
    for image, models, message in (
        (not_image, tiny_model, "not an image"),
        (photo, tmp_path / "nothing", "not found"),
        (photo, tmp_path, "no base models found"),
    ):
        code = main(
            ["exam", "attribute", str(image), "--models", str(models), "--case", str(case_dir)]
        )
        err = capsys.readouterr().err
        assert code == 2 and message in err and err.count("\n") == 1
    with Case.open(case_dir) as case:
        assert len(case.records()) == before
