"""Tiny SD 3.5 and Flux.1 models, built once per session in every layout a user may have."""

from __future__ import annotations

from pathlib import Path

import pytest

FLOW_ARCHITECTURES = ("tiny-sd3", "tiny-flux-dev", "tiny-flux-schnell")


@pytest.fixture(scope="session")
def flow_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """<arch> (diffusers folder), <arch>.safetensors (all-in-one, ComfyUI's layout),
    <arch>-transformer.safetensors (the transformer alone, its makers' layout)."""
    from workstation.engine.loading import quiet_libraries
    from workstation.engine.tiny import build_tiny_model

    quiet_libraries()
    folder = tmp_path_factory.mktemp("flow-models")
    for arch in FLOW_ARCHITECTURES:
        build_tiny_model(folder / arch, "diffusers", architecture=arch)
        build_tiny_model(folder / f"{arch}.safetensors", "single-file", architecture=arch)
        build_tiny_model(
            folder / f"{arch}-transformer.safetensors", "transformer", architecture=arch
        )
    return folder
