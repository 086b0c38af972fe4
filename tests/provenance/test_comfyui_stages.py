"""ComfyUI multi-stage graphs walked as graphs: SDXL base + refiner, hires passes (latent and
pixel upscale), img2img, inpainting; every model file named with its role; what the file does
not state marked as inferred."""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_cli
from tests.provenance.comfyui_editor import editor_workflow
from tests.provenance.conftest import png_bytes
from workstation.analysis.provenance import read_metadata
from workstation.analysis.provenance.result import ModelRef, Stage
from workstation.app.metadata import sections
from workstation.core.errors import InputError

BASE = "sd_xl_base_1.0.safetensors"
REFINER = "sd_xl_refiner_1.0.safetensors"


def advanced(seed, start, end, add_noise, leftover, model, positive, negative, latent) -> dict:
    return {
        "class_type": "KSamplerAdvanced",
        "inputs": {
            "add_noise": add_noise,
            "noise_seed": seed,
            "steps": 25,
            "cfg": 8.0,
            "sampler_name": "euler",
            "scheduler": "normal",
            "start_at_step": start,
            "end_at_step": end,
            "return_with_leftover_noise": leftover,
            "model": model,
            "positive": positive,
            "negative": negative,
            "latent_image": latent,
        },
    }


def base_refiner_graph() -> dict:
    """ComfyUI's SDXL example: the base runs steps 0–20 of 25 and hands its noisy latent to the
    refiner, which runs 20–25 without adding noise."""
    return {
        "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": BASE}},
        "12": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": REFINER}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a red fox", "clip": ["4", 1]}},
        "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["4", 1]}},
        "15": {"class_type": "CLIPTextEncode", "inputs": {"text": "a red fox", "clip": ["12", 1]}},
        "16": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["12", 1]}},
        "5": {
            "class_type": "EmptyLatentImage",
            "inputs": {"width": 1024, "height": 1024, "batch_size": 1},
        },
        "10": advanced(5, 0, 20, "enable", "enable", ["4", 0], ["6", 0], ["7", 0], ["5", 0]),
        "11": advanced(
            0, 20, 10000, "disable", "disable", ["12", 0], ["15", 0], ["16", 0], ["10", 0]
        ),
        "17": {"class_type": "VAEDecode", "inputs": {"samples": ["11", 0], "vae": ["12", 2]}},
        "19": {"class_type": "SaveImage", "inputs": {"filename_prefix": "x", "images": ["17", 0]}},
    }


def txt2img_graph() -> dict:
    return {
        "4": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "dreamshaper_8"}},
        "6": {"class_type": "CLIPTextEncode", "inputs": {"text": "a boat", "clip": ["4", 1]}},
        "7": {"class_type": "CLIPTextEncode", "inputs": {"text": "", "clip": ["4", 1]}},
        "5": {
            "class_type": "EmptyLatentImage",
            "inputs": {"width": 512, "height": 384, "batch_size": 1},
        },
        "3": {
            "class_type": "KSampler",
            "inputs": {
                "seed": 42,
                "steps": 20,
                "cfg": 7.0,
                "sampler_name": "dpmpp_2m",
                "scheduler": "karras",
                "denoise": 1.0,
                "model": ["4", 0],
                "positive": ["6", 0],
                "negative": ["7", 0],
                "latent_image": ["5", 0],
            },
        },
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
        "9": {"class_type": "SaveImage", "inputs": {"filename_prefix": "x", "images": ["8", 0]}},
    }


def second_pass(latent: list, denoise: float, seed: int = 7, steps: int = 12) -> dict:
    inputs = dict(txt2img_graph()["3"]["inputs"])
    inputs.update(seed=seed, steps=steps, denoise=denoise, latent_image=latent)
    return {"class_type": "KSampler", "inputs": inputs}


def comfy(write, graph: dict | None, workflow: dict | None = None):
    texts = {}
    if graph is not None:
        texts["prompt"] = json.dumps(graph)
    if workflow is not None:
        texts["workflow"] = json.dumps(workflow)
    return read_metadata(write("c.png", png_bytes(texts)))


