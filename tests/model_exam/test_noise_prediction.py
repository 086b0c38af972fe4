"""One noise prediction for every examined model: v-prediction read back as ε, SDXL conditioned
with its pooled embedding and size ids, flow models refused in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from workstation.analysis.model_exam.noise_prediction import (
    check_model,
    encode_condition,
    eps_from_v,
    predict_noise,
)
from workstation.core.errors import InputError
from workstation.engine.loading import load_model
from workstation.engine.tiny import build_tiny_model


def _abar(model) -> torch.Tensor:
    from diffusers import DDPMScheduler

    return DDPMScheduler.from_config(model.pipe.scheduler.config).alphas_cumprod.double()


def test_v_is_turned_back_into_the_noise_that_made_it():
    generator = torch.Generator().manual_seed(3)
    x0, eps = torch.randn(2, 4, 8, 8, generator=generator), torch.randn(2, 4, 8, 8)
    abar = torch.tensor([0.9, 0.2], dtype=torch.float64)
    a = abar.view(-1, 1, 1, 1).float()
    x_t = a.sqrt() * x0 + (1 - a).sqrt() * eps
    v = a.sqrt() * eps - (1 - a).sqrt() * x0
    assert torch.allclose(eps_from_v(v, x_t, abar), eps, atol=1e-5)
    # The v itself is not the noise: the conversion matters.
    assert not torch.allclose(v, eps, atol=1e-2)


@pytest.fixture(scope="module")
def v_model(tmp_path_factory) -> Path:
    folder = build_tiny_model(tmp_path_factory.mktemp("vpred") / "tiny-v", "diffusers")
    config_path = folder / "scheduler" / "scheduler_config.json"
    config = json.loads(config_path.read_text())
    config["prediction_type"] = "v_prediction"
    config_path.write_text(json.dumps(config))
    return folder


def test_a_v_prediction_model_is_read_as_noise(v_model):
    model = load_model(v_model, device="cpu", dtype="float32")
    assert model.prediction_type == "v_prediction"
    check_model(model)
    abar = _abar(model)
    condition = encode_condition(model, "a red square", 32, 32)
    x_t = torch.randn(2, 4, 8, 8, generator=torch.Generator().manual_seed(0))
    eps = predict_noise(model, x_t, [100, 700], condition, abar)
    with torch.inference_mode():
        raw = model.pipe.unet(x_t, torch.tensor([100, 700]), condition.states.expand(2, -1, -1))
    v = raw.sample.float()
    a = abar[[100, 700]].view(-1, 1, 1, 1)
    expected = (a.sqrt() * v.double() + (1 - a).sqrt() * x_t.double()).float()
    assert torch.equal(eps, expected)
    assert not torch.allclose(eps, v)


def test_sdxl_is_conditioned_on_pooled_text_and_size(tmp_path):
    folder = build_tiny_model(tmp_path / "xl", "diffusers", architecture="tiny-sdxl")
    model = load_model(folder, device="cpu", dtype="float32")
    check_model(model)
    condition = encode_condition(model, "a red square", 64, 48)
    assert condition.added is not None
    assert condition.added["time_ids"].tolist() == [[48.0, 64.0, 0.0, 0.0, 48.0, 64.0]]
    latent = (model.pipe.unet.config.in_channels, 6, 8)
    x_t = torch.randn(3, *latent, generator=torch.Generator().manual_seed(1))
    with torch.inference_mode():
        first = predict_noise(model, x_t, [10, 500, 900], condition, _abar(model))
        again = predict_noise(model, x_t, [10, 500, 900], condition, _abar(model))
        other = predict_noise(
            model, x_t, [10, 500, 900], encode_condition(model, "a red square", 32, 32), None
        )
    assert first.shape == x_t.shape and torch.equal(first, again)
    # The size ids reach the UNet: another size gives another prediction.
    assert not torch.equal(first, other)


def test_a_flow_model_is_refused_in_one_line(tmp_path):
    path = build_tiny_model(tmp_path / "sd3.safetensors", "single-file", architecture="tiny-sd3")
    model = load_model(path, device="cpu", dtype="float32")
    with pytest.raises(InputError) as refused:
        check_model(model, "membership tests")
    message = str(refused.value)
    assert "\n" not in message and "sd3" in message and "flow-matching" in message


@pytest.mark.parametrize("kind", ["sdxl", "v_prediction"])
def test_membership_runs_end_to_end_on_sdxl_and_v_models(kind, v_model, scenes32, tmp_path):
    import math

    from workstation.app.exam import MembershipRequest, membership
    from workstation.engine.runtime import Runtime

    if kind == "sdxl":
        model = build_tiny_model(tmp_path / "xl", "diffusers", architecture="tiny-sdxl")
    else:
        model = v_model
    request = MembershipRequest(
        model=model, works=(scenes32[0],), controls=tuple(scenes32[1:5]), timesteps=2
    )
    first = membership(request, None, Runtime(threads=1)).result
    again = membership(request, None, Runtime(threads=1)).result
    assert first["model"]["family"] == ("sdxl" if kind == "sdxl" else "sd1")
    scores = first["works"][0]["scores"]
    assert set(scores) == {"loss", "pia", "sima"}
    assert all(math.isfinite(value) and value > 0 for value in scores.values())
    assert first["works"] == again["works"]  # bit for bit on the same device
