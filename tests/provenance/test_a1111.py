"""AUTOMATIC1111 "parameters": PNG text and JPEG/WebP EXIF UserComment, hard cases included."""

from __future__ import annotations

import random
import re
import time
from pathlib import Path

import pytest

from tests.provenance.conftest import (
    a1111_infotext,
    exif_bytes,
    image_bytes,
    png_bytes,
)
from workstation.analysis.provenance import read_metadata
from workstation.analysis.provenance.a1111 import find_params, parse
from workstation.core.errors import InputError

# A1111 modules/infotext_utils.py, the pattern our linear-time finder must agree with.
A1111_PARAM = re.compile(r'\s*(\w[\w \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)')

PROMPT = (
    'masterpiece, a "quoted" lighthouse: at dusk, (sea:1.2), <lora:inkStyle_v2:0.8>,\n'
    "second line 中文 提示词, <lora:detail-tweaker:0.5:0.3>"
)
NEGATIVE = "blurry, lowres,\nbad hands: extra fingers"
SETTINGS = {
    "Steps": 28,
    "Sampler": "DPM++ 2M",
    "Schedule type": "Karras",
    "CFG scale": 6.5,
    "Seed": 3405691582,
    "Size": "512x768",
    "Model hash": "6ce0161689",
    "Model": "v1-5-pruned-emaonly",
    "VAE hash": "735e4c3a44",
    "Clip skip": 2,
    "Denoising strength": 0.45,
    "Hires upscale": 2,
    "Hires steps": 10,
    "Hires upscaler": "Latent",
    "Lora hashes": "inkStyle_v2: 0123456789ab, detail-tweaker: ba9876543210",
    "TI hashes": "easynegative: c74b4e810b03",
    "Version": "v1.10.1",
}


def test_find_params_agrees_with_a1111_pattern() -> None:
    alphabet = ["a", "Z", "_", "7", " ", "-", "/", ":", ",", '"', "\\", "中", "\t", "é", "."]
    rng = random.Random(7)
    lines = [a1111_infotext("p", "", SETTINGS).split("\n")[-1], 'a: "x, y", b: 1', "-ab: 2"]
    lines += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(5000)]
    for line in lines:
        assert find_params(line) == A1111_PARAM.findall(line), line


def test_find_params_is_linear_on_a_long_line_without_colons() -> None:
    line = "a " * 200_000  # A1111's regex needs minutes for this
    start = time.perf_counter()
    assert find_params(line) == []
    assert time.perf_counter() - start < 2


def test_png_parameters_with_every_hard_case(write) -> None:
    text = a1111_infotext(PROMPT, NEGATIVE, SETTINGS)
    meta = read_metadata(write("a.png", png_bytes({"parameters": text})))
    assert meta.generator == "AUTOMATIC1111"
    assert meta.raw[0].source == "PNG iTXt"  # non-Latin-1 text goes to iTXt
    assert meta.raw[0].value == text
    r = meta.recipe
    assert r.prompt == PROMPT and r.negative == NEGATIVE
    assert (r.seed, r.steps, r.cfg, r.width, r.height) == (3405691582, 28, 6.5, 512, 768)
    assert r.sampler == "DPM++ 2M Karras"
    assert r.sampler_recorded == "DPM++ 2M, Schedule type: Karras"
    assert (r.model_name, r.model_hash, r.model_hash_kind) == (
        "v1-5-pruned-emaonly",
        "6ce0161689",
        "AutoV2",
    )
    assert r.clip_skip == 2 and r.denoising_strength == 0.45 and r.mode == "txt2img"
    assert dict(r.hires) == {"Hires upscale": "2", "Hires steps": "10", "Hires upscaler": "Latent"}
    assert r.generator_version == "v1.10.1"
    assert r.embeddings == (("easynegative", "c74b4e810b03"),)
    ink, detail = r.loras
    assert (ink.name, ink.scale, ink.text_encoder_scale, ink.hash) == (
        "inkStyle_v2",
        0.8,
        0.8,
        "0123456789ab",
    )
    assert (detail.name, detail.scale, detail.text_encoder_scale, detail.hash) == (
        "detail-tweaker",
        0.3,
        0.5,
        "ba9876543210",
    )
    assert dict(r.settings)["Lora hashes"] == SETTINGS["Lora hashes"]
    assert meta.warnings == ()


