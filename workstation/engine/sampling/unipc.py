"""ComfyUI's "uni_pc" / "uni_pc_bh2" samplers: UniPC (Zhao et al. 2023), multistep, data
prediction, B(h) = h ("bh1") or e^h - 1 ("bh2"), order min(3, steps - 1), lower orders at the
end - as ComfyUI v0.3.64 `comfy/extra_samplers/uni_pc.py` `sample_unipc` runs it on sigmas.

It works in variance-preserving space: x_vp = x / sqrt(1 + sigma²), alpha = 1/sqrt(1 + sigma²),
std = sigma * alpha, lambda = log(alpha / std); a final sigma of 0 becomes 0.001 (ComfyUI's
substitute), and the result is divided by that step's alpha.
"""

from __future__ import annotations

import torch

from workstation.engine.sampling.samplers import _report


def _log_alpha(sigma: torch.Tensor) -> torch.Tensor:
    return 0.5 * torch.log(1 / ((sigma * sigma) + 1))


def _alpha(sigma: torch.Tensor) -> torch.Tensor:
    return torch.exp(_log_alpha(sigma))


def _std(sigma: torch.Tensor) -> torch.Tensor:
    return torch.sqrt(1.0 - torch.exp(2.0 * _log_alpha(sigma)))


def _lambda(sigma: torch.Tensor) -> torch.Tensor:
    log_alpha = _log_alpha(sigma)
    return log_alpha - 0.5 * torch.log(1.0 - torch.exp(2.0 * log_alpha))


def _col(v: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    return v[(...,) + (None,) * (like.dim() - 1)]


class _UniPC:
    def __init__(self, model, extra_args, variant: str) -> None:
        self.model, self.extra_args, self.variant = model, extra_args, variant

    def x0(self, x: torch.Tensor, sigma: torch.Tensor) -> torch.Tensor:
        """Data prediction at sigma from the VP latent (via the model's noise prediction)."""
        s = sigma.view(sigma.shape[:1] + (1,) * (x.ndim - 1))
        x_k = x * ((s**2 + 1.0) ** 0.5)
        eps = (x_k - self.model(x_k, sigma, **self.extra_args)) / s
        return (x - _col(_std(sigma), x) * eps) / _col(_alpha(sigma), x)

    def update(self, x, model_prev, t_prev, t, order, use_corrector):
        """One UniPC step (predictor, then corrector unless told not to), variant B(h)."""
        lambda_prev_0, lambda_t = _lambda(t_prev[-1]), _lambda(t)
        m0 = model_prev[-1]
        sigma_prev_0, sigma_t = _std(t_prev[-1]), _std(t)
        alpha_t = torch.exp(_log_alpha(t))
        h = lambda_t - lambda_prev_0

        rks, d1s = [], []
        for i in range(1, order):
            rk = ((_lambda(t_prev[-(i + 1)]) - lambda_prev_0) / h)[0]
            rks.append(rk)
            d1s.append((model_prev[-(i + 1)] - m0) / rk)
        rks.append(1.0)
        rks = torch.tensor(rks, device=x.device)

        hh = -h[0]
        h_phi_1 = torch.expm1(hh)
        h_phi_k = h_phi_1 / hh - 1
        b_h = hh if self.variant == "bh1" else torch.expm1(hh)
        rows, b, factorial = [], [], 1
        for i in range(1, order + 1):
            rows.append(torch.pow(rks, i - 1))
            b.append(h_phi_k * factorial / b_h)
            factorial *= i + 1
            h_phi_k = h_phi_k / hh - 1 / factorial
        r = torch.stack(rows)
        b = torch.tensor(b, device=x.device)

        d1 = torch.stack(d1s, dim=1) if d1s else None
        x_t_ = _col(sigma_t / sigma_prev_0, x) * x - _col(alpha_t * h_phi_1, x) * m0
        pred_res = 0
        if d1 is not None:
            rhos_p = (
                torch.tensor([0.5], device=x.device)
                if order == 2
                else torch.linalg.solve(r[:-1, :-1], b[:-1])
            )
            pred_res = torch.tensordot(d1, rhos_p, dims=([1], [0]))
        x_t = x_t_ - _col(alpha_t * b_h, x) * pred_res
        if not use_corrector:
            return x_t, None
        rhos_c = torch.tensor([0.5], device=x.device) if order == 1 else torch.linalg.solve(r, b)
        model_t = self.x0(x_t, t)
        corr_res = torch.tensordot(d1, rhos_c[:-1], dims=([1], [0])) if d1 is not None else 0
        x_t = x_t_ - _col(alpha_t * b_h, x) * (corr_res + rhos_c[-1] * (model_t - m0))
        return x_t, model_t


@torch.no_grad()
def sample_uni_pc(
    model, x, sigmas, extra_args=None, callback=None, noise_sampler=None, variant="bh1"
):
    timesteps = sigmas.clone()
    if sigmas[-1] == 0:
        timesteps[-1] = 0.001
    solver = _UniPC(model, extra_args or {}, variant)
    x = x / torch.sqrt(1.0 + timesteps[0] ** 2.0)
    steps = len(timesteps) - 1
    order = min(3, len(timesteps) - 2)
    batch = x.shape[0]
    model_prev: list[torch.Tensor] = []
    t_prev: list[torch.Tensor] = []
    for index in range(steps):
        if index == 0:
            t = timesteps[0].expand(batch)
            model_prev, t_prev = [solver.x0(x, t)], [t]
        elif index < order:
            # Warm-up: the first steps at the orders the history allows.
            t = timesteps[index].expand(batch)
            x, model_x = solver.update(x, model_prev, t_prev, t, index, use_corrector=True)
            model_prev.append(model_x)
            t_prev.append(t)
        else:
            last = index + 1 if index == steps - 1 else index  # the final step also goes to the end
            for step in range(index, last + 1):
                t = timesteps[step].expand(batch)
                step_order = min(order, steps + 1 - step)
                x, model_x = solver.update(
                    x, model_prev, t_prev, t, step_order, use_corrector=step != steps
                )
                t_prev = t_prev[1:] + [t] if order > 1 else [t]
                model_prev = model_prev[1:] + [model_prev[-1]] if order > 1 else [model_prev[-1]]
                if step < steps:
                    model_prev[-1] = model_x if model_x is not None else solver.x0(x, t)
        _report(callback, index, x, sigmas[index], sigmas[index], model_prev[-1])
    return x / _alpha(timesteps[-1])


@torch.no_grad()
def sample_uni_pc_bh2(model, x, sigmas, extra_args=None, callback=None, noise_sampler=None):
    return sample_uni_pc(model, x, sigmas, extra_args, callback, noise_sampler, variant="bh2")
