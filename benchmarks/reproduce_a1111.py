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
reused by every case (the loader is memoised for this process).
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
print = functools.partial(print, flush=True)  # noqa: A001 - rows as they come
TARGET = 1.0  # mean |Δ| on 0–255


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=Path, required=True, help="folder with the checkpoint")
    parser.add_argument("--data", type=Path, default=REPO / "benchmarks" / "data" / "a1111")
    parser.add_argument("--only", nargs="*", help="case names")
    parser.add_argument("--out", type=Path, help="keep the regenerated PNGs here")
    parser.add_argument("--threads", type=int, default=2, help="torch CPU threads (default 2)")
    parser.add_argument("--json", type=Path, help="also write the table as JSON")
    args = parser.parse_args()

    from workstation.analysis import reproduce
    from workstation.engine import loading
    from workstation.engine.hashing import HashCache
    from workstation.engine.runtime import Runtime

    manifest = json.loads((args.data / "manifest.json").read_text(encoding="utf-8"))
    names = args.only or list(manifest["cases"])  # --only: in the order given
    unknown = [name for name in names if name not in manifest["cases"]]
    if unknown:
        parser.error(f"not in the manifest: {', '.join(unknown)}")
    cases = {name: manifest["cases"][name] for name in names}
    loaded: dict[tuple, object] = {}
    original_load = loading.load_model

    def load_once(path, *a, **kw):  # one 2 GB load for all cases
        key = (str(Path(path).resolve()), a, tuple(sorted(kw.items())))
        if key not in loaded:
            loaded[key] = original_load(path, *a, **kw)
        return loaded[key]

    loading.load_model = load_once
    runtime = Runtime(device="cpu", threads=args.threads)
    out_dir = args.out or Path(tempfile.mkdtemp(prefix="reproduce-a1111-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    cache = HashCache(out_dir / "hashes.json")

    rows, failed, missed = [], [], []
    print(
        f"k-diffusion {manifest.get('k_diffusion')}, "
        f"checkpoint {manifest['checkpoint_sha256'][:12]}, {len(cases)} cases, "
        f"target mean |Δ| <= {TARGET:g}/255"
    )
    heads = ("mean|Δ|", "PSNR dB", "max|Δ|", "same px", "s")
    print(f"{'case':24s} {'kind':13s} " + " ".join(f"{h:>8s}" for h in heads))
    for case, entry in cases.items():
        start = time.perf_counter()
        png = args.data / entry["file"]
        try:
            plan = reproduce.plan_reproduction(png, args.models, device="cpu", cache=cache)
            result = reproduce.regenerate(plan, out_dir / f"{case}.png", runtime=runtime)
        except Exception as error:  # noqa: BLE001 - a benchmark reports every case
            failed.append(case)
            print(f"{case:24s} {entry['kind']:13s} FAILED: {type(error).__name__}: {error}")
            continue
        px = result.pixels
        psnr = "inf" if px.psnr_db is None else f"{px.psnr_db:.2f}"
        seconds = time.perf_counter() - start
        print(
            f"{case:24s} {entry['kind']:13s} {px.mean_abs:8.4f} {psnr:>8s} {px.max_abs:8d} "
            f"{px.identical_fraction:8.4f} {seconds:8.1f}"
        )
        rows.append(
            {
                "case": case,
                "kind": entry["kind"],
                "mean_abs": px.mean_abs,
                "psnr_db": px.psnr_db,
                "max_abs": px.max_abs,
                "identical_fraction": px.identical_fraction,
                "sigmas": result.record.get("sampling", {}).get("sigmas"),
                "reference_sigmas": entry["sigmas"],
            }
        )
        if px.mean_abs > TARGET:
            missed.append(case)
    if args.json:
        args.json.write_text(
            json.dumps({"manifest": manifest.get("generator"), "rows": rows}, indent=1) + "\n"
        )
    print(f"regenerated PNGs in {out_dir}")
    if failed:
        print(f"failed: {', '.join(failed)}")
        return 2
    if missed:
        print(f"above {TARGET:g}/255: {', '.join(missed)}")
        return 1
    print("all cases within the target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
