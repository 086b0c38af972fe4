"""LoHa (LyCORIS `loha`): ΔW = (w1_a · w1_b) ⊙ (w2_a · w2_b) · alpha/rank.

With Tucker cores (`hada_t1`, `hada_t2`) each factor is rebuilt as t ×₁ a ×₂ b first, as in
`lycoris.functional.loha`.
"""

from __future__ import annotations

import torch

from workstation.engine.lora_formats.base import Patch, f32, fit, rank_scale

PARTS = ("hada_w1_a", "hada_w1_b", "hada_w2_a", "hada_w2_b", "hada_t1", "hada_t2")


class LohaPatch(Patch):
    @property
    def rank(self) -> int:
        return self.parts["hada_w1_b"].shape[0]

    def delta(self, shape: torch.Size) -> torch.Tensor:
        w1a, w1b, w2a, w2b = (f32(self.parts[name]) for name in PARTS[:4])
        scale = rank_scale(self.alpha, self.rank)
        if "hada_t1" in self.parts:
            rebuild = "i j ..., j r, i p -> p r ..."
            one = torch.einsum(rebuild, f32(self.parts["hada_t1"]), w1b, w1a)
            two = torch.einsum(rebuild, f32(self.parts["hada_t2"]), w2b, w2a)
            delta = one * two
        else:
            one = w1a.reshape(w1a.shape[0], -1) @ w1b.reshape(w1b.shape[0], -1)
            two = w2a.reshape(w2a.shape[0], -1) @ w2b.reshape(w2b.shape[0], -1)
            delta = one * two
        return fit(delta * scale, shape, self.stem)


def make(stem: str, parts: dict[str, torch.Tensor]) -> Patch | None:
    if not all(name in parts for name in PARTS[:4]):
        return None
    if ("hada_t1" in parts) != ("hada_t2" in parts):
        return None
    return LohaPatch(stem, "LoHa" + ("+DoRA" if "dora_scale" in parts else ""), parts)
