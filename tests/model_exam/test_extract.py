"""`workstation exam extract`: FineXtract-style extraction on the tiny model with a tiny LoRA —
bit-for-bit repeatable, stored with its images and nearest works, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from workstation.analysis.model_exam.extract import ExtractSettings, cluster, nearest
from workstation.app.case_writer import CaseWriter
from workstation.app.exam_extract import ExtractRequest, extract
from workstation.cli import main
from workstation.core.errors import InputError
from workstation.engine.runtime import Runtime


def _request(model: Path, lora: Path | None, **more) -> ExtractRequest:
    options = {"count": 4, "steps": 3, "size": 32, "device": "cpu", **more}
    return ExtractRequest(model=model, lora=lora, **options)


def _runtime() -> Runtime:
    return Runtime(threads=1, deterministic=True)


def test_bit_for_bit_repeatable_and_the_lora_matters(tiny_model: Path, tiny_lora: Path):
    first = extract(_request(tiny_model, tiny_lora), None, _runtime())
    again = extract(_request(tiny_model, tiny_lora), None, _runtime())
    assert len(first.images) == 4 and first.images[0].shape == (32, 32, 3)
    assert all(np.array_equal(a, b) for a, b in zip(first.images, again.images, strict=True))
    assert first.result["clusters"] == again.result["clusters"]
    assert first.result["settings"]["seeds"] == [0, 1, 2, 3]
    # w' = 3 is the paper's 1/λ: λ = 1/3 is recorded with it
    assert first.result["settings"]["scale"] == 3.0
    assert first.result["settings"]["lambda"] == pytest.approx(1 / 3, abs=1e-6)
    seeds = sorted(s for row in first.result["clusters"] for s in row["members"])
    assert seeds == [0, 1, 2, 3]
    weaker = extract(_request(tiny_model, tiny_lora, scale=1.0), None, _runtime())
    assert not np.array_equal(first.images[0], weaker.images[0])  # λ changes the sampling
    other = extract(_request(tiny_model, tiny_lora, seed=7), None, _runtime())
    assert not np.array_equal(first.images[0], other.images[0])


def test_kmeans_separates_two_groups_and_nearest_orders_by_phash():
    rng = np.random.default_rng(0)
    points = np.concatenate([rng.normal(0, 0.01, (5, 8)), rng.normal(1, 0.01, (3, 8))])
    groups = cluster(points, 2, seed=0)
    assert [len(g.members) for g in groups] == [5, 3]
    assert set(groups[0].members) == {0, 1, 2, 3, 4} and groups[0].medoid in groups[0].members
    stripes = np.zeros((32, 32, 3), np.uint8)
    stripes[:, ::4] = 255
    noise = rng.integers(0, 256, (32, 32, 3), dtype=np.uint8)
    rows = nearest(stripes, [noise, stripes.copy()])
    assert rows[0]["index"] == 1 and rows[0]["phash_distance"] == 0
    assert rows[1]["phash_distance"] > 0


def test_stored_with_images_and_nearest_works(
    tiny_model: Path, tiny_lora: Path, scenes32: list[Path], case_dir: Path
):
    from workstation.core.case import Case

    with Case.open(case_dir) as case:
        works = case.import_files(scenes32[:2], role="reference")
    done = extract(_request(tiny_model, tiny_lora), CaseWriter(case_dir), _runtime())
    assert done.record_id is not None
    nearest_ids = {row["nearest"][0]["artifact_id"] for row in done.result["clusters"]}
    assert nearest_ids <= {w.id for w in works} and done.result["works_compared"] == 2
    with Case.open(case_dir) as case:
        record = case.record(done.record_id)
        assert record.body.method == "extract"
        outputs = [link for link in record.links if link.role == "output"]
        assert len(outputs) == 4
        stored = case.artifact(outputs[0].artifact_id)
        assert stored.role == "generated" and stored.width == 32
        references = {link.artifact_id for link in record.links if link.role == "reference"}
        assert references == nearest_ids
        assert case.verify().ok
    assert main(["case", "verify", str(case_dir)]) == 0


def test_bad_inputs_one_line_and_case_unchanged(
    tiny_model: Path, tiny_lora: Path, case_dir: Path, tmp_path: Path, capsys
):
    from safetensors.torch import load_file, save_file

    with pytest.raises(InputError, match="no LoRA"):
        extract(_request(tiny_model, None))
    with pytest.raises(InputError, match="count must be at least 1"):
        ExtractSettings(count=0)
    for scale in (0.0, -1.0, float("nan")):
        with pytest.raises(InputError, match="guidance scale"):
            ExtractSettings(scale=scale)
    before = sorted(p.name for p in (case_dir / "objects").rglob("*"))
    base = ["exam", "extract", "--model", str(tiny_model), "--case", str(case_dir)]
    assert main([*base, "--lora", str(tiny_lora), "--count", "0"]) == 2
    err = capsys.readouterr().err
    assert "count must be at least 1" in err and err.count("\n") == 1
    assert main(base) == 2
    assert "no LoRA" in capsys.readouterr().err
    # a LoRA for another base: the tensors of a model twice as wide
    wide = {}
    for name, tensor in load_file(tiny_lora).items():
        repeats = [2 if size > 8 else 1 for size in tensor.shape]
        wide[name] = tensor.repeat(*repeats) if repeats else tensor
    other = tmp_path / "other-base.safetensors"
    save_file(wide, other)
    assert main([*base, "--lora", str(other), "--size", "32", "--count", "2"]) != 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert sorted(p.name for p in (case_dir / "objects").rglob("*")) == before


def test_cli_json(tiny_model: Path, tiny_lora: Path, capsys):
    argv = ["exam", "extract", "--model", str(tiny_model), "--lora", str(tiny_lora)]
    options = ["--count", "2", "--steps", "2", "--size", "32", "--device", "cpu", "--json"]
    assert main([*argv, *options]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["method"] == "extract" and result["settings"]["seeds"] == [0, 1]
    assert result["loras"][0]["sha256"] and result["limit"]
