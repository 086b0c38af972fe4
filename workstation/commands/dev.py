"""`workstation dev …`: tools for developers and demos (tiny random-weight models)."""

from __future__ import annotations

import argparse
from pathlib import Path

from workstation.engine.tiny import LORA_FORMATS, MODEL_FORMATS


def register(subparsers: argparse._SubParsersAction) -> None:
    dev = subparsers.add_parser("dev", help="developer tools: tiny test models")
    actions = dev.add_subparsers(dest="dev_command", metavar="ACTION", required=True)

    model = actions.add_parser(
        "tiny-model", help="build a tiny random-weight SD1.x-layout model (seconds, ~16 MB)"
    )
    model.add_argument("out", type=Path, help="folder (diffusers) or .safetensors (single-file)")
    model.add_argument("--format", choices=MODEL_FORMATS, default="diffusers")
    model.add_argument("--seed", type=_int_in(0, 2**63 - 1), default=0)
    model.set_defaults(func=cmd_tiny_model)

    lora = actions.add_parser("tiny-lora", help="build a random LoRA for the tiny model")
    lora.add_argument("out", type=Path, help="output .safetensors file")
    lora.add_argument("--format", choices=LORA_FORMATS, default="kohya")
    lora.add_argument("--seed", type=_int_in(0, 2**63 - 1), default=1)
    lora.add_argument("--rank", type=_int_in(1, 64), default=4)
    lora.set_defaults(func=cmd_tiny_lora)


def _int_in(low: int, high: int):
    """An argparse type: a whole number from `low` to `high` (a tiny model's seed and rank)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is not from {low} to {high}")
        return value

    return parse


def cmd_tiny_model(args: argparse.Namespace) -> int:
    from workstation.engine.tiny import build_tiny_model

    print(build_tiny_model(args.out, args.format, args.seed))
    return 0


def cmd_tiny_lora(args: argparse.Namespace) -> int:
    from workstation.engine.tiny import build_tiny_lora

    print(build_tiny_lora(args.out, args.format, args.seed, args.rank, alpha=float(args.rank)))
    return 0