def check_base_and_refiner(recipe) -> None:
    base, refiner = recipe.stages
    assert base == Stage(
        role="base",
        source="KSamplerAdvanced node 10",
        sampler="euler",
        scheduler="normal",
        steps=25,
        start_step=0,
        end_step=20,
        cfg=8.0,
        seed=5,
        model=BASE,
        add_noise=True,
        return_with_leftover_noise=True,
        mode="txt2img",
        width=1024,
        height=1024,
        settings=base.settings,
    )
    assert (refiner.role, refiner.source, refiner.model) == (
        "refiner",
        "KSamplerAdvanced node 11",
        REFINER,
    )
    assert (refiner.steps, refiner.start_step, refiner.end_step) == (25, 20, None)
    assert (refiner.add_noise, refiner.return_with_leftover_noise) == (False, False)
    assert (refiner.sampler, refiner.scheduler, refiner.cfg, refiner.seed) == (
        "euler",
        "normal",
        8.0,
        0,
    )
    # the main table is the base pass, with the schedule length its node recorded
    assert (recipe.steps, recipe.seed, recipe.model_name, recipe.mode) == (25, 5, BASE, "txt2img")
    assert (recipe.prompt, recipe.negative, recipe.width, recipe.height) == (
        "a red fox",
        "blurry",
        1024,
        1024,
    )
    assert recipe.hires == ()
    assert recipe.refiner == (
        ("Refiner", REFINER),
        ("Refiner switch at", "step 20 of 25"),
        ("Refiner sampler", "KSamplerAdvanced node 11: euler + normal"),
    )
    assert recipe.models == (
        ModelRef("checkpoint", BASE, source="CheckpointLoaderSimple node 4"),
        ModelRef("refiner", REFINER, source="CheckpointLoaderSimple node 12"),
    )
    assert recipe.peer.refused == ("SDXL refiner hand-over at step 20 of 25 (KSamplerAdvanced)",)
    assert dict(recipe.inferred) == {
        "clip_skip": "no CLIPSetLastLayer before the text encoder: ComfyUI uses the last layer",
        "sampler": "mapped from ComfyUI euler + normal",
        "mode": "from the graph: EmptyLatentImage node 5 feeds the first pass",
    }
    assert recipe.is_inferred("clip_skip") and not recipe.is_inferred("steps")


def test_sdxl_base_and_refiner_are_two_stages_not_a_hires_pass(write) -> None:
    graph = base_refiner_graph()
    meta = comfy(write, graph, editor_workflow(graph))
    check_base_and_refiner(meta.recipe)
    assert meta.warnings == ()
    rows = [(row.label, row.value) for row in sections(meta)[0].rows]
    assert ("steps", "25  (the schedule; the base pass ran steps 0–20)") in rows
    assert (
        "stage",
        "base: KSamplerAdvanced node 10, euler + normal, steps 0–20 of 25, cfg 8, seed 5, "
        f"1024x1024, model {BASE}",
    ) in rows
    assert (
        "stage",
        "refiner: KSamplerAdvanced node 11, euler + normal, steps 20–25 of 25, cfg 8, seed 0, "
        f"model {REFINER}",
    ) in rows
    assert ("model file", f"refiner: {REFINER}  (CheckpointLoaderSimple node 12)") in rows
    assert (
        "clip skip",
        "1  (inferred: no CLIPSetLastLayer before the text encoder: ComfyUI uses the last layer)",
    ) in rows
    assert not any(label == "hires" for label, _ in rows)
    with pytest.raises(InputError, match="SDXL refiner hand-over at step 20 of 25"):
        meta.to_generation_params("m.safetensors")


def test_the_editor_graph_alone_gives_the_same_stages(write) -> None:
    meta = comfy(write, None, editor_workflow(base_refiner_graph()))
    check_base_and_refiner(meta.recipe)
    assert meta.recipe.source == 'PNG tEXt "workflow"'


def test_the_cli_prints_one_row_per_stage(write) -> None:
    graph = base_refiner_graph()
    path = write("sdxl.png", png_bytes({"prompt": json.dumps(graph)}))
    out = run_cli("metadata", path, check=True).stdout
    assert "steps 0–20 of 25" in out and "steps 20–25 of 25" in out
    assert f"refiner: {REFINER}  (CheckpointLoaderSimple node 12)" in out
    assert "(inferred: mapped from ComfyUI euler + normal)" in out


