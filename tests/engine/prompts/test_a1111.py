"""A1111: parsing, schedules, chunking and encoding against A1111's own code (data/)."""

from __future__ import annotations

import pytest
import torch

from workstation.core.errors import InputError
from workstation.engine.prompts import a1111, encode_prompt, encode_prompt_schedule

ATOL = 1e-5


def test_attention_parse_equals_a1111(parse_data):
    for prompt, expected in parse_data["a1111_attention"].items():
        got = [[text, weight] for text, weight in a1111.parse_attention(prompt)]
        assert got == expected, prompt  # weights bit-identical: same multiplication order


@pytest.mark.parametrize("steps", ["10", "20"])
def test_schedules_equal_a1111(parse_data, steps):
    for prompt, expected in parse_data["a1111_schedules"][steps].items():
        if isinstance(expected, dict):  # A1111 itself fails on this prompt
            continue
        got = [[end, text] for end, text in a1111.prompt_schedule(prompt, int(steps))]
        assert got == expected, prompt


def test_chunks_equal_a1111_tokenize_line(chunk_data, sd1):
    tokenizer = sd1[0][0]
    for prompt, expected in chunk_data["a1111"].items():
        chunks, count = a1111.tokenize_chunks(prompt, tokenizer)
        assert [c.tokens for c in chunks] == expected["tokens"], prompt[:40]
        assert [c.weights for c in chunks] == expected["weights"], prompt[:40]
        assert count == expected["count"], prompt[:40]


@pytest.mark.parametrize("skip", [1, 2])
@pytest.mark.parametrize("emphasis", ["Original", "No norm"])
def test_sd1_encoding_equals_a1111(sd1, encodings, encode_prompts, skip, emphasis):
    for index, prompt in enumerate(encode_prompts["ENCODE_SD1"]):
        cond = encode_prompt(
            prompt, syntax="a1111", encoders=sd1, clip_skip=skip, emphasis=emphasis
        )
        expected = encodings[f"a1111/sd1/skip{skip}/{emphasis}/{index}"]
        assert cond.context.shape == expected.shape, prompt[:40]
        torch.testing.assert_close(cond.context, expected, atol=ATOL, rtol=0)
        assert cond.pooled is None


def test_long_prompt_keeps_every_token(sd1, encode_prompts):
    long_prompt = encode_prompts["ENCODE_SD1"][1]  # 100 words + "(gold:1.4)"
    cond = encode_prompt(long_prompt, syntax="a1111", encoders=sd1)
    assert cond.context.shape[1] == 154 and cond.chunks == 2 and cond.tokens == 101
    words = encode_prompt("word, " * 80, syntax="a1111", encoders=sd1)
    assert words.context.shape[1] == 231 and words.chunks == 3


def test_sdxl_encoding_and_pooled_equal_a1111(sdxl, encodings, encode_prompts):
    for index, prompt in enumerate(encode_prompts["ENCODE_SDXL"]):
        cond = encode_prompt(prompt, syntax="a1111", encoders=sdxl)
        torch.testing.assert_close(
            cond.context, encodings[f"a1111/sdxl/{index}"], atol=ATOL, rtol=0
        )
        torch.testing.assert_close(
            cond.pooled, encodings[f"a1111/sdxl/{index}/pooled"], atol=ATOL, rtol=0
        )


def test_sdxl_empty_negative_is_zero_and_clip_skip_ignored(sdxl):
    negative = encode_prompt("", syntax="a1111", encoders=sdxl, negative=True)
    assert (
        negative.context.shape == (1, 77, 80)
        and not negative.context.any()
        and not negative.pooled.any()
    )
    plain = encode_prompt("a cat", syntax="a1111", encoders=sdxl)
    skipped = encode_prompt("a cat", syntax="a1111", encoders=sdxl, clip_skip=3)
    torch.testing.assert_close(plain.context, skipped.context, atol=0, rtol=0)
    assert any("ignores CLIP skip" in w for w in skipped.warnings)


def test_embeddings_equal_a1111(sd1, sdxl, library, encodings):
    cond = encode_prompt(
        "a photo of myemb, (myemb:1.2) cat", syntax="a1111", encoders=sd1, embeddings=library
    )
    torch.testing.assert_close(cond.context, encodings["a1111/sd1/embedding"], atol=ATOL, rtol=0)
    assert [e.name for e in cond.embeddings] == ["myemb"] and cond.embeddings[0].rows == 2
    xl = encode_prompt(
        "xlemb a photo, (xlemb:1.3)", syntax="a1111", encoders=sdxl, embeddings=library
    )
    torch.testing.assert_close(xl.context, encodings["a1111/sdxl/embedding"], atol=ATOL, rtol=0)
    torch.testing.assert_close(
        xl.pooled, encodings["a1111/sdxl/embedding/pooled"], atol=ATOL, rtol=0
    )
    # an SD1 embedding does not fit SDXL: A1111 skips it and the name stays text
    skipped = encode_prompt("myemb", syntax="a1111", encoders=sdxl, embeddings=library)
    assert not skipped.embeddings and any("skips it" in w for w in skipped.warnings)


def test_missing_embedding_is_reported_as_text(sd1, library):
    cond = encode_prompt(
        "a nosuch cat",
        syntax="a1111",
        encoders=sd1,
        embeddings=library,
        expected_embeddings=["nosuch"],
    )
    assert cond.missing_embeddings == ("nosuch",)
    assert "embedding 'nosuch' not found, used as text" in cond.warnings


@pytest.mark.parametrize(
    ("prompt", "construct"),
    [
        ("a [cat:dog:0.5]", "prompt editing"),
        ("a [cat|dog]", "alternation"),
        ("a cat AND a dog", "AND"),
    ],
)
def test_schedules_and_and_are_refused_by_encode_prompt(sd1, prompt, construct):
    with pytest.raises(InputError, match=construct):
        encode_prompt(prompt, syntax="a1111", encoders=sd1)


def test_schedule_encodes_each_step_text(sd1):
    schedule = encode_prompt_schedule("a [cat:dog:0.5]", 10, encoders=sd1)
    assert [end for end, _ in schedule] == [5, 10]
    cat = encode_prompt("a cat", syntax="a1111", encoders=sd1)
    dog = encode_prompt("a dog", syntax="a1111", encoders=sd1)
    torch.testing.assert_close(schedule[0][1].context, cat.context, atol=0, rtol=0)
    torch.testing.assert_close(schedule[1][1].context, dog.context, atol=0, rtol=0)


def test_fuzzed_schedules_equal_a1111(parse_data):
    """382 random strings of brackets, colons, bars and numbers. (A1111 parses with a lark Earley
    grammar; where stray closing brackets surround a schedule its ambiguity resolution can differ
    from ours: 12 of 6,000 such strings in a larger run, none of these.)"""
    differing = []
    for prompt, expected in parse_data["a1111_fuzzed"].items():
        if isinstance(expected, dict):
            continue
        if [[end, text] for end, text in a1111.prompt_schedule(prompt, 10)] != expected:
            differing.append(prompt)
    assert differing == []


def test_sd2_pads_with_zero_after_the_end_token(encodings, encode_prompts):
    from tests.engine.prompts.tiny_encoders import sd2_encoders

    sd2 = sd2_encoders()
    for index, prompt in enumerate(encode_prompts["ENCODE_SD1"]):
        cond = encode_prompt(prompt, syntax="a1111", encoders=sd2)
        torch.testing.assert_close(cond.context, encodings[f"a1111/sd2/{index}"], atol=ATOL, rtol=0)
