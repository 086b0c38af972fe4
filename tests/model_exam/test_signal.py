"""A real signal: a LoRA trained on one work with the bundled demo model makes that work the most
member-like image among controls of the same synthetic distribution, and the LoRA's change says
so too."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workstation.app.exam import MembershipRequest, membership
from workstation.engine.runtime import Runtime
from workstation.engine.synthetic_shapes import write_dataset


@pytest.mark.slow  # trains a LoRA for 40 steps: about 10 s on one thread
def test_a_lora_trained_on_one_work_ranks_it_first(demo_model, tmp_path: Path):
    from workstation.engine.training import LoraSettings, train_lora

    pool = sorted(write_dataset(tmp_path / "pool", 12, seed=21, kind="scene").glob("*.png"))
    work, controls = pool[0], pool[1:]
    training = tmp_path / "training"
    training.mkdir()
    for path in (work, work.with_suffix(".txt")):
        shutil.copy(path, training / path.name)
    lora = tmp_path / "one-work.safetensors"
    settings = LoraSettings(steps=40, batch_size=2, learning_rate=5e-3, targets="all")
    train_lora(training, lora, demo_model, settings, runtime=Runtime(threads=1))

    request = MembershipRequest(
        model=demo_model, lora=lora, works=(work,), controls=tuple(controls)
    )
    result = membership(request, None, Runtime(threads=1, deterministic=True)).result
    (scored,) = result["works"]
    floor = 1 / (1 + len(controls))
    # The timestep loss with the LoRA, and the change the LoRA made to it, put the work first.
    assert scored["rank"]["loss"] == 1 and scored["p_value"]["loss"] == floor
    assert scored["delta"]["rank"]["loss"] == 1 and scored["delta"]["p_value"]["loss"] == floor
    assert scored["delta"]["scores"]["loss"] < 0 < scored["delta"]["effect_size"]["loss"]
    assert scored["effect_size"]["loss"] > 1
