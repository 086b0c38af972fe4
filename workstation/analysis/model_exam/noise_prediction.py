"""The model's noise prediction ε̂(x_t, t, c), whatever its UNet was trained to output and however
it is conditioned, so that every examination method reads one quantity.

- Conditioning: SD 1.x/2.x UNets take the text encoder's states; SDXL's also takes the pooled text
  embedding and six "time ids" (original size, crop corner, target size — here the image's own
  size and no crop, as SDXL was trained on uncropped images at their size).
- Output: an epsilon model predicts ε; a v-prediction model (SD 2.x 768-v and its fine-tunes)
  predicts v = √ᾱ·ε − √(1−ᾱ)·x₀, and since x_t = √ᾱ·x₀ + √(1−ᾱ)·ε,
  ε = √ᾱ·v + √(1−ᾱ)·x_t (Salimans & Ho, ICLR 2022, §4 and appendix D).
Flow-matching transformers (SD3, Flux) and the SDXL refiner (aesthetic-score conditioning) are
refused in one line: their training objective is not the DDPM noise these methods test.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from workstation.core.errors import InputError

FAMILIES = ("sd1", "sd2", "sdxl")
PREDICTIONS = ("epsilon", "v_prediction")


@dataclass(frozen=True)
class Condition:
    """One prompt's conditioning, batch 1."""

    states: Any  # 1×L×D text states
    added: dict[str, Any] | None = None  # SDXL: text_embeds 1×P, time_ids 1×6


def check_model(model: Any, what: str = "membership tests") -> None:
    """Refuse, in one line, a model whose noise prediction is not defined here."""
    family = model.family.name
    if family not in FAMILIES:
        raise InputError(
            f"{what} handle SD 1.x, SD 2.x and SDXL UNet models, not {family} "
            "(a flow-matching or refiner model is trained on another objective)"
        )
    if model.prediction_type not in PREDICTIONS:
        raise InputError(
            f"{what} need a model that predicts the noise (epsilon) or v, "
            f"not {model.prediction_type}"
        )


def encode_condition(model: Any, prompt: str, width: int, height: int) -> Condition:
    import torch

    pipe = model.pipe
    device = pipe.unet.device
    if model.family.name != "sdxl":
        return Condition(pipe.encode_prompt(prompt, device, 1, False)[0])
    states, _, pooled, _ = pipe.encode_prompt(
        prompt, device=device, num_images_per_prompt=1, do_classifier_free_guidance=False
    )
    time_ids = torch.tensor([[height, width, 0, 0, height, width]], dtype=states.dtype)
    return Condition(states, {"text_embeds": pooled, "time_ids": time_ids.to(device)})


def predict_noise(
    model: Any, x_t: Any, timesteps: Sequence[int], condition: Condition, abar: Any
) -> Any:
    """ε̂ for a batch of noised latents (CPU float32), one timestep per row; `abar` is the
    training schedule's ᾱ (float64, CPU)."""
    import torch

    unet = model.pipe.unet
    device, dtype = unet.device, unet.dtype
    count = len(timesteps)
    steps = torch.tensor(list(timesteps), dtype=torch.long, device=device)
    states = condition.states.expand(count, *condition.states.shape[1:])
    added = None
    if condition.added is not None:
        added = {
            name: value.expand(count, *value.shape[1:]) for name, value in condition.added.items()
        }
    output = unet(x_t.to(device, dtype), steps, states, added_cond_kwargs=added).sample
    output = output.float().cpu()
    if model.prediction_type == "v_prediction":
        return eps_from_v(output, x_t.float(), abar[list(timesteps)])
    return output


def eps_from_v(v: Any, x_t: Any, abar_t: Any) -> Any:
    """ε = √ᾱ·v + √(1−ᾱ)·x_t, per row."""
    a = abar_t.view(-1, *([1] * (v.dim() - 1))).double()
    return (a.sqrt() * v.double() + (1 - a).sqrt() * x_t.double()).float()
