"""The shipped architecture configs describe the real models, and the tokenizer is CLIP's."""

from __future__ import annotations

import pytest

from workstation.engine.architectures import ARCHITECTURES, BY_NAME, clip_tokenizer

# Parameter counts of the published models (UNet, VAE, text encoder(s)).
PUBLISHED = {
    "sd1": (859_520_964, 83_653_863, [123_060_480]),
    "sd2": (865_910_724, 83_653_863, [340_387_840]),
    "sdxl": (2_567_463_684, 83_653_863, [123_060_480, 694_659_840]),
}


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_configs_build_the_published_architectures(name: str) -> None:
    from accelerate import init_empty_weights
    from diffusers import AutoencoderKL, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection

    folder = BY_NAME[name].config_dir

    def count(model) -> int:
        return sum(p.numel() for p in model.parameters())

    with init_empty_weights():
        unet = UNet2DConditionModel.from_config(UNet2DConditionModel.load_config(folder / "unet"))
        vae = AutoencoderKL.from_config(AutoencoderKL.load_config(folder / "vae"))
        encoders = [CLIPTextModel(CLIPTextConfig.from_pretrained(folder / "text_encoder"))]
        if (folder / "text_encoder_2").is_dir():
            config = CLIPTextConfig.from_pretrained(folder / "text_encoder_2")
            encoders.append(CLIPTextModelWithProjection(config))
    assert (count(unet), count(vae), [count(e) for e in encoders]) == PUBLISHED[name]
    assert unet.config.cross_attention_dim == BY_NAME[name].context_dim


def test_every_architecture_has_a_complete_config_folder() -> None:
    for arch in ARCHITECTURES:
        for part in (
            "model_index.json",
            "unet/config.json",
            "vae/config.json",
            "scheduler/scheduler_config.json",
            "tokenizer/tokenizer_config.json",
        ):
            assert (arch.config_dir / part).is_file(), f"{arch.name}/{part}"


def test_tokenizer_matches_open_clip() -> None:
    from open_clip.tokenizer import SimpleTokenizer

    ours = clip_tokenizer(BY_NAME["sd1"].config_dir / "tokenizer")
    reference = SimpleTokenizer()
    assert len(ours) == 49408
    for text in ["a photo of an astronaut riding a horse, 4k!!", "Ünïcödé 中文 🙂 it's", "(a:1.2)"]:
        expected = [reference.sot_token_id, *reference.encode(text), reference.eot_token_id]
        assert ours(text).input_ids == expected


def test_sd2_and_sdxl_second_tokenizer_pad_with_bang() -> None:
    assert clip_tokenizer(BY_NAME["sd1"].config_dir / "tokenizer").pad_token_id == 49407
    assert clip_tokenizer(BY_NAME["sd2"].config_dir / "tokenizer").pad_token_id == 0
    assert clip_tokenizer(BY_NAME["sdxl"].config_dir / "tokenizer_2").pad_token_id == 0
