"""Our SD 3.5 single-file layout and loading against ComfyUI's own MMDiT: ComfyUI detects the
tiny transformer file as SD3, places every tensor, and its output for fixed inputs equals the
output of the diffusers model our loader builds from the same file (reference/make_reference.py)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

DATA = Path(__file__).parent / "data"


def test_our_sd3_file_is_comfyuis_sd3_and_computes_the_same(tmp_path: Path) -> None:
    import torch
    from safetensors.torch import load_file

    from workstation.engine.architectures import BY_NAME
    from workstation.engine.hashing import compute_hashes
    from workstation.engine.library import inspect
    from workstation.engine.loading import _flow_transformer
    from workstation.engine.tiny import build_tiny_model

    from .reference.make_reference import inputs

    reference = json.loads((DATA / "comfyui_reference.json").read_text())["tiny-sd3"]
    path = build_tiny_model(
        tmp_path / "tiny-sd3-transformer.safetensors",
        "transformer",
        seed=5,
        architecture="tiny-sd3",
    )
    assert compute_hashes(path).sha256 == reference["sha256"]  # the very file ComfyUI read
    assert (reference["model_config"], reference["missing"], reference["unexpected"]) == (
        "SD3",
        [],
        [],
    )
    assert reference["unet_config"]["depth"] == BY_NAME["tiny-sd3"].depth
    assert inspect(path).architecture == "tiny-sd3"

    model = _flow_transformer(
        BY_NAME["tiny-sd3"], load_file(path), torch.float32, "SD3Transformer2DModel"
    )
    x, context, pooled = inputs("tiny-sd3")
    with torch.no_grad():
        ours = model(
            hidden_states=x,
            encoder_hidden_states=context,
            pooled_projections=pooled,
            timestep=torch.tensor([500.0]),
        ).sample
    theirs = np.load(DATA / "comfyui_reference.npz")["tiny-sd3"]
    assert np.abs(ours.numpy() - theirs).max() < 1e-4 * np.abs(theirs).max()
