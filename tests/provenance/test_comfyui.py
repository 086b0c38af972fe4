"""ComfyUI PNG text "prompt" (API graph) and "workflow" (editor graph), followed through links."""

from __future__ import annotations

import json

import pytest

from tests.provenance.comfyui_editor import editor_workflow
from tests.provenance.conftest import exif_bytes, image_bytes, png_bytes
from workstation.analysis.provenance import read_metadata
from workstation.core.errors import InputError

POSITIVE = 'a lighthouse, 中文: "quoted", yes\nsecond line'


def base_graph() -> dict:
    """txt2img: checkpoint → two LoRA loaders → clip skip 2 → text encoders → KSampler."""
    return {
        "4": {
            "class_type": "CheckpointLoaderSimple",
            "inputs": {"ckpt_name": "sd15/dreamshaper_8.safetensors"},
        },
        "10": {
            "class_type": "LoraLoader",
            "inputs": {
                "lora_name": "ink.safetensors",
                "strength_model": 0.8,
                "strength_clip": 0.6,
                "model": ["4", 0],
                "clip": ["4", 1],
            },
        },
        "11": {
            "class_type": "LoraLoader",
            "inputs": {
                "lora_name": "styles/detail.safetensors",
                "strength_model": 0.5,
                "strength_clip": 0.5,
                "model": ["10", 0],
                "clip": ["10", 1],
            },
        },
        "12": {
            "class_type": "CLIPSetLastLayer",
            "inputs": {"stop_at_clip_layer": -2, "clip": ["11", 1]},
        },
        "6": {
            "class_type": "CLIPTextEncode",
            "inputs": {"text": POSITIVE, "clip": ["12", 0]},
            "_meta": {"title": "CLIP Text Encode (Prompt)"},
        },
        "7": {
            "class_type": "CLIPTextEncode",
            "inputs": {"text": "blurry, text", "clip": ["12", 0]},
        },
        "5": {
            "class_type": "EmptyLatentImage",
            "inputs": {"width": 640, "height": 384, "batch_size": 1},
        },
        "3": {
            "class_type": "KSampler",
            "inputs": {
                "seed": 123456789012,
                "steps": 25,
                "cfg": 6.0,
                "sampler_name": "dpmpp_2m",
                "scheduler": "karras",
                "denoise": 1.0,
                "model": ["11", 0],
                "positive": ["6", 0],
                "negative": ["7", 0],
                "latent_image": ["5", 0],
            },
        },
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["3", 0], "vae": ["4", 2]}},
        "9": {
            "class_type": "SaveImage",
            "inputs": {"filename_prefix": "ComfyUI", "images": ["8", 0]},
        },
    }


def comfy_png(write, graph: dict | None, workflow: dict | None = None, name: str = "c.png"):
    texts = {}
    if graph is not None:
        texts["prompt"] = json.dumps(graph)
    if workflow is not None:
        texts["workflow"] = json.dumps(workflow)
    return read_metadata(write(name, png_bytes(texts)))


def check_base_recipe(recipe) -> None:
    assert recipe.generator == "ComfyUI"
    assert recipe.prompt == POSITIVE and recipe.negative == "blurry, text"
    assert (recipe.seed, recipe.steps, recipe.cfg) == (123456789012, 25, 6.0)
    assert recipe.sampler == "DPM++ 2M Karras" and recipe.sampler_recorded == "dpmpp_2m + karras"
    assert (recipe.width, recipe.height, recipe.clip_skip) == (640, 384, 2)
    assert recipe.model_name == "sd15/dreamshaper_8.safetensors" and recipe.mode == "txt2img"
    assert [(lo.name, lo.scale, lo.text_encoder_scale) for lo in recipe.loras] == [
        ("ink.safetensors", 0.8, 0.6),
        ("styles/detail.safetensors", 0.5, 0.5),
    ]


def test_api_graph_through_lora_chain_and_clip_skip(write) -> None:
    graph = base_graph()
    meta = comfy_png(write, graph, editor_workflow(graph))
    assert meta.generator == "ComfyUI" and meta.warnings == ()
    check_base_recipe(meta.recipe)
    assert {f.key for f in meta.raw} == {"prompt", "workflow"}
    assert all(f.source == "PNG tEXt" for f in meta.raw)  # json.dumps escapes 中文 to ASCII


