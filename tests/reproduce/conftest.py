"""Tiny models and images made from them, built once per session, for the reproduce tests."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from workstation.core.params import GenerationParams, LoraSpec


# diffusers' schedulers hand torch tensors to numpy; with numpy 2, torch answers with these
# warnings once per step. They are not ours.
@pytest.fixture(scope="session")
def origin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the disputed images were made: tiny.safetensors and kohya.safetensors."""
    from workstation.engine.tiny import build_tiny_lora, build_tiny_model

    folder = tmp_path_factory.mktemp("origin")
    build_tiny_model(folder / "tiny.safetensors", "single-file")
    build_tiny_lora(folder / "kohya.safetensors", "kohya", seed=1)
    return folder


@pytest.fixture(scope="session")
def models_dir(origin: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The examiner's model folder: the same files under other names, so only hashes match."""
    folder = tmp_path_factory.mktemp("models")
    (folder / "loras").mkdir()
    shutil.copyfile(origin / "tiny.safetensors", folder / "checkpoint-v1.safetensors")
    shutil.copyfile(origin / "kohya.safetensors", folder / "loras" / "style.safetensors")
    return folder


def base_params(origin: Path, **changes) -> GenerationParams:
    values = dict(
        model=str(origin / "tiny.safetensors"),
        prompt='a lighthouse, at dusk: "storm"',
        negative="blurry",
        seed=1234,
        steps=4,
        cfg=7.0,
        sampler="Euler a",
        width=64,
        height=64,
    )
    return GenerationParams(**{**values, **changes})


def a1111_only(source: Path, out: Path) -> Path:
    """The same pixels with only the `parameters` text, as A1111 itself writes a PNG."""
    with Image.open(source) as image:
        image.load()
        info = PngInfo()
        info.add_text("parameters", image.text["parameters"])
        image.save(out, pnginfo=info)
    return out


@pytest.fixture(scope="session")
def images(origin: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """PNGs our engine made (with its `workstation` record), and A1111-style copies of them."""
    from workstation.engine.generate import generate
    from workstation.engine.loading import load_model
    from workstation.engine.pngmeta import save_png

    folder = tmp_path_factory.mktemp("disputed")
    model = load_model(origin / "tiny.safetensors", device="cpu")
    lora = LoraSpec(str(origin / "kohya.safetensors"), 0.8)
    made = {}
    for name, params in (
        ("plain", base_params(origin)),
        ("lora", base_params(origin, seed=99, loras=(lora,))),
    ):
        result = generate(model, params, decode_steps=())
        made[name] = save_png(result.image, folder / f"{name}.png", result.record)
        made[f"{name}_a1111"] = a1111_only(made[name], folder / f"{name}_a1111.png")
    made["lora_record"] = json.loads(Image.open(made["lora"]).text["workstation"])
    return made
