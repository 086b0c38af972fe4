"""The 1000 training noise levels of a DDPM-trained model (SD 1.x, 2.x, SDXL) and its denoiser.

Two generators compute the same table with different rounding, so a schedule carries the
convention it follows:

- "a1111": k-diffusion 0.1.1 `external.DiscreteSchedule` fed by the LDM model's float32
  `alphas_cumprod` (A1111 `CompVisDenoiser(sd_model)`; the cumulative product is taken in float64
  by numpy, then stored as float32, and the sigmas are computed in float32).
- "comfyui": ComfyUI v0.3.x `comfy/model_sampling.py` `ModelSamplingDiscrete` (everything in
  float64, rounded to float32 at the end).

They differ by up to ~1.3e-5 relative at the low end (sigma_min 0.0291675 vs 0.0291672 for SD 1.5),
which is enough to move every Karras schedule built from sigma_min.

`Denoiser` turns a raw UNet output (epsilon or v) into the denoised latent x0 with the scalings
of k-diffusion's `CompVisDenoiser` / `CompVisVDenoiser` and ComfyUI's `EPS` / `V_PREDICTION`
(identical formulas: c_in = 1/sqrt(sigma²+1); eps: x0 = x - sigma*eps;
v: x0 = x/(sigma²+1) - v*sigma/sqrt(sigma²+1)).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch

from workstation.core.errors import InputError

CONVENTIONS = ("a1111", "comfyui")
PREDICTIONS = ("epsilon", "v_prediction")


def _betas(config: dict[str, Any]) -> torch.Tensor:
    """Training betas in float64, as LDM's / ComfyUI's make_beta_schedule compute them."""
    schedule = config.get("beta_schedule", "scaled_linear")
    start = float(config.get("beta_start", 0.00085))
    end = float(config.get("beta_end", 0.012))
    n = int(config.get("num_train_timesteps", 1000))
    # diffusers "scaled_linear" is LDM's "linear" (linear in sqrt(beta)); diffusers "linear" is
    # LDM's "sqrt_linear" (linear in beta).
    if schedule == "scaled_linear":
        return torch.linspace(start**0.5, end**0.5, n, dtype=torch.float64) ** 2
    if schedule == "linear":
        return torch.linspace(start, end, n, dtype=torch.float64)
    raise InputError(f"unsupported beta_schedule {schedule!r}; use scaled_linear or linear")


def _check_convention(convention: str) -> None:
    if convention not in CONVENTIONS:
        raise InputError(
            f"unknown sampling convention {convention!r}; use one of {', '.join(CONVENTIONS)}"
        )


@dataclass(frozen=True, eq=False)
class DiscreteSchedule:
    """The training sigmas (ascending, float32) and the maps between sigma and timestep."""

    alphas_cumprod: torch.Tensor  # float64, the exact training values
    convention: str
    prediction: str = "epsilon"

    @classmethod
    def from_config(
        cls, scheduler_config: dict[str, Any], convention: str = "a1111"
    ) -> DiscreteSchedule:
        """From a diffusers scheduler config (beta_schedule, beta_start/end, num_train_timesteps,
        prediction_type)."""
        _check_convention(convention)
        prediction = scheduler_config.get("prediction_type", "epsilon")
        if prediction not in PREDICTIONS:
            raise InputError(
                f"unsupported prediction_type {prediction!r}; use one of {', '.join(PREDICTIONS)}"
            )
        alphas_cumprod = torch.cumprod(1.0 - _betas(scheduler_config), dim=0)
        return cls(alphas_cumprod, convention, prediction)

    def as_convention(self, convention: str) -> DiscreteSchedule:
        _check_convention(convention)
        if convention == self.convention:
            return self
        return DiscreteSchedule(self.alphas_cumprod, convention, self.prediction)

    @property
    def sigmas(self) -> torch.Tensor:
        cached = self.__dict__.get("_sigmas")
        if cached is None:
            if self.convention == "a1111":
                # A1111 stores alphas_cumprod as float32; k-diffusion computes sigmas and their
                # logs from that in float32.
                a = self.alphas_cumprod.float()
                cached = ((1 - a) / a) ** 0.5
                log_sigmas = cached.log()
            else:
                # ComfyUI: sigmas and their logs in float64, each rounded to float32.
                a = self.alphas_cumprod
                exact = ((1 - a) / a) ** 0.5
                cached, log_sigmas = exact.float(), exact.log().float()
            object.__setattr__(self, "_sigmas", cached)
            object.__setattr__(self, "_log_sigmas", log_sigmas)
        return cached

    @property
    def log_sigmas(self) -> torch.Tensor:
        self.sigmas  # noqa: B018 - fills the cache
        return self.__dict__["_log_sigmas"]

    @property
    def sigma_min(self) -> float:
        return float(self.sigmas[0])

    @property
    def sigma_max(self) -> float:
        return float(self.sigmas[-1])

    def sigma_to_t(self, sigma: torch.Tensor, quantize: bool = False) -> torch.Tensor:
        """k-diffusion DiscreteSchedule.sigma_to_t. quantize=True is the nearest training step in
        log-sigma, which is also ComfyUI's ModelSamplingDiscrete.timestep()."""
        sigma = torch.as_tensor(sigma, dtype=torch.float32)
        log_sigma = sigma.log()
        dists = log_sigma - self.log_sigmas[:, None]
        if quantize:
            return dists.abs().argmin(dim=0).view(sigma.shape)
        low_idx = dists.ge(0).cumsum(dim=0).argmax(dim=0).clamp(max=self.log_sigmas.shape[0] - 2)
        high_idx = low_idx + 1
        low, high = self.log_sigmas[low_idx], self.log_sigmas[high_idx]
        w = ((low - log_sigma) / (low - high)).clamp(0, 1)
        return ((1 - w) * low_idx + w * high_idx).view(sigma.shape)

    def timestep(self, sigma: torch.Tensor) -> torch.Tensor:
        """ComfyUI's timestep(): the nearest training step (an integer tensor)."""
        return self.sigma_to_t(sigma, quantize=True)

    def t_to_sigma(self, t: torch.Tensor) -> torch.Tensor:
        """k-diffusion t_to_sigma = ComfyUI sigma(): log-linear interpolation between steps."""
        t = torch.as_tensor(t).float().clamp(0, len(self.sigmas) - 1)
        low_idx, high_idx, w = t.floor().long(), t.ceil().long(), t.frac()
        return ((1 - w) * self.log_sigmas[low_idx] + w * self.log_sigmas[high_idx]).exp()

    def get_sigmas(self, n: int) -> torch.Tensor:
        """k-diffusion DiscreteSchedule.get_sigmas(n): n timesteps evenly spaced from 999 to 0."""
        t = torch.linspace(len(self.sigmas) - 1, 0, n)
        return torch.cat([self.t_to_sigma(t), t.new_zeros([1])])


