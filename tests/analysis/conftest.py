"""Images for the similarity tests, made on the spot: textured "works", transforms, odd formats."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw


def make_work(seed: int, size: tuple[int, int] = (384, 384)) -> np.ndarray:
    """A textured picture with shapes: enough detail for SIFT, distinct per seed."""
    rng = np.random.default_rng(seed)
    width, height = size
    image = Image.new("RGB", size, tuple(int(v) for v in rng.integers(0, 256, 3)))
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x0, y0 = rng.uniform(-0.1, 0.9, 2) * (width, height)
        w, h = rng.uniform(0.03, 0.3, 2) * (width, height)
        colour = tuple(int(v) for v in rng.integers(0, 256, 3))
        if rng.random() < 0.5:
            draw.ellipse([x0, y0, x0 + w, y0 + h], fill=colour)
        else:
            draw.rectangle([x0, y0, x0 + w, y0 + h], fill=colour, outline=(0, 0, 0), width=2)
    noise = rng.normal(0, 12, (height // 4, width // 4, 3))
    texture = (
        np.asarray(
            Image.fromarray(np.clip(noise + 128, 0, 255).astype(np.uint8)).resize(size)
        ).astype(np.int16)
        - 128
    )
    return np.clip(np.asarray(image, np.int16) + texture, 0, 255).astype(np.uint8)


def save(rgb: np.ndarray, path: Path, **options) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(rgb).save(path, **options)
    return path


@pytest.fixture(scope="session")
def images(tmp_path_factory) -> dict[str, Path]:
    """Named image files shared by the analysis tests (made once per session)."""
    folder = tmp_path_factory.mktemp("analysis-images")
    work = make_work(1)
    other = make_work(2)
    crop = work[70:330, 40:300]  # 260×260 of 384×384: 54 % of the area kept
    crop_big = np.asarray(Image.fromarray(crop).resize((420, 420), Image.Resampling.LANCZOS))
    return {
        "work": save(work, folder / "work.png"),
        "work_copy": save(work, folder / "work_copy.png"),
        "work_jpeg": save(work, folder / "work.jpg", quality=70),
        "other": save(other, folder / "other.png"),
        "crop": save(crop_big, folder / "crop.png"),
        "mirror": save(np.ascontiguousarray(work[:, ::-1]), folder / "mirror.png"),
        "wide": save(make_work(3, (480, 240)), folder / "wide.png"),
    }


@pytest.fixture(scope="session")
def tiny_clip(tmp_path_factory) -> dict[str, Path]:
    """A tiny random-weight open_clip architecture, its checkpoint, and a mismatched one."""
    import open_clip
    import torch
    from safetensors.torch import save_file

    folder = tmp_path_factory.mktemp("tiny-clip")
    text = {"context_length": 77, "vocab_size": 49408, "width": 32, "heads": 2, "layers": 1}
    config = {
        "embed_dim": 32,
        "vision_cfg": {
            "image_size": 32,
            "layers": 1,
            "width": 32,
            "head_width": 16,
            "patch_size": 8,
        },
        "text_cfg": text,
    }
    other = dict(config, embed_dim=24)
    arch = folder / "wstest-tiny-clip.json"
    arch.write_text(json.dumps(config))
    other_arch = folder / "wstest-tiny-clip-other.json"
    other_arch.write_text(json.dumps(other))
    open_clip.add_model_config(arch)
    open_clip.add_model_config(other_arch)

    torch.manual_seed(0)
    model, _, _ = open_clip.create_model_and_transforms("wstest-tiny-clip")
    checkpoint = folder / "tiny.safetensors"
    save_file(model.state_dict(), str(checkpoint))
    torch.manual_seed(1)
    other_model, _, _ = open_clip.create_model_and_transforms("wstest-tiny-clip-other")
    other_checkpoint = folder / "other.safetensors"
    save_file(other_model.state_dict(), str(other_checkpoint))

    model_dir = folder / "model-folder"
    model_dir.mkdir()
    (model_dir / "open_clip_config.json").write_text(json.dumps({"model_cfg": config}))
    save_file(model.state_dict(), str(model_dir / "open_clip_model.safetensors"))
    return {
        "arch": arch,
        "checkpoint": checkpoint,
        "other_arch": other_arch,
        "other_checkpoint": other_checkpoint,
        "folder": model_dir,
    }
