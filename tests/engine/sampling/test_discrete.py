"""Training sigmas, sigma <-> t and the Denoiser against k-diffusion (A1111) and ComfyUI."""

from __future__ import annotations

import pytest
import torch

from tests.engine.sampling._data import load_json, rel_err, toy_output
from workstation.core.errors import InputError
from workstation.engine.sampling import Denoiser, DiscreteSchedule

SCHED = load_json("schedules.json")
DEN = load_json("denoiser.json")


@pytest.mark.parametrize("config", list(SCHED["tables"]))
@pytest.mark.parametrize("convention", ["a1111", "comfyui"])
def test_training_sigmas_equal_the_generators_table(config: str, convention: str) -> None:
    model = DiscreteSchedule.from_config(SCHED["configs"][config], convention)
    expected = torch.tensor(SCHED["tables"][config][convention])
    assert model.sigmas.dtype == torch.float32
    assert torch.equal(model.sigmas, expected)
    assert model.sigma_min == float(expected[0]) and model.sigma_max == float(expected[-1])


def test_the_two_tables_differ_in_rounding() -> None:
    a = torch.tensor(SCHED["tables"]["sd15"]["a1111"])
    c = torch.tensor(SCHED["tables"]["sd15"]["comfyui"])
    assert not torch.equal(a, c) and rel_err(a, c) < 1e-4


@pytest.mark.parametrize("config", list(SCHED["t"]))
def test_sigma_to_t_and_back(config: str) -> None:
    ref = SCHED["t"][config]
    sigmas, ts = torch.tensor(ref["sigmas"]), torch.tensor(ref["t_values"])
    a = DiscreteSchedule.from_config(SCHED["configs"][config], "a1111")
    c = a.as_convention("comfyui")
    assert torch.allclose(
        a.sigma_to_t(sigmas), torch.tensor(ref["a1111_sigma_to_t"]), rtol=0, atol=1e-4
    )
    assert a.sigma_to_t(sigmas, quantize=True).tolist() == ref["a1111_sigma_to_t_quantized"]
    assert c.timestep(sigmas).tolist() == ref["comfyui_timestep"]
    assert rel_err(a.t_to_sigma(ts), torch.tensor(ref["a1111_t_to_sigma"])) < 1e-6
    assert rel_err(c.t_to_sigma(ts), torch.tensor(ref["comfyui_sigma"])) < 1e-6


@pytest.mark.parametrize("config", ["sd15", "sd2v"])
@pytest.mark.parametrize("convention", ["a1111", "comfyui"])
def test_denoiser_matches_compvis_and_comfyui_scalings(config: str, convention: str) -> None:
    x = torch.tensor(DEN["x"]).view(DEN["shape"])
    model = DiscreteSchedule.from_config(SCHED["configs"][config], convention)
    # A1111 passes k-diffusion's fractional timestep; ComfyUI the nearest training step.
    denoiser = Denoiser(toy_output, model, quantize=convention == "comfyui")
    for sigma, expected in zip(DEN["sigmas"], DEN[convention][config], strict=True):
        ours = denoiser(x, torch.full((x.shape[0],), sigma))
        assert rel_err(ours, torch.tensor(expected).view(DEN["shape"])) < 2e-6


def test_unknown_prediction_or_beta_schedule_is_an_input_error() -> None:
    with pytest.raises(InputError, match="epsilon"):
        DiscreteSchedule.from_config({"prediction_type": "sample"})
    with pytest.raises(InputError, match="scaled_linear"):
        DiscreteSchedule.from_config({"beta_schedule": "squaredcos_cap_v2"})


def test_denoiser_on_the_tiny_unet_is_the_compvis_formula() -> None:
    from diffusers import UNet2DConditionModel

    from workstation.engine.tiny import TINY

    # The UNet of build_tiny_pipeline(), without the VAE and text encoder it also builds.
    unet = UNet2DConditionModel.from_config(
        UNet2DConditionModel.load_config(TINY.config_dir / "unet")
    )
    model = DiscreteSchedule.from_config(SCHED["configs"]["sd15"])
    gen = torch.Generator().manual_seed(0)
    x = torch.randn((1, unet.config.in_channels, 8, 8), generator=gen) * 5
    cond = torch.randn((1, 77, unet.config.cross_attention_dim), generator=gen)

    def unet_output(x_in: torch.Tensor, t: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
        return unet(x_in, t, encoder_hidden_states=c).sample

    sigma = torch.tensor([4.2])
    ref = SCHED["t"]["sd15"]
    with torch.no_grad():
        ours = Denoiser(unet_output, model)(x, sigma, cond)
        # k-diffusion CompVisDenoiser.forward: x + eps(x * c_in, sigma_to_t(sigma)) * -sigma
        t = model.sigma_to_t(sigma)
        expected = x - unet(x / (4.2**2 + 1) ** 0.5, t, encoder_hidden_states=cond).sample * 4.2
        quantized = Denoiser(unet_output, model, quantize=True)(x, sigma, cond)
        at_step = (
            x
            - unet(x / (4.2**2 + 1) ** 0.5, t.round().long(), encoder_hidden_states=cond).sample
            * 4.2
        )
    assert 0 < float(t) < 999 and float(t) != round(float(t))
    assert ref["a1111_sigma_to_t"]  # the same sigma_to_t was checked against k-diffusion above
    assert rel_err(ours, expected) < 1e-5
    assert rel_err(quantized, at_step) < 1e-5
