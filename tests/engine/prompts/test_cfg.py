"""Cond/uncond pairing per generator (re-derived from each generator's rule, see pair_for_cfg)."""

from __future__ import annotations

import pytest
import torch

from workstation.core.errors import InputError
from workstation.engine.prompts import encode_prompt, pair_for_cfg


@pytest.fixture(scope="module")
def pair(sd1):
    long = encode_prompt("word " * 100, syntax="a1111", encoders=sd1)
    short = encode_prompt("blurry", syntax="a1111", encoders=sd1)
    empty = encode_prompt("", syntax="a1111", encoders=sd1)
    return long, short, empty


def test_a1111_default_runs_separately(pair):
    long, short, _ = pair
    result = pair_for_cfg(long, short, "a1111")
    assert not result.same_length and result.uncond is short.context


def test_a1111_pad_conds_appends_empty_chunks(pair):
    long, short, empty = pair
    result = pair_for_cfg(long, short, "a1111", pad="pad", empty=empty)
    assert result.same_length
    torch.testing.assert_close(
        result.uncond, torch.cat([short.context, empty.context], dim=1), atol=0, rtol=0
    )
    flipped = pair_for_cfg(short, long, "a1111", pad="pad", empty=empty)
    torch.testing.assert_close(
        flipped.cond, torch.cat([short.context, empty.context], dim=1), atol=0, rtol=0
    )
    with pytest.raises(InputError):
        pair_for_cfg(long, short, "a1111", pad="pad")


def test_a1111_pad_v0_repeats_the_last_vector(pair):
    long, short, _ = pair
    result = pair_for_cfg(long, short, "a1111", pad="v0")
    assert result.uncond.shape == long.context.shape
    torch.testing.assert_close(
        result.uncond[:, 77:], short.context[:, -1:].expand(1, 77, 32), atol=0, rtol=0
    )
    cut = pair_for_cfg(short, long, "a1111", pad="v0")
    torch.testing.assert_close(cut.uncond, long.context[:, :77], atol=0, rtol=0)


def test_comfyui_repeats_to_the_least_common_multiple(sd1):
    c77 = encode_prompt("a", syntax="comfyui", encoders=sd1)
    c154 = encode_prompt("word " * 100, syntax="comfyui", encoders=sd1)
    c231 = encode_prompt("word " * 160, syntax="comfyui", encoders=sd1)
    result = pair_for_cfg(c154, c77, "comfyui")
    torch.testing.assert_close(result.uncond, c77.context.repeat(1, 2, 1), atol=0, rtol=0)
    three = pair_for_cfg(c231, c154, "comfyui")
    assert three.cond.shape[1] == three.uncond.shape[1] == 462
    c385 = encode_prompt("word " * 330, syntax="comfyui", encoders=sd1)
    assert not pair_for_cfg(c385, c77, "comfyui").same_length  # more than 4x: separate calls


def test_invokeai_pads_with_zeros_and_masks(sd1):
    long = encode_prompt("word " * 100, syntax="invokeai", encoders=sd1)
    short = encode_prompt("blurry", syntax="invokeai", encoders=sd1)
    result = pair_for_cfg(long, short, "invokeai")
    assert result.uncond.shape == (1, 154, 32) and not result.uncond[:, 77:].any()
    assert result.uncond_mask[0, :77].all() and not result.uncond_mask[0, 77:].any()
    assert result.cond_mask.all()


def test_sdxl_size_conditioning_order():
    from workstation.engine.prompts import sdxl_size_conditioning

    assert sdxl_size_conditioning(832, 1216) == [1216, 832, 0, 0, 1216, 832]
    assert sdxl_size_conditioning(1024, 1024, crop=(8, 16), original=(2048, 1536)) == [
        1536,
        2048,
        8,
        16,
        1024,
        1024,
    ]
