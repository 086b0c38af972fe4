"""Measured: the memorised-prompt screen on local models (CPU, one thread).

1. Prompt screen: LoRAs trained on one captioned work each with the bundled demo model (as the
   over-fitting tests do); per LoRA, the training caption against the other captions of the same
   synthetic distribution: ROC AUC of the magnitude with the LoRA (Wen et al.'s reading: higher =
   memorised) and of the change the LoRA makes to it (with − without), in both directions.

(VAE attribution has its own benchmark: benchmarks/exam_attribute.py.)

    .venv/bin/python benchmarks/exam_prompts_attribute.py [--trials 3]

Measured 2026-11-30 (2 shared cores, WORKSTATION_THREADS=1, about 4 minutes):
  prompt screen: AUC of the magnitude with the LoRA 0.303, of the change 0.172 — below chance:
  on these small models a LoRA fitted to one caption *lowers* that caption's text-conditional
  magnitude at the first step (change −1.86, −1.03, −1.06; the reverse reading has AUC 0.828).
  Wen et al.'s signal is not reproduced at this scale; 0.10 s per prompt (4 seeds, 64 px).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path


def auc(positives: list[float], negatives: list[float]) -> float:
    wins = sum((p > n) + 0.5 * (p == n) for p in positives for n in negatives)
    return wins / (len(positives) * len(negatives))


def prompt_screen(trials: int, root: Path) -> None:
    from workstation.analysis.model_exam.prompts import ScreenSettings, screen_prompts
    from workstation.core.params import LoraSpec
    from workstation.engine.demo_model import DEMO_NAME
    from workstation.engine.loading import load_model
    from workstation.engine.lora import apply_loras
    from workstation.engine.runtime import Runtime
    from workstation.engine.synthetic_shapes import write_dataset
    from workstation.engine.training import LoraSettings, train_lora
    from workstation.paths import MODELS_DIR

    demo = MODELS_DIR / DEMO_NAME
    pool = sorted(write_dataset(root / "pool", 12, seed=21, kind="scene").glob("*.png"))
    captions = [p.with_suffix(".txt").read_text(encoding="utf-8").strip() for p in pool]
    model = load_model(demo, device="cpu")
    settings = ScreenSettings(size=64, reference="batch", tokens=False)
    runtime = Runtime(threads=1, deterministic=True)
    clock = time.perf_counter()
    base = screen_prompts(model.pipe, captions, settings, runtime=runtime)
    screen_seconds = time.perf_counter() - clock
    with_lora, deltas = ([], []), ([], [])
    for trial in range(trials):
        work = pool[trial]
        folder = root / f"training{trial}"
        folder.mkdir()
        for path in (work, work.with_suffix(".txt")):
            shutil.copy(path, folder / path.name)
        lora = root / f"one{trial}.safetensors"
        train_lora(
            folder,
            lora,
            demo,
            LoraSettings(steps=40, batch_size=2, learning_rate=5e-3, targets="all"),
            runtime=Runtime(threads=1),
        )
        apply_loras(model, [LoraSpec(str(lora), 1.0)])
        screened = screen_prompts(model.pipe, captions, settings, runtime=runtime)
        apply_loras(model, [])
        for index, (after, before) in enumerate(zip(screened.scores, base.scores, strict=True)):
            side = 0 if index == trial else 1
            with_lora[side].append(after.magnitude)
            deltas[side].append(after.magnitude - before.magnitude)
        print(
            f"trial {trial}: training caption magnitude {screened.scores[trial].magnitude:.3f} "
            f"(z {screened.scores[trial].z:+.2f}), change {deltas[0][-1]:+.3f}"
        )
    print(f"prompt screen, {trials} one-work LoRAs, {len(captions) - 1} other captions each:")
    print(f"  AUC magnitude with LoRA (higher = memorised): {auc(*with_lora):.3f}")
    print(f"  AUC change with LoRA (higher = memorised): {auc(*deltas):.3f}")
    print(f"  AUC change with LoRA (lower = memorised): {auc(deltas[1], deltas[0]):.3f}")
    print(f"  cost: {screen_seconds / len(captions):.2f} s per prompt (4 seeds, 1 step, 64 px)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="exam-bench-") as scratch:
        prompt_screen(args.trials, Path(scratch))


if __name__ == "__main__":
    main()