def test_latent_upscale_hires_pass(write) -> None:
    graph = txt2img_graph()
    graph["14"] = {
        "class_type": "LatentUpscale",
        "inputs": {
            "upscale_method": "nearest-exact",
            "width": 1024,
            "height": 768,
            "crop": "disabled",
            "samples": ["3", 0],
        },
    }
    graph["13"] = second_pass(["14", 0], 0.5)
    graph["8"]["inputs"]["samples"] = ["13", 0]
    meta = comfy(write, graph, editor_workflow(graph))
    recipe = meta.recipe
    base, hires = recipe.stages
    assert (base.role, base.steps, base.denoise, base.width, base.height) == (
        "base",
        20,
        1.0,
        512,
        384,
    )
    assert (hires.role, hires.source, hires.steps, hires.denoise, hires.seed) == (
        "hires",
        "KSampler node 13",
        12,
        0.5,
        7,
    )
    assert (hires.width, hires.height, hires.model) == (1024, 768, "dreamshaper_8")
    upscale = "LatentUpscale node 14: upscale_method nearest-exact, width 1024, height 768, "
    upscale += "crop disabled"
    assert dict(hires.settings)["upscale"] == upscale
    assert (recipe.steps, recipe.width, recipe.height) == (20, 512, 384)
    assert recipe.hires == (
        ("node 13 KSampler", "dpmpp_2m + karras, steps 12, cfg 7.0, denoise 0.5"),
        ("node 13 upscale", upscale),
    )
    assert recipe.peer.refused == ("hires pass (node 13)",)
    assert recipe.models == (
        ModelRef("checkpoint", "dreamshaper_8", source="CheckpointLoaderSimple node 4"),
    )
    assert meta.warnings == ()


def test_pixel_upscale_with_a_model_hires_pass(write) -> None:
    graph = txt2img_graph()
    graph["20"] = {
        "class_type": "UpscaleModelLoader",
        "inputs": {"model_name": "4x-UltraSharp.pth"},
    }
    graph["21"] = {
        "class_type": "ImageUpscaleWithModel",
        "inputs": {"upscale_model": ["20", 0], "image": ["8", 0]},
    }
    graph["22"] = {
        "class_type": "ImageScale",
        "inputs": {
            "upscale_method": "bicubic",
            "width": 1024,
            "height": 768,
            "crop": "disabled",
            "image": ["21", 0],
        },
    }
    graph["23"] = {"class_type": "VAEEncode", "inputs": {"pixels": ["22", 0], "vae": ["4", 2]}}
    graph["13"] = second_pass(["23", 0], 0.35)
    graph["24"] = {"class_type": "VAEDecode", "inputs": {"samples": ["13", 0], "vae": ["4", 2]}}
    graph["9"]["inputs"]["images"] = ["24", 0]
    meta = comfy(write, graph, editor_workflow(graph))
    recipe = meta.recipe
    assert [stage.role for stage in recipe.stages] == ["base", "hires"]
    hires = recipe.stages[1]
    settings = [(k, v) for k, v in hires.settings if k == "upscale"]
    assert settings == [
        ("upscale", "ImageUpscaleWithModel node 21: model 4x-UltraSharp.pth"),
        (
            "upscale",
            "ImageScale node 22: upscale_method bicubic, width 1024, height 768, crop disabled",
        ),
    ]
    assert (hires.denoise, hires.width, hires.height) == (0.35, 1024, 768)
    assert ("encoder", "VAEEncode node 23") in hires.settings
    assert recipe.mode == "txt2img" and recipe.stages[0].mode == "txt2img"
    assert recipe.models == (
        ModelRef("checkpoint", "dreamshaper_8", source="CheckpointLoaderSimple node 4"),
        ModelRef("upscaler", "4x-UltraSharp.pth", source="UpscaleModelLoader node 20"),
    )
    assert recipe.peer.refused == ("hires pass (node 13)",)
    assert meta.warnings == ()


