"""A1111's ImageRNG semantics against its own modules/rng.py run on the same settings."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from tests.engine.noise.conftest import DATA, assert_box_muller_close
from workstation.core.errors import InputError
from workstation.engine.noise import ImageRNG, a1111_source, batch_seeds, slerp

CASES = __import__("json").loads((DATA / "provenance.json").read_text())["a1111_cases"]


def _label(case: dict) -> str:
    extras = [f"{k}={case[k]}" for k in ("ensd", "strength", "resize") if k in case]
    return f"{case['name']}-{case['source']}-{case['seeds']}-" + ",".join(extras)


def _image_rng(case: dict) -> ImageRNG:
    resize_h, resize_w = case.get("resize", (0, 0))
    return ImageRNG(
        (4, 8, 8),
        case["seeds"],
        subseeds=case.get("subseeds"),
        subseed_strength=case.get("strength", 0.0),
        seed_resize_from_h=resize_h,
        seed_resize_from_w=resize_w,
        source=a1111_source(case["source"]),
        ensd=case.get("ensd", 0),
    )


@pytest.mark.parametrize("case", CASES, ids=_label)
def test_first_and_step_noise_match_a1111(a1111_ref, case):
    image_rng = _image_rng(case)
    draws = [image_rng.first()] + [image_rng.next() for _ in range(3)]
    names = ["first", "next0", "next1", "next2"]
    for name, got in zip(names, draws, strict=True):
        want = a1111_ref[f"{case['name']}_{name}"]
        if case["source"] == "CPU":  # torch's own generator: bit for bit
            np.testing.assert_array_equal(got.numpy(), want)
        else:
            assert_box_muller_close(got.numpy(), want)


def test_ensd_reseeds_step_noise_only():
    plain = ImageRNG((4, 8, 8), [7], source="cpu")
    delta = ImageRNG((4, 8, 8), [7], source="cpu", ensd=31337)
    assert torch.equal(plain.first(), delta.first())
    want = torch.randn((4, 8, 8), generator=torch.Generator().manual_seed(7 + 31337))
    assert torch.equal(delta.next()[0], want)
    assert not torch.equal(plain.next(), delta.next())


@pytest.mark.parametrize("val", [0.0, 0.1, 0.5, 0.9])
def test_slerp_is_bit_identical(a1111_ref, val):
    low, high = torch.from_numpy(a1111_ref["slerp_low"]), torch.from_numpy(a1111_ref["slerp_high"])
    np.testing.assert_array_equal(slerp(val, low, high).numpy(), a1111_ref[f"slerp_{val}"])


def test_noise_sampler_hands_out_the_step_noise():
    image_rng = ImageRNG((4, 8, 8), [3, 4], source="nv")
    reference = ImageRNG((4, 8, 8), [3, 4], source="nv")
    x = image_rng.next()
    reference.next()
    sampler = image_rng.noise_sampler(x)
    assert torch.equal(sampler(14.6, 10.0), reference.next())
    with pytest.raises(InputError, match="does not match"):
        image_rng.noise_sampler(x[:1])


def test_rng_setting_and_batch_seeds():
    assert a1111_source(None) == "gpu"  # infotext without "RNG": the default, GPU
    assert [a1111_source(v) for v in ("GPU", "CPU", "NV")] == ["gpu", "cpu", "nv"]
    with pytest.raises(InputError, match="GPU, CPU or NV"):
        a1111_source("XPU")
    assert batch_seeds(100, 5, 0.0, 3) == ([100, 101, 102], [5, 6, 7])
    assert batch_seeds(100, 5, 0.4, 3) == ([100, 100, 100], [5, 6, 7])


def test_one_image_of_a_batch_equals_its_single_run():
    batch = ImageRNG((4, 8, 8), [20, 21], source="cpu", ensd=31337)
    single = ImageRNG((4, 8, 8), [21], source="cpu", ensd=31337)
    assert torch.equal(batch.next()[1], single.next()[0])
    assert torch.equal(batch.next()[1], single.next()[0])
