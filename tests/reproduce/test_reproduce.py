"""Reproducing an image from its own metadata: models found by hash, regenerated, compared."""

from __future__ import annotations

import json

import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfReader

from tests.conftest import run_cli
from workstation.analysis.reproduce import (
    WORKSTATION_RECORD,
    plan_reproduction,
    regenerate,
    store_reproduction,
)
from workstation.core.case import Case
from workstation.core.errors import InputError


def test_own_png_finds_the_checkpoint_by_sha256_and_matches_exactly(images, models_dir, tmp_path):
    plan = plan_reproduction(images["plain"], models_dir)
    assert plan.source == WORKSTATION_RECORD
    (checkpoint,) = plan.matches
    assert checkpoint.matched_by == "SHA-256"
    assert checkpoint.path == str(models_dir / "checkpoint-v1.safetensors")  # another name
    assert plan.missing == []

    result = regenerate(plan, tmp_path / "again.png")
    assert result.exact_match
    assert result.pixels.max_abs == 0 and result.pixels.identical_fraction == 1.0
    assert result.pixels.psnr_db is None  # identical: infinite
    assert result.report.structure.ssim == pytest.approx(1.0)
    assert result.report.hash("phash").distance == 0
    assert "the disputed image's pixels are the ones its record says were generated" in (
        result.notes
    )
    payload = result.to_dict()
    assert payload["exact_match"] is True
    assert payload["comparison"]["schema"] == "workstation.pair-report/1"
    assert payload["params"]["model_sha256"] == checkpoint.sha256


def test_a1111_png_finds_models_by_autov2_and_addnet_hash_and_matches_exactly(
    images, models_dir, tmp_path
):
    """Parameters text only, hashes as A1111 writes them; the files have other names."""
    record = images["lora_record"]
    plan = plan_reproduction(images["lora_a1111"], models_dir)
    # the workstation's own image, in A1111's text format only: attributed to the workstation
    assert plan.generator == "Workstation" and plan.record is None
    checkpoint, lora = plan.matches
    assert checkpoint.looked_for == (("AutoV2", record["model"]["autov2"]),)
    assert checkpoint.matched_by == "AutoV2"
    assert lora.name == "kohya" and lora.scale == 0.8
    assert lora.looked_for == (("addnet", record["loras"][0]["addnet"][:12]),)
    assert lora.matched_by == "addnet"
    assert lora.path == str(models_dir / "loras" / "style.safetensors")

    result = regenerate(plan, tmp_path / "again.png")
    assert result.exact_match, result.pixels


def test_own_png_with_a_lora_finds_it_by_sha256(images, models_dir):
    plan = plan_reproduction(images["lora"], models_dir)
    checkpoint, lora = plan.matches
    assert (checkpoint.matched_by, lora.matched_by) == ("SHA-256", "SHA-256")
    assert dict(lora.looked_for)["addnet"] == images["lora_record"]["loras"][0]["addnet"]
    assert plan.params.loras[0].path == str(models_dir / "loras" / "style.safetensors")


def test_name_is_the_fallback_and_says_the_file_is_not_the_recorded_one(images, tmp_path):
    from workstation.engine.tiny import build_tiny_model

    other = tmp_path / "models"
    build_tiny_model(other / "tiny.safetensors", "single-file", seed=7)  # same name, other bytes
    plan = plan_reproduction(images["plain_a1111"], other)
    (checkpoint,) = plan.matches
    assert checkpoint.matched_by == "name" and not checkpoint.by_hash
    assert any("matched by name only" in note for note in checkpoint.notes)
    assert plan.params is not None and plan.params.model_sha256 is None


def test_missing_models_are_listed_with_the_hashes_looked_for(images, tmp_path):
    record = images["lora_record"]
    empty = tmp_path / "empty"
    empty.mkdir()
    plan = plan_reproduction(images["lora_a1111"], empty)
    assert plan.params is None
    assert [m.role for m in plan.missing] == ["checkpoint", "LoRA"]

    result = run_cli("reproduce", images["lora_a1111"], "--models", empty)
    assert result.returncode == 1, result.stderr
    assert f"AutoV2 {record['model']['autov2']}" in result.stdout
    assert f"addnet {record['loras'][0]['addnet'][:12]}" in result.stdout
    assert result.stdout.count("NOT FOUND") == 2
    assert "2 model(s) not found" in result.stdout

    as_json = json.loads(run_cli("reproduce", images["plain"], "--models", empty, "--json").stdout)
    assert as_json["status"] == "models missing"
    assert as_json["matches"][0]["looked_for"][0] == {
        "kind": "SHA-256",
        "value": json.loads(Image.open(images["plain"]).text["workstation"])["model"]["sha256"],
    }


