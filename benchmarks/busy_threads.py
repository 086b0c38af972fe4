"""Does the thread policy keep jobs fast on a busy machine? Idle vs beside busy processes.

    .venv/bin/python benchmarks/busy_threads.py [--busy 2] [--repeats 3] [--steps 20]

Times a 20-step generation on the demo model (resources/models/demo-shapes-64) and a comparison
of two sample images (`compare_images`: hashes, SSIM, keypoints), first with the machine as it
is, then beside `--busy` processes that spin in pure Python, each with the runtime's thread
policy (the default) and with torch's default thread count (every core). Prints medians and the
ratio busy / idle of each; the target is ≤ 2× with the policy. Both are measured in this one
process and run, interleaved, so drift hits both alike; the load average is printed too, since
"idle" on a shared machine is only as idle as the others leave it.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import statistics
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def spin(stop: multiprocessing.synchronize.Event) -> None:
    """A busy process: pure Python, never sleeps, until told to stop."""
    count = 0
    while not stop.is_set():
        for _ in range(100_000):
            count += 1


@contextlib.contextmanager
def busy(processes: int) -> Iterator[None]:
    stop = multiprocessing.Event()
    spinners = [multiprocessing.Process(target=spin, args=(stop,)) for _ in range(processes)]
    for process in spinners:
        process.start()
    time.sleep(0.5 if processes else 0)  # let them be running before the policy looks
    try:
        yield
    finally:
        stop.set()
        for process in spinners:
            process.join()


def timed(run: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds (this process) of one run."""
    start, start_cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - start, time.process_time() - start_cpu


def medians(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--busy", type=int, default=2, help="busy processes (default 2)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--steps", type=int, default=20)
    args = parser.parse_args()
    os.environ.pop("WORKSTATION_THREADS", None)  # the policy itself, not a fixed count

    import torch

    torch_default = torch.get_num_threads()  # what torch chose at start (every core)

    from workstation.analysis.images import load_image
    from workstation.analysis.pair import compare_images
    from workstation.core.params import GenerationParams
    from workstation.engine.generate import txt2img
    from workstation.engine.loading import load_model
    from workstation.engine.runtime import Runtime, thread_policy, usable_cores

    demo = ROOT / "resources" / "models" / "demo-shapes-64"
    model = load_model(demo, device="cpu", dtype="float32")
    params = GenerationParams(
        model=str(demo),
        prompt="a red circle on a blue background",
        seed=7,
        steps=args.steps,
        sampler="Euler a",
        width=64,
        height=64,
    )
    samples = ROOT / "resources" / "samples"
    pair = load_image(samples / "protected_work.png"), load_image(samples / "disputed_image.png")
    settings = {
        "policy": Runtime(),
        f"torch default ({torch_default})": Runtime(threads=torch_default),
    }
    threads_used: dict[tuple[str, str], set[int]] = {}

    def generation(name: str, condition: str) -> Callable[[], object]:
        def run() -> None:
            record = txt2img(model, params, runtime=settings[name], decode_steps=()).record
            used = threads_used.setdefault((condition, name), set())
            used.add(record["environment"]["torch_threads"])

        return run

    def comparison(name: str, condition: str) -> Callable[[], object]:
        return lambda: compare_images(*pair, runtime=settings[name])

    tasks = {f"generation, {args.steps} steps": generation, "comparison": comparison}
    # The comparison once: without CLIP it uses no torch, so both settings run it alike.
    runs = [(task, name) for task in tasks for name in settings][:-1]
    for task, name in runs:  # warm-up
        tasks[task](name, "warm-up")()

    times: dict[tuple[str, str, str], list[tuple[float, float]]] = {}
    loads = {}
    for condition, processes in (("idle", 0), ("busy", args.busy)):
        with busy(processes):
            loads[condition] = (os.getloadavg()[0], thread_policy())
            for repeat in range(args.repeats):
                for task, name in runs[repeat % len(runs) :] + runs[: repeat % len(runs)]:
                    times.setdefault((condition, name, task), []).append(
                        timed(tasks[task](name, condition))
                    )

    print(
        f"{usable_cores()} usable core(s); busy = {args.busy} spinning Python processes; "
        f"median of {args.repeats}"
    )
    for condition, (load, policy) in loads.items():
        print(f"  {condition}: load average {load:.1f}, the policy gives {policy} thread(s)")
    print(f"  {'':<44} {'wall: idle':>10} {'busy':>8} {'ratio':>6}   {'cpu: idle':>9} {'busy':>7}")
    for task, name in runs:
        idle, idle_cpu = medians(times[("idle", name, task)])
        loaded, loaded_cpu = medians(times[("busy", name, task)])
        print(
            f"  {task:<22} {name:<21} {idle:9.3f}s {loaded:7.3f}s {loaded / idle:5.1f}×   "
            f"{idle_cpu:8.3f}s {loaded_cpu:6.3f}s"
        )
    for (condition, name), used in sorted(threads_used.items()):
        if condition != "warm-up":
            print(f"  generation threads recorded, {condition}, {name}: {sorted(used)}")
    print(
        "target: busy / idle ≤ 2× with the policy. CPU time that grows when busy is time spent "
        "waiting at barriers; wall time that grows alone is the share of the cores the busy "
        "processes take."
    )


if __name__ == "__main__":
    main()
