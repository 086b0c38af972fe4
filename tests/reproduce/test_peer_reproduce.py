"""Reproducing another generator's file under its own convention, end to end through the app
layer: the recipe is read as A1111 wrote it, the init image is found in the case by A1111's pixel
MD5, the run follows A1111's sampling, and a batch without an index is searched item by item."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from tests.reproduce.conftest import base_params
from workstation.app.case_writer import CaseWriter
from workstation.app.reproduce import ReproduceRequest, plan_for, reproduce
from workstation.core.case import Case


def _png_with(path: Path, image: Image.Image, chunks: dict[str, str]) -> Path:
    info = PngInfo()
    for key, value in chunks.items():
        info.add_text(key, value)
    image.save(path, pnginfo=info)
    return path


def test_a1111_img2img_finds_its_init_image_in_the_case(origin, models_dir, tmp_path) -> None:
    from workstation.engine.generate import generate
    from workstation.engine.hashing import compute_hashes
    from workstation.engine.loading import load_model

    # The init image as A1111 received it (RGBA), and the MD5 of those pixels it records.
    rgba = np.zeros((64, 64, 4), np.uint8)
    rgba[..., 0], rgba[..., 3] = np.arange(64, dtype=np.uint8)[None, :] * 4, 255
    init = tmp_path / "init.png"
    Image.fromarray(rgba, "RGBA").save(init)
    md5 = hashlib.md5(Image.open(init).tobytes()).hexdigest()

    params = base_params(
        origin,
        prompt="a (lighthouse:1.2) at [dusk]",
        sampler="Euler",
        convention="a1111",
        prompt_syntax="a1111",
        noise="cpu",
        init_image=str(init),
        strength=0.5,
    )
    made = generate(load_model(params.model, device="cpu"), params, decode_steps=())
    autov2 = compute_hashes(params.model).autov2
    infotext = (
        f"{params.prompt}\nNegative prompt: {params.negative}\n"
        f"Steps: 4, Sampler: Euler, Schedule type: Automatic, CFG scale: 7, Seed: 1234, "
        f"Size: 64x64, Model hash: {autov2}, Model: tiny, Denoising strength: 0.5, "
        f"Init image hash: {md5}, RNG: CPU, Version: v1.10.1"
    )
    disputed = _png_with(tmp_path / "disputed.png", made.image, {"parameters": infotext})

    case_dir = tmp_path / "case"
    with Case.create(case_dir, "img2img", "Examiner") as case:
        case.import_file(init, role="reference", note="found on the seized laptop")
    writer = CaseWriter(case_dir)
    request = ReproduceRequest(image=disputed, models=models_dir)
    plan = plan_for(request, writer)
    assert plan.params.convention == "a1111" and plan.params.noise == "cpu"
    with Case.open(case_dir) as case:
        (stored,) = case.artifacts()
        assert Path(plan.params.init_image) == case.object_path(stored.sha256)
    done = reproduce(request, plan, writer=writer)
    assert done.exact_match, done.result.pixels
    assert any("A1111" in note or "AUTOMATIC1111" in note for note in done.result.notes)
    with Case.open(case_dir) as case:  # the images it compared have their provenance records,
        from workstation.app.provenance import stored_provenance  # its figures do not

        links = [k for k in case.record(done.record_id).links if k.artifact_id]
        recorded = {k.label: stored_provenance(case, k.artifact_id) for k in links}
        figures = {k.label for k in links if k.role == "figure"}
        assert figures and {label for label, meta in recorded.items() if meta} == {
            "disputed",
            "regenerated",
        }, recorded.keys()
        assert recorded["disputed"].recipe.seed == 1234
        assert recorded["regenerated"].generator == "Workstation"


def test_a_comfyui_batch_file_is_matched_to_its_item(origin, tmp_path) -> None:
    from workstation.engine.generate import generate
    from workstation.engine.loading import load_model

    params = base_params(
        origin,
        sampler="euler",
        scheduler="normal",
        convention="comfyui",
        prompt_syntax="comfyui",
        batch_size=3,
        batch_index=2,
    )
    made = generate(load_model(params.model, device="cpu"), params, decode_steps=())
    graph = {
        "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "tiny.safetensors"}},
        "5": {
            "class_type": "EmptyLatentImage",
            "inputs": {"width": 64, "height": 64, "batch_size": 3},
        },
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": params.prompt, "clip": ["4", 1]}},
        "7": {
            "class_type": "CLIPTextEncode",
            "inputs": {"text": params.negative, "clip": ["4", 1]},
        },
        "3": {
            "class_type": "KSampler",
            "inputs": {
                "seed": params.seed,
                "steps": params.steps,
                "cfg": params.cfg,
                "sampler_name": "euler",
                "scheduler": "normal",
                "denoise": 1.0,
                "model": ["4", 0],
                "positive": ["6", 0],
                "negative": ["7", 0],
                "latent_image": ["5", 0],
            },
        },
    }
    disputed = _png_with(tmp_path / "batch.png", made.image, {"prompt": json.dumps(graph)})
    request = ReproduceRequest(image=disputed, models=origin)  # ComfyUI records names only
    plan = plan_for(request)
    assert (plan.params.batch_size, plan.params.convention) == (3, "comfyui")
    done = reproduce(request, plan)
    assert done.exact_match
    assert any("item 2" in note for note in done.result.notes)


def test_a1111_textual_inversion_is_found_by_name_and_hash(origin, models_dir, tmp_path) -> None:
    import shutil

    import torch
    from safetensors.torch import save_file

    from workstation.engine.generate import generate
    from workstation.engine.hashing import compute_hashes
    from workstation.engine.loading import load_model

    folder = tmp_path / "models"
    shutil.copytree(models_dir, folder)
    (folder / "embeddings").mkdir()
    embedding = folder / "embeddings" / "inkwash.safetensors"
    save_file(
        {"emb_params": torch.randn(2, 32, generator=torch.Generator().manual_seed(5))}, embedding
    )
    short = hashlib.sha256(embedding.read_bytes()).hexdigest()[:12]

    params = base_params(
        origin,
        prompt="a lighthouse, inkwash",
        sampler="Euler",
        convention="a1111",
        prompt_syntax="a1111",
        noise="cpu",
        embeddings=(str(embedding),),
    )
    made = generate(load_model(params.model, device="cpu"), params, decode_steps=())
    used = made.record["sampling"]["conditioning"]["embeddings"]
    assert [(e["name"], e["sha256"][:12], e["vectors"]) for e in used] == [("inkwash", short, 2)]
    infotext = (
        f"{params.prompt}\nNegative prompt: {params.negative}\n"
        f"Steps: 4, Sampler: Euler, CFG scale: 7, Seed: 1234, Size: 64x64, "
        f'Model hash: {compute_hashes(params.model).autov2}, TI hashes: "inkwash: {short}", '
        f"RNG: CPU, Version: v1.10.1"
    )
    disputed = _png_with(tmp_path / "ti.png", made.image, {"parameters": infotext})
    request = ReproduceRequest(image=disputed, models=folder)
    plan = plan_for(request)
    assert plan.params.embeddings == (str(embedding),)
    assert reproduce(request, plan).exact_match

    embedding.unlink()  # without the file A1111 reads the word as text: another image
    plan = plan_for(request)
    assert any("'inkwash' is not in the model folder" in note for note in plan.notes)
    assert not reproduce(request, plan).exact_match
