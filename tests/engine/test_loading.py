"""Offline loading of diffusers folders and single files; clear errors for unloadable files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import save_file

from workstation.core.errors import InputError, ModelError
from workstation.engine.generate import txt2img
from workstation.engine.loading import load_model, resolve_dtype, uses_v_prediction


def test_single_file_loads_the_same_weights_as_the_folder(
    models_dir: Path, tiny_model, params
) -> None:
    folder = load_model(models_dir / "tiny", device="cpu")
    for name in ("unet", "vae", "text_encoder"):
        ours = getattr(folder.pipe, name).state_dict()
        theirs = getattr(tiny_model.pipe, name).state_dict()
        assert ours.keys() == theirs.keys()
        assert all(torch.equal(ours[k], theirs[k]) for k in ours), name
    from_folder = txt2img(folder, params.replace(model=str(models_dir / "tiny")), decode_steps=())
    from_file = txt2img(tiny_model, params, decode_steps=())
    assert np.array_equal(np.asarray(from_folder.image), np.asarray(from_file.image))
    assert from_folder.record["model"]["format"] == "diffusers"
    assert from_folder.record["model"]["autov2"] is None


def test_files_that_are_not_base_models(tmp_path: Path, tiny_file: Path, kohya_lora: Path) -> None:
    with pytest.raises(ModelError, match="this is a LoRA file"):
        load_model(kohya_lora, device="cpu")
    with pytest.raises(ModelError, match="no such file"):
        load_model(tmp_path / "missing.safetensors", device="cpu")
    truncated = tmp_path / "truncated.safetensors"
    truncated.write_bytes(tiny_file.read_bytes()[:1000])
    with pytest.raises(ModelError, match="truncated"):
        load_model(truncated, device="cpu")


def test_checkpoint_with_missing_tensors_is_a_model_error(tmp_path: Path, tiny_file: Path) -> None:
    from safetensors.torch import load_file

    state = load_file(tiny_file)
    del state["model.diffusion_model.out.2.weight"]
    broken = tmp_path / "broken.safetensors"
    save_file(state, broken)
    with pytest.raises(ModelError, match="cannot load as tiny SD1.x-layout test model"):
        load_model(broken, device="cpu")


def test_device_and_dtype_choices() -> None:
    assert resolve_dtype("auto", "cpu") == "float32"
    assert resolve_dtype("auto", "cuda") == "float16"
    with pytest.raises(InputError, match="float16 is not supported on the CPU"):
        resolve_dtype("float16", "cpu")
    if not torch.cuda.is_available():
        from workstation.engine.loading import resolve_device

        assert resolve_device("auto") in ("cpu", "mps")
        with pytest.raises(InputError, match="no CUDA GPU"):
            resolve_device("cuda")


class FakeUNet(torch.nn.Module):
    """Stands in for an SD 2.x UNet in A1111's v-prediction test."""

    def __init__(self, offset: float) -> None:
        super().__init__()
        self.weight = torch.nn.Parameter(torch.zeros(1))
        self.offset = offset
        self.config = type("Config", (), {"cross_attention_dim": 1024})()

    def forward(self, x, t, encoder_hidden_states):
        return type("Out", (), {"sample": x + self.offset})()


def test_v_prediction_test() -> None:
    assert uses_v_prediction(FakeUNet(-3.0))
    assert not uses_v_prediction(FakeUNet(0.1))
