"""An A1111 SDXL image with a refiner hand-over: "Refiner: <name> [<AutoV2>]" and "Refiner switch
at" are read, the refiner is found in the model folder by its hash, and the regeneration matches
the disputed pixels exactly (same engine, tiny models)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from workstation.analysis.reproduce import plan_reproduction, regenerate
from workstation.core.params import GenerationParams, RefinerSpec


@pytest.fixture(scope="module")
def xl_origin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from workstation.engine.tiny import build_tiny_model

    folder = tmp_path_factory.mktemp("xl-origin")
    build_tiny_model(folder / "xlbase", architecture="tiny-sdxl")
    build_tiny_model(
        folder / "refiner_v1.safetensors", "single-file", seed=7, architecture="tiny-sdxl-refiner"
    )
    return folder


def _disputed(origin: Path, out: Path, by: str, version: str) -> Path:
    from workstation.engine.generate import generate
    from workstation.engine.hashing import compute_hashes
    from workstation.engine.loading import load_model

    refiner = origin / "refiner_v1.safetensors"
    params = GenerationParams(
        model=str(origin / "xlbase"),
        prompt="a lighthouse at dusk",
        negative="blurry",
        seed=5,
        steps=6,
        cfg=5.0,
        sampler="Euler",
        width=64,
        height=64,
        convention="a1111",
        prompt_syntax="a1111",
        refiner=RefinerSpec(str(refiner), 0.5, switch_by=by),
    )
    made = generate(load_model(params.model, device="cpu"), params, decode_steps=())
    autov2 = compute_hashes(refiner).autov2
    infotext = (
        f"{params.prompt}\nNegative prompt: {params.negative}\n"
        "Steps: 6, Sampler: Euler, Schedule type: Automatic, CFG scale: 5, Seed: 5, Size: 64x64, "
        f"Model: xlbase, RNG: CPU, Refiner: refiner_v1 [{autov2}], Refiner switch at: 0.5, "
        f"Version: {version}"
    )
    info = PngInfo()
    info.add_text("parameters", infotext)
    made.image.save(out, pnginfo=info)
    return out


@pytest.mark.parametrize(("by", "version"), [("sigma", "v1.10.1"), ("steps", "v1.7.0")])
def test_a1111_refiner_is_found_by_hash_and_reproduced(xl_origin, tmp_path, by, version) -> None:
    models = tmp_path / "models"
    models.mkdir()
    shutil.copytree(xl_origin / "xlbase", models / "xlbase")
    shutil.copyfile(xl_origin / "refiner_v1.safetensors", models / "renamed-refiner.safetensors")
    disputed = _disputed(xl_origin, tmp_path / "disputed.png", by, version)

    plan = plan_reproduction(disputed, models, device="cpu")
    refiner = next(m for m in plan.matches if m.role == "refiner")
    assert (
        refiner.matched_by == "AutoV2" and Path(refiner.path).name == "renamed-refiner.safetensors"
    )
    spec = plan.params.refiner
    assert (spec.switch_at, spec.switch_by) == (0.5, by)  # before 1.8: by sampling steps
    done = regenerate(plan, tmp_path / "again.png")
    assert done.exact_match, done.pixels
    assert done.record["sampling"]["refiner"]["sha256"] == refiner.sha256
    assert Image.open(tmp_path / "again.png").size == (64, 64)


def test_a_missing_refiner_is_listed_as_missing(xl_origin, tmp_path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    shutil.copytree(xl_origin / "xlbase", models / "xlbase")
    disputed = _disputed(xl_origin, tmp_path / "disputed.png", "sigma", "v1.10.1")
    plan = plan_reproduction(disputed, models, device="cpu")
    assert [m.role for m in plan.missing] == ["refiner"]
    assert plan.params is None
    assert "refiner_v1" in plan.missing[0].describe_wanted()


@pytest.mark.parametrize(("convention", "syntax"), [("a1111", "a1111"), ("workstation", "plain")])
def test_our_own_record_finds_the_refiner_by_sha256(xl_origin, tmp_path, convention, syntax):
    from workstation.engine.generate import generate
    from workstation.engine.loading import load_model
    from workstation.engine.pngmeta import save_png

    models = tmp_path / "models"
    models.mkdir()
    shutil.copytree(xl_origin / "xlbase", models / "base-copy")
    shutil.copyfile(xl_origin / "refiner_v1.safetensors", models / "other-name.safetensors")
    params = GenerationParams(
        model=str(xl_origin / "xlbase"),
        prompt="a lighthouse",
        seed=9,
        steps=4,
        sampler="DPM++ 2M",
        width=64,
        height=64,
        convention=convention,
        prompt_syntax=syntax,
        refiner=RefinerSpec(str(xl_origin / "refiner_v1.safetensors"), 0.6),
    )
    made = generate(load_model(params.model, device="cpu"), params, decode_steps=())
    disputed = save_png(made.image, tmp_path / "ours.png", made.record)
    plan = plan_reproduction(disputed, models, device="cpu")
    refiner = next(m for m in plan.matches if m.role == "refiner")
    assert refiner.matched_by == "SHA-256" and refiner.path.endswith("other-name.safetensors")
    assert plan.params.refiner.model_sha256 == made.params.refiner.model_sha256
    assert regenerate(plan, tmp_path / "again.png").exact_match
