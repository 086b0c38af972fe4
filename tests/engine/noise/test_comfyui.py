"""ComfyUI's prepare_noise and default_noise_sampler against its own functions run here."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from workstation.core.errors import InputError
from workstation.engine.noise import comfy_noise, default_noise_sampler, prepare_noise
from workstation.engine.noise.comfyui import ddim_inpaint_noise

SEEDS = [0, 1, 2**32 - 1, 2**40 + 123]
SHAPES = [(3, 4, 8, 8), (2, 4, 9, 7), (3, 4, 9, 7)]


def _tag(seed, shape):
    return f"seed{seed}_{'x'.join(map(str, shape))}"


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("seed", SEEDS)
def test_prepare_noise_matches_comfyui(comfy_ref, seed, shape):
    tag = _tag(seed, shape)
    np.testing.assert_array_equal(prepare_noise(shape, seed).numpy(), comfy_ref[f"{tag}_full"])
    one = (1, *shape[1:])
    np.testing.assert_array_equal(prepare_noise(one, seed, [1]).numpy(), comfy_ref[f"{tag}_inds1"])
    three = (3, *shape[1:])
    got = prepare_noise(three, seed, [2, 0, 2]).numpy()
    np.testing.assert_array_equal(got, comfy_ref[f"{tag}_inds2_0_2"])


def test_batch_3_index_1(comfy_ref):
    # An empty-latent batch of 3: image 1 takes its slice of one draw for the whole batch.
    for shape in [(3, 4, 8, 8), (3, 4, 9, 7)]:
        tag = _tag(0, shape)
        got = comfy_noise(shape[1:], 0, batch_size=3, batch_index=1)
        np.testing.assert_array_equal(got.numpy(), comfy_ref[f"{tag}_full"][1:2])
    assert torch.equal(comfy_noise((1, 4, 8, 8), 0, 3, 1), comfy_noise((4, 8, 8), 0, 3, 1))
    with pytest.raises(InputError, match="outside a batch"):
        comfy_noise((4, 8, 8), 0, batch_size=3, batch_index=3)


def test_batch_index_list_draws_per_image(comfy_ref):
    # "Latent From Batch" index 1 draws one [1, C, H, W] per index. torch's CPU normal works in
    # blocks of 16 values, so this equals the whole-batch slice when C*H*W is a multiple of 16
    # (every real latent) and differs otherwise.
    even, odd = _tag(0, (3, 4, 8, 8)), _tag(0, (3, 4, 9, 7))
    np.testing.assert_array_equal(comfy_ref[f"{even}_inds1"], comfy_ref[f"{even}_full"][1:2])
    assert not np.array_equal(comfy_ref[f"{odd}_inds1"], comfy_ref[f"{odd}_full"][1:2])
    got = prepare_noise((1, 4, 9, 7), 0, [1])
    np.testing.assert_array_equal(got.numpy(), comfy_ref[f"{odd}_inds1"])


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("seed", SEEDS)
def test_default_noise_sampler_matches_comfyui_on_cpu(comfy_ref, seed, shape):
    sampler = default_noise_sampler(torch.zeros(shape), seed, "cpu")
    for k in range(3):
        want = comfy_ref[f"{_tag(seed, shape)}_step{k}"]
        np.testing.assert_array_equal(sampler(1.0, 0.5).numpy(), want)


def test_ddim_inpaint_noise_is_seed_plus_one_on_cpu():
    want = torch.randn((1, 4, 8, 8), generator=torch.Generator().manual_seed(43))
    assert torch.equal(ddim_inpaint_noise((1, 4, 8, 8), 42), want)
