"""LoRA and LoCon: ΔW = up · down · alpha/rank (kohya, LyCORIS `locon`, diffusers, peft).

A conv's down keeps the kernel (rank, in, kh, kw) and up is (out, rank, 1, 1); with a Tucker
core (`lora_mid`, LyCORIS `use_tucker`) down and up are 1x1 and the core holds the kernel.
"""

from __future__ import annotations

import torch

from workstation.engine.lora_formats.base import Patch, f32, fit, rank_scale

PARTS = ("lora_down.weight", "lora_up.weight", "lora_mid.weight")


class LoraPatch(Patch):
    @property
    def rank(self) -> int:
        return self.parts["lora_down.weight"].shape[0]

    def delta(self, shape: torch.Size) -> torch.Tensor:
        down = f32(self.parts["lora_down.weight"])
        up = f32(self.parts["lora_up.weight"])
        mid = self.parts.get("lora_mid.weight")
        scale = rank_scale(self.alpha, self.rank)
        if mid is None:
            delta = up.reshape(up.shape[0], -1) @ down.reshape(down.shape[0], -1)
        else:
            up = up.reshape(up.shape[0], -1).transpose(0, 1)
            down = down.reshape(down.shape[0], -1)
            delta = torch.einsum("i j ..., i p, j r -> p r ...", f32(mid), up, down)
        return fit(delta * scale, shape, self.stem)


def make(stem: str, parts: dict[str, torch.Tensor]) -> Patch | None:
    if "lora_down.weight" not in parts or "lora_up.weight" not in parts:
        return None
    down = parts["lora_down.weight"]
    conv = down.dim() == 4 and down.shape[2:] != (1, 1) or "lora_mid.weight" in parts
    name = "LoCon" if conv else "LoRA"
    return LoraPatch(stem, name + ("+DoRA" if "dora_scale" in parts else ""), parts)