def test_editor_workflow_alone_gives_the_same_recipe(write) -> None:
    meta = comfy_png(write, None, editor_workflow(base_graph()))
    check_base_recipe(meta.recipe)
    assert any("read from the editor graph" in w for w in meta.warnings)
    assert meta.recipe.source == 'PNG tEXt "workflow"'


def test_linked_values_model_only_lora_and_hires_pass(write) -> None:
    graph = base_graph()
    graph["20"] = {
        "class_type": "PrimitiveStringMultiline",
        "inputs": {"value": "from a primitive"},
    }
    graph["21"] = {"class_type": "Seed (rgthree)", "inputs": {"seed": 77}}
    graph["6"]["inputs"]["text"] = ["20", 0]
    graph["3"]["inputs"]["seed"] = ["21", 0]
    graph["15"] = {
        "class_type": "LoraLoaderModelOnly",
        "inputs": {"lora_name": "motion.safetensors", "strength_model": 1.0, "model": ["11", 0]},
    }
    graph["3"]["inputs"]["model"] = ["15", 0]
    graph["14"] = {
        "class_type": "LatentUpscaleBy",
        "inputs": {"upscale_method": "nearest-exact", "scale_by": 1.5, "samples": ["3", 0]},
    }
    graph["13"] = {
        "class_type": "KSampler",
        "inputs": {
            **graph["3"]["inputs"],
            "seed": 5,
            "steps": 12,
            "denoise": 0.5,
            "latent_image": ["14", 0],
        },
    }
    graph["8"]["inputs"]["samples"] = ["13", 0]  # the saved image is the hires pass's
    recipe = comfy_png(write, graph).recipe
    assert recipe.prompt == "from a primitive" and recipe.seed == 77
    assert recipe.loras[-1].name == "motion.safetensors"
    assert (recipe.loras[-1].scale, recipe.loras[-1].text_encoder_scale) == (1.0, 0.0)
    assert recipe.hires == (
        ("node 13 KSampler", "dpmpp_2m + karras, steps 12, cfg 6.0, denoise 0.5"),
        ("node 13 upscale", "LatentUpscaleBy node 14: upscale_method nearest-exact, scale_by 1.5"),
    )


def test_img2img_and_controlnet_polarity(write) -> None:
    graph = base_graph()
    graph["30"] = {"class_type": "LoadImage", "inputs": {"image": "photo.png", "upload": "image"}}
    graph["31"] = {"class_type": "VAEEncode", "inputs": {"pixels": ["30", 0], "vae": ["4", 2]}}
    graph["32"] = {
        "class_type": "ControlNetApplyAdvanced",
        "inputs": {
            "strength": 1.0,
            "start_percent": 0,
            "end_percent": 1,
            "positive": ["6", 0],
            "negative": ["7", 0],
            "control_net": ["33", 0],
            "image": ["30", 0],
        },
    }
    graph["3"]["inputs"].update(
        latent_image=["31", 0], denoise=0.6, positive=["32", 0], negative=["32", 1]
    )
    recipe = comfy_png(write, graph).recipe
    assert recipe.mode == "img2img" and recipe.denoising_strength == 0.6
    assert recipe.prompt == POSITIVE and recipe.negative == "blurry, text"
    assert dict(recipe.settings)["init image"] == "photo.png"
    assert recipe.width is None


def test_sampler_custom_advanced_flux_graph(write) -> None:
    graph = {
        "1": {
            "class_type": "UNETLoader",
            "inputs": {"unet_name": "flux1-dev.safetensors", "weight_dtype": "default"},
        },
        "2": {
            "class_type": "DualCLIPLoader",
            "inputs": {
                "clip_name1": "t5xxl.safetensors",
                "clip_name2": "clip_l.safetensors",
                "type": "flux",
            },
        },
        "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "a red fox", "clip": ["2", 0]}},
        "4": {"class_type": "FluxGuidance", "inputs": {"guidance": 3.5, "conditioning": ["3", 0]}},
        "5": {"class_type": "BasicGuider", "inputs": {"model": ["1", 0], "conditioning": ["4", 0]}},
        "6": {"class_type": "RandomNoise", "inputs": {"noise_seed": 99}},
        "7": {"class_type": "KSamplerSelect", "inputs": {"sampler_name": "euler"}},
        "8": {
            "class_type": "BasicScheduler",
            "inputs": {"scheduler": "simple", "steps": 20, "denoise": 1.0, "model": ["1", 0]},
        },
        "9": {
            "class_type": "EmptySD3LatentImage",
            "inputs": {"width": 1024, "height": 768, "batch_size": 1},
        },
        "10": {
            "class_type": "SamplerCustomAdvanced",
            "inputs": {
                "noise": ["6", 0],
                "guider": ["5", 0],
                "sampler": ["7", 0],
                "sigmas": ["8", 0],
                "latent_image": ["9", 0],
            },
        },
    }
    meta = comfy_png(write, graph)
    recipe = meta.recipe
    assert (recipe.prompt, recipe.seed, recipe.steps, recipe.cfg) == ("a red fox", 99, 20, None)
    assert (recipe.model_name, recipe.width, recipe.height) == ("flux1-dev.safetensors", 1024, 768)
    assert recipe.sampler is None and recipe.sampler_recorded == "euler + simple"
    assert any("no single A1111 name" in w for w in meta.warnings)


