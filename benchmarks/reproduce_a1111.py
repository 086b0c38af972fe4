"""How closely does `workstation reproduce` remake A1111-convention images made by k-diffusion?

    .venv/bin/python benchmarks/reproduce_a1111.py --models DIR [--data benchmarks/data/a1111]
                                                   [--only CASE ...] [--out DIR] [--threads N]

DIR holds build_sd15.py's checkpoint (the one named in the manifest, found by its hash as a user's
model folder would be). For every case in DATA/manifest.json (made by
benchmarks/reference/a1111_make.py) the PNG's A1111 infotext is planned and regenerated exactly as
the command does (`plan_reproduction` + `regenerate`), and the table gives mean |Δ| (0–255), PSNR
and max |Δ| against the reference file. Exit status 1 when a deterministic (non-ancestral, non-SDE)
case is above 1/255 mean, or an ancestral/SDE one (their noise convention is known: CPU generator,
Brownian tree seeded with the seed) is; 2 when a case fails to run. The model is loaded once and
reused by every case (benchmarks/peer_reproduction.py).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from peer_reproduction import Case, run_cases, summary

REPO = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=Path, required=True, help="folder with the checkpoint")
    parser.add_argument("--data", type=Path, default=REPO / "benchmarks" / "data" / "a1111")
    parser.add_argument("--only", nargs="*", help="case names, run in the order given")
    parser.add_argument("--out", type=Path, help="keep the regenerated PNGs here")
    parser.add_argument("--threads", type=int, default=2, help="torch CPU threads (default 2)")
    parser.add_argument("--json", type=Path, help="also write the table as JSON")
    args = parser.parse_args()

    manifest = json.loads((args.data / "manifest.json").read_text(encoding="utf-8"))
    names = args.only or list(manifest["cases"])
    cases = [
        Case(name, args.data / manifest["cases"][name]["file"], manifest["cases"][name]["kind"])
        for name in names
    ]
    out_dir = args.out or Path(tempfile.mkdtemp(prefix="reproduce-a1111-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    print(
        f"k-diffusion {manifest.get('k_diffusion')}, checkpoint "
        f"{manifest['checkpoint_sha256'][:12]}, {len(cases)} cases",
        flush=True,
    )
    rows, failed = run_cases(cases, args.models, out_dir, args.threads)
    if args.json:
        args.json.write_text(
            json.dumps({"manifest": manifest.get("generator"), "rows": rows}, indent=1) + "\n"
        )
    print(f"regenerated PNGs in {out_dir}")
    return summary(rows, failed)


if __name__ == "__main__":
    sys.exit(main())