def test_no_negative_prompt_default_clip_skip_and_latin1_text(write) -> None:
    text = "a cat, sitting\nSteps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 512x512"
    meta = read_metadata(write("b.png", png_bytes({"parameters": text})))
    r = meta.recipe
    assert meta.raw[0].source == "PNG tEXt"
    assert (r.prompt, r.negative, r.clip_skip, r.sampler) == ("a cat, sitting", "", 1, "Euler a")
    assert r.model_hash is None and r.loras == ()


def test_very_long_prompt_and_prompt_without_settings(write) -> None:
    prompt = ", ".join(f"tag{i} with words: here" for i in range(500))
    assert len(prompt) > 10_000
    text = a1111_infotext(prompt, "", {"Steps": 30, "Seed": 5, "CFG scale": 7, "Size": "64x64"})
    meta = read_metadata(write("long.png", png_bytes({"parameters": text}, zipped=True)))
    assert meta.raw[0].source == "PNG zTXt"
    assert meta.recipe.prompt == prompt and meta.recipe.steps == 30

    only_prompt, warnings = parse("just a prompt, no settings: really", "test")
    assert only_prompt.prompt == "just a prompt, no settings: really"
    assert only_prompt.seed is None and "no settings line" in warnings[0]


def test_img2img_and_generation_params(write, tmp_path: Path) -> None:
    text = a1111_infotext(
        "a boat <lora:style:0.7> at sea",
        "",
        {
            "Steps": 20,
            "Sampler": "Euler",
            "CFG scale": 7,
            "Seed": 42,
            "Size": "512x512",
            "Denoising strength": 0.35,
            "Lora hashes": "style: 00aa11bb22cc",
        },
    )
    meta = read_metadata(write("i2i.png", png_bytes({"parameters": text})))
    r = meta.recipe
    assert r.mode == "img2img" and r.denoising_strength == 0.35
    with pytest.raises(InputError, match="init image"):
        meta.to_generation_params("model.safetensors", lora_paths={"style": "s.safetensors"})
    with pytest.raises(InputError, match="LoRA"):
        meta.to_generation_params("model.safetensors", init_image="in.png")
    params = meta.to_generation_params(
        tmp_path / "model.safetensors", lora_paths={"style": "s.safetensors"}, init_image="in.png"
    )
    assert params.prompt == "a boat  at sea"  # A1111 removes the tag before encoding
    assert (params.seed, params.steps, params.sampler, params.strength) == (42, 20, "Euler", 0.35)
    assert params.loras[0].path == "s.safetensors" and params.loras[0].scale == 0.7


def test_generation_params_follow_a1111s_own_sampling(write) -> None:
    prompt = "p <lora:inkStyle_v2:0.5> <lora:detail-tweaker:1>"
    hires = read_metadata(
        write("h.png", png_bytes({"parameters": a1111_infotext(prompt, "", SETTINGS)}))
    )
    params = hires.to_generation_params("m", lora_paths={"inkStyle_v2": "a", "detail-tweaker": "b"})
    assert [spec.scale for spec in params.loras] == [0.5, 1.0]
    assert params.convention == "a1111" and params.prompt_syntax == "a1111"
    assert params.noise == "gpu"  # no "RNG" in the infotext: A1111's default, the GPU
    assert params.hires.upscaler == "latent" and params.hires.steps == 10
    assert (params.hires.width, params.hires.height) == (2 * params.width, 2 * params.height)

    text = "p\nSteps: 2, Sampler: DPM++ 2M, Schedule type: SGM Uniform, CFG scale: 7, Seed: 1"
    text += ", Size: 64x64, RNG: NV, ENSD: 31337"
    odd = read_metadata(write("s.png", png_bytes({"parameters": text})))
    assert odd.recipe.sampler is None and "no single A1111 name" in odd.warnings[0]
    params = odd.to_generation_params("m")
    assert (params.sampler, params.scheduler) == ("DPM++ 2M", "SGM Uniform")
    assert (params.noise, params.eta_noise_seed_delta) == ("nv", 31337)