def test_comfyui_webp_exif_prompt_tags(write) -> None:
    graph = base_graph()
    exif = exif_bytes(
        endian="<",
        ifd0={
            0x0110: "prompt:" + json.dumps(graph),
            0x010F: "workflow:" + json.dumps(editor_workflow(graph)),
        },
    )
    meta = read_metadata(write("c.webp", image_bytes("WEBP", exif=exif)))
    check_base_recipe(meta.recipe)


def params_with_one_lora(write, strength_model: float, strength_clip: float):
    """The base graph with its LoRA loader alone on both the model and the CLIP path."""
    graph = base_graph()
    graph["10"]["inputs"].update(strength_model=strength_model, strength_clip=strength_clip)
    del graph["11"]
    graph["12"]["inputs"]["clip"] = ["10", 1]
    graph["3"]["inputs"]["model"] = ["10", 0]
    meta = comfy_png(write, graph)
    params = meta.to_generation_params(
        "dreamshaper_8.safetensors", lora_paths={"ink.safetensors": "/loras/ink.safetensors"}
    )
    return meta, params


def test_comfyui_generation_params(write) -> None:
    meta, params = params_with_one_lora(write, 0.7, 0.7)
    assert (params.prompt, params.clip_skip) == (POSITIVE, 2)
    # ComfyUI's own names, run the way ComfyUI runs them; the A1111 name is for reading only
    assert meta.recipe.sampler == "DPM++ 2M Karras"
    assert (params.convention, params.sampler, params.scheduler) == (
        "comfyui",
        "dpmpp_2m",
        "karras",
    )
    assert (params.prompt_syntax, params.noise) == ("comfyui", "cpu")
    assert (params.width, params.height, params.seed) == (640, 384, 123456789012)
    assert [(spec.path, spec.scale) for spec in params.loras] == [("/loras/ink.safetensors", 0.7)]


def test_comfyui_lora_strengths_for_model_and_clip_both_reach_the_params(write) -> None:
    _, params = params_with_one_lora(write, 0.8, 0.3)
    (spec,) = params.loras
    assert (spec.scale, spec.text_encoder_scale) == (0.8, 0.3)


def test_a_conditioning_chain_of_thousands_of_nodes_is_read_without_recursion(write) -> None:
    graph = base_graph()
    previous = ["6", 0]
    for number in range(100, 1600):  # 1,500 ConditioningSetArea nodes in a row
        graph[str(number)] = {
            "class_type": "ConditioningSetAreaStrength",
            "inputs": {"strength": 1.0, "conditioning": previous},
        }
        previous = [str(number), 0]
    graph["3"]["inputs"]["positive"] = previous
    recipe = comfy_png(write, graph).recipe
    assert recipe.prompt == POSITIVE and recipe.seed is not None


def test_a_self_looping_lora_node_is_listed_once_and_the_loop_reported(write) -> None:
    graph = base_graph()
    graph["10"]["inputs"]["model"] = ["10", 0]  # the loader feeds itself
    meta = comfy_png(write, graph)
    names = [lora.name for lora in meta.recipe.loras]
    assert names.count("ink.safetensors") == 1
    assert any("loops back to node 10" in warning for warning in meta.warnings)


def test_a_sampler_the_convention_lacks_is_refused_by_name_before_any_model_loads(write) -> None:
    graph = base_graph()
    graph["3"]["inputs"]["sampler_name"] = "res_multistep_cfg_pp"
    meta = comfy_png(write, graph)
    with pytest.raises(InputError, match="unknown ComfyUI sampler 'res_multistep_cfg_pp'"):
        meta.to_generation_params(
            "m.safetensors",
            lora_paths={"ink.safetensors": "a", "styles/detail.safetensors": "b"},
        )
