"""`workstation train unet|lora` and `workstation lab overfit`: train small models on the CPU
(app/train.py, app/lab.py).

Ctrl-C during training saves a checkpoint and stops; the same command again resumes from it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from workstation.app.case_writer import CaseWriter
from workstation.app.lab import LabRequest
from workstation.app.requests import add_arguments, from_arguments
from workstation.app.train import TrainLoraRequest, TrainUnetRequest
from workstation.commands.progress import CtrlC
from workstation.commands.study import add_executor_arguments
from workstation.core.progress import ProgressEvent

THREADS_HELP = "torch CPU threads (default: the cores not busy now)"
MAX_THREADS = 1024  # torch allocates per-thread state up front: 100000 ran out of memory


def threads(text: str) -> int:
    """`--threads`: a whole number from 1 to MAX_THREADS."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_THREADS:
        raise argparse.ArgumentTypeError(
            f"give a whole number from 1 to {MAX_THREADS}, not {text!r}"
        )
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    train = subparsers.add_parser("train", help="train a small model or a LoRA on captioned images")
    kinds = train.add_subparsers(dest="train_command", metavar="WHAT", required=True)

    unet = kinds.add_parser(
        "unet",
        help="train a UNet (and optionally the text encoder) on a base model's VAE and tokenizer",
        description="Images with captions: same-name .txt files or captions.jsonl "
        '({"file": "a.png", "caption": "..."} per line). Writes a diffusers folder.',
    )
    add_arguments(unet, TrainUnetRequest)
    unet.add_argument("--no-resume", action="store_true", help="ignore a checkpoint in --out")
    unet.add_argument("--threads", type=threads, help=THREADS_HELP)
    unet.set_defaults(func=cmd_train, request_type=TrainUnetRequest)

    lora = kinds.add_parser("lora", help="train a LoRA (UNet attention) on a few images")
    add_arguments(lora, TrainLoraRequest)
    lora.add_argument("--threads", type=threads, help=THREADS_HELP)
    lora.set_defaults(func=cmd_train, request_type=TrainLoraRequest)

    lab = subparsers.add_parser("lab", help="experiments that make a claim measurable")
    labs = lab.add_subparsers(dest="lab_command", metavar="LAB", required=True)
    overfit = labs.add_parser(
        "overfit",
        help="train on 1, 5, 50, 500 images; measure how close samples come to training images",
    )
    overfit.add_argument("--case", type=Path, required=True, help="case folder to store results in")
    add_arguments(overfit, LabRequest)
    add_executor_arguments(overfit, "where the training-set sizes are run")
    overfit.set_defaults(func=cmd_lab_overfit)


def cmd_train(args: argparse.Namespace) -> int:
    from workstation.app.train import train
    from workstation.engine.runtime import Runtime

    extra = {"resume": not args.no_resume} if args.request_type is TrainUnetRequest else {}
    request = from_arguments(args.request_type, args, **extra)
    with CtrlC() as ctrl_c:
        runtime = Runtime(
            threads=args.threads, on_progress=_printer(), is_cancelled=ctrl_c.is_cancelled
        )
        result = train(request, runtime=runtime)
    if isinstance(request, TrainUnetRequest):
        print(f"Model: {result.out}  ({result.steps} steps, {result.seconds:.0f} s)")
        print(
            f'Try: workstation generate --model {result.out} --prompt "..." --width '
            f"{request.resolution} --height {request.resolution} --seed 1 --out image.png"
        )
    else:
        print(f"LoRA: {result.out}  ({result.steps} steps, {result.seconds:.0f} s)")
    return 0


def _printer() -> Any:
    clock = time.perf_counter()

    def show(event: ProgressEvent) -> None:
        step, total = event.step, event.total
        if event.value is None or not (step == total or step % 25 == 0):
            return
        rate = (time.perf_counter() - clock) / step
        print(
            f"\rstep {step}/{total}  loss {event.value:.4f}  {rate:.2f} s/step",
            end="\n" if step == total else "",
            file=sys.stderr,
            flush=True,
        )

    return show


def _say(event: ProgressEvent) -> None:
    """The lab's lines (its training steps are not shown one by one)."""
    if event.message:
        print(event.message, file=sys.stderr, flush=True)


def cmd_lab_overfit(args: argparse.Namespace) -> int:
    from workstation.analysis.executors import executor_named
    from workstation.app.lab import run_lab
    from workstation.engine.runtime import Runtime

    request = from_arguments(LabRequest, args)
    executor = executor_named(args.executor, args.ray_address)
    with CtrlC() as ctrl_c:
        runtime = Runtime(on_progress=_say, is_cancelled=ctrl_c.is_cancelled)
        outcome = run_lab(request, writer=CaseWriter(args.case), runtime=runtime, executor=executor)
    result, clip = outcome.result, outcome.result.clip
    clip_head = f" {'CLIP':>6}" if clip else ""
    print(
        f"{'n':>5} {'near-copies':>11} {'tiled L2':>9} {'SSIM':>6} {'pHash':>6}{clip_head} "
        f"{'train s':>8}"
    )
    for row in result.table():
        clip_cell = f" {row['mean_nearest_clip']:>6.3f}" if clip else ""
        print(
            f"{row['training_images']:>5} {row['near_copy_fraction']:>11.2f} "
            f"{row['mean_nearest_tiled_l2']:>9.3f} {row['mean_nearest_ssim']:>6.3f} "
            f"{row['mean_nearest_phash_similarity']:>6.3f}{clip_cell} {row['train_seconds']:>8.1f}"
        )
    minutes = result.seconds / 60
    print(f"Stored as lab record #{outcome.record_id} in {args.case} ({minutes:.1f} min)")
    return 0
