"""What does step capture cost? Raw diffusers call vs our engine, same tiny model, same params.

    .venv/bin/python benchmarks/engine_overhead.py [--size 64] [--steps 20] [--repeats 7]

Prints wall and CPU times (medians) and their ratios: engine with previews only (target ≤ 1.05) and
engine with a full VAE decode of every step. Runs are interleaved, in a rotating order, so that
drift on a busy machine hits all three alike; on a shared machine the CPU-time ratio (this process
only) is the steadier measure. It also times the step-capture callback itself, directly: the part
of the overhead that grows with the number of steps. The model is built fresh in a temporary
folder; nothing is downloaded.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--sampler", default="Euler a")
    parser.add_argument("--threads", type=int, help="torch CPU threads (default: the policy's)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        os.environ["WORKSTATION_CACHE_DIR"] = scratch
        import torch

        from workstation.core.params import GenerationParams
        from workstation.engine import generate
        from workstation.engine.generate import txt2img
        from workstation.engine.loading import load_model
        from workstation.engine.runtime import Runtime, thread_policy
        from workstation.engine.samplers import make_scheduler
        from workstation.engine.tiny import build_tiny_model

        runtime = Runtime(threads=args.threads or thread_policy())  # one count for every run
        path = build_tiny_model(Path(scratch) / "tiny.safetensors", "single-file")
        model = load_model(path, device="cpu")
        params = GenerationParams(
            model=str(path),
            prompt="a lighthouse on a cliff at dusk, oil painting",
            negative="blurry",
            seed=42,
            steps=args.steps,
            sampler=args.sampler,
            width=args.size,
            height=args.size,
        )
        pipe = model.pipe

        def raw() -> None:
            pipe.scheduler = make_scheduler(
                params.sampler, model.base_scheduler_config, params.seed
            )
            with runtime.applied(), torch.inference_mode():
                pipe(
                    prompt=params.prompt,
                    negative_prompt=params.negative,
                    num_inference_steps=params.steps,
                    guidance_scale=params.cfg,
                    width=params.width,
                    height=params.height,
                    generator=torch.Generator("cpu").manual_seed(params.seed),
                )

        def previews() -> None:
            txt2img(model, params, runtime=runtime, decode_steps=())

        def full_decode() -> None:
            txt2img(model, params, runtime=runtime, decode_steps=None)

        runs = {
            "raw diffusers": raw,
            "engine, previews": previews,
            "engine, full decode": full_decode,
        }
        for run in runs.values():  # warm-up
            run()
        wall: dict[str, list[float]] = {name: [] for name in runs}
        cpu: dict[str, list[float]] = {name: [] for name in runs}
        names = list(runs)
        for repeat in range(args.repeats):
            for name in names[repeat % 3 :] + names[: repeat % 3]:
                start, start_cpu = time.perf_counter(), time.process_time()
                runs[name]()
                wall[name].append(time.perf_counter() - start)
                cpu[name].append(time.process_time() - start_cpu)

        # The callback alone, timed from inside one previews-only run.
        in_callback = []
        capture_call = generate._StepCapture.__call__

        def timed(self, *arguments):
            start = time.perf_counter()
            result = capture_call(self, *arguments)
            in_callback.append(time.perf_counter() - start)
            return result

        generate._StepCapture.__call__ = timed
        previews()
        generate._StepCapture.__call__ = capture_call

    print(
        f"tiny SD1.x-layout model, {args.size}x{args.size}, {args.steps} steps, {args.sampler}, "
        f"cpu, {runtime.threads} thread(s), median of {args.repeats}"
    )
    print(f"  {'':<22} {'wall':>8} {'ratio':>6}   {'cpu':>8} {'ratio':>6}")
    wall_m = {name: statistics.median(values) for name, values in wall.items()}
    cpu_m = {name: statistics.median(values) for name, values in cpu.items()}
    for name in runs:
        print(
            f"  {name:<22} {wall_m[name]:7.3f}s {wall_m[name] / wall_m['raw diffusers']:6.3f}   "
            f"{cpu_m[name]:7.3f}s {cpu_m[name] / cpu_m['raw diffusers']:6.3f}"
        )
    previews = "engine, previews"
    print(
        f"preview-only ratio: wall {wall_m[previews] / wall_m['raw diffusers']:.3f}, "
        f"cpu {cpu_m[previews] / cpu_m['raw diffusers']:.3f} (target ≤ 1.05)"
    )
    callback_ms = 1000 * sum(in_callback) / len(in_callback)
    share = sum(in_callback) / wall_m["raw diffusers"]
    print(f"step capture callback: {callback_ms:.2f} ms per step ({share:.2%} of the raw run)")
    per_step = (cpu_m["engine, full decode"] - cpu_m[previews]) / args.steps
    print(f"full VAE decode of every step: +{per_step * 1000:.1f} ms cpu per step")


if __name__ == "__main__":
    main()
