"""InvokeAI, NovelAI and Fooocus, in the layouts their own code writes."""

from __future__ import annotations

import json

from tests.provenance.conftest import a1111_infotext, exif_bytes, image_bytes, png_bytes
from workstation.analysis.provenance import read_metadata

INVOKE_V4 = {
    "generation_mode": "txt2img",
    "positive_prompt": 'a castle, 中文, "quoted": yes',
    "negative_prompt": "blurry",
    "width": 768,
    "height": 512,
    "seed": 2718281828,
    "rand_device": "cpu",
    "cfg_scale": 7.5,
    "cfg_rescale_multiplier": 0,
    "steps": 30,
    "scheduler": "dpmpp_2m_k",
    "clip_skip": 1,
    "model": {
        "key": "8f0f4e5c",
        "hash": "blake3:1a2b3c",
        "name": "Juggernaut XL",
        "base": "sdxl",
        "type": "main",
    },
    "loras": [
        {
            "model": {
                "key": "k1",
                "hash": "blake3:ffee",
                "name": "pixel-art",
                "base": "sdxl",
                "type": "lora",
            },
            "weight": 0.75,
        }
    ],
    "app_version": "4.2.9",
}


def test_invokeai_metadata(write) -> None:
    meta = read_metadata(write("i.png", png_bytes({"invokeai_metadata": json.dumps(INVOKE_V4)})))
    r = meta.recipe
    assert meta.generator == "InvokeAI" and meta.warnings == ()
    assert (r.prompt, r.negative, r.seed, r.steps, r.cfg) == (
        INVOKE_V4["positive_prompt"],
        "blurry",
        2718281828,
        30,
        7.5,
    )
    assert (r.sampler, r.sampler_recorded, r.width, r.height) == (
        "DPM++ 2M Karras",
        "dpmpp_2m_k",
        768,
        512,
    )
    assert (r.model_name, r.model_hash, r.model_hash_kind) == (
        "Juggernaut XL",
        "blake3:1a2b3c",
        "BLAKE3",
    )
    assert r.clip_skip == 2  # InvokeAI counts layers skipped
    assert [(lo.name, lo.scale, lo.hash) for lo in r.loras] == [("pixel-art", 0.75, "blake3:ffee")]
    assert r.generator_version == "4.2.9" and r.mode == "txt2img"


def test_invokeai_3_layout_and_unknown_scheduler(write) -> None:
    data = {
        "app_version": "3.3.0post3",
        "generation_mode": "img2img",
        "positive_prompt": "x",
        "negative_prompt": "",
        "width": 512,
        "height": 512,
        "seed": 1,
        "cfg_scale": 7,
        "steps": 10,
        "scheduler": "tcd",
        "strength": 0.6,
        "model": {"model_name": "amixx", "base_model": "sd-1", "model_type": "main"},
        "loras": [{"lora": {"model_name": "ink", "base_model": "sd-1"}, "weight": 0.5}],
    }
    meta = read_metadata(write("i3.png", png_bytes({"invokeai_metadata": json.dumps(data)})))
    r = meta.recipe
    assert (r.model_name, r.mode, r.denoising_strength) == ("amixx", "img2img", 0.6)
    assert r.loras[0].name == "ink" and r.sampler is None
    assert any("'tcd' has no A1111 equivalent" in w for w in meta.warnings)


def test_invokeai_2_sd_metadata_and_dream(write) -> None:
    sd_metadata = {
        "model": "stable diffusion",
        "model_weights": "stable-diffusion-1.5",
        "model_hash": "cc6cb27103417325ff94f52b7a5d2dde45a7515b25c255d8e396c90014281516",
        "app_id": "invoke-ai/InvokeAI",
        "app_version": "2.2.4",
        "image": {
            "prompt": [{"prompt": "a fox [ugly]", "weight": 1.0}],
            "steps": 50,
            "cfg_scale": 7.5,
            "height": 512,
            "width": 512,
            "seed": 42,
            "type": "txt2img",
            "sampler": "k_lms",
            "variations": [],
        },
    }
    dream = '"a fox [ugly]" -s 50 -S 42 -W 512 -H 512 -C 7.5 -A k_lms'
    meta = read_metadata(
        write("i2.png", png_bytes({"sd-metadata": json.dumps(sd_metadata), "Dream": dream}))
    )
    r = meta.recipe
    assert (r.prompt, r.seed, r.steps, r.sampler, r.model_hash_kind) == (
        "a fox [ugly]",
        42,
        50,
        "LMS",
        "SHA-256",
    )
    dream_only = read_metadata(write("d.png", png_bytes({"Dream": dream}))).recipe
    assert (dream_only.prompt, dream_only.seed, dream_only.cfg, dream_only.width) == (
        "a fox [ugly]",
        42,
        7.5,
        512,
    )


