"""How closely does `workstation reproduce` remake images ComfyUI itself made?

    .venv/bin/python benchmarks/reproduce_comfyui.py --models DIR [--data benchmarks/data/comfyui]
                                                     [--only CASE ...] [--out DIR] [--json FILE]

DIR is a model folder holding the checkpoint and LoRA named in DATA/manifest.json (built by
benchmarks/reference/build_sd15.py and build_lora.py; ComfyUI records names, not hashes, so they
are found by name). Every reference PNG — each sampler and scheduler, img2img, LoRA, weighting,
clip skip, every item of a batch, a long prompt — is read as a user's file would be, planned and
regenerated, and the table gives mean |Δ| (0–255), PSNR and max |Δ| against ComfyUI's file.
Target (issue 14): mean |Δ| ≤ 1/255 for every case. Exit 1 when a case is above, 2 when one fails.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from peer_reproduction import Case, run_cases, summary

REPO = Path(__file__).resolve().parents[1]
STOCHASTIC = ("ancestral", "sde", "lcm")


def cases_of(data: Path, only: list[str] | None) -> list[Case]:
    manifest = json.loads((data / "manifest.json").read_text(encoding="utf-8"))
    init = data / manifest["input_image"]["file"]
    cases = []
    for entry in manifest["cases"]:
        if only and entry["case"] not in only:
            continue
        stochastic = any(word in entry["case"] for word in STOCHASTIC)
        kind = "ancestral/SDE" if stochastic else "deterministic"
        img2img = entry["case"].startswith("img2img")
        for item in entry.get("files", []):
            name = entry["case"]
            if len(entry["files"]) > 1:
                name += f"[{item['batch_index']}]"
            cases.append(Case(name, data / item["file"], kind, init if img2img else None))
    return cases


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=Path, required=True, help="folder with the model files")
    parser.add_argument("--data", type=Path, default=REPO / "benchmarks" / "data" / "comfyui")
    parser.add_argument("--only", nargs="*", help="case names")
    parser.add_argument("--out", type=Path, help="keep the regenerated PNGs here")
    parser.add_argument("--threads", type=int, default=2, help="torch CPU threads (default 2)")
    parser.add_argument("--json", type=Path, help="also write the table as JSON")
    args = parser.parse_args()

    out_dir = args.out or Path(tempfile.mkdtemp(prefix="reproduce-comfyui-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    cases = cases_of(args.data, args.only)
    print(f"{len(cases)} ComfyUI reference files in {args.data}", flush=True)
    rows, failed = run_cases(cases, args.models, out_dir, args.threads)
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "failed": failed}, indent=1) + "\n")
    print(f"regenerated PNGs in {out_dir}")
    return summary(rows, failed)


if __name__ == "__main__":
    sys.exit(main())
