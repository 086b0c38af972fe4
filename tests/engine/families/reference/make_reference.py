"""Reference outputs of ComfyUI's own SD 3.5 model (MMDiT) for our tiny transformer file in
Stability's key layout. (ComfyUI, like diffusers' single-file code, builds Flux only at its full
width, 3072; the Flux layout is checked against diffusers' converter at that width instead.)

Two stages (the second needs ComfyUI and its requirements, never the workstation's venv):

    .venv/bin/python tests/engine/families/reference/make_reference.py build
    cd <ComfyUI checkout> && <its venv>/bin/python \
        /work/main/tests/engine/families/reference/make_reference.py comfy

`build` writes tests/engine/families/data/tiny-sd3-transformer.safetensors (seed 5; the test
rebuilds it and checks its SHA-256 against the one recorded here, then it is deleted);
`comfy` loads it with ComfyUI's model detection and diffusion-model loader, records what
ComfyUI detects, the keys it could not place, and its model output for fixed inputs, in
data/comfyui_reference.npz + .json, and ComfyUI's latent preview factors per family in
data/comfyui_latent_formats.json. Made with ComfyUI a125cd84b054 (Oct 2025), torch on CPU.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"
ARCHITECTURES = ("tiny-sd3",)


def inputs(arch: str):
    """Fixed model inputs: latent [1,16,8,8], sigma 0.5, 5 context tokens, pooled vector."""
    import torch

    generator = torch.Generator().manual_seed(11)
    x = torch.randn(1, 16, 8, 8, generator=generator)
    context = torch.randn(1, 5, 64, generator=generator)
    pooled = torch.randn(1, 64, generator=generator)
    return x, context, pooled


def build() -> None:
    from workstation.engine.tiny import build_tiny_model

    DATA.mkdir(exist_ok=True)
    for arch in ARCHITECTURES:
        out = DATA / f"{arch}-transformer.safetensors"
        out.unlink(missing_ok=True)
        build_tiny_model(out, "transformer", seed=5, architecture=arch)


def comfy() -> None:
    import comfy.cli_args

    comfy.cli_args.args.cpu = True
    import comfy.model_detection
    import comfy.model_management
    import comfy.sd
    import numpy as np
    import torch
    from safetensors.torch import load_file

    found, arrays = {}, {}
    for arch in ARCHITECTURES:
        state = load_file(DATA / f"{arch}-transformer.safetensors")
        unet_config = comfy.model_detection.detect_unet_config(state, "")
        model_config = comfy.model_detection.model_config_from_unet_config(unet_config, state)
        patcher = comfy.sd.load_diffusion_model_state_dict(dict(state))
        net = patcher.model.diffusion_model.float()
        own = net.state_dict()
        x, context, pooled = inputs(arch)
        with torch.no_grad():  # ComfyUI hands the MMDiT sigma x 1000 as its timestep
            out = net(x, torch.tensor([500.0]), context=context, y=pooled)
        found[arch] = {
            "sha256": __import__("hashlib")
            .sha256((DATA / f"{arch}-transformer.safetensors").read_bytes())
            .hexdigest(),
            "model_config": type(model_config).__name__,
            "unet_config": {
                k: v for k, v in unet_config.items() if isinstance(v, (int, str, bool, list))
            },
            "missing": sorted(set(own) - set(state)),
            "unexpected": sorted(set(state) - set(own)),
        }
        arrays[arch] = out.numpy().astype(np.float32)
    np.savez(DATA / "comfyui_reference.npz", **arrays)
    (DATA / "comfyui_reference.json").write_text(json.dumps(found, indent=2) + "\n")
    import comfy.latent_formats as formats

    previews = {
        family: {
            "channels": fmt.latent_channels,
            "factors": fmt().latent_rgb_factors,
            "bias": getattr(fmt(), "latent_rgb_factors_bias", None),
        }
        for family, fmt in (
            ("sd1", formats.SD15),
            ("sdxl", formats.SDXL),
            ("sd3", formats.SD3),
            ("flux", formats.Flux),
        )
    }
    (DATA / "comfyui_latent_formats.json").write_text(json.dumps(previews, indent=2) + "\n")
    for arch in ARCHITECTURES:  # the test rebuilds it from the seed (and checks this hash)
        (DATA / f"{arch}-transformer.safetensors").unlink()


if __name__ == "__main__":
    {"build": build, "comfy": comfy}[sys.argv[1]]()