def test_novelai_comment(write) -> None:
    comment = {
        "prompt": "1girl, lighthouse, 中文",
        "steps": 28,
        "height": 1216,
        "width": 832,
        "scale": 5.0,
        "uncond_scale": 0.0,
        "cfg_rescale": 0.0,
        "seed": 1234567890,
        "n_samples": 1,
        "noise_schedule": "karras",
        "sampler": "k_dpmpp_2m",
        "sm": False,
        "uc": "lowres, bad anatomy",
        "request_type": "PromptGenerateRequest",
        "v4_prompt": {"caption": {"base_caption": "1girl, lighthouse", "char_captions": []}},
    }
    texts = {
        "Title": "AI generated image",
        "Description": "1girl, lighthouse",
        "Software": "NovelAI",
        "Source": "NovelAI Diffusion V4 4BDE2A90",
        "Generation time": "6.1",
        "Comment": json.dumps(comment),
    }
    meta = read_metadata(write("n.png", png_bytes(texts)))
    r = meta.recipe
    assert meta.generator == "NovelAI"
    assert (r.prompt, r.negative, r.seed, r.steps, r.cfg) == (
        "1girl, lighthouse, 中文",
        "lowres, bad anatomy",
        1234567890,
        28,
        5.0,
    )
    assert (r.sampler, r.width, r.height) == ("DPM++ 2M Karras", 832, 1216)
    assert r.model_name == "NovelAI Diffusion V4 4BDE2A90"
    assert "v4_prompt" in dict(r.settings)


FOOOCUS = {
    "adm_guidance": "(1.5, 0.8, 0.3)",
    "base_model": "juggernautXL_v8Rundiffusion",
    "base_model_hash": "aeb7e9e6897a1e58b10494bd989d001e3d4bc9b634633cd7b559838f612c2867",
    "full_negative_prompt": ["unrealistic"],
    "full_prompt": ["a cat, cinematic"],
    "guidance_scale": 4.0,
    "loras": [["sd_xl_offset_example-lora_1.0", 0.1, "4852686128"]],
    "negative_prompt": "",
    "performance": "Speed",
    "prompt": "a cat",
    "refiner_model": "None",
    "resolution": "(1152, 896)",
    "sampler": "dpmpp_2m_sde_gpu",
    "scheduler": "karras",
    "seed": "8231911287611428315",
    "sharpness": 2.0,
    "steps": 30,
    "styles": "['Fooocus V2']",
    "vae": "Default (model)",
    "version": "Fooocus v2.5.5",
}


def check_fooocus(r) -> None:
    assert r.generator == "Fooocus"
    assert (r.prompt, r.seed, r.steps, r.cfg) == ("a cat", 8231911287611428315, 30, 4.0)
    assert (r.sampler, r.width, r.height) == ("DPM++ 2M SDE Karras", 1152, 896)
    assert r.model_hash_kind == "SHA-256" and r.generator_version == "Fooocus v2.5.5"
    assert [(lo.name, lo.scale) for lo in r.loras] == [("sd_xl_offset_example-lora_1.0", 0.1)]


def test_fooocus_png_json_scheme(write) -> None:
    texts = {"parameters": json.dumps(FOOOCUS), "fooocus_scheme": "fooocus"}
    check_fooocus(read_metadata(write("f.png", png_bytes(texts))).recipe)


def test_fooocus_jpeg_exif_scheme(write) -> None:
    exif = exif_bytes(
        endian="<", ifd0={0x9286: json.dumps(FOOOCUS), 0x0131: "Fooocus v2.5.5", 0x927C: "fooocus"}
    )
    meta = read_metadata(write("f.jpg", image_bytes("JPEG", exif=exif)))
    check_fooocus(meta.recipe)
    assert meta.exif.software == "Fooocus v2.5.5"


def test_fooocus_a1111_scheme(write) -> None:
    text = a1111_infotext(
        "a cat, cinematic",
        "unrealistic",
        {
            "Steps": 30,
            "Sampler": "DPM++ 2M SDE Karras",
            "Seed": 12,
            "Size": "1152x896",
            "CFG scale": 4,
            "Sharpness": 2,
            "Model": "juggernautXL",
            "Lora hashes": "offset: 4852686128",
            "Lora weights": "offset: 0.1",
            "Version": "Fooocus v2.5.5",
        },
    )
    meta = read_metadata(
        write("fa.png", png_bytes({"parameters": text, "fooocus_scheme": "a1111"}))
    )
    r = meta.recipe
    assert (r.generator, r.sampler, r.seed) == ("Fooocus", "DPM++ 2M SDE Karras", 12)
    assert [(lo.name, lo.scale, lo.hash) for lo in r.loras] == [("offset", 0.1, "4852686128")]


def test_several_generators_in_one_file(write) -> None:
    from tests.provenance.test_comfyui import base_graph

    a1111 = a1111_infotext(
        "x", "", {"Steps": 20, "Seed": 3, "Size": "64x64", "Model hash": "6ce0161689"}
    )
    meta = read_metadata(
        write("two.png", png_bytes({"prompt": json.dumps(base_graph()), "parameters": a1111}))
    )
    assert meta.generator == "ComfyUI"
    assert [r.generator for r in meta.recipes] == ["ComfyUI", "AUTOMATIC1111"]
    assert meta.recipes[1].model_hash == "6ce0161689"
