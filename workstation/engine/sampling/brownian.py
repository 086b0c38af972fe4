"""The Brownian-tree noise sampler of the SDE samplers (DPM++ SDE, 2M SDE, 3M SDE).

Follows k-diffusion 0.1.1 `sampling.BrownianTreeNoiseSampler` / `BatchedBrownianTree` (A1111:
one tree per image seed, on the latent's device) and ComfyUI v0.3.64's copy of it, whose `cpu`
flag builds the tree on the CPU (its plain SDE samplers) or on the latent's device (the `_gpu`
variants). The noise between two sigmas is a Brownian increment over [sigma_next, sigma],
divided by its standard deviation, so it does not depend on how many steps ask for it.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torchsde


class BrownianTreeNoiseSampler:
    """noise_sampler(sigma, sigma_next) -> unit-variance noise shaped like x.

    seed: one int (one tree for the whole batch, ComfyUI) or one int per batch item (A1111
    passes the batch's seeds).
    """

    def __init__(
        self,
        x: torch.Tensor,
        sigma_min: float | torch.Tensor,
        sigma_max: float | torch.Tensor,
        seed: int | Sequence[int],
        cpu: bool = False,
    ) -> None:
        t0, t1 = torch.as_tensor(sigma_min), torch.as_tensor(sigma_max)
        t0, t1, self.sign = (t0, t1, 1) if t0 < t1 else (t1, t0, -1)
        w0 = torch.zeros_like(x)
        self.batched = isinstance(seed, Sequence)
        if self.batched:
            if len(seed) != x.shape[0]:
                raise ValueError("one Brownian seed per batch item is needed")
            seeds, w0 = list(seed), w0[0]
        else:
            seeds = [seed]
        self.cpu = cpu
        if cpu:
            t0, w0, t1 = t0.detach().cpu(), w0.detach().cpu(), t1.detach().cpu()
        self.trees = [torchsde.BrownianTree(t0, w0, t1, entropy=s) for s in seeds]

    def __call__(self, sigma: torch.Tensor, sigma_next: torch.Tensor) -> torch.Tensor:
        t0, t1 = torch.as_tensor(sigma), torch.as_tensor(sigma_next)
        a, b, sign = (t0, t1, 1) if t0 < t1 else (t1, t0, -1)
        device, dtype = a.device, a.dtype
        if self.cpu:
            a, b = a.detach().cpu().float(), b.detach().cpu().float()
        w = torch.stack([tree(a, b) for tree in self.trees]).to(device=device, dtype=dtype) * (
            self.sign * sign
        )
        w = w if self.batched else w[0]
        return w / (t1 - t0).abs().sqrt()


def brownian_noise_sampler(
    x: torch.Tensor,
    sigma_min: float | torch.Tensor,
    sigma_max: float | torch.Tensor,
    seed: int | Sequence[int],
    cpu: bool,
) -> BrownianTreeNoiseSampler:
    return BrownianTreeNoiseSampler(x, sigma_min, sigma_max, seed, cpu=cpu)
