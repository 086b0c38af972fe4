"""make_sigmas against the schedules A1111 (k-diffusion + sd_schedulers) and ComfyUI computed."""

from __future__ import annotations

import pytest
import torch

from tests.engine.sampling._data import load_json, rel_err
from workstation.core.errors import InputError
from workstation.engine.sampling import DiscreteSchedule, make_sigmas

REF = load_json("schedules.json")
CASES = [
    (conv, cfg, sched, steps)
    for conv in ("a1111", "comfyui")
    for cfg, scheds in REF[conv].items()
    for sched, by_steps in scheds.items()
    for steps in by_steps
]


@pytest.mark.parametrize(("convention", "config", "schedule", "steps"), CASES)
def test_schedule_matches_generator(
    convention: str, config: str, schedule: str, steps: str
) -> None:
    model = DiscreteSchedule.from_config(REF["configs"][config])
    expected = torch.tensor(REF[convention][config][schedule][steps])
    ours = make_sigmas(schedule, model, int(steps), convention)
    assert ours.dtype == torch.float32
    assert ours.shape == expected.shape
    # The same float32 operations on the same table: equal to the last bit.
    assert torch.equal(ours, expected), rel_err(ours, expected)


def test_a1111_and_comfyui_karras_differ_by_their_sigma_tables() -> None:
    model = DiscreteSchedule.from_config(REF["configs"]["sd15"])
    a = make_sigmas("karras", model, 20, "a1111")
    c = make_sigmas("karras", model, 20, "comfyui")
    assert not torch.equal(a, c)
    assert rel_err(a, c) < 1e-4


def test_unknown_schedule_is_an_input_error_listing_the_valid_ones() -> None:
    model = DiscreteSchedule.from_config(REF["configs"]["sd15"])
    with pytest.raises(InputError, match="karras"):
        make_sigmas("polyexponential", model, 10, "comfyui")
    with pytest.raises(InputError, match="a1111"):
        make_sigmas("karras", model, 10, "invokeai")
