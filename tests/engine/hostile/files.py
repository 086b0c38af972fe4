"""Hostile model files built on the spot: a safetensors file from any header (valid JSON or not)
and data bytes, a LoRA with kohya metadata, a diffusers folder of JSON files only."""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

import numpy as np

KOHYA_DOWN = "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k.lora_down.weight"
KOHYA_UP = KOHYA_DOWN.replace("lora_down", "lora_up")
KOHYA_ALPHA = KOHYA_DOWN.replace("lora_down.weight", "alpha")


def write_safetensors(path: Path, header: Any, data: bytes = b"") -> Path:
    """A file with exactly this header (a dict is dumped as JSON, bytes are written as they are)."""
    raw = header if isinstance(header, bytes) else json.dumps(header).encode()
    path.write_bytes(struct.pack("<Q", len(raw)) + raw + data)
    return path


def lora_header(
    metadata: dict[str, Any] | None = None, rank: int = 2, width: int = 8
) -> tuple[dict[str, Any], bytes]:
    """A consistent kohya LoRA header (down, up, alpha, float32) and its data bytes."""
    tensors = {
        KOHYA_DOWN: np.full((rank, width), 0.5, np.float32),
        KOHYA_UP: np.full((width, rank), 0.25, np.float32),
        KOHYA_ALPHA: np.array(1.0, np.float32),
    }
    header: dict[str, Any] = {}
    data = b""
    for name, array in tensors.items():
        raw = array.tobytes()
        header[name] = {
            "dtype": "F32",
            "shape": list(array.shape),
            "data_offsets": [len(data), len(data) + len(raw)],
        }
        data += raw
    if metadata is not None:
        header["__metadata__"] = metadata
    return header, data


def write_lora(path: Path, metadata: dict[str, Any] | None = None) -> Path:
    header, data = lora_header(metadata)
    return write_safetensors(path, header, data)


UNET_CONFIG = {"cross_attention_dim": 32, "block_out_channels": [32, 64], "sample_size": 8}
INDEX = {
    "_class_name": "StableDiffusionPipeline",
    "requires_safety_checker": False,
    "unet": ["diffusers", "UNet2DConditionModel"],
    "scheduler": ["diffusers", "DDIMScheduler"],
}


def write_folder(
    folder: Path,
    index: Any = None,
    unet_config: Any = None,
    files: dict[str, bytes] | None = None,
) -> Path:
    """A diffusers folder with model_index.json, unet/config.json, a unet weights file (any
    JSON value or raw bytes for the two configs) and `files` by relative path."""
    folder.mkdir(parents=True)
    (folder / "unet").mkdir()
    (folder / "scheduler").mkdir()
    for name, value, default in (
        ("model_index.json", index, INDEX),
        ("unet/config.json", unet_config, UNET_CONFIG),
    ):
        value = default if value is None else value
        raw = value if isinstance(value, bytes) else json.dumps(value).encode()
        (folder / name).write_bytes(raw)
    (folder / "scheduler" / "scheduler_config.json").write_text('{"num_train_timesteps": 1000}')
    write_safetensors(folder / "unet" / "diffusion_pytorch_model.safetensors", {})
    for name, raw in (files or {}).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(raw)
    return folder
