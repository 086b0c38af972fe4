"""What every LoRA algorithm's patch is: a change to one module's weight (and bias).

A patch is computed in float32 and merged into the module's weight the way the tools that write
these files merge it (LyCORIS's `get_merged_weight`, peft's `merge`, A1111's networks, ComfyUI's
ModelPatcher): W' = W + strength · ΔW, or with DoRA the weight decomposition of W + ΔW.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

from workstation.core.errors import ModelError


@dataclass
class Patch:
    """One module's change from one LoRA file; `parts` are the file's tensors by part name."""

    stem: str  # the key prefix in the file, e.g. lora_unet_down_blocks_0_..._to_q
    algorithm: str  # LoRA, LoCon, LoHa, LoKr, Full, Norm (+DoRA)
    parts: dict[str, torch.Tensor] = field(repr=False)

    @property
    def rank(self) -> int | None:
        return None

    @property
    def alpha(self) -> float | None:
        alpha = self.parts.get("alpha")
        return None if alpha is None else float(alpha)

    @property
    def dora_scale(self) -> torch.Tensor | None:
        return self.parts.get("dora_scale")

    def delta(self, shape: torch.Size) -> torch.Tensor:
        """ΔW in float32 (the algorithm's own scale alpha/rank included), in the module's shape."""
        raise NotImplementedError

    def bias_delta(self) -> torch.Tensor | None:
        return None

    def merge(
        self, weight: torch.Tensor, bias: torch.Tensor | None, strength: float
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """The merged float32 weight and bias at this strength (strength 0 is never asked)."""
        delta = self.delta(weight.shape).to(weight.device)
        if self.dora_scale is not None:
            from workstation.engine.lora_formats.dora import weight_decompose

            merged = weight_decompose(weight + delta, self.dora_scale.to(weight.device))
            weight = weight + strength * (merged - weight) if strength != 1 else merged
        else:
            weight = weight + strength * delta
        bias_delta = self.bias_delta()
        if bias_delta is not None:
            if bias is None:
                raise ModelError(f"{self.stem}: the LoRA changes a bias the model does not have")
            bias = bias + strength * bias_delta.to(bias.device, torch.float32).reshape(bias.shape)
        return weight, bias


def f32(tensor: torch.Tensor) -> torch.Tensor:
    return tensor.to(torch.float32)


def rank_scale(alpha: float | None, rank: int | None) -> float:
    """alpha / rank, as kohya and LyCORIS define it: a missing (or zero) alpha means rank."""
    if alpha is None or alpha == 0 or not rank:
        return 1.0
    return alpha / rank


def fit(delta: torch.Tensor, shape: torch.Size, stem: str) -> torch.Tensor:
    """ΔW in the module's own shape (a linear stored as a 1x1 conv, a conv as a matrix)."""
    if delta.shape == shape:
        return delta
    if delta.numel() != shape.numel():
        raise ModelError(
            f"{stem}: the LoRA's change has shape {tuple(delta.shape)}, "
            f"the model's weight {tuple(shape)}"
        )
    return delta.reshape(shape)