def test_img2img_base_pass_names_its_image(write) -> None:
    graph = txt2img_graph()
    graph["30"] = {"class_type": "LoadImage", "inputs": {"image": "photo.png", "upload": "image"}}
    graph["31"] = {"class_type": "VAEEncode", "inputs": {"pixels": ["30", 0], "vae": ["4", 2]}}
    graph["3"]["inputs"].update(latent_image=["31", 0], denoise=0.6)
    recipe = comfy(write, graph).recipe
    (base,) = recipe.stages
    assert (base.role, base.mode, base.denoise, base.width) == ("base", "img2img", 0.6, None)
    assert dict(base.settings)["init image"] == "photo.png"
    assert (recipe.mode, recipe.denoising_strength, recipe.width) == ("img2img", 0.6, None)
    assert dict(recipe.inferred)["mode"] == "from the graph: LoadImage node 30 feeds the first pass"
    assert recipe.peer.refused == ()


@pytest.mark.parametrize("kind", ["VAEEncodeForInpaint", "SetLatentNoiseMask"])
def test_inpainting_names_its_mask(write, kind: str) -> None:
    graph = txt2img_graph()
    graph["30"] = {"class_type": "LoadImage", "inputs": {"image": "photo.png", "upload": "image"}}
    graph["32"] = {
        "class_type": "LoadImageMask",
        "inputs": {"image": "mask.png", "channel": "red", "upload": "image"},
    }
    if kind == "VAEEncodeForInpaint":
        graph["31"] = {
            "class_type": kind,
            "inputs": {"grow_mask_by": 6, "pixels": ["30", 0], "vae": ["4", 2], "mask": ["32", 0]},
        }
    else:
        graph["33"] = {"class_type": "VAEEncode", "inputs": {"pixels": ["30", 0], "vae": ["4", 2]}}
        graph["31"] = {"class_type": kind, "inputs": {"samples": ["33", 0], "mask": ["32", 0]}}
    graph["3"]["inputs"].update(latent_image=["31", 0], denoise=0.8)
    meta = comfy(write, graph)
    recipe = meta.recipe
    assert recipe.mode == "inpaint" and recipe.stages[0].mode == "inpaint"
    assert ("mask", "mask.png (red channel, LoadImageMask node 32)") in recipe.stages[0].settings
    assert dict(recipe.stages[0].settings)["init image"] == "photo.png"
    assert recipe.peer.refused == (f"inpainting ({kind} node 31)",)
    assert dict(recipe.inferred)["mode"] == f"from the graph: {kind} node 31 feeds the first pass"


def test_lora_stack_and_vae_are_named_with_roles(write) -> None:
    graph = txt2img_graph()
    graph["10"] = {
        "class_type": "LoraLoader",
        "inputs": {
            "lora_name": "ink.safetensors",
            "strength_model": 0.8,
            "strength_clip": 0.6,
            "model": ["4", 0],
            "clip": ["4", 1],
        },
    }
    graph["11"] = {
        "class_type": "LoraLoader",
        "inputs": {
            "lora_name": "detail.safetensors",
            "strength_model": 0.5,
            "strength_clip": 0.5,
            "model": ["10", 0],
            "clip": ["10", 1],
        },
    }
    graph["40"] = {"class_type": "VAELoader", "inputs": {"vae_name": "sdxl_vae.safetensors"}}
    graph["3"]["inputs"]["model"] = ["11", 0]
    graph["6"]["inputs"]["clip"] = graph["7"]["inputs"]["clip"] = ["11", 1]
    graph["8"]["inputs"]["vae"] = ["40", 0]
    meta = comfy(write, graph, editor_workflow(graph))
    recipe = meta.recipe
    assert [(lo.name, lo.scale, lo.text_encoder_scale) for lo in recipe.loras] == [
        ("ink.safetensors", 0.8, 0.6),
        ("detail.safetensors", 0.5, 0.5),
    ]
    assert [(m.role, m.name) for m in recipe.models] == [
        ("checkpoint", "dreamshaper_8"),
        ("lora", "ink.safetensors"),
        ("lora", "detail.safetensors"),
        ("vae", "sdxl_vae.safetensors"),
    ]
    assert recipe.vae == "sdxl_vae.safetensors"
    assert len(recipe.stages) == 1 and recipe.stages[0].role == "base"
    rows = [(row.label, row.value) for row in sections(meta)[0].rows]
    assert not any(label == "stage" for label, _ in rows)  # one full pass: the table says it all


