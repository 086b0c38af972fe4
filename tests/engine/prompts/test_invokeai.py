"""InvokeAI (compel): the syntax's weights, and the encoding re-derived from compel's documented
math on the tiny encoders (compel does the work, as in InvokeAI; these tests check that it is
called the way InvokeAI calls it: no truncation, SDXL penultimate layers, zero-padded encoders,
zeros for an empty prompt, CLIP skip by removing layers)."""

from __future__ import annotations

import math

import pytest
import torch

from workstation.engine.prompts import encode_prompt, invokeai

ATOL = 1e-5


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("a cat++ sitting", [("a", 1.0), ("cat", 1.1**2), ("sitting", 1.0)]),
        ("(a red cat)1.3 on a mat-", [("a red cat", 1.3), ("on a", 1.0), ("mat", 0.9)]),
        ("(big dog)+ runs", [("big dog", 1.1), ("runs", 1.0)]),
        ("a bird--", [("a", 1.0), ("bird", 0.9**2)]),
        ("(a cat:1.3)", [("a cat:1 . 3", 1.0)]),  # A1111 weights are not compel syntax
    ],
)
def test_fragment_weights(prompt, expected):
    got = invokeai.fragments(prompt)
    assert [text for text, _ in got] == [text for text, _ in expected]
    assert [weight for _, weight in got] == pytest.approx(
        [weight for _, weight in expected], abs=1e-12
    )


def _encode(model, ids, mask=None):
    with torch.no_grad():
        out = model(input_ids=torch.tensor([ids]), attention_mask=mask, output_hidden_states=True)
    return out


def _ids(tokenizer, words):
    body = tokenizer(words, add_special_tokens=False)["input_ids"]
    ids = [tokenizer.bos_token_id, *body, tokenizer.eos_token_id]
    return ids + [tokenizer.pad_token_id] * (77 - len(ids))


def test_upweight_is_compels_interpolation_from_the_empty_prompt(sd1):
    tokenizer, model = sd1[0]
    ids = _ids(tokenizer, "a cat")
    z = _encode(model, ids).last_hidden_state
    z_empty = _encode(model, _ids(tokenizer, "")).last_hidden_state
    weights = torch.ones(77)
    weights[2] = 1.1**2  # "cat++"
    expected = torch.where(
        weights[None, :, None] == 1, z, z_empty + (z - z_empty) * weights[None, :, None]
    )
    cond = encode_prompt("a cat++", syntax="invokeai", encoders=sd1)
    torch.testing.assert_close(cond.context, expected, atol=ATOL, rtol=0)


def test_downweight_blends_with_the_fragment_masked_out(sd1):
    """compel (DownweightMode.MASK): the token's own vector is weighted as an upweight is, and the
    whole is blended with the same prompt encoded with the fragment masked out, by tan((1-w)π/2)."""
    tokenizer, model = sd1[0]
    ids = _ids(tokenizer, "a cat")
    z_empty = _encode(model, _ids(tokenizer, "")).last_hidden_state
    weights = torch.ones(77)
    weights[2] = 0.9  # "cat-"

    def weighted(z):
        return torch.where(
            weights[None, :, None] == 1, z, z_empty + (z - z_empty) * weights[None, :, None]
        )

    mask = torch.ones(1, 77, dtype=torch.long)
    mask[0, 2] = 0
    base = weighted(_encode(model, ids).last_hidden_state)
    without = weighted(_encode(model, ids, mask).last_hidden_state)
    lerp = math.tan((1 - 0.9) * math.pi / 2)
    expected = (base + without * lerp) / (1 + lerp)
    cond = encode_prompt("a cat-", syntax="invokeai", encoders=sd1)
    torch.testing.assert_close(cond.context, expected, atol=ATOL, rtol=0)


def test_clip_skip_removes_layers(sd1):
    tokenizer, model = sd1[0]
    out = _encode(model, _ids(tokenizer, "a cat"))
    expected = model.final_layer_norm(out.hidden_states[-2])
    cond = encode_prompt("a cat", syntax="invokeai", encoders=sd1, clip_skip=2)
    torch.testing.assert_close(cond.context, expected, atol=ATOL, rtol=0)
    assert len(model.encoder.layers) == 3  # restored


def test_long_prompt_is_not_truncated(sd1):
    cond = encode_prompt("word " * 100, syntax="invokeai", encoders=sd1)
    assert cond.context.shape == (1, 154, 32) and cond.tokens == 100


def test_sdxl_penultimate_pooled_and_empty(sdxl):
    (tok_l, model_l), (tok_g, model_g) = sdxl
    cond = encode_prompt("a cat", syntax="invokeai", encoders=sdxl)
    first = _encode(model_l, _ids(tok_l, "a cat")).hidden_states[-2]
    second = _encode(model_g, _ids(tok_g, "a cat"))
    torch.testing.assert_close(
        cond.context, torch.cat([first, second.hidden_states[-2]], dim=-1), atol=ATOL, rtol=0
    )
    torch.testing.assert_close(cond.pooled, second.text_embeds, atol=ATOL, rtol=0)
    empty = encode_prompt("", syntax="invokeai", encoders=sdxl)
    assert empty.context.shape == (1, 77, 80) and not empty.context.any()
    assert empty.pooled.shape == (1, 48) and not empty.pooled.any()  # InvokeAI: hidden size, zeros


def test_textual_inversion_trigger(sd1, sdxl, library):
    """`<name>` becomes one token per vector, each looked up in the embedding's vectors."""
    tokenizer, model = sd1[0]
    vectors = library.get("myemb").vectors[""]
    ids = _ids(tokenizer, "a photo of x")  # "x" marks where the two vectors go
    position = ids.index(tokenizer("x", add_special_tokens=False)["input_ids"][0])
    ids = ids[:position] + [0, 0] + ids[position + 1 : -1]

    def put(_module, _args, out):
        out = out.clone()
        out[0, position : position + 2] = vectors
        return out

    handle = model.get_input_embeddings().register_forward_hook(put)
    try:
        expected = _encode(model, ids).last_hidden_state
    finally:
        handle.remove()
    cond = encode_prompt("a photo of <myemb>", syntax="invokeai", encoders=sd1, embeddings=library)
    torch.testing.assert_close(cond.context, expected, atol=ATOL, rtol=0)
    assert [e.name for e in cond.embeddings] == ["myemb"]
    assert model.get_input_embeddings().num_embeddings == 49408  # restored
    missing = encode_prompt("a <nosuch> cat", syntax="invokeai", encoders=sd1, embeddings=library)
    assert missing.missing_embeddings == ("nosuch",)
    xl = encode_prompt("a <xlemb> cat", syntax="invokeai", encoders=sdxl, embeddings=library)
    assert [e.name for e in xl.embeddings] == ["xlemb"] and xl.context.shape == (1, 77, 80)
