"""`workstation train unet|lora` and `workstation lab overfit`: train small models on the CPU.

Ctrl-C during training saves a checkpoint and stops; the same command again resumes from it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from workstation.commands.compare import add_clip_options, load_clip
from workstation.commands.progress import CtrlC
from workstation.paths import MODELS_DIR

DEMO_MODEL = MODELS_DIR / "demo-shapes-64"


def register(subparsers: argparse._SubParsersAction) -> None:
    train = subparsers.add_parser("train", help="train a small model or a LoRA on captioned images")
    kinds = train.add_subparsers(dest="train_command", metavar="WHAT", required=True)

    unet = kinds.add_parser(
        "unet",
        help="train a UNet (and optionally the text encoder) on a base model's VAE and tokenizer",
        description="Images with captions: same-name .txt files or captions.jsonl "
        '({"file": "a.png", "caption": "..."} per line). Writes a diffusers folder.',
    )
    _common(unet)
    unet.add_argument("--out", type=Path, required=True, help="output folder (diffusers model)")
    unet.add_argument(
        "--init",
        choices=("scratch", "base"),
        default="scratch",
        help="start the UNet from random weights or from the base model's",
    )
    unet.add_argument("--train-text-encoder", action="store_true")
    unet.add_argument(
        "--noise-offset",
        type=float,
        default=None,
        help="offset noise: makes the overall colour follow the prompt (default: automatic, "
        "8 / sqrt(latent height × width), e.g. 0.5 at 64 px on the demo VAE; 0 turns it off)",
    )
    unet.add_argument("--checkpoint-every", type=int, default=250, help="steps (0: end only)")
    unet.add_argument("--no-resume", action="store_true", help="ignore a checkpoint in --out")
    unet.set_defaults(func=cmd_train_unet, steps=1000, batch_size=16, lr=5e-4)

    lora = kinds.add_parser("lora", help="train a LoRA (UNet attention) on a few images")
    _common(lora)
    lora.add_argument("--out", type=Path, required=True, help="output .safetensors file")
    lora.add_argument("--rank", type=int, default=4)
    lora.add_argument("--alpha", type=float, default=4.0)
    lora.add_argument(
        "--targets",
        choices=("attention", "all"),
        default="attention",
        help="layers the LoRA adapts: attention projections, or also convolutions and "
        "feed-forward layers (LoCon style; small models with little attention need it)",
    )
    lora.add_argument("--noise-offset", type=float, default=None, help="as for train unet")
    lora.set_defaults(func=cmd_train_lora, steps=300, batch_size=4, lr=1e-3)

    lab = subparsers.add_parser("lab", help="experiments that make a claim measurable")
    labs = lab.add_subparsers(dest="lab_command", metavar="LAB", required=True)
    overfit = labs.add_parser(
        "overfit",
        help="train on 1, 5, 50, 500 images; measure how close samples come to training images",
    )
    overfit.add_argument(
        "--images",
        type=Path,
        help="captioned images (default: synthetic scenes drawn here, as many as the largest size)",
    )
    overfit.add_argument(
        "--sizes", default="1,5,50,500", help="training-set sizes, comma-separated"
    )
    overfit.add_argument("--case", type=Path, required=True, help="case folder to store results in")
    overfit.add_argument(
        "--base", type=Path, default=DEMO_MODEL, help="model whose VAE and text encoder are reused"
    )
    overfit.add_argument("--steps", type=int, help="training steps per size (default 600)")
    overfit.add_argument("--batch-size", type=int, default=16)
    overfit.add_argument("--samples", type=int, default=8, help="samples generated per size")
    overfit.add_argument(
        "--near-copy",
        type=float,
        default=0.2,
        help="tiled-L2 distance at or below which a sample is a near-copy",
    )
    overfit.add_argument(
        "--init",
        choices=("base", "scratch"),
        default="base",
        help="start each UNet from the base model's (default) or from random weights",
    )
    overfit.add_argument("--seed", type=int, default=0)
    overfit.add_argument("--work", type=Path, help="keep the trained models here")
    add_clip_options(overfit)  # CLIP similarity joins the measures when a local model is given
    overfit.set_defaults(func=cmd_lab_overfit)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--images", type=Path, required=True, help="folder of captioned images")
    parser.add_argument(
        "--base",
        type=Path,
        default=DEMO_MODEL,
        help="base model folder (default: the bundled demo model)",
    )
    parser.add_argument("--steps", type=int)
    parser.add_argument("--batch-size", type=int)
    parser.add_argument("--lr", type=float, help="learning rate")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--resolution", type=int, default=64)
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads")


def _printer() -> Any:
    clock = time.perf_counter()

    def show(step: int, total: int, loss: float) -> None:
        if step == total or step % 25 == 0:
            rate = (time.perf_counter() - clock) / step
            print(
                f"\rstep {step}/{total}  loss {loss:.4f}  {rate:.2f} s/step",
                end="\n" if step == total else "",
                file=sys.stderr,
                flush=True,
            )

    return show


def cmd_train_unet(args: argparse.Namespace) -> int:
    from workstation.engine.training import TrainSettings, train_unet

    settings = TrainSettings(
        steps=args.steps,
        batch_size=args.batch_size,
        learning_rate=args.lr,
        seed=args.seed,
        resolution=args.resolution,
        checkpoint_every=args.checkpoint_every,
        train_text_encoder=args.train_text_encoder,
        init_unet=args.init,
        noise_offset=args.noise_offset,
        threads=args.threads,
    )
    with CtrlC() as ctrl_c:
        result = train_unet(
            args.images,
            args.out,
            args.base,
            settings,
            on_progress=_printer(),
            is_cancelled=ctrl_c.is_cancelled,
            resume=not args.no_resume,
        )
    print(f"Model: {result.out}  ({result.steps} steps, {result.seconds:.0f} s)")
    print(
        f'Try: workstation generate --model {result.out} --prompt "..." --width '
        f"{args.resolution} --height {args.resolution}"
    )
    return 0


def cmd_train_lora(args: argparse.Namespace) -> int:
    from workstation.engine.training import LoraSettings, train_lora

    settings = LoraSettings(
        steps=args.steps,
        rank=args.rank,
        alpha=args.alpha,
        batch_size=args.batch_size,
        learning_rate=args.lr,
        seed=args.seed,
        resolution=args.resolution,
        noise_offset=args.noise_offset,
        targets=args.targets,
        threads=args.threads,
    )
    with CtrlC() as ctrl_c:
        result = train_lora(
            args.images,
            args.out,
            args.base,
            settings,
            on_progress=_printer(),
            is_cancelled=ctrl_c.is_cancelled,
        )
    print(f"LoRA: {result.out}  ({result.steps} steps, {result.seconds:.0f} s)")
    return 0


def cmd_lab_overfit(args: argparse.Namespace) -> int:
    from workstation.analysis.overfit_lab import (
        LabSettings,
        parse_sizes,
        run_overfit_lab,
        store_lab,
    )
    from workstation.core.case import Case
    from workstation.core.errors import InputError

    try:
        sizes = parse_sizes(args.sizes)
    except InputError as error:
        raise InputError(f"--sizes: {error}") from None
    settings = LabSettings(
        sizes=sizes,
        steps=args.steps or LabSettings.steps,
        batch_size=args.batch_size,
        samples=args.samples,
        seed=args.seed,
        near_copy_l2=args.near_copy,
        init=args.init,
    )
    clip = load_clip(args)
    with Case.open(args.case) as case, CtrlC() as ctrl_c:
        result = run_overfit_lab(
            args.images,
            args.base,
            settings,
            work=args.work,
            is_cancelled=ctrl_c.is_cancelled,
            on_progress=lambda message: print(message, file=sys.stderr, flush=True),
            clip=clip,
        )
        record_id = store_lab(case, result)
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
    print(f"Stored as lab record #{record_id} in {args.case} ({result.seconds / 60:.1f} min)")
    return 0
