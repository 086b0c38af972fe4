"""Memory is estimated from the file headers before loading; a dtype that will not fit on the
CPU is refused with what would fit; a GPU too small gets sequential CPU offload."""

from __future__ import annotations

from pathlib import Path

import pytest

from workstation.core.errors import ModelError
from workstation.engine import loading
from workstation.engine.library import inspect
from workstation.engine.loading import estimate_memory, load_model, parameter_count


def test_parameter_count_is_read_from_the_headers(flow_dir: Path, tiny_file: Path) -> None:
    for path in (flow_dir / "tiny-flux-dev.safetensors", flow_dir / "tiny-sd3", tiny_file):
        model = load_model(path, "cpu")
        loaded = {  # weights and persistent buffers, a tied tensor once
            tensor.data_ptr(): tensor.numel()
            for name in ("transformer", "unet", "vae", "text_encoder", "text_encoder_2")
            + ("text_encoder_3",)
            if getattr(model.pipe, name, None) is not None
            for tensor in getattr(model.pipe, name).state_dict().values()
        }
        # the file may hold a little more than the model uses (ComfyUI's logit scales, CLIP-L's
        # projection in a Flux file): an estimate errs on the safe side
        count = parameter_count(model.info)
        assert sum(loaded.values()) <= count <= 1.001 * sum(loaded.values()), path.name


def test_estimate_scales_with_the_dtype(flow_dir: Path) -> None:
    info = inspect(flow_dir / "tiny-sd3.safetensors")
    full = estimate_memory(info, "float32", "cpu")
    half = estimate_memory(info, "bfloat16", "cpu")
    assert full.parameters == 2 * half.parameters == 4 * parameter_count(info)
    assert full.needed == full.parameters + full.activations


def test_cpu_refuses_float32_that_will_not_fit_and_names_bfloat16(
    flow_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = flow_dir / "tiny-flux-dev.safetensors"
    info = inspect(path)
    bf16 = estimate_memory(info, "bfloat16", "cpu").needed
    monkeypatch.setattr(loading, "available_memory", lambda device: bf16 + 1)
    with pytest.raises(ModelError) as error:
        load_model(path, "cpu", dtype="float32")
    message = str(error.value)
    assert "\n" not in message
    assert "too large for this machine: float32 needs about" in message
    assert "--dtype bfloat16 would fit" in message
    model = load_model(path, "cpu", dtype="bfloat16")  # the user's choice, never ours
    assert model.dtype == "bfloat16"
    monkeypatch.setattr(loading, "available_memory", lambda device: bf16 - 1)
    with pytest.raises(ModelError, match="does not fit in bfloat16 either"):
        load_model(path, "cpu", dtype="float32")


def test_small_gpu_gets_sequential_offload(flow_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On CUDA with too little free memory the pipeline is offloaded, and the model says so.
    (The library call is recorded here; the real one runs on a CUDA machine, below.)"""
    import diffusers

    calls = []
    monkeypatch.setattr(loading, "resolve_device", lambda name: "cuda")
    monkeypatch.setattr(loading, "resolve_dtype", lambda name, device: "float32")
    monkeypatch.setattr(loading, "available_memory", lambda device: 1)
    monkeypatch.setattr(
        diffusers.FluxPipeline,
        "enable_sequential_cpu_offload",
        lambda self, device: calls.append(device),
    )
    model = load_model(flow_dir / "tiny-flux-schnell.safetensors", "cuda")
    assert calls == ["cuda"] and model.offload == "sequential CPU offload"
    assert model.device == "cuda" and not model.memory.fits


@pytest.mark.skipif("not __import__('torch').cuda.is_available()")
def test_sequential_offload_on_cuda_generates_the_same_image(
    flow_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import numpy as np
    import torch

    path = flow_dir / "tiny-flux-schnell.safetensors"

    def image(model):
        return model.pipe(
            prompt="x",
            num_inference_steps=2,
            width=64,
            height=64,
            output_type="np",
            generator=torch.Generator("cpu").manual_seed(1),
        ).images[0]

    whole = image(load_model(path, "cuda", dtype="float32"))
    monkeypatch.setattr(loading, "available_memory", lambda device: 1)
    offloaded = load_model(path, "cuda", dtype="float32")
    assert offloaded.offload == "sequential CPU offload"
    assert np.abs(image(offloaded) - whole).max() < 1e-3
