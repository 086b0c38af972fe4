"""ComfyUI: weighting, chunking and encoding against ComfyUI's own sd1_clip.py (data/)."""

from __future__ import annotations

import pytest
import torch

from workstation.engine.prompts import comfyui, encode_prompt

ATOL = 1e-5


def test_weights_equal_comfyui(parse_data):
    for prompt, expected in parse_data["comfyui_weights"].items():
        got = [[text, weight] for text, weight in comfyui.weighted_runs(prompt)]
        assert got == expected, prompt


@pytest.mark.parametrize(("key", "tokenizer_index"), [("comfyui_sd1", 0), ("comfyui_g", 1)])
def test_chunks_equal_comfyui_tokenize_with_weights(chunk_data, sdxl, key, tokenizer_index):
    tokenizer = sdxl[tokenizer_index][0]
    for prompt, expected in chunk_data[key].items():
        tokens = comfyui.tokenize_with_weights(
            prompt, tokenizer, pad_token=tokenizer.pad_token_id, embedding_rows=lambda name: None
        )  # "embedding:zz" has no file: dropped
        got = [
            [[entry, weight] for entry, weight in zip(c.entries, c.weights, strict=True)]
            for c in tokens.chunks
        ]
        assert got == expected, prompt[:40]


@pytest.mark.parametrize("skip", [1, 2])
def test_sd1_encoding_equals_comfyui(sd1, encodings, encode_prompts, skip):
    for index, prompt in enumerate(encode_prompts["COMFY_SD1"]):
        cond = encode_prompt(prompt, syntax="comfyui", encoders=sd1, clip_skip=skip)
        expected = encodings[f"comfyui/sd1/skip{skip}/{index}"]
        assert cond.context.shape == expected.shape, prompt[:40]
        torch.testing.assert_close(cond.context, expected, atol=ATOL, rtol=0)


def test_sdxl_encoding_and_pooled_equal_comfyui(sdxl, encodings, encode_prompts):
    for index, prompt in enumerate(encode_prompts["COMFY_SDXL"]):
        cond = encode_prompt(prompt, syntax="comfyui", encoders=sdxl)
        torch.testing.assert_close(
            cond.context, encodings[f"comfyui/sdxl/{index}"], atol=ATOL, rtol=0
        )
        torch.testing.assert_close(
            cond.pooled, encodings[f"comfyui/sdxl/{index}/pooled"], atol=ATOL, rtol=0
        )


def test_embeddings_equal_comfyui(sd1, sdxl, library, encodings, encode_prompts):
    index = len(encode_prompts["COMFY_SD1"])
    prompt = "a photo of embedding:myemb, (embedding:myemb:1.2) cat"
    for skip in (1, 2):
        cond = encode_prompt(
            prompt, syntax="comfyui", encoders=sd1, clip_skip=skip, embeddings=library
        )
        torch.testing.assert_close(
            cond.context, encodings[f"comfyui/sd1/skip{skip}/{index}"], atol=ATOL, rtol=0
        )
    assert [e.name for e in cond.embeddings] == ["myemb"]
    index = len(encode_prompts["COMFY_SDXL"])
    xl = encode_prompt(
        "embedding:xlemb a photo, (embedding:xlemb:1.3)",
        syntax="comfyui",
        encoders=sdxl,
        embeddings=library,
    )
    torch.testing.assert_close(xl.context, encodings[f"comfyui/sdxl/{index}"], atol=ATOL, rtol=0)
    torch.testing.assert_close(
        xl.pooled, encodings[f"comfyui/sdxl/{index}/pooled"], atol=ATOL, rtol=0
    )


def test_missing_embedding_is_dropped_and_reported(sd1, library):
    cond = encode_prompt(
        "a embedding:nosuch cat", syntax="comfyui", encoders=sd1, embeddings=library
    )
    without = encode_prompt("a cat", syntax="comfyui", encoders=sd1)
    torch.testing.assert_close(cond.context, without.context, atol=0, rtol=0)
    assert cond.missing_embeddings == ("nosuch",)
    assert any("embedding:nosuch not found" in w for w in cond.warnings)


def test_square_brackets_are_text_and_sdxl_default_is_penultimate(sd1, sdxl):
    assert comfyui.weighted_runs("[a cat]") == [("[a cat]", 1.0)]
    default = encode_prompt("a cat", syntax="comfyui", encoders=sdxl)
    explicit = encode_prompt("a cat", syntax="comfyui", encoders=sdxl, clip_skip=2)
    torch.testing.assert_close(default.context, explicit.context, atol=0, rtol=0)


def test_sd2_pads_with_zero(encodings, encode_prompts):
    from tests.engine.prompts.tiny_encoders import sd2_encoders

    sd2 = sd2_encoders()
    for index, prompt in enumerate(encode_prompts["COMFY_SD1"]):
        cond = encode_prompt(prompt, syntax="comfyui", encoders=sd2)
        torch.testing.assert_close(
            cond.context, encodings[f"comfyui/sd2/{index}"], atol=ATOL, rtol=0
        )


def test_sdxl_clip_set_last_layer_minus_one_is_the_raw_last_layer(sdxl):
    """CLIPSetLastLayer(-1) on SDXL: the last layer's output without the final norm."""
    cond = encode_prompt("a cat", syntax="comfyui", encoders=sdxl, clip_skip=1)
    expected = []
    for tokenizer, model in sdxl:
        ids = tokenizer("a cat", padding="max_length", max_length=77)["input_ids"]
        with torch.no_grad():
            expected.append(
                model(input_ids=torch.tensor([ids]), output_hidden_states=True).hidden_states[-1]
            )
    torch.testing.assert_close(cond.context, torch.cat(expected, dim=-1), atol=ATOL, rtol=0)
