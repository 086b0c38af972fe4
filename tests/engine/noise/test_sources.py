"""randn(shape, seed, source, device) and NoiseStream."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from tests.engine.noise.conftest import assert_box_muller_close
from workstation.core.errors import InputError
from workstation.engine.noise import NoiseStream, philox, randn


def test_cpu_is_torch_cpu_generator_and_uses_low_32_bits_of_the_seed():
    want = torch.randn((2, 4, 9, 7), generator=torch.Generator().manual_seed(12345))
    got = randn((2, 4, 9, 7), 12345, "cpu")
    assert got.dtype == torch.float32 and got.device.type == "cpu"
    assert torch.equal(got, want)
    assert torch.equal(randn((8,), 2**32 + 7, "cpu"), randn((8,), 7, "cpu"))


def test_nv_is_a1111_nv_and_keeps_the_high_word(philox_ref):
    got = randn((2, 4, 9, 7), 2**40 + 123, "nv", "cpu")
    assert_box_muller_close(got.numpy(), philox_ref["seed1099511627899_2x4x9x7_draw0"])


def test_stream_continues_draw_after_draw(philox_ref):
    stream = NoiseStream(1, "nv")
    for draw in range(3):
        want = philox_ref[f"seed1_1x4x8x8_draw{draw}"]
        assert_box_muller_close(stream.randn((1, 4, 8, 8)).numpy(), want)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_gpu_without_cuda_names_the_need_and_the_nv_alternative():
    with pytest.raises(InputError, match='CUDA.*"nv"'):
        randn((4,), 0, "gpu")


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_gpu_equals_torch_cuda_and_nv_reproduces_it():
    want = torch.randn((4, 64, 64), generator=torch.Generator("cuda").manual_seed(3), device="cuda")
    got = randn((4, 64, 64), 3, "gpu", "cuda")
    assert torch.equal(got, want)
    torch.testing.assert_close(randn((4, 64, 64), 3, "nv", "cpu"), want.cpu(), rtol=0, atol=1e-5)
    # More values than the card has threads: the four-values-per-thread layout, two calls deep.
    props = torch.cuda.get_device_properties(0)
    threads = props.multi_processor_count * props.max_threads_per_multi_processor
    shape = (2 * threads + 5,)
    gpu = NoiseStream(9, "gpu", "cuda")
    nv = NoiseStream(9, "nv", nv_threads=threads)
    for _ in range(2):
        torch.testing.assert_close(nv.randn(shape), gpu.randn(shape).cpu(), rtol=0, atol=1e-5)


def test_bad_source_and_seed_are_input_errors():
    with pytest.raises(InputError, match="cpu, gpu, nv"):
        randn((4,), 0, "mps")
    for source in ("cpu", "nv"):
        with pytest.raises(InputError, match="64-bit"):
            randn((4,), 2**64, source)
    with pytest.raises(InputError, match='"nv" source only'):
        randn((4,), 0, "cpu", nv_threads=1024)


def test_nv_threads_selects_the_many_values_per_thread_layout():
    np.testing.assert_array_equal(
        randn((2, 4, 9, 7), 3, "nv", nv_threads=256).numpy(),
        philox.randn((2, 4, 9, 7), 3, threads=256),
    )
