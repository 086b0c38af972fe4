"""`workstation exam prompts|attribute`: the memorised-prompt screen (app/exam_prompts.py) and
which local model made an image (app/exam_attribute.py); registered under `exam` by
commands/exam.py.

`prompts --json` prints per prompt `magnitudes` (per seed), `magnitude`, `z`, `flagged` and
`tokens` (each token's share of the significance); `attribute --json` prints the `ranking`
(closest first, each with its `place`, `distance`, `vae_sha256`, `group` and `calibration`: its
`threshold` and the held-out `false_reject`, `false_accept_models` and
`false_accept_non_generated`, each `rate`, `errors`, `count` and `upper95`), the VAE `groups`,
the models that share a VAE (`indistinguishable`: this method cannot tell them apart),
`attributed_to` and the `verdict`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from workstation.app.exam_attribute import AttributeRequest, attribute
from workstation.app.exam_prompts import PromptScreenRequest, screen
from workstation.app.requests import add_arguments, from_arguments
from workstation.commands.exam_run import run_exam
from workstation.commands.study import add_executor_arguments


def register_prompts_attribute(kinds: argparse._SubParsersAction) -> None:
    for name, request, run, text in (
        (
            "prompts",
            PromptScreenRequest,
            screen,
            "memorised-prompt screen: text-conditional noise magnitude (Wen et al. 2024)",
        ),
        (
            "attribute",
            AttributeRequest,
            attribute,
            "which local model made this image: VAE reconstruction distance (AEROBLADE)",
        ),
    ):
        parser = kinds.add_parser(name, help=text, description=text)
        add_arguments(parser, request)
        parser.add_argument("--case", type=Path, metavar="CASE", help="store the run in this case")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")
        add_executor_arguments(
            parser,
            "where the prompts are scored"
            if name == "prompts"
            else "where each model's calibration images are generated and each VAE's "
            "reconstructions run",
        )
        parser.set_defaults(func=cmd_exam_more, request_type=request, run=run)


def cmd_exam_more(args: argparse.Namespace) -> int:
    request = from_arguments(args.request_type, args)

    def lines(result: dict) -> list[str]:
        return _prompt_lines(result) if result["method"] == "prompts" else _attribute_lines(result)

    return run_exam(args, request, args.run, lines, "pass")


def _prompt_lines(result: dict) -> list[str]:
    model, settings, reference = result["model"], result["settings"], result["reference"]
    lines = [f"model {model['path']}  sha256 {model['sha256'][:16]}…  ({model['family']})"]
    lines += [f"LoRA  {lora['path']}  sha256 {lora['sha256'][:16]}…" for lora in result["loras"]]
    lines.append(
        f"prompts from {result['source']}; seeds {settings['seeds']}, first {settings['steps']} "
        f"of {settings['sampling_steps']} steps, {settings['size']} px"
    )
    lines.append(
        f"reference: {reference['kind']} ({reference['count']} prompts), median "
        f"{reference['median']:.4f}, MAD {reference['mad']:.4f}; flagged at z ≥ "
        f"{settings['threshold']}"
    )
    for score in sorted(result["prompts"], key=lambda s: -s["magnitude"]):
        z = "—" if score["z"] is None else f"{score['z']:+.2f}"
        mark = "FLAGGED" if score["flagged"] else ""
        lines.append(f"  {score['magnitude']:9.4f}  z {z:>7}  {mark:7}  {score['prompt']}")
        top = sorted(score["tokens"], key=lambda t: -t["share"])[:5]
        if top:
            shown = ", ".join(f"{t['token']} {t['share']:.0%}" for t in top)
            lines.append(f"{'':30}tokens: {shown}")
    lines += [f"method: {result['description']}", f"limit: {result['limit']}"]
    return lines


def _attribute_lines(result: dict) -> list[str]:
    settings = result["settings"]
    lines = [f"image {result['image']}  sha256 {result['image_sha256'][:16]}…"]
    lines.append(f"distance: {result['distance_measure']}")
    lines.append(
        f"calibration: per model {settings['generated']} generations fit the threshold, "
        f"{settings['held_out']} more and {len(result['held_out_real_images'])} non-generated "
        f"images held out measure the error rates (first seed {settings['seed']})"
    )
    places: dict[int, list[dict]] = {}
    for reading in result["ranking"]:
        places.setdefault(reading["place"], []).append(reading)
    for place, readings in places.items():
        first = readings[0]
        names = ", ".join(r["model"] for r in readings)
        lines.append(
            f"{place}. {names}  distance {first['distance']:.5f}  "
            f"VAE {first['vae_sha256'][:12]}… (group {first['group']})"
        )
        if len(readings) > 1:
            lines.append("     same VAE: this method cannot tell these models apart")
        for reading in readings:
            calibration = reading["calibration"]
            lines.append(
                f"     {Path(reading['model']).name} calibration: threshold "
                f"{calibration['threshold']:.5f} "
                f"({'within' if reading['within_calibration'] else 'outside'}); held out: "
                f"false rejects {_rate(calibration['false_reject'])}, false accepts "
                f"{_rate(calibration['false_accept_models'])} of other models' images and "
                f"{_rate(calibration['false_accept_non_generated'])} of non-generated ones; "
                f"own ranked first {calibration['ranked_first']:.0%}"
            )
    for group in result["indistinguishable"]:
        lines.append("cannot tell these apart: same VAE: " + ", ".join(group))
    lines.append(
        f"held-out generations: own VAE ranked first {result['ranking_accuracy']:.0%}, "
        f"attributed to their model {result['held_out_accuracy']:.0%}; held-out non-generated "
        f"images accepted {result['non_generated_accepted']:.0%}"
    )
    lines += [f"warning: {w}" for w in result["warnings"]]
    lines += [f"verdict: {result['verdict']}", f"limit: {result['limits']}"]
    return lines


def _rate(rate: dict | None) -> str:
    """`errors/count (rate, ≤ upper bound)`; "—" when nothing could be measured."""
    if rate is None:
        return "— (no other VAE)"
    return f"{rate['errors']}/{rate['count']} ({rate['rate']:.0%}, 95% ≤ {rate['upper95']:.0%})"
