"""A training job changes nothing a later job records: it runs inside its own runtime.

The bug this guards: a one-step `train_lora` set torch to 1 thread and never set it back, so the
generations after it ran on 1 thread and wrote that count into their records (and the CPU float
sums, hence the pixels, may differ with the count).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from workstation.core.errors import Cancelled
from workstation.core.params import GenerationParams
from workstation.core.progress import ProgressEvent
from workstation.engine import runtime as runtime_module
from workstation.engine.generate import txt2img
from workstation.engine.loading import load_model
from workstation.engine.runtime import Runtime
from workstation.engine.training import LoraSettings, TrainSettings, train_lora, train_unet


@pytest.fixture
def idle_two_cores(monkeypatch: pytest.MonkeyPatch):
    """The thread policy on an idle 2-core machine (2 threads), torch set to 3 beforehand (some
    earlier choice), and torch put back afterwards."""
    monkeypatch.delenv(runtime_module.THREADS_ENV, raising=False)
    monkeypatch.setattr(runtime_module, "usable_cores", lambda: 2)
    monkeypatch.setattr(runtime_module, "_running_now", lambda: 1)
    before = torch.get_num_threads()
    torch.set_num_threads(3)
    yield
    torch.set_num_threads(before)


def _generation_record(model_dir: Path) -> dict:
    model = load_model(model_dir, device="cpu", dtype="float32")
    params = GenerationParams(
        model=str(model_dir),
        prompt="a red circle on a blue background",
        seed=5,
        steps=4,
        sampler="Euler",
        width=64,
        height=64,
    )
    return txt2img(model, params, decode_steps=()).record


def test_a_lora_training_does_not_change_a_later_generations_runtime(
    tmp_path: Path, demo_model, scenes, idle_two_cores
) -> None:
    before = _generation_record(demo_model)
    assert before["environment"]["torch_threads"] == 2  # the policy's choice, not torch's 3

    lora = tmp_path / "style.safetensors"
    train_lora(scenes, lora, demo_model, LoraSettings(steps=1, batch_size=1, threads=1))
    assert torch.get_num_threads() == 3
    assert json.loads(lora.with_suffix(".json").read_text())["torch_threads"] == 1

    after = _generation_record(demo_model)
    assert after["environment"] == before["environment"]
    assert after["image"]["rgb_sha256"] == before["image"]["rgb_sha256"]


def test_training_records_its_count_and_a_resume_keeps_the_checkpoints(
    tmp_path: Path, demo_model, scenes, idle_two_cores
) -> None:
    settings = TrainSettings(steps=2, batch_size=1, warmup_steps=1, checkpoint_every=0)
    out = tmp_path / "unet"
    steps: list[ProgressEvent] = []
    one_step = Runtime(threads=1, on_progress=steps.append, is_cancelled=lambda: len(steps) >= 1)
    with pytest.raises(Cancelled, match="cancelled at step 1 of 2"):
        train_unet(scenes, out, demo_model, settings, runtime=one_step)
    assert steps[0].value is not None  # the loss
    # Cancelled after a checkpoint made with 1 thread: resumed without a count, it keeps 1
    # (the policy would give 2), so it ends as an unbroken 1-thread run would.
    train_unet(scenes, out, demo_model, settings)
    record = json.loads((out / "training.json").read_text())
    assert record["torch_threads"] == 1 and "torch_threads_used" not in record
    assert "threads" not in record["settings"]
    assert torch.get_num_threads() == 3
