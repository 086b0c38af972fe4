"""Shared by the reproduction benchmarks: run `workstation reproduce` on a peer's reference files
and measure each regeneration against the file (mean |Δ| on 0–255, PSNR, max |Δ|).

`Case` is one reference file; `run_cases` plans and regenerates each exactly as the command does
(`plan_reproduction` + `regenerate`), with the model loaded once for all of them, prints a table
and returns the rows. The scripts (`reproduce_comfyui.py`, `reproduce_a1111.py`) read their
manifests into cases and apply their targets.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TARGET = 1.0  # mean |Δ| on 0–255, the target for every deterministic sampler


@dataclass(frozen=True)
class Case:
    name: str
    file: Path
    kind: str  # "deterministic", "ancestral/SDE", ...: what the target applies to
    init: Path | None = None  # an img2img case's input image


def load_models_once() -> None:
    """Every case loads the same 2 GB checkpoint: keep the first load for the process."""
    from workstation.engine import loading

    loaded: dict[tuple, Any] = {}
    original = loading.load_model

    def load_once(path: Any, *args: Any, **kwargs: Any) -> Any:
        key = (str(Path(path).resolve()), args, tuple(sorted(kwargs.items())))
        if key not in loaded:
            loaded[key] = original(path, *args, **kwargs)
        return loaded[key]

    loading.load_model = load_once


def run_cases(
    cases: Sequence[Case], models: Path, out_dir: Path, threads: int
) -> tuple[list[dict[str, Any]], list[str]]:
    """(rows, failed case names). Each row: case, kind, mean_abs, psnr_db, max_abs,
    identical_fraction, seconds, notes."""
    from workstation.analysis import reproduce
    from workstation.engine.hashing import HashCache
    from workstation.engine.runtime import Runtime

    load_models_once()
    runtime = Runtime(device="cpu", threads=threads)
    cache = HashCache(out_dir / "hashes.json")
    rows, failed = [], []
    heads = ("mean|Δ|", "PSNR dB", "max|Δ|", "same px", "s")
    print(f"{'case':36s} {'kind':14s} " + " ".join(f"{h:>8s}" for h in heads), flush=True)
    for case in cases:
        start = time.perf_counter()
        try:
            plan = reproduce.plan_reproduction(
                case.file, models, init_image=case.init, device="cpu", cache=cache
            )
            result = reproduce.regenerate(plan, out_dir / f"{case.name}.png", runtime=runtime)
        except Exception as error:  # noqa: BLE001 - a benchmark reports every case
            failed.append(case.name)
            print(f"{case.name:36s} {case.kind:14s} FAILED: {type(error).__name__}: {error}")
            continue
        px = result.pixels
        seconds = time.perf_counter() - start
        psnr = "inf" if px.psnr_db is None else f"{px.psnr_db:.2f}"
        print(
            f"{case.name:36s} {case.kind:14s} {px.mean_abs:8.4f} {psnr:>8s} {px.max_abs:8d} "
            f"{px.identical_fraction:8.4f} {seconds:8.1f}",
            flush=True,
        )
        rows.append(
            {
                "case": case.name,
                "kind": case.kind,
                "mean_abs": px.mean_abs,
                "psnr_db": px.psnr_db,
                "max_abs": px.max_abs,
                "identical_fraction": px.identical_fraction,
                "seconds": round(seconds, 1),
                "notes": list(result.notes),
            }
        )
    return rows, failed


def summary(rows: Sequence[dict[str, Any]], failed: Sequence[str]) -> int:
    """Print the verdict; exit status 0 (all within the target), 1 (some above), 2 (failures)."""
    above = [row["case"] for row in rows if row["mean_abs"] > TARGET]
    exact = sum(row["max_abs"] == 0 for row in rows)
    print(f"{len(rows)} reproduced, {exact} bit-identical, {len(above)} above {TARGET:g}/255")
    if failed:
        print(f"failed: {', '.join(failed)}")
        return 2
    if above:
        print(f"above the target: {', '.join(above)}")
        return 1
    return 0
