"""How well do the membership methods tell a LoRA's training works from unseen ones?

    .venv/bin/python benchmarks/model_exam_auc.py [--sizes 1,5] [--repeats 4] [--held-out 20]

For each training-set size k, on the bundled demo model: draw synthetic scenes, train a LoRA on k
of them (rank 4, all layers, learning rate 5e-3, 40 + 12 k steps, one torch thread), then score
the k members and `--held-out` scenes of the same distribution with the LoRA and at scale 0
(app/exam.py). Repeated `--repeats` times with other scenes and seeds. Prints per method, for
the score with the LoRA, for the LoRA's change (Δ) and for that change adjusted for the base
(the residual of log(with LoRA) on log(base) over the held-out images), the ROC AUC (member
more member-like than held-out) within each repeat (one model, as in an examination), averaged
over the repeats, the AUC of all repeats pooled, and the pooled TPR at FPR 0 (the members
scoring below every held-out image; its resolution is one over the held-out count), plus
seconds.

Measured 2026-11-30 (2 shared CPU cores, --repeats 4 --held-out 20), AUC within a repeat:
    size 1: loss 0.950, SimA 1.000, PIA 0.438; Δ: loss 0.962, SimA 0.925, PIA 0.325
    size 5: loss 0.823, SimA 0.867, PIA 0.532; Δ: loss 0.877, SimA 0.882, PIA 0.500
Adjusted Δ (scoring.adjusted_changes, added the same day; the numbers above unchanged in the
re-run): size 1: loss 0.950, SimA 1.000, PIA 0.425; size 5: loss 0.875, SimA 0.920, PIA 0.515
(pooled TPR at FPR 0 for SimA 1.00 at size 1, 0.25 at size 5).
PIA does not separate members on the demo model's LoRAs (its timestep swept 20..800 on one
work: rank 2..11 of 12); the timestep loss and SimA do. About 8 s per repeat at size 1 (training
included); scoring takes about 0.07 s per image per model state on one thread.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def auc(members: list[float], others: list[float]) -> float:
    """P(member score < held-out score), ties half (lower = more member-like)."""
    wins = sum((m < o) + 0.5 * (m == o) for m in members for o in others)
    return wins / (len(members) * len(others))


def tpr_at_zero_fpr(members: list[float], others: list[float]) -> float:
    """The share of members scoring below every held-out image."""
    return sum(m < min(others) for m in members) / len(members)


LABELS = {"scores": "with LoRA", "delta": "Δ", "adjusted": "adjusted Δ"}


def value(entry: dict, key: str, method: str) -> float:
    return (entry[key]["scores"] if key == "delta" else entry[key])[method]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,5")
    parser.add_argument("--repeats", type=int, default=4)
    parser.add_argument("--held-out", type=int, default=20)
    args = parser.parse_args()

    from workstation.analysis.model_exam import scoring
    from workstation.app.exam import MembershipRequest, membership
    from workstation.engine.demo_model import DEMO_NAME
    from workstation.engine.runtime import Runtime
    from workstation.engine.synthetic_shapes import write_dataset
    from workstation.engine.training import LoraSettings, train_lora
    from workstation.paths import MODELS_DIR

    demo = MODELS_DIR / DEMO_NAME
    print(f"model {demo}; held-out {args.held_out} per repeat; {args.repeats} repeats")
    for size in (int(s) for s in args.sizes.split(",")):
        pooled: dict[str, tuple[list[float], list[float]]] = {}
        within: dict[str, list[float]] = {}
        clock = time.perf_counter()
        for repeat in range(args.repeats):
            with tempfile.TemporaryDirectory() as scratch:
                root = Path(scratch)
                scenes = write_dataset(
                    root / "pool", size + args.held_out, seed=100 * size + repeat, kind="scene"
                )
                pool = sorted(scenes.glob("*.png"))
                (root / "train").mkdir()
                for path in pool[:size]:
                    for item in (path, path.with_suffix(".txt")):
                        shutil.copy(item, root / "train" / item.name)
                settings = LoraSettings(
                    steps=40 + 12 * size,
                    batch_size=2,
                    learning_rate=5e-3,
                    targets="all",
                    seed=repeat,
                )
                lora = root / "lora.safetensors"
                train_lora(root / "train", lora, demo, settings, runtime=Runtime(threads=1))
                request = MembershipRequest(
                    model=demo, lora=lora, works=tuple(pool[:size]), controls=tuple(pool[size:])
                )
                result = membership(request, None, Runtime(threads=1, deterministic=True)).result
            works, controls = result["works"], result["controls"]
            adjusted = scoring.adjusted_changes(
                [w["scores"] for w in works],
                [w["base_scores"] for w in works],
                [c["scores"] for c in controls],
                [c["base_scores"] for c in controls],
            )
            for key in ("scores", "delta", "adjusted"):
                for method in result["methods"]:
                    name = f"{method} {LABELS[key]}"
                    members, others = pooled.setdefault(name, ([], []))
                    if key == "adjusted":
                        these = [w[method] for w in adjusted[0]]
                        held_out = [c[method] for c in adjusted[1]]
                    else:
                        these = [value(w, key, method) for w in works]
                        held_out = [value(c, key, method) for c in controls]
                    members += these
                    others += held_out
                    within.setdefault(name, []).append(auc(these, held_out))
        seconds = time.perf_counter() - clock
        print(f"\ntraining-set size {size}: {seconds:.0f} s for {args.repeats} repeats")
        for name, (members, others) in pooled.items():
            tpr = tpr_at_zero_fpr(members, others)
            print(
                f"  {name:16} AUC {sum(within[name]) / len(within[name]):.3f} "
                f"(pooled {auc(members, others):.3f})  TPR {tpr:.2f} at FPR 0 "
                f"({len(members)} members, {len(others)} held-out)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
