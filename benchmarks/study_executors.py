"""What does the Ray executor cost, and what does it buy? One seed study, in-process vs Ray.

    .venv/bin/python benchmarks/study_executors.py [--items 200] [--steps 4]

The same seed study (the bundled demo model, 64 px, `--steps` steps, seeds 1…N, measured against
the model's own seed-0 image) runs into a fresh case each time: in this process, then on a local
Ray with 1 worker, then with 2 workers (one torch thread per worker, and one in-process too, so
the three make the same images). Prints, from one run:

- the overhead ratio: Ray with 1 worker / in-process wall time (target ≤ 1.15); Ray's start-up
  is timed apart (it is paid once per study from the command line, once per window session);
- items/s with 1 and with 2 workers, and their ratio;
- the per-item costs a reader needs to extrapolate: the generation itself (the records' own
  `seconds`), and the coordinator's serial share (hash, PNG, store, measure, plot) which no
  number of workers shortens: wall(N workers) ≈ items × (generation / N + coordinator).

Also checks that the three runs made the same images (RGB SHA-256 per seed). Needs Ray
(`pip install ray`, the `[scale]` extra). Everything is built in a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--steps", type=int, default=4)
    args = parser.parse_args()
    os.environ["WORKSTATION_THREADS"] = "1"  # the coordinator's thread count = each worker's

    from workstation.analysis.ray_executor import RayExecutor, import_ray, start_local
    from workstation.analysis.studies import seeds
    from workstation.analysis.studies.executors import InProcess
    from workstation.core.case import Case
    from workstation.core.params import GenerationParams
    from workstation.engine.demo_model import DEMO_NAME
    from workstation.engine.generate import txt2img
    from workstation.engine.loading import load_model
    from workstation.engine.pngmeta import save_png
    from workstation.paths import MODELS_DIR

    ray = import_ray(local=True)
    model = MODELS_DIR / DEMO_NAME
    params = GenerationParams(
        model=str(model),
        prompt="a lighthouse",
        seed=0,
        steps=args.steps,
        cfg=5.0,
        width=64,
        height=64,
    )
    with tempfile.TemporaryDirectory(prefix="study-executors-") as scratch_name:
        scratch = Path(scratch_name)
        os.environ["WORKSTATION_CACHE_DIR"] = str(scratch / "cache")
        first = txt2img(load_model(model, device="cpu"), params.replace(seed=0)).image
        reference = save_png(first, scratch / "reference.png")
        study = seeds.SeedStudy(params, reference, seeds=tuple(range(1, args.items + 1)))

        def run(name: str, executor: object) -> tuple[float, float, dict[int, str]]:
            with Case.create(scratch / f"{name}-{time.monotonic_ns()}", name, "bench") as case:
                started = time.perf_counter()
                seeds.run(case, study, executor=executor)
                wall = time.perf_counter() - started
                records = case.records("generation")
                generating = sum(r.body.to_payload().get("seconds", 0.0) for r in records)
                images = {r.body.params["seed"]: r.body.image["rgb_sha256"] for r in records}
            return wall, generating, images

        # Each executor runs the study twice: cold (a fresh executor: Ray's workers import torch
        # and load the model; in-process loads the model) and warm (the model already loaded:
        # a long study's steady state, or the window's second study).
        results: dict[str, list[tuple[float, float, dict[int, str]]]] = {}
        startup: dict[str, float] = {}
        for name, workers in (("in-process", 0), ("ray, 1 worker", 1), ("ray, 2 workers", 2)):
            if workers:
                started = time.perf_counter()
                start_local(workers)
                startup[name] = time.perf_counter() - started
            executor = RayExecutor() if workers else InProcess()
            results[name] = [run(name.split(",")[0], executor) for _ in ("cold", "warm")]
            if workers:
                ray.shutdown()
            for when, (wall, _, _) in zip(("cold", "warm"), results[name], strict=True):
                rate = args.items / wall
                print(f"{name:>15}, {when}: {wall:7.2f} s, {rate:6.2f} items/s")

    # The numbers.
    (local, local_warm), (one, one_warm), (two, two_warm) = (
        (runs[0][0], runs[1][0]) for runs in results.values()
    )
    generating = results["in-process"][1][1]
    generation = generating / args.items
    coordinator = (local_warm - generating) / args.items
    same = all(
        r[2] == results["in-process"][0][2] and len(r[2]) == args.items
        for runs in results.values()
        for r in runs
    )
    print()
    warm, cold = one_warm / local_warm, one / local
    print(f"overhead ratio, ray 1 worker / in-process, warm: {warm:.3f} (target <= 1.15)")
    print(f"overhead ratio, ray 1 worker / in-process, cold: {cold:.3f}")
    once = one - one_warm
    print(f"  (cold: + {once:.1f} s once per worker: its process imports torch, loads the model)")
    speed, rate = one_warm / two_warm, args.items / two_warm
    print(
        f"speed-up, 2 workers / 1, warm: {speed:.2f}x ({rate:.2f} items/s; cold {one / two:.2f}x)"
    )
    for name, seconds in startup.items():
        print(f"ray start-up ({name}): {seconds:.2f} s (ray.init, once per study from the CLI)")
    print(
        f"per item: generation {generation * 1000:.1f} ms, coordinator {coordinator * 1000:.1f} ms"
    )
    print(
        "extrapolate: wall(N workers) ~ items x max(generation / N, coordinator) + start-up; the "
        "coordinator's share caps the speed-up at "
        f"~{(generation + coordinator) / max(coordinator, 1e-9):.0f}x for this model"
    )
    print(f"identical images on all executors: {same}")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
