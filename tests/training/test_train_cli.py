"""`workstation train lora|unet` as a user runs them: the request from the arguments, the
settings' defaults unless given, progress with the loss, the output where asked."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_cli
from workstation.app.requests import from_arguments
from workstation.app.train import DEMO_MODEL, TrainLoraRequest, TrainUnetRequest
from workstation.cli import build_parser
from workstation.engine.library import inspect
from workstation.engine.training import LoraSettings, TrainSettings


def test_the_requests_defaults_are_the_training_settings() -> None:
    args = build_parser().parse_args(["train", "lora", "--images", "x", "--out", "y.safetensors"])
    request = from_arguments(TrainLoraRequest, args)
    assert request.base == DEMO_MODEL and request.settings() == LoraSettings()
    args = build_parser().parse_args(["train", "unet", "--images", "x", "--out", "y"])
    request = from_arguments(TrainUnetRequest, args, resume=not args.no_resume)
    assert request.settings() == TrainSettings() and request.resume


def test_train_lora_writes_the_file_and_its_record(tmp_path: Path, demo_model, scenes) -> None:
    out = tmp_path / "scenes.safetensors"
    result = run_cli(
        "train", "lora", "--images", scenes, "--out", out, "--steps", 4, "--batch-size", 2,
        "--rank", 2, "--threads", 1,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert f"LoRA: {out}  (4 steps" in result.stdout
    assert inspect(out).kind == "LoRA"
    record = json.loads(out.with_suffix(".json").read_text())
    assert record["settings"]["rank"] == 2 and record["torch_threads"] == 1
