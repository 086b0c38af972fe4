"""Which model made this image (AEROBLADE-style VAE reconstruction distance): tiny models with
different random VAEs, two sharing one, synthetic non-generated images; the threshold fitted on
some generations and the error rates measured on others held out; the shared-VAE group; bad
inputs, the stored record and the report in English and Chinese."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workstation.analysis.model_exam.attribute import (
    CalibrationSettings,
    attribute,
    attributed,
    calibrate,
    fit_threshold,
    held_out_rates,
    photo_like,
    reconstruction_distance,
    upper95,
    vae_sha256,
)
from workstation.app.exam_attribute import AttributeRequest, find_models
from workstation.app.exam_attribute import attribute as attribute_case
from workstation.core.errors import InputError
from workstation.engine.runtime import Runtime

SMALL = CalibrationSettings(generated=2, held_out=2, real=2, size=32, steps=3)


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
    """A 32 px image alpha generated (a seed and prompt the calibration does not use)."""
    from workstation.core.params import GenerationParams
    from workstation.engine.generate import txt2img
    from workstation.engine.loading import load_model

    model = load_model(models["alpha"], device="cpu")
    params = GenerationParams(
        model=str(models["alpha"]), prompt="a lighthouse", seed=77, steps=3, width=32, height=32
    )
    out = tmp_path_factory.mktemp("disputed") / "disputed.png"
    txt2img(model, params, runtime=_runtime(), decode_steps=()).image.save(out)
    return out


@pytest.fixture(scope="module")
def calibrated(models):
    paths = [models["beta"], models["gamma"], models["alpha"]]
    return calibrate(paths, SMALL, runtime=_runtime(), device="cpu")


@pytest.fixture(scope="module")
def ranking(calibrated, made_by_alpha):
    return attribute(made_by_alpha, calibrated, runtime=_runtime())


# -- the arithmetic, on fixed values --------------------------------------------------------


def test_threshold_on_fixed_values():
    assert fit_threshold([0.1, 0.2], [0.3, 0.4]) == pytest.approx(0.25)
    # each class of negatives weighs as one: taking in 0.2 would also take in the other
    # model's 0.15, so 0.125 and 0.35 err alike (mean 1/6) and the lower one is kept
    assert fit_threshold([0.1, 0.2], [0.15, 0.5], [0.6, 0.7]) == pytest.approx(0.125)
    # overlapping: the lowest mean error leaves one negative below the threshold
    assert fit_threshold([0.1, 0.2, 0.3], [0.15, 0.5, 0.6]) == pytest.approx(0.4)
    # own generations all worse than the negatives: nothing reads as this model's
    assert fit_threshold([0.5, 0.6], [0.1, 0.2]) < 0.1
    # None: another VAE ranks the image first, so no threshold makes it this model's; an own
    # image so is a reject whatever the threshold, a negative never a false accept
    assert fit_threshold([0.1, None], [0.2, None]) == pytest.approx(0.15)
    assert fit_threshold([0.1, 0.2], [None, None], [0.3, None]) == pytest.approx(0.25)
    assert fit_threshold([None], [None]) == 0.0
    # an empty class (no other VAE examined) is left out, not counted as perfect
    assert fit_threshold([0.1, 0.2], [], [0.3, 0.4]) == fit_threshold([0.1, 0.2], [0.3, 0.4])


def test_upper_bounds_are_clopper_pearson():
    assert upper95(0, 4) == pytest.approx(1 - 0.05 ** (1 / 4))  # 0.527
    assert upper95(0, 40) == pytest.approx(1 - 0.05 ** (1 / 40))
    assert upper95(4, 4) == 1.0
    assert 0.25 < upper95(1, 4) < 1.0


def test_held_out_rates_follow_the_attribution_rule():
    # VAEs "a" (the model's, threshold 0.10) and "b"; each image its distance through both
    own = [{"a": 0.05, "b": 0.20}, {"a": 0.12, "b": 0.30}, {"a": 0.08, "b": 0.04}]
    others = [{"a": 0.09, "b": 0.20}, {"a": 0.30, "b": 0.01}]
    real = [{"a": 0.50, "b": 0.40}, {"a": 0.07, "b": 0.09}]
    assert attributed(own[0], "a", 0.10) and not attributed(own[1], "a", 0.10)
    assert not attributed(own[2], "a", 0.10)  # within the threshold, but "b" ranks first
    reject, accept_models, accept_real, first = held_out_rates("a", 0.10, own, others, real)
    assert (reject.errors, reject.count, reject.rate) == (2, 3, pytest.approx(2 / 3))
    assert (accept_models.errors, accept_models.count) == (1, 2)
    assert (accept_real.errors, accept_real.count) == (1, 2)
    assert first == pytest.approx(2 / 3)
    assert accept_models.upper95 == pytest.approx(upper95(1, 2))
    # no other VAE examined: no false-accept rate for other models, rather than a perfect one
    assert held_out_rates("a", 0.10, own, [], real)[1] is None


def test_settings_keep_the_held_out_seeds_apart():
    settings = CalibrationSettings(generated=3, held_out=2, real=2, seed=10)
    assert settings.generation_seeds() == ((10, 11, 12), (13, 14))
    assert settings.synthetic_seeds() == ((1010, 1011), (2010, 2011))
    with pytest.raises(InputError, match="held-out"):
        CalibrationSettings(held_out=0)


# -- tiny models ----------------------------------------------------------------------------


def test_models_sharing_a_vae_are_one_group(ranking, models):
    names = [Path(r.model).name for r in ranking.ranking]
    # alpha made it; gamma has alpha's VAE, so the two read the same distance, share first
    # place and cannot be told apart; beta's own VAE reconstructs it worse
    assert names == ["alpha", "gamma", "beta"]
    first, second, third = ranking.ranking
    assert (first.place, second.place, third.place) == (1, 1, 2)
    assert first.distance == second.distance < third.distance
    assert first.vae_sha256 == second.vae_sha256 != third.vae_sha256
    assert first.group == second.group != third.group
    alpha_gamma = {str(models["alpha"]), str(models["gamma"])}
    assert [set(group) for group in ranking.indistinguishable] == [alpha_gamma]
    assert [set(g.models) for g in ranking.groups] == [{str(models["beta"])}, alpha_gamma]
    assert ranking.verdict.startswith("cannot tell these apart: same VAE")
    assert "alpha" in ranking.verdict and "gamma" in ranking.verdict
    assert "held-out false rejects" in ranking.verdict


def test_error_rates_are_measured_on_held_out_images(calibrated, ranking):
    for reading in ranking.ranking:
        calibration = reading.calibration
        others = sum(r.vae_sha256 != reading.vae_sha256 for r in ranking.ranking)
        fit, held = SMALL.generation_seeds()
        assert calibration.fit_seeds == fit and calibration.held_out_seeds == held
        assert not set(fit) & set(held)
        # fitted on its own fit generations, those of the models with another VAE, and the fit
        # non-generated images
        assert len(calibration.own) == SMALL.generated
        assert len(calibration.other_models) == others * SMALL.generated
        assert len(calibration.non_generated) == SMALL.real
        assert calibration.threshold == fit_threshold(
            calibration.own, calibration.other_models, calibration.non_generated
        )
        # measured on the held-out ones; a model with the same VAE is not an "other model"
        assert calibration.false_reject.count == SMALL.held_out
        assert calibration.false_accept_models.count == others * SMALL.held_out
        assert calibration.false_accept_non_generated.count == SMALL.held_out
        for rate in (
            calibration.false_reject,
            calibration.false_accept_models,
            calibration.false_accept_non_generated,
        ):
            assert rate.rate == rate.errors / rate.count
            assert rate.upper95 == pytest.approx(upper95(rate.errors, rate.count))
        assert reading.within_calibration == (reading.distance <= calibration.threshold)
        # random VAEs reconstruct their own decoder's output far better than the other's
        assert calibration.ranked_first == 1.0
    assert ranking.ranking_accuracy == 1.0
    assert ranking.real_images == (
        "synthetic 1/f image, seed 1000",
        "synthetic 1/f image, seed 1001",
    )
    assert ranking.held_out_real_images == (
        "synthetic 1/f image, seed 2000",
        "synthetic 1/f image, seed 2001",
    )
    document = ranking.to_dict()
    first = document["ranking"][0]["calibration"]
    assert set(first["false_reject"]) == {"rate", "errors", "count", "upper95"}
    assert {"false_accept_models", "false_accept_non_generated"} <= set(first)


def test_held_out_rates_recomputed_from_the_vaes(calibrated, models):
    """The rates a calibration states are those of its rule applied to the held-out images'
    distances, computed here again through each VAE."""
    from workstation.analysis.model_exam.attribute import first_group

    entries = {Path(e.path).name: e for e in calibrated.models}
    beta = entries["beta"]
    own = [calibrated.distances(image) for image in beta.held_out]
    others = [calibrated.distances(im) for im in entries["alpha"].held_out]
    others += [calibrated.distances(im) for im in entries["gamma"].held_out]
    stated = calibrated.calibrations[beta.path]
    threshold = stated.threshold
    rejects = sum(not attributed(d, beta.vae_sha256, threshold) for d in own)
    accepts = sum(attributed(d, beta.vae_sha256, threshold) for d in others)
    assert stated.false_reject.errors == rejects
    # alpha and gamma both stand for beta's "other models" (gamma holds alpha's VAE) ...
    alpha = calibrated.calibrations[entries["alpha"].path]
    assert alpha.false_accept_models.count == SMALL.held_out  # ... beta's only, for alpha
    assert stated.false_accept_models.count == 2 * SMALL.held_out
    assert stated.false_accept_models.errors == accepts
    assert all(first_group(d) == beta.vae_sha256 for d in own)


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


def test_a_non_generated_image_through_the_app(models, case_dir, tmp_path: Path):
    from workstation.app.case_writer import CaseWriter
    from workstation.core.case import Case

    photo = tmp_path / "photo.png"
    photo_like(48, seed=3).save(photo)
    given = [tmp_path / f"given{i}.png" for i in range(3)]
    for index, path in enumerate(given):
        photo_like(32, seed=40 + index).save(path)
    request = AttributeRequest(
        image=photo,
        models=(models["beta"],),
        real=tuple(given),
        generated=2,
        held_out=1,
        synthetic=1,
        size=32,
        steps=2,
        device="cpu",
    )
    done = attribute_case(request, CaseWriter(case_dir), _runtime())
    (reading,) = done.result["ranking"]
    assert reading["distance"] > 0
    assert reading["within_calibration"] == (
        reading["distance"] <= reading["calibration"]["threshold"]
    )
    assert done.result["verdict"].startswith("closest: beta")
    # the examiner's images alternate: the first and third fit the threshold, the second is
    # held out with the one synthetic held-out image
    assert done.result["real_images"][:2] == [str(given[0]), str(given[2])]
    assert done.result["held_out_real_images"][0] == str(given[1])
    calibration = reading["calibration"]
    assert calibration["false_accept_non_generated"]["count"] == 2
    assert calibration["false_accept_models"] is None  # one VAE: nothing to tell it from
    assert done.result["warnings"] == ["only one VAE examined: the ranking cannot separate models"]
    with Case.open(case_dir) as case:
        record = case.record(done.record_id)
        (artifact,) = case.artifacts()
    assert record.body.method == "attribute"
    assert record.body.inputs["image"]["sha256"] == artifact.sha256
    results = record.body.results
    assert results["ranking"][0]["distance"] == reading["distance"]
    assert results["ranking"][0]["calibration"]["false_reject"]["count"] == 1
    assert record.body.settings["held_out"] == 1 and record.body.settings["seed"] == 0


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
        (AttributeRequest(image=tiny, models=(models["beta"],), held_out=0), "held-out"),
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
        "calibration: alpha, image 1/8"
    ]
    with Case.open(case_dir) as case:
        assert case.records("exam") == [] and case.artifacts() == []


# -- the report -----------------------------------------------------------------------------


def test_the_report_states_the_rates_and_the_shared_vae(
    models, made_by_alpha, case_dir, tmp_path: Path
):
    """An attribution over alpha, beta and gamma stored by the app, the report built in both
    languages and read back."""
    from pypdf import PdfReader

    from workstation.app.case_writer import CaseWriter
    from workstation.core.case import Case
    from workstation.report import ReportOptions, build_report

    request = AttributeRequest(
        image=made_by_alpha,
        models=(models["alpha"], models["beta"], models["gamma"]),
        generated=1,
        held_out=1,
        synthetic=1,
        size=32,
        steps=2,
        device="cpu",
    )
    done = attribute_case(request, CaseWriter(case_dir), _runtime())
    rate = done.result["ranking"][0]["calibration"]["false_reject"]
    texts = {}
    for lang in ("en", "zh"):
        out = tmp_path / f"{lang}.pdf"
        with Case.open(case_dir) as case:
            build_report(case, ReportOptions(out=out, lang=lang))
        text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
        texts[lang] = "".join(text.split())
    en, zh = texts["en"], texts["zh"]
    for words in (
        "Cannot be told apart by this method",
        "alpha, gamma",
        "False rejects (held out)",
        "False accepts: other models",
        "False accepts: non-generated",
        "VAE group 1",
        f"{rate['rate']:.2f} ({rate['errors']}/{rate['count']})",
        f"≤ {rate['upper95']:.2f}",
        "with seeds 1 and 1 non-generated",
    ):
        assert "".join(words.split()) in en, words
    for words in (
        "此方法无法区分",
        "alpha, gamma",
        "误拒率（留出）",
        "误认率：其他模型",
        "VAE 组 1",
    ):
        assert "".join(words.split()) in zh, words
    assert f"≤{rate['upper95']:.2f}" in zh
