"""Which model made this image (AEROBLADE-style VAE reconstruction distance): tiny models with
different random VAEs, two sharing one, a synthetic non-generated image, the calibration's
arithmetic, bad inputs and the stored record."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workstation.analysis.model_exam.attribute import (
    CalibrationSettings,
    attribute,
    calibrate,
    photo_like,
    reconstruction_distance,
    vae_sha256,
)
from workstation.app.exam_attribute import AttributeRequest, find_models
from workstation.app.exam_attribute import attribute as attribute_case
from workstation.core.errors import InputError
from workstation.engine.runtime import Runtime

SMALL = CalibrationSettings(generated=2, real=2, size=64, steps=4)


def _runtime() -> Runtime:
    return Runtime(threads=1, deterministic=True)


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """alpha and beta: different random VAEs; gamma: beta's UNet with alpha's VAE."""
    from workstation.engine.tiny import build_tiny_model

    folder = tmp_path_factory.mktemp("attribution-models")
    alpha = build_tiny_model(folder / "alpha", seed=0)
    beta = build_tiny_model(folder / "beta", seed=10)
    gamma = folder / "gamma"
    shutil.copytree(alpha, gamma)
    shutil.rmtree(gamma / "unet")
    shutil.copytree(beta / "unet", gamma / "unet")
    return {"alpha": alpha, "beta": beta, "gamma": gamma}


@pytest.fixture(scope="module")
def made_by_alpha(models, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 64 px image alpha generated (a seed and prompt the calibration does not use)."""
    from workstation.core.params import GenerationParams
    from workstation.engine.generate import txt2img
    from workstation.engine.loading import load_model

    model = load_model(models["alpha"], device="cpu")
    params = GenerationParams(
        model=str(models["alpha"]), prompt="a lighthouse", seed=77, steps=4, width=64, height=64
    )
    out = tmp_path_factory.mktemp("disputed") / "disputed.png"
    txt2img(model, params, runtime=_runtime(), decode_steps=()).image.save(out)
    return out


@pytest.fixture(scope="module")
def ranking(models, made_by_alpha):
    paths = [models["beta"], models["gamma"], models["alpha"]]
    return attribute(made_by_alpha, paths, SMALL, runtime=_runtime(), device="cpu")


@pytest.mark.slow  # the module's attribution run: about 14 s on one thread
def test_the_generating_model_ranks_first(ranking, models):
    names = [Path(r.model).name for r in ranking.ranking]
    # alpha made it; gamma has alpha's VAE, so the two read the same distance and cannot be
    # told apart; beta's own VAE reconstructs it worse
    assert set(names[:2]) == {"alpha", "gamma"} and names[2] == "beta"
    first, second, third = ranking.ranking
    assert first.distance == second.distance < third.distance
    assert first.vae_sha256 == second.vae_sha256 != third.vae_sha256
    alpha_gamma = {str(models["alpha"]), str(models["gamma"])}
    assert [set(group) for group in ranking.indistinguishable] == [alpha_gamma]
    assert ranking.verdict.startswith("cannot tell these apart: same VAE")
    assert "alpha" in ranking.verdict and "gamma" in ranking.verdict


@pytest.mark.slow
def test_distances_are_the_vaes_own_and_reproducible(ranking, models, made_by_alpha):
    from workstation.analysis.model_exam.attribute import read_image
    from workstation.engine.loading import load_model

    vae = load_model(models["beta"], device="cpu").pipe.vae
    image, sha = read_image(made_by_alpha)
    beta = next(r for r in ranking.ranking if Path(r.model).name == "beta")
    assert beta.vae_sha256 == vae_sha256(vae) and ranking.image_sha256 == sha
    with _runtime().applied():
        assert reconstruction_distance(vae, image) == beta.distance
        assert reconstruction_distance(vae, image) == beta.distance  # bit for bit


