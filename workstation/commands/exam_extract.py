"""`workstation exam extract`: an extraction attempt for a LoRA (app/exam_extract.py);
registered under `exam` by commands/exam.py.

Prints each cluster of generated images (its seeds, the medoid's seed) and, with `--case`, the
nearest reference works of the case by pHash distance; `--json` prints the whole result.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from workstation.app.exam_extract import ExtractRequest, extract
from workstation.app.requests import add_arguments, from_arguments
from workstation.commands.exam_run import run_exam
from workstation.commands.study import add_executor_arguments

HELP = "extraction attempt: generate extrapolating base → LoRA (FineXtract), cluster, pair"


def register_extract(kinds: argparse._SubParsersAction) -> None:
    parser = kinds.add_parser("extract", help=HELP, description=HELP)
    add_arguments(parser, ExtractRequest)
    parser.add_argument("--case", type=Path, metavar="CASE", help="store the run in this case")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    add_executor_arguments(parser, "where the seeds are generated (see --seeds-per-item)")
    parser.set_defaults(func=cmd_exam_extract)


def cmd_exam_extract(args: argparse.Namespace) -> int:
    return run_exam(args, from_arguments(ExtractRequest, args), extract, _lines, "pass")


def _lines(result: dict) -> list[str]:
    model, settings = result["model"], result["settings"]
    lines = [f"model {model['path']}  sha256 {model['sha256'][:16]}…"]
    lines += [f"LoRA  {lora['path']}  sha256 {lora['sha256'][:16]}…" for lora in result["loras"]]
    lines.append(
        f"seeds {settings['seeds'][0]}..{settings['seeds'][-1]}, {settings['steps']} DDIM "
        f"steps, w' {settings['scale']} (λ {settings.get('lambda', '—')}), "
        f"{settings['size']} px"
    )
    lines.append(f"  {result['description']}")
    for row in result["clusters"]:
        lines.append(
            f"cluster {row['cluster']}: {len(row['members'])} images, medoid seed "
            f"{row['medoid_seed']}, spread {row['spread']:.4f}"
        )
        for near in row["nearest"]:
            lines.append(
                f"    work #{near['artifact_id']} {near['name']}  pHash distance "
                f"{near['phash_distance']}/64"
            )
    lines.append(f"works compared: {result['works_compared']}")
    lines.append(f"limit: {result['limit']}")
    return lines