def test_generation_params_refuse_what_the_engine_cannot_follow(write) -> None:
    settings = {**SETTINGS, "Hires upscaler": "4x-UltraSharp"}
    hires = read_metadata(
        write("h.png", png_bytes({"parameters": a1111_infotext("p", "", settings)}))
    )
    with pytest.raises(InputError, match="4x-UltraSharp"):
        hires.to_generation_params("m", lora_paths={"inkStyle_v2": "a", "detail-tweaker": "b"})


@pytest.mark.parametrize(
    ("fmt", "endian", "codec"),
    [
        ("JPEG", ">", "utf-16-be"),
        ("JPEG", "<", "utf-16-le"),
        ("WEBP", ">", "utf-16-be"),
        ("WEBP", "<", "utf-16-be"),
    ],
)
def test_exif_user_comment_in_either_byte_order(write, fmt: str, endian: str, codec: str) -> None:
    text = a1111_infotext(PROMPT, NEGATIVE, SETTINGS)
    comment = b"UNICODE\x00" + text.encode(codec)
    path = write(f"a.{fmt.lower()}", image_bytes(fmt, exif=exif_bytes(comment, endian=endian)))
    meta = read_metadata(path)
    assert meta.generator == "AUTOMATIC1111", meta.warnings
    assert meta.recipe.prompt == PROMPT and meta.recipe.seed == 3405691582
    assert meta.exif.user_comment == text
    field = next(f for f in meta.raw if f.key.startswith("UserComment"))
    assert codec in field.note


def test_cjk_only_comment_falls_back_to_tiff_byte_order(write) -> None:
    text = "中文提示词，没有设置"  # no zero bytes in either byte order
    for endian, codec in ((">", "utf-16-be"), ("<", "utf-16-le")):
        exif = exif_bytes(b"UNICODE\x00" + text.encode(codec), endian=endian)
        meta = read_metadata(write("c.jpg", image_bytes("JPEG", exif=exif)))
        assert meta.exif.user_comment == text, endian
        assert meta.generator == "none"


@pytest.mark.parametrize(
    ("sampler", "schedule", "expected", "warned"),
    [
        ("Euler a", None, "Euler a", False),
        ("DPM++ 2M Karras", None, "DPM++ 2M Karras", False),  # before A1111 1.9
        ("DPM++ 2M", "Karras", "DPM++ 2M Karras", False),
        ("DPM++ 2M SDE", "Exponential", "DPM++ 2M SDE Exponential", False),
        ("DPM++ 2M", "Automatic", "DPM++ 2M Karras", True),  # A1111 1.9's default for it
        ("Euler", "Automatic", "Euler", False),
        ("Euler", "Align Your Steps", None, True),
    ],
)
def test_sampler_and_schedule_join(sampler, schedule, expected, warned) -> None:
    from workstation.analysis.provenance.samplers import join

    warnings: list[str] = []
    assert join(sampler, schedule, warnings) == expected
    assert bool(warnings) == warned


def test_the_workstations_own_text_is_attributed_to_the_workstation(write) -> None:
    text = a1111_infotext("a boat", "", {**SETTINGS, "Version": "workstation 0.1.0"})
    meta = read_metadata(write("own.png", png_bytes({"parameters": text})))
    assert meta.generator == "Workstation" and meta.recipe.generator == "Workstation"
    assert meta.recipe.peer is None  # it ran the workstation's own sampling, not A1111's
    assert (
        read_metadata(
            write("a1111.png", png_bytes({"parameters": a1111_infotext("a boat", "", SETTINGS)}))
        ).generator
        == "AUTOMATIC1111"
    )