def test_an_unusable_record_falls_back_to_the_parameters_text(images, models_dir, tmp_path):
    broken = tmp_path / "broken.png"
    with Image.open(images["plain"]) as image:
        image.load()
        info = PngInfo()
        info.add_text("parameters", image.text["parameters"])
        info.add_text("workstation", '{"params": {"seed": "not a number"')
        image.save(broken, pnginfo=info)
    plan = plan_reproduction(broken, models_dir)
    assert plan.record is None and plan.generator == "Workstation"
    assert any("record is unusable" in note for note in plan.notes)
    assert plan.matches[0].matched_by == "AutoV2"


def test_an_img2img_record_needs_its_init_image(origin, models_dir, tmp_path):
    from workstation.engine.generate import generate
    from workstation.engine.loading import load_model
    from workstation.engine.pngmeta import save_png

    from .conftest import base_params

    init = tmp_path / "init.png"
    Image.new("RGB", (64, 64), (200, 120, 40)).save(init)
    params = base_params(origin, init_image=str(init), strength=0.5)
    result = generate(load_model(origin / "tiny.safetensors", device="cpu"), params)
    made = save_png(result.image, tmp_path / "img2img.png", result.record)
    with pytest.raises(InputError, match="give its init image"):
        plan_reproduction(made, models_dir)
    plan = plan_reproduction(made, models_dir, init_image=init)
    assert plan.params.init_sha256 == result.params.init_sha256
    wrong = tmp_path / "wrong.png"
    Image.new("RGB", (64, 64), (0, 0, 0)).save(wrong)
    plan = plan_reproduction(made, models_dir, init_image=wrong)
    with pytest.raises(InputError, match="SHA-256 differs"):
        regenerate(plan, tmp_path / "again.png")


def test_stored_in_a_case_reusing_the_disputed_artifact_and_reported(images, models_dir, tmp_path):
    case_dir = tmp_path / "case"
    with Case.create(case_dir, "reproduction", "Examiner") as case:
        disputed = case.import_file(images["plain"], role="disputed", note="from the web")
        result = regenerate(plan_reproduction(images["plain"], models_dir), tmp_path / "r.png")
        record_id = store_reproduction(case, result, tmp_path / "pictures")
        (record,) = case.records("reproduction")
        assert record.id == record_id
        assert "artifacts" not in record.payload  # its links say what it used and made
        links = {k.label: (k.role, k.artifact_id) for k in record.links}
        assert links["disputed"] == ("input", disputed.id)  # the same bytes are not imported twice
        assert case.artifact(links["regenerated"][1]).role == "generated"
        assert links["regenerated"][0] == "output"
        role, picture = links["difference_map"]
        assert role == "figure" and case.artifact(picture).media_type == "image/png"
        assert len(case.artifacts()) == len(links) == len(record.links)
        assert record.payload["exact_match"] is True
        assert case.verify(log=False).ok

        from workstation.report import ReportOptions, build_report

        out = tmp_path / "report.pdf"
        built = build_report(case, ReportOptions(out=out))
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    assert built.exhibits == 1  # the regenerated image and its pictures belong to the record
    assert "and its reproduction" in text
    assert "Exact match: all 64 × 64 pixels" in text
    assert "checkpoint-v1.safetensors" in text


def test_cli_reproduces_into_a_case(images, models_dir, tmp_path):
    """In a process with the default thread count: the record's count is used for the run."""
    case_dir = tmp_path / "case"
    with Case.create(case_dir, "cli", "Examiner"):
        pass
    out = tmp_path / "again.png"
    result = run_cli(
        "reproduce",
        images["lora"],
        "--models",
        models_dir,
        "--case",
        case_dir,
        "--out",
        out,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("(matched by SHA-256)") == 2
    assert "EXACT MATCH" in result.stdout
    assert "as reproduction record #1" in result.stdout
    assert out.is_file() and json.loads(Image.open(out).text["workstation"])["loras"]
    with Case.open(case_dir) as case:
        assert case.records("reproduction")[0].payload["exact_match"] is True


def test_no_generation_settings_is_a_user_error(models_dir, tmp_path):
    plain = tmp_path / "photo.png"
    Image.new("RGB", (32, 32)).save(plain)
    result = run_cli("reproduce", plain, "--models", models_dir)
    assert result.returncode == 2
    assert "records no generation settings" in result.stderr