def test_a_self_looping_lora_is_listed_once_with_one_loop_warning(write) -> None:
    graph = base_refiner_graph()
    graph["30"] = {
        "class_type": "LoraLoader",
        "inputs": {
            "lora_name": "loop.safetensors",
            "strength_model": 1.0,
            "strength_clip": 1.0,
            "model": ["30", 0],
            "clip": ["4", 1],
        },
    }
    graph["10"]["inputs"]["model"] = ["30", 0]
    meta = comfy(write, graph)
    assert [lora.name for lora in meta.recipe.loras] == ["loop.safetensors"]
    loops = [w for w in meta.warnings if "loops back" in w]
    assert loops == ["the model path loops back to node 30; read up to there"]
    assert [m.name for m in meta.recipe.models].count("loop.safetensors") == 1


def test_a_long_chain_of_conditioning_and_lora_nodes_is_read_without_recursion(write) -> None:
    graph = base_refiner_graph()
    previous, model = ["6", 0], ["4", 0]
    for number in range(100, 1600):  # 1,500 nodes in a row on each path
        graph[str(number)] = {
            "class_type": "ConditioningSetAreaStrength",
            "inputs": {"strength": 1.0, "conditioning": previous},
        }
        previous = [str(number), 0]
        graph[str(number + 2000)] = {
            "class_type": "LoraLoaderModelOnly",
            "inputs": {"lora_name": f"l{number}", "strength_model": 0.1, "model": model},
        }
        model = [str(number + 2000), 0]
    graph["10"]["inputs"].update(positive=previous, model=model)
    meta = comfy(write, graph)
    assert meta.recipe.prompt == "a red fox" and meta.recipe.model_name == BASE
    assert len(meta.recipe.loras) == 1500 and meta.recipe.loras[0].name == "l100"
    assert [stage.role for stage in meta.recipe.stages] == ["base", "refiner"]
    assert meta.warnings == ()


def test_a_sampler_that_does_not_feed_the_saved_image_is_listed_apart(write) -> None:
    graph = txt2img_graph()
    graph["50"] = second_pass(["5", 0], 1.0, seed=99)
    meta = comfy(write, graph)
    recipe = meta.recipe
    assert [(s.role, s.source) for s in recipe.stages] == [
        ("base", "KSampler node 3"),
        ("pass", "KSampler node 50"),
    ]
    assert recipe.seed == 42 and recipe.peer.refused == ()
    assert "sampler node 50 does not feed the saved image; listed, not in the recipe" in (
        meta.warnings
    )


def test_batch_pick_and_a_second_output_are_named(write) -> None:
    graph = txt2img_graph()
    graph["5"]["inputs"]["batch_size"] = 4
    graph["60"] = {
        "class_type": "LatentFromBatch",
        "inputs": {"batch_index": 2, "length": 1, "samples": ["5", 0]},
    }
    graph["3"]["inputs"]["latent_image"] = ["60", 0]
    graph["61"] = {"class_type": "PreviewImage", "inputs": {"images": ["8", 0]}}
    meta = comfy(write, graph)
    recipe = meta.recipe
    assert ("batch index", "2 (LatentFromBatch node 60)") in recipe.stages[0].settings
    assert (recipe.width, recipe.height, recipe.peer.batch_size) == (512, 384, 4)
    assert meta.warnings == (
        "2 output nodes; the recipe is for SaveImage node 9's image (the file may be another's: "
        "node 61)",
    )


def test_samplers_feeding_each_other_in_a_loop_end_with_one_warning(write) -> None:
    graph = txt2img_graph()
    graph["13"] = second_pass(["3", 0], 0.5)
    graph["3"]["inputs"]["latent_image"] = ["13", 0]
    meta = comfy(write, graph)
    assert [s.source for s in meta.recipe.stages] == ["KSampler node 13", "KSampler node 3"]
    assert [w for w in meta.warnings if "loop" in w] == [
        "sampler node 3 feeds its own latent in a loop; read up to there"
    ]
