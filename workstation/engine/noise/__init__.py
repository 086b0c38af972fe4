"""The noise every generator draws, reproducible on any device.

Sources (:mod:`.sources`)
    ``randn(shape, seed, source, device) -> Tensor`` float32; source "cpu" (torch CPU generator),
    "gpu" (torch CUDA generator; InputError without CUDA) or "nv" (our Philox4x32-10, equal to
    CUDA's ``randn`` on any device); keyword ``nv_threads`` for tensors larger than the GPU's
    thread count. ``NoiseStream(seed, source, device, *, nv_threads).randn(shape)`` continues one
    generator draw after draw.

Philox (:mod:`.philox`)
    ``philox.randn(shape, seed, offset=0, threads=None) -> ndarray``, ``PhiloxGenerator(seed)``,
    ``philox4x32(counter, key)``, ``box_muller(x, y)``, ``seed_key(seed)``.

A1111 / Forge (:mod:`.a1111`)
    ``a1111_source(rng)`` ("RNG" infotext value, None = GPU), ``batch_seeds(seed, subseed,
    strength, count)``, ``slerp(val, low, high)``, ``ImageRNG(shape, seeds, *, subseeds,
    subseed_strength, seed_resize_from_h, seed_resize_from_w, source, ensd, device)`` with
    ``first()``, ``next()`` and ``noise_sampler(x)``; ``brownian_randn(source)`` for SDE samplers.

ComfyUI (:mod:`.comfyui`)
    ``prepare_noise(latent_shape, seed, noise_inds=None)``, ``comfy_noise(latent_shape, seed,
    batch_size, batch_index)``, ``default_noise_sampler(x, seed, source)``,
    ``ddim_inpaint_noise(latent_shape, seed)``.
"""

from workstation.engine.noise.a1111 import ImageRNG, a1111_source, batch_seeds, slerp
from workstation.engine.noise.comfyui import comfy_noise, default_noise_sampler, prepare_noise
from workstation.engine.noise.sources import SOURCES, NoiseStream, Source, randn

__all__ = [
    "SOURCES",
    "ImageRNG",
    "NoiseStream",
    "Source",
    "a1111_source",
    "batch_seeds",
    "comfy_noise",
    "default_noise_sampler",
    "prepare_noise",
    "randn",
    "slerp",
]
