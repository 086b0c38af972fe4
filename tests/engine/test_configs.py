"""The shipped architecture configs describe the real models, and the tokenizers are CLIP's and
T5's."""

from __future__ import annotations

import pytest

from workstation.engine.architectures import ARCHITECTURES, BY_NAME, clip_tokenizer, t5_tokenizer
from workstation.engine.families import family_of

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


# Transformer parameter counts of the published SD 3.5 and Flux.1 models (Flux.1 dev: 11.9 B,
# schnell without the guidance embedding), and their 16-channel VAE.
PUBLISHED_TRANSFORMERS = {
    "sd3.5-medium": 2_243_171_520,
    "sd3.5-large": 8_056_627_520,
    "flux-dev": 11_901_408_320,
    "flux-schnell": 11_891_178_560,
}


@pytest.mark.parametrize("name", sorted(PUBLISHED_TRANSFORMERS))
def test_transformer_configs_build_the_published_architectures(name: str) -> None:
    import diffusers
    from accelerate import init_empty_weights

    arch = BY_NAME[name]
    model_class = getattr(diffusers, family_of(arch).denoiser_class)
    with init_empty_weights():
        model = model_class.from_config(model_class.load_config(arch.config_dir / "transformer"))
        vae = diffusers.AutoencoderKL.from_config(
            diffusers.AutoencoderKL.load_config(arch.config_dir / "vae")
        )
    assert sum(p.numel() for p in model.parameters()) == PUBLISHED_TRANSFORMERS[name]
    assert sum(p.numel() for p in vae.parameters()) == 83_819_683
    hidden = model.config.num_attention_heads * model.config.attention_head_dim
    assert (hidden, model.config.num_layers) == (arch.model_channels, arch.depth)


def test_every_architecture_has_a_complete_config_folder() -> None:
    for arch in ARCHITECTURES:
        denoiser = "unet" if family_of(arch).transformer_keys is None else "transformer"
        # an SDXL refiner has only SDXL's second text encoder (OpenCLIP bigG) and its tokenizer
        tokenizer = "tokenizer_2" if family_of(arch).refiner else "tokenizer"
        for part in (
            "model_index.json",
            f"{denoiser}/config.json",
            "vae/config.json",
            "scheduler/scheduler_config.json",
            f"{tokenizer}/tokenizer_config.json",
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


def test_t5_tokenizer_is_t5s() -> None:
    """The shipped T5 vocabulary: 32,000 SentencePiece pieces + 100 sentinels, pad 0, eos 1;
    ids as the published T5 v1.1 tokenizer gives them."""
    tokenizer = t5_tokenizer(256)
    assert len(tokenizer) == 32100
    assert (tokenizer.pad_token_id, tokenizer.eos_token_id) == (0, 1)
    assert tokenizer("a photo of a cat").input_ids == [3, 9, 1202, 13, 3, 9, 1712, 1]
