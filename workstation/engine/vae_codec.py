"""Latents to images and back through a model's VAE, as the pipelines and the peers do it.

Decoding undoes the VAE's scaling (and SDXL-style per-channel mean/std when the VAE has them);
8 bits are made the diffusers way (rounded) or the A1111/ComfyUI way (`uint8(255·x)`, truncated).
Encoding takes the posterior's mean (ComfyUI's VAEEncode; A1111 samples it, see peer_run).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PIL import Image

from workstation.core.errors import ModelError


def decode(pipe: Any, latent: Any, *, truncate: bool = False) -> Image.Image:
    """One latent [1, C, h, w] as an RGB image."""
    import torch

    vae = pipe.vae
    upcast = vae.dtype == torch.float16 and getattr(vae.config, "force_upcast", False)
    if upcast:
        vae.to(dtype=torch.float32)
    try:
        with torch.inference_mode():
            decoded = vae.decode(_unscaled(vae, latent.to(vae.dtype)), return_dict=False)[0]
    finally:
        if upcast:
            vae.to(dtype=torch.float16)
    if not torch.isfinite(decoded).all():
        # A1111 stops here too (its NaN check): an image of NaNs is no evidence of anything
        raise ModelError(
            "the model produced NaN or infinite values; try float32 (--dtype float32) or "
            "another sampler"
        )
    if not truncate:
        return pipe.image_processor.postprocess(decoded, output_type="pil")[0]
    pixels = ((decoded[0].float() + 1) / 2).clamp(0, 1).permute(1, 2, 0).cpu().numpy()
    return Image.fromarray((pixels * 255.0).astype(np.uint8))


def encode(pipe: Any, image: Image.Image) -> Any:
    """An RGB image as a scaled latent: the VAE posterior's mean."""
    import torch

    vae = pipe.vae
    pixels = torch.from_numpy(np.asarray(image.convert("RGB"), dtype=np.float32) / 255.0)
    pixels = (pixels.permute(2, 0, 1)[None] * 2 - 1).to(vae.device, vae.dtype)
    with torch.inference_mode():
        latent = vae.encode(pixels).latent_dist.mean
    shift = getattr(vae.config, "shift_factor", None) or 0.0
    return (latent - shift) * vae.config.scaling_factor


def _unscaled(vae: Any, latent: Any) -> Any:
    import torch

    mean = getattr(vae.config, "latents_mean", None)
    std = getattr(vae.config, "latents_std", None)
    if mean is not None and std is not None:
        shape = (1, latent.shape[1], 1, 1)
        mean_t = torch.tensor(mean).view(shape).to(latent)
        std_t = torch.tensor(std).view(shape).to(latent)
        return latent * std_t / vae.config.scaling_factor + mean_t
    shift = getattr(vae.config, "shift_factor", None) or 0.0
    return latent / vae.config.scaling_factor + shift
