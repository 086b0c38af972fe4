"""LoKr (LyCORIS `lokr`): ΔW = kron(w1, w2) · alpha/rank.

Each half is stored whole (`lokr_w1`, `lokr_w2`) or as a low-rank pair (`_a`, `_b`), the second
optionally with a Tucker core (`lokr_t2`). The rank is that of the pair; with both halves whole
there is none and the scale is 1 (LyCORIS, ComfyUI).
"""

from __future__ import annotations

import torch

from workstation.engine.lora_formats.base import Patch, f32, fit, rank_scale

PARTS = ("lokr_w1", "lokr_w1_a", "lokr_w1_b", "lokr_w2", "lokr_w2_a", "lokr_w2_b", "lokr_t2")


class LokrPatch(Patch):
    @property
    def rank(self) -> int | None:
        for name in ("lokr_w1_b", "lokr_w2_b"):
            if name in self.parts:
                return self.parts[name].shape[0]
        return None

    def delta(self, shape: torch.Size) -> torch.Tensor:
        parts = {name: f32(tensor) for name, tensor in self.parts.items()}
        w1 = parts.get("lokr_w1")
        if w1 is None:
            w1 = parts["lokr_w1_a"] @ parts["lokr_w1_b"]
        w2 = parts.get("lokr_w2")
        if w2 is None:
            w2a, w2b = parts["lokr_w2_a"], parts["lokr_w2_b"]
            if "lokr_t2" in parts:
                w2 = torch.einsum("i j ..., i p, j r -> p r ...", parts["lokr_t2"], w2a, w2b)
            else:
                w2 = w2a @ w2b.reshape(w2b.shape[0], -1)
        while w1.dim() < w2.dim():
            w1 = w1.unsqueeze(-1)
        delta = torch.kron(w1, w2.contiguous())
        scale = rank_scale(self.alpha, self.rank) if self.rank else 1.0
        return fit(delta * scale, shape, self.stem)


def make(stem: str, parts: dict[str, torch.Tensor]) -> Patch | None:
    has_w1 = "lokr_w1" in parts or ("lokr_w1_a" in parts and "lokr_w1_b" in parts)
    has_w2 = "lokr_w2" in parts or ("lokr_w2_a" in parts and "lokr_w2_b" in parts)
    if not (has_w1 and has_w2):
        return None
    return LokrPatch(stem, "LoKr" + ("+DoRA" if "dora_scale" in parts else ""), parts)
