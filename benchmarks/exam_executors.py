"""A small membership examination, in this process vs on a local Ray (1 and 2 workers).

    .venv/bin/python benchmarks/exam_executors.py [--images 24] [--timesteps 8] [--lora]

The bundled demo model (64 px; the tiny random model if the demo is not built) scores N
synthetic 64 px scenes (4 works, the rest controls) by the three membership methods, one torch
thread everywhere (WORKSTATION_THREADS=1), each executor twice: cold (a fresh executor: Ray's
workers import torch and load the model) and warm (the worker already holds the model; in
this process the window's model holder keeps it loaded, and the coordinator on Ray uses the same
holder to check the model and draw the probe). Ray's
start-up (ray.init) is timed apart. Prints wall times, the ratios to in-process, and whether
every run gave the in-process result (it must: same item, same thread count, same numbers).
Needs Ray (the `[scale]` extra). Everything is built in a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=24)
    parser.add_argument("--timesteps", type=int, default=8)
    parser.add_argument("--lora", action="store_true", help="a random LoRA (tiny model only)")
    args = parser.parse_args()
    os.environ["WORKSTATION_THREADS"] = "1"

    from workstation.analysis.executors import InProcess
    from workstation.analysis.ray_executor import RayExecutor, import_ray, start_local
    from workstation.app.exam import MembershipRequest, membership
    from workstation.app.resources import ModelHolder
    from workstation.engine.demo_model import DEMO_NAME
    from workstation.engine.runtime import Runtime
    from workstation.engine.synthetic_shapes import write_dataset
    from workstation.paths import MODELS_DIR

    ray = import_ray(local=True)
    with tempfile.TemporaryDirectory(prefix="exam-executors-") as scratch_name:
        scratch = Path(scratch_name)
        os.environ["WORKSTATION_CACHE_DIR"] = str(scratch / "cache")
        model, size, lora = MODELS_DIR / DEMO_NAME, 64, None
        if args.lora or not (model / "model_index.json").exists():
            from workstation.engine.tiny import build_tiny_lora, build_tiny_model

            model, size = build_tiny_model(scratch / "tiny.safetensors", "single-file"), 32
            if args.lora:
                lora = build_tiny_lora(scratch / "tiny-lora.safetensors", seed=1)
        folder = write_dataset(scratch / "scenes", args.images, seed=5, size=size, kind="scene")
        scenes = sorted(folder.glob("*.png"))
        request = MembershipRequest(
            model=model,
            lora=lora,
            works=tuple(scenes[:4]),
            controls=tuple(scenes[4:]),
            timesteps=args.timesteps,
        )
        print(f"model {model.name}, {len(scenes)} images of {size} px, lora {bool(lora)}")

        holder = ModelHolder()  # as the window: the model stays loaded between examinations

        def run(executor: object) -> tuple[float, dict]:
            started = time.perf_counter()
            result = membership(
                request, None, Runtime(threads=1, deterministic=True), holder, executor
            ).result
            return time.perf_counter() - started, result

        times: dict[str, list[float]] = {}
        cold, reference = run(InProcess())
        warm, _ = run(InProcess())
        times["in-process"] = [cold, warm]
        same = {}
        for workers in (1, 2):
            started = time.perf_counter()
            start_local(workers)
            print(f"ray start-up ({workers} workers): {time.perf_counter() - started:.2f} s")
            try:
                runs = [run(RayExecutor()) for _ in range(2)]
            finally:
                ray.shutdown()
            times[f"ray {workers}"] = [seconds for seconds, _ in runs]
            same[workers] = all(result == reference for _, result in runs)
        base = times["in-process"]
        for name, (cold, warm) in times.items():
            print(
                f"{name:11} cold {cold:7.2f} s ({cold / base[0]:.2f}×)   "
                f"warm {warm:7.2f} s ({warm / base[1]:.2f}×)   "
                f"{len(scenes) / warm:.2f} images/s warm"
            )
        print(f"identical to in-process: 1 worker {same[1]}, 2 workers {same[2]}")


if __name__ == "__main__":
    main()
