"""`workstation generate`: txt2img or img2img on a local model, optionally kept in a case."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from workstation.core.case import Case
from workstation.core.errors import InputError
from workstation.core.params import DEVICES, DTYPES, GenerationParams, LoraSpec


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "generate",
        help="generate an image on a local model (txt2img, or img2img with --init)",
        description="Generate an image offline. The same arguments on the same device give the "
        "same image, bit for bit. Width and height default to the model's native size.",
    )
    parser.add_argument("--model", required=True, type=Path, help="diffusers folder or checkpoint")
    parser.add_argument("--prompt", required=True)
    parser.add_argument("--negative", default="", help="negative prompt")
    parser.add_argument("--seed", required=True, type=int)
    parser.add_argument("--steps", type=int, default=20, help="denoising steps (default 20)")
    parser.add_argument("--cfg", type=float, default=7.0, help="CFG scale (default 7)")
    parser.add_argument(
        "--sampler", default="Euler a", help="A1111 name, e.g. 'DPM++ 2M Karras' (default Euler a)"
    )
    parser.add_argument("--width", type=int)
    parser.add_argument("--height", type=int)
    parser.add_argument("--init", type=Path, help="init image: img2img instead of txt2img")
    parser.add_argument("--strength", type=float, help="img2img denoising strength (default 0.75)")
    parser.add_argument(
        "--lora",
        action="append",
        default=[],
        metavar="PATH[:SCALE]",
        help="apply a LoRA (repeatable; scale defaults to 1)",
    )
    parser.add_argument("--clip-skip", type=int, default=1, help="A1111 clip skip (1 = none)")
    parser.add_argument("--out", required=True, type=Path, help="output PNG")
    parser.add_argument("--steps-dir", type=Path, help="write every denoising step here")
    parser.add_argument("--case", type=Path, help="store inputs, output, steps and record here")
    parser.add_argument("--device", default="auto", choices=DEVICES)
    parser.add_argument("--dtype", default="auto", choices=DTYPES)
    parser.add_argument("--json", action="store_true", help="print the generation record")
    parser.set_defaults(func=cmd_generate)


def parse_lora(text: str) -> LoraSpec:
    """PATH or PATH:SCALE; a Windows drive letter's colon is part of the path."""
    path, sep, scale = text.rpartition(":")
    if sep and path and not path.endswith(("\\", "/")) and len(path) > 1:
        try:
            return LoraSpec(path, float(scale))
        except ValueError:
            pass
    return LoraSpec(text, 1.0)


def cmd_generate(args: argparse.Namespace) -> int:
    from workstation.engine.library import identify
    from workstation.engine.samplers import canonical_name

    # 1. Check everything that can be checked before the slow part.
    canonical_name(args.sampler)
    if args.out.suffix.lower() != ".png":
        raise InputError(f"{args.out}: the output must be a .png file")
    if not args.out.parent.is_dir():
        raise InputError(f"{args.out.parent}: output folder does not exist")
    if args.steps_dir is not None and args.steps_dir.exists() and any(args.steps_dir.iterdir()):
        raise InputError(f"{args.steps_dir}: steps folder is not empty")
    if args.init is not None and not args.init.is_file():
        raise InputError(f"{args.init}: init image not found")
    loras = tuple(parse_lora(text) for text in args.lora)
    for spec in loras:
        if not Path(spec.path).is_file():
            raise InputError(f"{spec.path}: LoRA file not found")
    # Records name files by absolute path; the hashes say which bytes they were.
    loras = tuple(LoraSpec(str(Path(s.path).absolute()), s.scale) for s in loras)
    case = Case.open(args.case) if args.case else None
    try:
        arch = identify(args.model).architecture  # not hashed: loading hashes it
        native = arch.native_size if arch else 512
        strength = args.strength if args.strength is not None or args.init is None else 0.75
        params = GenerationParams(
            model=str(args.model.absolute()),
            prompt=args.prompt,
            negative=args.negative,
            seed=args.seed,
            steps=args.steps,
            cfg=args.cfg,
            sampler=args.sampler,
            width=args.width or native,
            height=args.height or native,
            loras=loras,
            init_image=str(args.init.absolute()) if args.init else None,
            strength=strength,
            clip_skip=args.clip_skip,
            device=args.device,
            dtype=args.dtype,
        )
        return _run(args, params, case)
    finally:
        if case is not None:
            case.close()


def _run(args: argparse.Namespace, params: GenerationParams, case: Case | None) -> int:
    from workstation.engine.casefile import write_steps
    from workstation.engine.generate import generate
    from workstation.engine.loading import load_model
    from workstation.engine.pngmeta import save_png

    # 2. Load and generate; nothing is written before this succeeds.
    model = load_model(params.model, device=params.device, dtype=params.dtype)
    keep_steps = args.steps_dir is not None
    result = generate(model, params, on_progress=_progress, decode_steps=None if keep_steps else ())
    if sys.stderr.isatty():
        print(file=sys.stderr)

    # 3. Write the output, the steps, and store them in the case.
    save_png(result.image, args.out, result.record)
    with tempfile.TemporaryDirectory() as scratch:
        steps_dir = args.steps_dir or Path(scratch)
        step_files = write_steps(result, steps_dir) if keep_steps else []
        if case is not None:
            from workstation.engine.casefile import store_generation

            record_id = store_generation(case, result, args.out, step_files)
            print(f"stored in case {case.root} as generation record #{record_id}")
    if args.json:
        print(json.dumps(result.record, indent=2, ensure_ascii=False))
    else:
        record = result.record
        print(
            f"{args.out}  {record['mode']} {record['params']['width']}x"
            f"{record['params']['height']} seed {params.seed}, {record['steps_run']} steps, "
            f"{record['environment']['device']}/{record['environment']['dtype']}, "
            f"{record['seconds']:.1f} s"
        )
        if keep_steps:
            print(f"steps written to {args.steps_dir}")
    return 0


def _progress(step: int, total: int, preview) -> None:
    if sys.stderr.isatty():
        print(f"\rstep {step}/{total}", end="", file=sys.stderr, flush=True)
