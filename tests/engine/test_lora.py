"""LoRA: kohya and diffusers files merge as weight patches, scales work (0 = base exactly), a LoRA
at scale 1 changes the image deterministically, switching needs no reload, lora-info.
(Every algorithm and key format against its writer's merge: tests/engine/lora_formats.)"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import save_file

from workstation.core.errors import ModelError
from workstation.core.params import LoraSpec
from workstation.engine.generate import txt2img
from workstation.engine.lora import lora_info


def pixels(result) -> np.ndarray:
    return np.asarray(result.image)


@pytest.fixture(scope="module")
def base(tiny_model, tiny_file: Path):
    from workstation.core.params import GenerationParams

    params = GenerationParams(
        model=str(tiny_file), prompt="a lighthouse", seed=99, steps=4, width=64, height=64
    )
    return params, pixels(txt2img(tiny_model, params, decode_steps=()))


def test_scale_zero_is_the_base_model_and_scale_one_is_not(
    tiny_model, base, kohya_lora, peft_lora
) -> None:
    params, base_pixels = base
    for lora in (kohya_lora, peft_lora):
        one = txt2img(
            tiny_model, params.replace(loras=(LoraSpec(str(lora), 1.0),)), decode_steps=()
        )
        zero = txt2img(
            tiny_model, params.replace(loras=(LoraSpec(str(lora), 0.0),)), decode_steps=()
        )
        # merged again after the restore that scale 0 made: the same image
        again = txt2img(
            tiny_model, params.replace(loras=(LoraSpec(str(lora), 1.0),)), decode_steps=()
        )
        assert np.array_equal(pixels(zero), base_pixels), lora.name
        assert not np.array_equal(pixels(one), base_pixels), lora.name
        assert np.array_equal(pixels(again), pixels(one)), lora.name


def test_switching_and_unloading_without_reloading_the_base(
    tiny_model, base, kohya_lora, peft_lora
) -> None:
    params, base_pixels = base
    unet = tiny_model.pipe.unet
    kohya = params.replace(loras=(LoraSpec(str(kohya_lora), 0.8),))
    both = params.replace(loras=(LoraSpec(str(kohya_lora), 0.8), LoraSpec(str(peft_lora), 0.5)))
    peft_only = params.replace(loras=(LoraSpec(str(peft_lora), 0.5),))

    first = pixels(txt2img(tiny_model, kohya, decode_steps=()))
    together = txt2img(tiny_model, both, decode_steps=())
    assert len(tiny_model.loras) == 2
    assert not np.array_equal(pixels(together), first)
    only_peft = pixels(txt2img(tiny_model, peft_only, decode_steps=()))
    assert len(tiny_model.loras) == 1
    assert not np.array_equal(only_peft, first)
    assert np.array_equal(pixels(txt2img(tiny_model, kohya, decode_steps=())), first)
    assert np.array_equal(pixels(txt2img(tiny_model, params, decode_steps=())), base_pixels)
    assert tiny_model.loras == {} and tiny_model.pipe.unet is unet

    record = together.record
    assert [lora["scale"] for lora in record["loras"]] == [0.8, 0.5]
    assert all(len(lora["addnet"]) == 64 for lora in record["loras"])
    assert [spec.sha256 for spec in together.params.loras] == [
        lo["sha256"] for lo in record["loras"]
    ]


def test_lora_for_another_base_is_refused(tiny_model, base, tmp_path: Path) -> None:
    params, _ = base
    sd15 = tmp_path / "for_sd15.safetensors"
    stem = "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k"
    save_file(
        {
            f"{stem}.lora_down.weight": torch.zeros(4, 768),
            f"{stem}.lora_up.weight": torch.zeros(320, 4),
            f"{stem}.alpha": torch.tensor(4.0),
        },
        sd15,
    )
    with pytest.raises(ModelError, match=r"made for SD1.x \(text context 768\).*context 32"):
        txt2img(tiny_model, params.replace(loras=(LoraSpec(str(sd15)),)))
    assert tiny_model.loras == {}


def test_bad_lora_files(
    tiny_model, base, tiny_file: Path, kohya_lora: Path, tmp_path: Path
) -> None:
    params, _ = base
    with pytest.raises(ModelError, match="not a LoRA"):
        txt2img(tiny_model, params.replace(loras=(LoraSpec(str(tiny_file)),)))
    cut = tmp_path / "cut.safetensors"
    cut.write_bytes(kohya_lora.read_bytes()[:500])
    with pytest.raises(ModelError, match="truncated"):
        txt2img(tiny_model, params.replace(loras=(LoraSpec(str(cut)),)))
    with pytest.raises(ModelError, match="more than once"):
        twice = (LoraSpec(str(kohya_lora)), LoraSpec(str(kohya_lora), 0.5))
        txt2img(tiny_model, params.replace(loras=twice))
    with pytest.raises(ModelError, match="differs from the requested"):
        txt2img(tiny_model, params.replace(loras=(LoraSpec(str(kohya_lora), 1.0, "0" * 64),)))


def test_lora_info_reads_kohya_training_metadata(kohya_lora: Path) -> None:
    report = lora_info(kohya_lora)
    assert report.training["base model version"] == "sd_v1"
    assert report.training["training images (incl. repeats)"] == "120"
    assert report.training["epochs"] == "3"
    assert report.training["resolution"] == "(64, 64)"
    assert report.training["training started"] == "2025-11-24T16:00:00Z"
    assert report.dataset_dirs == {"10_tiny": {"n_repeats": 10, "img_count": 12}}
    assert list(report.tag_frequency.items())[0] == ("tiny", 12)
    assert report.stored_hash_matches is True
    assert report.base == "SD1.x (text context 32)"
    targets = {(m.component, m.target) for m in report.modules}
    assert ("unet", "attn2_to_k") in targets and ("text_encoder", "self_attn_q_proj") in targets
    assert {m.rank for m in report.modules} == {4} and {m.alpha for m in report.modules} == {4.0}


def test_lora_info_on_a_diffusers_lora_and_on_a_non_lora(peft_lora: Path, tiny_file: Path) -> None:
    report = lora_info(peft_lora)
    assert report.training == {} and report.stored_hash is None
    assert {m.component for m in report.modules} == {"unet", "text_encoder"}
    assert {m.rank for m in report.modules} == {4}
    with pytest.raises(ModelError, match="not a LoRA"):
        lora_info(tiny_file)


def test_the_text_encoders_can_take_their_own_scale(tiny_model, base, kohya_lora) -> None:
    """ComfyUI's strength_clip and A1111's <lora:name:te:unet>: the denoiser's patches take the
    scale, the text encoders' patches take theirs; the record states both."""
    params, base_pixels = base

    def run(scale: float, te: float | None):
        spec = LoraSpec(str(kohya_lora), scale, text_encoder_scale=te)
        return txt2img(tiny_model, params.replace(loras=(spec,)), decode_steps=())

    both = run(1.0, None)
    unet_only = run(1.0, 0.0)
    text_only = run(0.0, 1.0)
    images = [pixels(r) for r in (both, unet_only, text_only)]
    assert not any(np.array_equal(image, base_pixels) for image in images)
    assert not np.array_equal(images[0], images[1]) and not np.array_equal(images[0], images[2])
    assert np.array_equal(pixels(run(1.0, 1.0)), images[0])  # te = scale is the plain LoRA
    assert unet_only.record["loras"][0]["text_encoder_scale"] == 0.0
    assert "text_encoder_scale" not in both.record["loras"][0]
