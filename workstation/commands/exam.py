"""`workstation exam membership|set`: ask a model whether it was trained on works (app/exam.py).

Progress goes to stderr and Ctrl-C stops cleanly; `--json` prints the whole result, whose keys
per work are `scores`, `p_value`, `effect_size` and `rank` (each by method), and with a LoRA
`delta` (the change it makes) and `adjusted` (that change adjusted for the base, with 3 or more
controls), each with the same keys. Every output ends with the known limit of these tests.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from workstation.app.exam import MembershipRequest, SetTestRequest, membership, set_test
from workstation.app.requests import add_arguments, from_arguments
from workstation.commands.exam_extract import register_extract
from workstation.commands.exam_prompts_attribute import register_prompts_attribute
from workstation.commands.exam_run import run_exam
from workstation.commands.study import add_executor_arguments


def register(subparsers: argparse._SubParsersAction) -> None:
    exam = subparsers.add_parser(
        "exam",
        help="examine a model: was it trained on these works?",
        description="Ask a model (checkpoint, or base + LoRA) whether it shows signs of having "
        "been trained on the given works, against control works known not to be in training.",
    )
    kinds = exam.add_subparsers(dest="exam", metavar="EXAM", required=True)
    for name, request, run, text in (
        ("membership", MembershipRequest, membership, "each work's membership scores and p-value"),
        ("set", SetTestRequest, set_test, "N works against N controls: a permutation test"),
    ):
        parser = kinds.add_parser(name, help=text, description=text)
        add_arguments(parser, request)
        parser.add_argument("--case", type=Path, metavar="CASE", help="store the run in this case")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")
        add_executor_arguments(parser, "where the images are scored")
        parser.set_defaults(func=cmd_exam, request_type=request, run=run)
    register_prompts_attribute(kinds)  # prompts, attribute (commands/exam_prompts_attribute.py)
    register_extract(kinds)  # extract (commands/exam_extract.py)


def cmd_exam(args: argparse.Namespace) -> int:
    request = from_arguments(args.request_type, args)

    def lines(result: dict) -> list[str]:
        return _membership_lines(result) if result["method"] == "membership" else _set_lines(result)

    return run_exam(args, request, args.run, lines, "image")


def _header(result: dict) -> list[str]:
    model, settings = result["model"], result["settings"]
    lines = [f"model {model['path']}  sha256 {model['sha256'][:16]}…  ({model['family']})"]
    lines += [f"LoRA  {lora['path']}  sha256 {lora['sha256'][:16]}…" for lora in result["loras"]]
    lines.append(
        f"seed {settings['seed']}, loss timesteps {settings['timesteps']}, "
        f"PIA t={settings['pia_t']}, SimA t={settings['sima_t']}"
    )
    lines += [f"  {name}: {text}" for name, text in result["methods"].items()]
    lines.append(f"  {result['direction']}")
    return lines


def _membership_lines(result: dict) -> list[str]:
    lines = _header(result)
    for work in result["works"]:
        lines.append("")
        lines.append(f"work {work['path']}  sha256 {work['sha256'][:16]}…")
        for method, score in work["scores"].items():
            lines.append(
                f"  {method:5} score {score:.6f}  p_value {work['p_value'][method]:.4f}  "
                f"rank {work['rank'][method]}/{len(result['controls']) + 1}  "
                f"effect_size {_number(work['effect_size'][method])}"
            )
        delta = work.get("delta")
        for method, change in (delta or {}).get("scores", {}).items():
            lines.append(
                f"  {method:5} Δ with LoRA {change:+.6f}  p_value {delta['p_value'][method]:.4f}  "
                f"effect_size {_number(delta['effect_size'][method])}"
            )
        adjusted = work.get("adjusted")
        for method, change in (adjusted or {}).get("scores", {}).items():
            lines.append(
                f"  {method:5} Δ adjusted for the base {change:+.6f}  "
                f"p_value {adjusted['p_value'][method]:.4f}  "
                f"effect_size {_number(adjusted['effect_size'][method])}"
            )
    lines += ["", f"controls: {len(result['controls'])}", f"limit: {result['limit']}"]
    return lines


def _set_lines(result: dict) -> list[str]:
    lines = _header(result)
    lines.append(f"statistic: {result['statistic']}")
    lines.append(f"works {result['works']}, controls {result['controls']}, alpha {result['alpha']}")
    for method, test in result["methods"].items():
        lines.append(
            f"  {method:5} statistic {test['statistic']:+.6f}  p_value {test['p_value']:.4f}  "
            f"({test['permutations']} permutations)  "
            + ("significant" if test["significant"] else "not significant")
        )
        lines.append(f"        {test['power_note']}")
    lines.append(
        f"minimum N: {result['minimum_n']} works and as many controls; with these "
        f"{result['works']} works and {result['controls']} controls no p-value can be below "
        f"{result['p_floor']:.4g}"
    )
    lines.append(f"limit: {result['limit']}")
    return lines


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:+.3f}"
