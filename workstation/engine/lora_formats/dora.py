"""DoRA: the weight decomposition LyCORIS applies after adding ΔW (`dora_scale` in the file).

W' = (W + ΔW) · dora_scale / ‖W + ΔW‖, the norm taken per output row when dora_scale has the
output's length (LyCORIS's default `wd_on_output`), else per input column (older LyCORIS, peft),
plus float32's epsilon as in `lycoris.functional.general.weight_decompose`.
At a strength s other than 1 the merge is W + s · (W' − W) (ComfyUI's blend): strength 0 is the
base model. (LyCORIS's own multiplier rescales only the magnitude of W + ΔW.)
"""

from __future__ import annotations

import torch


def weight_decompose(weight: torch.Tensor, dora_scale: torch.Tensor) -> torch.Tensor:
    dora_scale = dora_scale.to(torch.float32)
    ones = [1] * (weight.dim() - 1)
    on_output = dora_scale.shape[0] == weight.shape[0] and dora_scale.numel() == weight.shape[0]
    if on_output:
        norm = weight.reshape(weight.shape[0], -1).norm(dim=1).reshape(weight.shape[0], *ones)
    else:
        norm = (
            weight.transpose(0, 1)
            .reshape(weight.shape[1], -1)
            .norm(dim=1, keepdim=True)
            .reshape(weight.shape[1], *ones)
            .transpose(0, 1)
        )
    norm = norm + torch.finfo(torch.float32).eps
    return weight * (dora_scale.reshape(norm.shape) / norm)
