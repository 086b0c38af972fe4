"""A1111/Forge infotexts with several passes: hires fix, SDXL refiner hand-over, ADetailer units
(the extension's own keys, " 2nd" for its second unit); every model file named with its role and
hash; values A1111 leaves out marked as inferred."""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_cli
from tests.provenance.conftest import a1111_infotext, png_bytes
from tests.provenance.test_other_generators import FOOOCUS, INVOKE_V4
from workstation.analysis.provenance import read_metadata
from workstation.analysis.provenance.result import ModelRef, Stage
from workstation.app.metadata import sections
from workstation.core.errors import InputError

PROMPT = "a portrait of a sailor, <lora:add_detail:0.6>"
# The order A1111 1.10 writes them in: its own keys, the scripts' (ADetailer), hires, refiner,
# then the extra-network hashes and the version.
SETTINGS = {
    "Steps": 30,
    "Sampler": "DPM++ 2M",
    "Schedule type": "Karras",
    "CFG scale": 6,
    "Seed": 1234567890,
    "Size": "832x1216",
    "Model hash": "31e35c80fc",
    "Model": "sd_xl_base_1.0",
    "VAE hash": "235745af8d",
    "VAE": "sdxl_vae.safetensors",
    "Denoising strength": 0.4,
    "ENSD": 31337,
    "ADetailer model": "face_yolov8n.pt",
    "ADetailer prompt": "a detailed face, smiling",
    "ADetailer confidence": 0.3,
    "ADetailer dilate erode": 4,
    "ADetailer mask blur": 4,
    "ADetailer denoising strength": 0.4,
    "ADetailer inpaint only masked": True,
    "ADetailer inpaint padding": 32,
    "ADetailer model 2nd": "hand_yolov8n.pt",
    "ADetailer confidence 2nd": 0.35,
    "ADetailer dilate erode 2nd": 4,
    "ADetailer mask blur 2nd": 4,
    "ADetailer denoising strength 2nd": 0.5,
    "ADetailer inpaint only masked 2nd": True,
    "ADetailer inpaint padding 2nd": 32,
    "ADetailer use separate steps 2nd": True,
    "ADetailer steps 2nd": 20,
    "ADetailer version": "24.11.1",
    "Hires upscale": 1.5,
    "Hires steps": 15,
    "Hires upscaler": "4x-UltraSharp",
    "Refiner": "sd_xl_refiner_1.0 [7440042bbd]",
    "Refiner switch at": 0.8,
    "Refiner switch by sampling steps": True,
    "Lora hashes": "add_detail: 0123456789ab",
    "TI hashes": "negativeXL_D: fff5d51ab655",
    "Version": "v1.10.1",
}


def read(write, settings: dict, name: str = "a.png"):
    text = a1111_infotext(PROMPT, "negativeXL_D, blurry", settings)
    return read_metadata(write(name, png_bytes({"parameters": text})))


