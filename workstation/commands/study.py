"""`workstation study trajectory|strength|lora-scale|seeds … --case DIR`: the sweeps, into a case.

Every study shows progress on stderr and stops cleanly on Ctrl-C. Each finished image is stored in
the case at once (a generation record); running the same study (or any study needing the same
generation) again reuses those the case proves intact, and the study record is written when the
whole study is done.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from workstation.commands.compare import add_clip_options, load_clip
from workstation.commands.progress import CtrlC, StepPrinter
from workstation.core.case import Case
from workstation.core.errors import Cancelled, InputError
from workstation.core.params import DEVICES, DTYPES, GenerationParams, LoraSpec

EXIT_CANCELLED = 130


def register(subparsers: argparse._SubParsersAction) -> None:
    study = subparsers.add_parser(
        "study",
        help="run a study (trajectory, img2img strength, LoRA scale, seed sweep) into a case",
        description="Generate a series of images that varies one parameter, measure them, and "
        "store images, numbers (CSV, JSON), a plot and a study record in the case. Each image is "
        "stored as soon as it is made: Ctrl-C keeps the finished ones, and running the same "
        "command again reuses them.",
    )
    kinds = study.add_subparsers(dest="study", metavar="STUDY", required=True)

    trajectory = kinds.add_parser(
        "trajectory", help="every denoising step of one generation, as a labelled grid"
    )
    _generation_options(trajectory, seed=True)
    trajectory.add_argument("--init", type=Path, help="init image: the trajectory of an img2img")
    trajectory.add_argument("--strength", type=float, help="img2img strength (default 0.75)")
    trajectory.set_defaults(func=_trajectory)

    strength = kinds.add_parser(
        "strength", help="img2img at a range of strengths: similarity to the source"
    )
    _generation_options(strength)
    strength.add_argument("--source", required=True, type=Path, help="the img2img source image")
    strength.add_argument(
        "--strengths",
        type=_floats,
        metavar="LIST",
        help="comma-separated (default 0.05,0.15,…,0.95)",
    )
    strength.add_argument(
        "--seeds",
        type=_ints,
        metavar="LIST",
        help="comma-separated (default 1,2,3)",
    )
    add_clip_options(strength)
    strength.set_defaults(func=_strength)

    lora = kinds.add_parser(
        "lora-scale", help="one LoRA at a range of scales: similarity to a reference"
    )
    _generation_options(lora)
    lora.add_argument("--sweep-lora", required=True, type=Path, metavar="PATH", help="the LoRA")
    lora.add_argument("--reference", required=True, type=Path, help="the reference work")
    lora.add_argument(
        "--scales",
        type=_floats,
        default=(0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5),
        metavar="LIST",
        help="comma-separated (default 0,0.25,…,1.5)",
    )
    lora.add_argument("--seeds", type=_ints, default=(1,), metavar="LIST", help="(default 1)")
    add_clip_options(lora)
    lora.set_defaults(func=_lora_scale)

    seeds = kinds.add_parser(
        "seeds", help="N seeds of one prompt: how close outputs come to a reference"
    )
    _generation_options(seeds)
    seeds.add_argument("--reference", required=True, type=Path, help="the reference work")
    which = seeds.add_mutually_exclusive_group(required=True)
    which.add_argument("--count", type=int, help="this many seeds, from --first-seed on")
    which.add_argument("--seeds", type=_ints, metavar="LIST", help="comma-separated seeds")
    seeds.add_argument("--first-seed", type=int, default=1, help="(default 1)")
    add_clip_options(seeds)
    seeds.set_defaults(func=_seeds)


def _generation_options(parser: argparse.ArgumentParser, seed: bool = False) -> None:
    parser.add_argument("--case", required=True, type=Path, metavar="DIR")
    parser.add_argument("--model", required=True, type=Path, help="diffusers folder or checkpoint")
    parser.add_argument("--prompt", required=True)
    parser.add_argument("--negative", default="", help="negative prompt")
    if seed:
        parser.add_argument("--seed", required=True, type=int)
    parser.add_argument("--steps", type=int, default=20, help="denoising steps (default 20)")
    parser.add_argument("--cfg", type=float, default=7.0, help="CFG scale (default 7)")
    parser.add_argument("--sampler", default="Euler a", help="A1111 sampler name")
    parser.add_argument("--width", type=int)
    parser.add_argument("--height", type=int)
    parser.add_argument(
        "--lora",
        action="append",
        default=[],
        metavar="PATH[:SCALE]",
        help="a LoRA applied to every image (repeatable)",
    )
    parser.add_argument("--clip-skip", type=int, default=1, help="A1111 clip skip (1 = none)")
    parser.add_argument("--device", default="auto", choices=DEVICES)
    parser.add_argument("--dtype", default="auto", choices=DTYPES)
    parser.add_argument("--json", action="store_true", help="print the study record as JSON")


def _floats(text: str) -> tuple[float, ...]:
    try:
        return tuple(float(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of numbers: {text}") from None


def _ints(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of seeds: {text}") from None


def _params(args: argparse.Namespace, **changes: Any) -> GenerationParams:
    """The request every image of the study starts from; files named by absolute path."""
    from workstation.commands.generate import parse_lora
    from workstation.engine.library import identify

    loras = []
    for text in args.lora:
        spec = parse_lora(text)
        if not Path(spec.path).is_file():
            raise InputError(f"{spec.path}: LoRA file not found")
        loras.append(LoraSpec(str(Path(spec.path).absolute()), spec.scale))
    arch = identify(args.model).architecture  # not hashed: loading hashes it
    native = arch.native_size if arch else 512
    values = {
        "model": str(args.model.absolute()),
        "prompt": args.prompt,
        "negative": args.negative,
        "seed": getattr(args, "seed", 0),
        "steps": args.steps,
        "cfg": args.cfg,
        "sampler": args.sampler,
        "width": args.width or native,
        "height": args.height or native,
        "loras": tuple(loras),
        "clip_skip": args.clip_skip,
        "device": args.device,
        "dtype": args.dtype,
    }
    return GenerationParams(**{**values, **changes})


def _image(path: Path, what: str) -> str:
    if not path.is_file():
        raise InputError(f"{path}: {what} not found")
    return str(path.absolute())


def _run(args: argparse.Namespace, work: Callable[..., Any]) -> int:
    """Open the case, run `work(case, on_progress, is_cancelled)` with Ctrl-C as cancel, print."""
    printer = StepPrinter()
    with Case.open(args.case) as case:
        try:
            with CtrlC() as ctrl_c:
                outcome = work(case, printer, ctrl_c.is_cancelled)
        except Cancelled:
            printer.end_line()
            print(
                "cancelled; no study record was written. The images finished so far are stored "
                "in the case (generation records) and reused when this command runs again.",
                file=sys.stderr,
            )
            return EXIT_CANCELLED
    printer.end_line()
    payload = outcome.payload
    if args.json:
        links = [link.to_list() for link in outcome.record.links]  # as `case records --json`
        shown = {"record_id": outcome.record_id, **payload, "links": links}
        print(json.dumps(shown, indent=2, ensure_ascii=False))
        return 0
    figures = outcome.figures()
    print(
        f"{payload['title']}: {len(payload['points'])} measurement(s); "
        f"{outcome.generated} image(s) generated, {outcome.reused} reused"
    )
    for key, value in _summary_lines(payload.get("summary", {})):
        print(f"  {key}: {value}")
    shown = ", ".join(
        f"{label} #{figures[label]}"
        for label in ("grid", "plot", "data_csv", "data_json")
        if label in figures
    )
    print(f"stored in case {args.case} as study record #{outcome.record_id} ({shown})")
    return 0


def _summary_lines(summary: dict[str, Any]) -> list[tuple[str, str]]:
    lines = []
    for key, value in summary.items():
        if key == "near_duplicate":
            for metric, share in value.items():
                lines.append(
                    (
                        f"in the near-duplicate band by {metric}",
                        f"{share['count']} of {share['of']} ({share['fraction']:.0%}; "
                        f"{share['rule']})",
                    )
                )
        else:
            lines.append((key.replace("_", " "), "—" if value is None else str(value)))
    return lines


def _trajectory(args: argparse.Namespace) -> int:
    from workstation.analysis.studies import trajectory

    init = _image(args.init, "init image") if args.init else None
    if args.strength is not None and init is None:
        raise InputError("--strength needs --init")
    strength = (args.strength or 0.75) if init else None
    params = _params(args, init_image=init, strength=strength)
    study = trajectory.TrajectoryStudy(params)
    return _run(
        args,
        lambda case, progress, cancelled: trajectory.run(
            case, study, on_progress=progress, is_cancelled=cancelled
        ),
    )


def _strength(args: argparse.Namespace) -> int:
    from workstation.analysis.studies import strength

    params = _params(args, init_image=_image(args.source, "source image"), strength=0.5)
    study = strength.StrengthStudy(
        params,
        strength.DEFAULT_STRENGTHS if args.strengths is None else args.strengths,
        strength.DEFAULT_SEEDS if args.seeds is None else args.seeds,
    )
    study.items()  # refuses bad settings before the case is opened or a model loaded
    clip_model = load_clip(args)
    return _run(
        args,
        lambda case, progress, cancelled: strength.run(
            case, study, clip_model=clip_model, on_progress=progress, is_cancelled=cancelled
        ),
    )


def _lora_scale(args: argparse.Namespace) -> int:
    from workstation.analysis.studies import lora_scale

    study = lora_scale.LoraScaleStudy(
        _params(args), args.sweep_lora, _image(args.reference, "reference"), args.scales, args.seeds
    )
    study.items()
    clip_model = load_clip(args)
    return _run(
        args,
        lambda case, progress, cancelled: lora_scale.run(
            case, study, clip_model=clip_model, on_progress=progress, is_cancelled=cancelled
        ),
    )


def _seeds(args: argparse.Namespace) -> int:
    from workstation.analysis.studies import seeds

    if args.count is not None and args.count < 2:
        raise InputError("--count must be at least 2")
    chosen = args.seeds or tuple(range(args.first_seed, args.first_seed + args.count))
    study = seeds.SeedStudy(_params(args), _image(args.reference, "reference"), chosen)
    study.items()
    clip_model = load_clip(args)
    return _run(
        args,
        lambda case, progress, cancelled: seeds.run(
            case, study, clip_model=clip_model, on_progress=progress, is_cancelled=cancelled
        ),
    )
