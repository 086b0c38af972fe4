"""LyCORIS `full` (ΔW stored whole: `diff`, `diff_b`) and `norm` (a norm layer's weight and
bias changes: `w_norm`, `b_norm`): W' = W + strength · diff."""

from __future__ import annotations

import torch

from workstation.engine.lora_formats.base import Patch, f32, fit

PARTS = ("diff", "diff_b", "w_norm", "b_norm")


class DiffPatch(Patch):
    def delta(self, shape: torch.Size) -> torch.Tensor:
        return fit(f32(self.parts.get("diff", self.parts.get("w_norm"))), shape, self.stem)

    def bias_delta(self) -> torch.Tensor | None:
        bias = self.parts.get("diff_b", self.parts.get("b_norm"))
        return None if bias is None else f32(bias)


def make(stem: str, parts: dict[str, torch.Tensor]) -> Patch | None:
    if "diff" in parts and "w_norm" not in parts and "b_norm" not in parts:
        return DiffPatch(stem, "Full", parts)
    if "w_norm" in parts and "diff" not in parts and "diff_b" not in parts:
        return DiffPatch(stem, "Norm", parts)
    return None