def test_hires_refiner_and_two_adetailer_units_are_stages_in_run_order(write) -> None:
    meta = read(write, SETTINGS)
    recipe = meta.recipe
    assert meta.warnings == ()
    assert [stage.role for stage in recipe.stages] == [
        "base",
        "refiner",
        "hires",
        "detailer",
        "detailer",
    ]
    base, refiner, hires, face, hand = recipe.stages
    assert base == Stage(
        role="base",
        source="first pass",
        sampler="DPM++ 2M",
        scheduler="Karras",
        steps=30,
        end_step=24,
        cfg=6.0,
        seed=1234567890,
        model="sd_xl_base_1.0",
        mode="txt2img",
        width=832,
        height=1216,
    )
    assert (refiner.steps, refiner.start_step, refiner.end_step, refiner.model) == (
        30,
        24,
        None,
        "sd_xl_refiner_1.0",
    )
    assert refiner.settings == (("switch at", "0.8 of 30 steps: step 24"),)
    assert (hires.steps, hires.denoise, hires.width, hires.height) == (15, 0.4, 1248, 1824)
    assert dict(hires.settings) == {
        "Hires upscale": "1.5",
        "Hires steps": "15",
        "Hires upscaler": "4x-UltraSharp",
    }
    assert (face.source, face.denoise, face.steps, face.mode) == (
        "ADetailer 1st",
        0.4,
        None,
        "inpaint",
    )
    assert dict(face.settings)["ADetailer prompt"] == "a detailed face, smiling"
    assert dict(face.settings)["ADetailer version"] == "24.11.1"
    assert (hand.source, hand.denoise, hand.steps) == ("ADetailer 2nd", 0.5, 20)
    assert dict(hand.settings)["ADetailer model"] == "hand_yolov8n.pt"
    assert dict(hand.settings)["ADetailer confidence"] == "0.35"
    assert recipe.models == (
        ModelRef("checkpoint", "sd_xl_base_1.0", "31e35c80fc", "Model"),
        ModelRef("vae", "sdxl_vae.safetensors", "235745af8d", "VAE"),
        ModelRef("refiner", "sd_xl_refiner_1.0", "7440042bbd", "Refiner"),
        ModelRef("upscaler", "4x-UltraSharp", None, "Hires upscaler"),
        ModelRef("lora", "add_detail", "0123456789ab", "prompt tag"),
        ModelRef("embedding", "negativeXL_D", "fff5d51ab655", "TI hashes"),
        ModelRef("detailer", "face_yolov8n.pt", None, "ADetailer model"),
        ModelRef("detailer", "hand_yolov8n.pt", None, "ADetailer model 2nd"),
    )
    # the main table is the first pass as recorded
    assert (recipe.steps, recipe.mode, recipe.denoising_strength) == (30, "txt2img", 0.4)
    assert recipe.peer.refused == (
        "hires upscaler '4x-UltraSharp' (a model the engine does not have)",
        "ADetailer (face_yolov8n.pt, 1st unit)",
        "ADetailer (hand_yolov8n.pt, 2nd unit)",
    )
    assert (recipe.peer.eta_noise_seed_delta, recipe.peer.noise) == (31337, "gpu")
    assert dict(recipe.inferred) == {
        "clip_skip": "A1111 omits Clip skip when it is 1, its default",
        "mode": "A1111 records no mode: no 'Denoising strength' outside a hires pass",
        "noise": "A1111 omits RNG when it is GPU, its default",
    }
    with pytest.raises(InputError, match="ADetailer"):
        meta.to_generation_params("m", lora_paths={"add_detail": "a"})


def test_absent_clip_skip_is_shown_as_inferred_and_a_recorded_one_is_not(write) -> None:
    meta = read(write, SETTINGS)
    rows = [(row.label, row.value) for row in sections(meta)[0].rows]
    assert ("clip skip", "1  (inferred: A1111 omits Clip skip when it is 1, its default)") in rows
    assert ("inferred", "noise: A1111 omits RNG when it is GPU, its default") in rows
    assert (
        "stage",
        "base: first pass, DPM++ 2M + Karras, steps 0–24 of 30, cfg 6, seed 1234567890, "
        "832x1216, model sd_xl_base_1.0",
    ) in rows
    assert (
        "stage",
        "detailer: ADetailer 2nd, steps 20, denoise 0.5, ADetailer model hand_yolov8n.pt",
    ) in rows
    assert ("model file", "refiner: sd_xl_refiner_1.0  [7440042bbd]  (Refiner)") in rows
    assert ("steps", "30  (the schedule; the base pass ran steps 0–24)") in rows

    recorded = read(write, {**SETTINGS, "Clip skip": 2, "RNG": "CPU"}, "b.png")
    assert recorded.recipe.clip_skip == 2 and not recorded.recipe.is_inferred("clip_skip")
    assert not recorded.recipe.is_inferred("noise") and recorded.recipe.peer.noise == "cpu"
    rows = [(row.label, row.value) for row in sections(recorded)[0].rows]
    assert ("clip skip", "2") in rows


def test_a_refiner_switched_by_sigma_names_no_step(write) -> None:
    settings = {
        key: value
        for key, value in SETTINGS.items()
        if not key.startswith(("ADetailer", "Hires", "Refiner switch by", "Denoising"))
    }
    recipe = read(write, settings).recipe
    base, refiner = recipe.stages
    assert (base.end_step, refiner.start_step) == (None, None)
    assert refiner.settings == (("switch at", "0.8 (by sigma)"),)
    assert dict(recipe.inferred)["refiner_switch_by"].startswith("by sigma: A1111 before 1.8")
    assert recipe.peer.refused == () and recipe.peer.refiner_switch_by == "sigma"