@pytest.mark.slow
def test_calibration_is_reported_per_model(ranking):
    for reading in ranking.ranking:
        calibration = reading.calibration
        assert len(calibration.own) == SMALL.generated and len(calibration.real) == SMALL.real
        threshold, fnr, fpr = calibrate(calibration.own, calibration.real)
        assert (calibration.threshold, calibration.false_negative_rate) == (threshold, fnr)
        assert calibration.false_positive_rate == fpr
        assert reading.within_calibration == (reading.distance <= calibration.threshold)
        # each model's own generations: its VAE group first (alpha and gamma tie as one group)
        assert calibration.ranked_first == 1.0
    assert ranking.ranking_accuracy == 1.0
    assert ranking.real_images == (
        "synthetic 1/f image, seed 1000",
        "synthetic 1/f image, seed 1001",
    )


def test_calibration_threshold_on_fixed_values():
    assert calibrate([0.1, 0.2], [0.3, 0.4]) == (0.25, 0.0, 0.0)
    # overlapping: the best balanced accuracy leaves one real image below the threshold
    threshold, fnr, fpr = calibrate([0.1, 0.2, 0.3], [0.15, 0.5, 0.6])
    assert threshold == pytest.approx(0.4) and (fnr, fpr) == (0.0, pytest.approx(1 / 3))
    # own generations all worse than real images: nothing reads as generated
    threshold, fnr, fpr = calibrate([0.5, 0.6], [0.1, 0.2])
    assert threshold < 0.1 and (fnr, fpr) == (1.0, 0.0)


def test_a_non_generated_image_through_the_app(models, case_dir, tmp_path: Path):
    from workstation.app.case_writer import CaseWriter
    from workstation.core.case import Case

    photo = tmp_path / "photo.png"
    photo_like(48, seed=3).save(photo)
    request = AttributeRequest(
        image=photo,
        models=(models["beta"],),
        generated=2,
        synthetic=2,
        size=64,
        steps=4,
        device="cpu",
    )
    done = attribute_case(request, CaseWriter(case_dir), _runtime())
    (reading,) = done.result["ranking"]
    assert reading["distance"] > 0
    assert reading["within_calibration"] == (
        reading["distance"] <= reading["calibration"]["threshold"]
    )
    assert done.result["verdict"].startswith("closest: beta")
    with Case.open(case_dir) as case:
        record = case.record(done.record_id)
        (artifact,) = case.artifacts()
    assert record.body.method == "attribute"
    assert record.body.inputs["image"]["sha256"] == artifact.sha256
    assert record.body.results["ranking"][0]["distance"] == reading["distance"]


def test_bad_inputs_are_one_line_errors(models, tmp_path: Path):
    text = tmp_path / "notes.png"
    text.write_text("not an image", encoding="utf-8")
    tiny = tmp_path / "tiny.png"
    photo_like(6, seed=1).save(tiny)
    empty = tmp_path / "no-models"
    empty.mkdir()
    (empty / "readme.txt").write_text("nothing here", encoding="utf-8")
    cases = (
        (AttributeRequest(image=text, models=(models["beta"],)), "not an image"),
        (AttributeRequest(image=tiny, models=(empty,)), "no base models found"),
    )
    for request, message in cases:
        with pytest.raises(InputError, match=message) as error:
            attribute_case(request, None, _runtime())
        assert "\n" not in str(error.value)
    with pytest.raises(InputError, match="too small for this VAE"):
        attribute(tiny, [models["beta"]], SMALL, runtime=_runtime(), device="cpu")
    assert find_models((models["beta"].parent,)) == sorted(models.values())


def test_cancel_stores_nothing(models, case_dir, tmp_path: Path):
    from workstation.app.case_writer import CaseWriter
    from workstation.core.case import Case
    from workstation.core.errors import Cancelled

    photo = tmp_path / "photo.png"
    photo_like(32, seed=4).save(photo)
    events = []
    runtime = Runtime(
        threads=1,
        on_progress=events.append,
        is_cancelled=lambda: any(e.message.startswith("calibration") for e in events),
    )
    request = AttributeRequest(
        image=photo, models=(models["alpha"], models["beta"]), size=32, steps=2, device="cpu"
    )
    with pytest.raises(Cancelled):
        attribute_case(request, CaseWriter(case_dir), runtime)
    assert [e.message for e in events if e.message.startswith("calibration")] == [
        "calibration: alpha, image 1/4"
    ]
    with Case.open(case_dir) as case:
        assert case.records("exam") == [] and case.artifacts() == []
