"""How fast does training run on this CPU, and how long does the default over-fitting lab take?

    .venv/bin/python benchmarks/training_speed.py [--repeats 20] [--skip-lab]

Times, on one torch thread, the median seconds per step of: the demo model's UNet + text encoder
training (batch 32), the lab's UNet training (frozen text encoder, batch 16), and LoRA training
(batch 4), each on the bundled demo model. Then it runs `workstation lab overfit` with its default
settings (500 synthetic scenes, sizes 1/5/50/500, 600 steps each, 8 samples each; threads by the
runtime's policy) into a temporary case and prints the total time against the 15-minute target.
A busy machine makes every number worse; the load average is printed beside them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def step_times(train, repeats: int) -> float:
    """Median seconds per step, from the trainer's own progress callback (first step dropped)."""
    stamps: list[float] = []
    train(lambda step, total, loss: stamps.append(time.perf_counter()))
    gaps = [b - a for a, b in zip(stamps, stamps[1:], strict=False)]
    return statistics.median(gaps[:repeats])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--skip-lab", action="store_true")
    args = parser.parse_args()

    from workstation.engine.demo_model import DEMO_NAME, UNET_TRAINING
    from workstation.engine.runtime import Runtime
    from workstation.engine.synthetic_shapes import write_dataset
    from workstation.engine.training import LoraSettings, TrainSettings, train_lora, train_unet
    from workstation.paths import MODELS_DIR

    one = Runtime(threads=1)  # comparable across machines and loads
    demo = MODELS_DIR / DEMO_NAME
    steps = args.repeats + 1
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["WORKSTATION_CACHE_DIR"] = scratch
        work = Path(scratch)
        scenes = write_dataset(work / "scenes", 50, seed=7, kind="scene")
        results = {}
        demo_like = TrainSettings(
            steps=steps,
            batch_size=UNET_TRAINING.batch_size,
            checkpoint_every=0,
            train_text_encoder=True,
        )
        results["UNet + text encoder, batch 32 (demo model)"] = step_times(
            lambda p: train_unet(scenes, work / "a", demo, demo_like, runtime=one, on_progress=p),
            steps,
        )
        lab_like = TrainSettings(steps=steps, batch_size=16, checkpoint_every=0)
        results["UNet only, batch 16 (lab)"] = step_times(
            lambda p: train_unet(scenes, work / "b", demo, lab_like, runtime=one, on_progress=p),
            steps,
        )
        results["LoRA rank 4, batch 4"] = step_times(
            lambda p: train_lora(
                scenes,
                work / "c.safetensors",
                demo,
                LoraSettings(steps=steps),
                runtime=one,
                on_progress=p,
            ),
            steps,
        )
        all_layers = LoraSettings(steps=steps, rank=16, alpha=16.0, targets="all")
        results["LoRA rank 16, all layers, batch 4 (demo)"] = step_times(
            lambda p: train_lora(
                scenes, work / "d.safetensors", demo, all_layers, runtime=one, on_progress=p
            ),
            steps,
        )
        load = os.getloadavg()[0]
        print(f"seconds per training step (median of {args.repeats}, 1 thread, load {load:.1f}):")
        for name, seconds in results.items():
            print(f"  {name:<45} {seconds:.3f}")

        if args.skip_lab:
            return
        case = work / "case"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "workstation",
                "case",
                "init",
                str(case),
                "--title",
                "lab",
                "--examiner",
                "benchmark",
            ],
            check=True,
            capture_output=True,
        )
        clock = time.perf_counter()
        lab = subprocess.run(
            [sys.executable, "-m", "workstation", "lab", "overfit", "--case", str(case)],
            capture_output=True,
            text=True,
        )
        minutes = (time.perf_counter() - clock) / 60
        print(lab.stdout.strip())
        if lab.returncode:
            print(lab.stderr[-2000:])
        load = os.getloadavg()[0]
        verdict = "within" if minutes < 15 else "OVER"
        print(
            f"default lab: {minutes:.1f} min, ratio to the 15 min budget {minutes / 15:.2f} "
            f"({verdict}; load {load:.1f})"
        )


if __name__ == "__main__":
    main()
