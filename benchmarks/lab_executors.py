"""The over-fitting lab in this process vs on Ray workers: wall time, and the ratio.

    .venv/bin/python benchmarks/lab_executors.py [--sizes 1,2,4,8] [--steps 20] [--samples 2]

A tiny lab (the bundled demo model at 64 px, synthetic scenes, each size an item) runs twice in
this process, then twice on a local Ray with `--workers` workers (cold: the first run, which
imports torch and the diffusion libraries — in this process, or in each new Ray worker — and
loads the base; warm: the same again), one torch thread everywhere so the runs give the same
numbers (checked). Prints each wall time, `ray.init` timed apart, and the ratios Ray / in-process
(below 1: Ray is faster). Needs Ray (the `[scale]` extra).
"""

from __future__ import annotations

import argparse
import os
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,2,4,8")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--samples", type=int, default=2)
    parser.add_argument("--sample-steps", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    os.environ["WORKSTATION_THREADS"] = "1"  # the coordinator's thread count = each worker's

    from workstation.analysis.executors import InProcess
    from workstation.analysis.lab_settings import LabSettings, parse_sizes
    from workstation.analysis.overfit_lab import run_overfit_lab
    from workstation.analysis.ray_executor import RayExecutor, import_ray, start_local
    from workstation.app.train import DEMO_MODEL
    from workstation.engine.runtime import Runtime

    settings = LabSettings(
        sizes=parse_sizes(args.sizes),
        steps=args.steps,
        batch_size=4,
        samples=args.samples,
        sample_steps=args.sample_steps,
    )

    def lab(executor):
        clock = time.perf_counter()
        result = run_overfit_lab(
            None, DEMO_MODEL, settings, runtime=Runtime(threads=1), executor=executor
        )
        rows = [{k: v for k, v in row.items() if k != "train_seconds"} for row in result.table()]
        return time.perf_counter() - clock, rows

    here_cold, rows = lab(InProcess())
    here, here_rows = lab(InProcess())
    ray = import_ray(local=True)
    clock = time.perf_counter()
    start_local(args.workers)
    start = time.perf_counter() - clock
    try:
        cold, cold_rows = lab(RayExecutor())
        warm, warm_rows = lab(RayExecutor())
    finally:
        ray.shutdown()
    load = os.getloadavg()[0]
    print(
        f"lab: sizes {args.sizes}, {args.steps} steps of batch 4, {args.samples} samples of "
        f"{args.sample_steps} steps per size; demo model, 64 px, 1 torch thread per item"
    )
    w = args.workers
    print(f"in-process, cold:         {here_cold:7.2f} s")
    print(f"in-process, warm:         {here:7.2f} s")
    print(f"ray.init ({w} CPUs):        {start:7.2f} s (once per lab from the CLI)")
    print(
        f"Ray, {w} workers, cold:     {cold:7.2f} s  ratio to in-process cold "
        f"{cold / here_cold:.3f} (with ray.init {(cold + start) / here_cold:.3f})"
    )
    print(f"Ray, {w} workers, warm:     {warm:7.2f} s  ratio to in-process warm {warm / here:.3f}")
    same = rows == here_rows == cold_rows == warm_rows
    print(
        f"same numbers in all four runs: {same}; "
        f"load average at the end {load:.1f} on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