def test_img2img_hires_defaults_and_controlnet_model(write) -> None:
    settings = {
        "Steps": 20,
        "Sampler": "Euler a",
        "CFG scale": 7,
        "Seed": 5,
        "Size": "512x512",
        "Model": "v1-5",
        "Denoising strength": 0.5,
        "Hires upscale": 2,
        "ControlNet 0": "Module: canny, Model: control_v11p_sd15_canny [d14c016b], Weight: 1",
    }
    recipe = read(write, settings).recipe
    hires = recipe.stages[-1]
    assert (hires.role, hires.steps, hires.width, hires.height) == ("hires", 20, 1024, 1024)
    assert (
        dict(recipe.inferred)["hires steps"] == "A1111 omits Hires steps when 0: the first pass's"
    )
    assert dict(recipe.inferred)["hires upscaler"] == "A1111's default upscaler, Latent"
    assert ModelRef("controlnet", "control_v11p_sd15_canny", "d14c016b", "ControlNet 0") in (
        recipe.models
    )
    plain = read(write, {**settings, "Hires upscale": None}, "i.png").recipe
    assert plain.mode == "img2img" and [s.mode for s in plain.stages] == ["img2img"]
    assert plain.stages[0].denoise == 0.5


def test_the_cli_prints_the_detailer_stages(write) -> None:
    text = a1111_infotext(PROMPT, "", SETTINGS)
    out = run_cli("metadata", write("ad.png", png_bytes({"parameters": text})), check=True).stdout
    assert (
        "stage       detailer: ADetailer 1st, denoise 0.4, ADetailer model face_yolov8n.pt" in out
    )
    assert "model file  detailer: hand_yolov8n.pt  (ADetailer model 2nd)" in out
    assert "clip skip   1  (inferred: A1111 omits Clip skip when it is 1, its default)" in out


# --- other generators' passes and inferred marks ---------------------------------------------


def test_invokeai_refiner_and_hires_passes_with_their_models(write) -> None:
    refiner = {"key": "r", "hash": "blake3:99aa", "name": "sdxl-refiner", "type": "main"}
    data = {
        **INVOKE_V4,
        "refiner_model": refiner,
        "refiner_start": 0.8,
        "refiner_steps": 20,
        "refiner_cfg_scale": 7.5,
        "refiner_scheduler": "euler",
        "hrf_enabled": True,
        "hrf_method": "ESRGAN",
        "hrf_strength": 0.45,
    }
    recipe = read_metadata(
        write("i.png", png_bytes({"invokeai_metadata": json.dumps(data)}))
    ).recipe
    assert [(s.role, s.model) for s in recipe.stages] == [
        ("base", "Juggernaut XL"),
        ("refiner", "sdxl-refiner"),
        ("hires", "Juggernaut XL"),
    ]
    assert recipe.stages[1].settings == (("switch at", "0.8 of the denoising"),)
    assert (recipe.stages[2].denoise, dict(recipe.stages[2].settings)["hrf_method"]) == (
        0.45,
        "ESRGAN",
    )
    assert recipe.models == (
        ModelRef("checkpoint", "Juggernaut XL", "blake3:1a2b3c", "model"),
        ModelRef("lora", "pixel-art", "blake3:ffee", "invokeai_metadata loras"),
        ModelRef("refiner", "sdxl-refiner", "blake3:99aa", "refiner_model"),
    )
    assert recipe.inferred == (("sampler", "mapped from InvokeAI scheduler dpmpp_2m_k"),)


def test_fooocus_refiner_switch_and_inferred_mode(write) -> None:
    data = {**FOOOCUS, "refiner_model": "sd_xl_refiner_1.0.safetensors", "refiner_switch": 0.8}
    texts = {"parameters": json.dumps(data), "fooocus_scheme": "fooocus"}
    recipe = read_metadata(write("f.png", png_bytes(texts))).recipe
    base, refiner = recipe.stages
    assert (base.end_step, refiner.start_step, refiner.steps) == (24, 24, 30)
    assert (refiner.model, refiner.sampler, refiner.scheduler) == (
        "sd_xl_refiner_1.0.safetensors",
        "dpmpp_2m_sde_gpu",
        "karras",
    )
    assert [(m.role, m.name) for m in recipe.models] == [
        ("checkpoint", "juggernautXL_v8Rundiffusion"),
        ("refiner", "sd_xl_refiner_1.0.safetensors"),
        ("lora", "sd_xl_offset_example-lora_1.0"),
    ]
    assert dict(recipe.inferred) == {
        "sampler": "mapped from Fooocus dpmpp_2m_sde_gpu + karras",
        "mode": "Fooocus's JSON records no mode; its text-to-image run assumed",
    }