ModelOutput = Callable[..., torch.Tensor]


class Denoiser:
    """x, sigma -> denoised x0, around a raw model output callable `model_output(x_in, t, cond)`.

    quantize=False passes k-diffusion's fractional timestep (A1111's default,
    `enable_quantization` off); quantize=True passes the nearest integer step (ComfyUI always,
    A1111 with quantization on).
    """

    def __init__(
        self,
        model_output: ModelOutput,
        model: DiscreteSchedule,
        prediction: str | None = None,
        quantize: bool = False,
    ) -> None:
        prediction = prediction or model.prediction
        if prediction not in PREDICTIONS:
            raise InputError(
                f"unsupported prediction {prediction!r}; use one of {', '.join(PREDICTIONS)}"
            )
        self.model_output = model_output
        self.model = model
        self.prediction = prediction
        self.quantize = quantize

    def __call__(self, x: torch.Tensor, sigma: torch.Tensor, cond: Any = None) -> torch.Tensor:
        # The scalings in float32 whatever the latent's dtype, as both generators compute them.
        sigma = torch.as_tensor(sigma, dtype=torch.float32, device=x.device).reshape(-1)
        if sigma.numel() == 1 and x.shape[0] != 1:
            sigma = sigma.expand(x.shape[0])
        s = sigma.view(-1, *([1] * (x.ndim - 1)))
        c_in = 1 / (s**2 + 1) ** 0.5
        t = self.model.sigma_to_t(sigma.cpu(), self.quantize).to(x.device)
        out = self.model_output(x * c_in, t, cond)
        if self.prediction == "epsilon":
            return x + out * -s
        return out * (-s / (s**2 + 1) ** 0.5) + x * (1 / (s**2 + 1))
