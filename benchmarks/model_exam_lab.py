"""Membership tests and the memorised-prompt screen on the over-fitting lab's models.

    WORKSTATION_THREADS=1 nice -n 5 .venv/bin/python benchmarks/model_exam_lab.py \
        [--sizes 1,5,50,500] [--members 50] [--held-out 50] [--steps 600] [--no-write]

The lab's models, as `workstation lab overfit` trains them (analysis/overfit_lab.py with its
LabSettings: a full UNet fine-tune from the bundled demo model, 600 steps, batch 16, learning
rate 1e-3, seed 0, on the first n of the synthetic scenes drawn with the lab's seed 7), one per
training-set size n, in a temporary folder deleted afterwards. For each model:

1. Membership (app/exam.py, empty prompt, the default probe: seed 0, loss at 8 timesteps drawn
   from 50..500, PIA at t = 200, SimA at t = 10): the members (all n, at most `--members` drawn
   at random with seed 0) against `--held-out` scenes of the same distribution drawn with
   another seed (1007). ROC AUC (a member scores lower than a held-out scene; ties half) and
   TPR at 1 % FPR: the threshold lets through floor(0.01 × held-out) held-out scenes, so with
   50 held-out it allows none: the TPR is the share of members scoring below every held-out
   scene ("TPR at FPR 0"), and its FPR resolution is 1/50 = 2 %, not 1 %.
   The same members and held-out scenes are scored on the demo model itself too (before the
   fine-tune: "base_model"), which says what the test gives on a model that never saw them.
2. The memorised-prompt screen (analysis/model_exam/prompts.py, 4 seeds, first step, 64 px,
   reference = the batch, no token attribution): the members' captions against captions of the
   held-out scenes that no training scene has (duplicates dropped). AUC in Wen et al.'s reading
   (a training caption has the larger magnitude) and reversed (1 − that).
3. Cost on this CPU, one thread: seconds per work for each method alone (app.exam.membership
   with one method on 10 scenes, the model already loaded; VAE encoding included) and seconds
   per prompt of the screen, on the last model.

Results go into the docstring below and `resources/model_exam/validation.json` ("lab",
"cost_seconds_per_work", "gpu_estimate"; the "lora_rank" part is benchmarks/exam_lora_rank.py's).

GPU cost on paper (`gpu_estimate`): FLOPs of one UNet call (and of one VAE encoding) counted
with torch's FlopCounterMode on meta-device models built from the published SD 1.5 UNet/VAE
configuration (512 px, latent 64×64, ~860 M UNet parameters) and SDXL's (1024 px, latent
128×128, ~2.6 B), times the UNet calls each method makes per work: loss 8 (the 8 timesteps, one
batch), PIA 2 (t = 0, then t = 200), SimA 1, one VAE encoding each; ×2 for base + LoRA (both
states scored). The prompt screen: per prompt, 4 seeds × 2 calls (conditional and empty) for the
first step. Assumed GPU: an A100 (312 TFLOP/s dense fp16 peak) at 40 % of peak, fp16, batch
one work at a time; model loading, image decoding and Python overhead not counted.

Measured 2026-11-30 (2 shared CPU cores, WORKSTATION_THREADS=1, nice 5, the defaults above;
9.1 min in all, 19.4 min in an earlier run while other jobs loaded the machine; every AUC the
same, bit for bit, in both runs). Members vs 50 held-out scenes:

    size members  loss AUC/TPR@FPR0  PIA AUC/TPR@FPR0  SimA AUC/TPR@FPR0  prompts AUC (reversed)
       1       1     1.000 / 1.00      0.960 / 0.00      1.000 / 1.00     0.000 (1.000)
       5       5     1.000 / 1.00      0.892 / 0.20      1.000 / 1.00     0.408 (0.592)
      50      50     0.913 / 0.64      0.617 / 0.00      0.990 / 0.94     0.477 (0.523)
     500      50     0.522 / 0.00      0.485 / 0.00      0.634 / 0.06     0.468 (0.533)

The same test on the demo model itself, before the fine-tune ("base_model" in the file), is at
or below chance for the same members: loss 0.30 / 0.21 / 0.49 / 0.50, PIA 0.38 / 0.62 / 0.51 /
0.44, SimA 0.10 / 0.19 / 0.45 / 0.48 (sizes 1 / 5 / 50 / 500): the signal is the fine-tune's.
The target at 1 and 5 works (AUC >= 0.95) holds for the timestep loss and SimA; PIA reaches
0.96 / 0.89. At 500 works the tests are near chance (SimA 0.63), as the issue expected. "TPR at
1 % FPR" is at FPR 0 here (50 held-out: the threshold lets none through), resolution 2 %; with
one member (size 1) the TPR is 0 or 1. The prompt screen does not separate training captions in
Wen et al.'s reading; at size 1 the training caption has the *lowest* magnitude of 51 (AUC 0,
reversed 1), as benchmarks/exam_prompts_attribute.py found for one-caption LoRAs, and from 5
works on it is near chance either way.
Cost, one thread, on the 500-work model: loss 0.035 s, SimA 0.015 s, PIA 0.024 s per work
(VAE encoding included; 0.086 / 0.037 / 0.033 s in the loaded run); the screen 0.077 s per
prompt (4 seeds); training 112..122 s per model (600 steps).
On paper (A100 at 40 % of fp16 peak): SD 1.5 — a UNet call 0.80 TFLOP, a VAE encoding 1.12
TFLOP; loss 0.060 s, PIA 0.022 s, SimA 0.015 s per work, the screen 0.052 s per prompt;
SDXL — 6.76 TFLOP per call, 4.88 TFLOP per encoding; loss 0.47 s, PIA 0.15 s, SimA 0.093 s per
work, 0.43 s per prompt (base + LoRA: twice, as both states are scored).
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import random
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

VALIDATION = REPO / "resources" / "model_exam" / "validation.json"
HELD_OUT_SEED = 1007
MEASURED = "2026-11-30"
GPU_FLOPS = 312e12 * 0.4  # A100 dense fp16 peak at an assumed 40 % utilisation
UNET_CALLS = {"loss": 8, "pia": 2, "sima": 1}  # per work and model state, default probe
SCREEN_CALLS = 4 * 2  # per prompt: 4 seeds, conditional + empty prediction, first step


def auc(members: list[float], others: list[float]) -> float:
    """P(member score < held-out score), ties half (lower = more member-like)."""
    wins = sum((m < o) + 0.5 * (m == o) for m in members for o in others)
    return wins / (len(members) * len(others))


def tpr_at_fpr(members: list[float], others: list[float], fpr: float = 0.01) -> float:
    """Share of members below a threshold that lets through floor(fpr × held-out) held-out
    scores (with 50 held-out and fpr 1 %: none — TPR at FPR 0)."""
    allowed = math.floor(fpr * len(others))
    threshold = sorted(others)[allowed]
    return sum(m < threshold for m in members) / len(members)


def caption(path: Path) -> str:
    return path.with_suffix(".txt").read_text(encoding="utf-8").strip()


def unet_flops(config: dict, latent: int, context: tuple[int, int], xl: bool) -> float:
    """FLOPs of one UNet call (batch 1), counted on a meta-device model."""
    import torch
    from diffusers import UNet2DConditionModel
    from torch.utils.flop_counter import FlopCounterMode

    with torch.device("meta"):
        unet = UNet2DConditionModel(**config)
        sample = torch.zeros(1, 4, latent, latent)
        states = torch.zeros(1, *context)
        extra = (
            {
                "added_cond_kwargs": {
                    "text_embeds": torch.zeros(1, 1280),
                    "time_ids": torch.zeros(1, 6),
                }
            }
            if xl
            else {}
        )
        with FlopCounterMode(display=False) as counter:
            unet(sample, torch.tensor([10]), states, **extra)
    return float(counter.get_total_flops())


def vae_encode_flops(pixels: int) -> float:
    import torch
    from diffusers import AutoencoderKL
    from torch.utils.flop_counter import FlopCounterMode

    config = {
        "block_out_channels": (128, 256, 512, 512),
        "down_block_types": ("DownEncoderBlock2D",) * 4,
        "up_block_types": ("UpDecoderBlock2D",) * 4,
        "latent_channels": 4,
        "layers_per_block": 2,
    }
    with torch.device("meta"):
        vae = AutoencoderKL(**config)
        with FlopCounterMode(display=False) as counter:
            vae.encode(torch.zeros(1, 3, pixels, pixels))
    return float(counter.get_total_flops())


SD15_UNET = {
    "block_out_channels": (320, 640, 1280, 1280),
    "down_block_types": ("CrossAttnDownBlock2D",) * 3 + ("DownBlock2D",),
    "up_block_types": ("UpBlock2D",) + ("CrossAttnUpBlock2D",) * 3,
    "cross_attention_dim": 768,
    "attention_head_dim": 8,
    "layers_per_block": 2,
    "sample_size": 64,
}
SDXL_UNET = {
    "block_out_channels": (320, 640, 1280),
    "down_block_types": ("DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"),
    "up_block_types": ("CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"),
    "transformer_layers_per_block": (1, 2, 10),
    "attention_head_dim": (5, 10, 20),
    "cross_attention_dim": 2048,
    "addition_embed_type": "text_time",
    "addition_time_embed_dim": 256,
    "projection_class_embeddings_input_dim": 2816,
    "use_linear_projection": True,
    "layers_per_block": 2,
    "sample_size": 128,
}


def gpu_estimate() -> dict:
    """Seconds per work (and per prompt) on paper, from counted FLOPs; see the docstring."""
    out: dict = {}
    for key, config, pixels, context, xl in (
        ("sd15", SD15_UNET, 512, (77, 768), False),
        ("sdxl", SDXL_UNET, 1024, (77, 2048), True),
    ):
        unet = unet_flops(config, pixels // 8, context, xl)
        encode = vae_encode_flops(pixels)
        seconds = {
            method: round((calls * unet + encode) / GPU_FLOPS, 4)
            for method, calls in UNET_CALLS.items()
        }
        seconds["prompts_per_prompt"] = round(SCREEN_CALLS * unet / GPU_FLOPS, 4)
        seconds["unet_tflops_per_call"] = round(unet / 1e12, 2)
        seconds["vae_encode_tflops"] = round(encode / 1e12, 2)
        out[f"{key}_seconds_per_work"] = seconds
    out["assumptions"] = (
        "FLOPs counted (torch FlopCounterMode, meta device) for one UNet call at batch 1 built "
        "from the SD 1.5 configuration (512 px, latent 64x64, ~860M parameters) and SDXL's "
        "(1024 px, latent 128x128, ~2.6B), plus one VAE encoding per work; UNet calls per work "
        "and model state: loss 8 (default probe), PIA 2, SimA 1; double for base + LoRA (both "
        "states are scored). Prompt screen: 4 seeds x 2 calls per prompt, first step, no token "
        "attribution (each adds about one backward pass, ~2x a call). GPU: A100, 312 TFLOP/s "
        "dense fp16 peak at an assumed 40 % utilisation; loading, decoding and Python overhead "
        "not counted, so expect more in practice for single works."
    )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,5,50,500")
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--held-out", type=int, default=50)
    parser.add_argument("--steps", type=int, default=600, help="training steps per size")
    parser.add_argument("--no-write", action="store_true", help="do not update validation.json")
    args = parser.parse_args()

    from workstation.analysis.lab_settings import LabSettings
    from workstation.analysis.model_exam.prompts import ScreenSettings, screen_prompts
    from workstation.analysis.overfit_lab import SCENES_SEED
    from workstation.app.exam import MembershipRequest, membership
    from workstation.app.resources import ModelHolder
    from workstation.engine.demo_model import DEMO_NAME
    from workstation.engine.runtime import Runtime
    from workstation.engine.synthetic_shapes import write_dataset
    from workstation.engine.training import (
        TrainSettings,
        load_components,
        read_captioned_folder,
        train_unet,
    )
    from workstation.paths import MODELS_DIR

    sizes = sorted(int(s) for s in args.sizes.split(","))
    lab = LabSettings()
    demo = MODELS_DIR / DEMO_NAME
    runtime = Runtime(threads=1, deterministic=True)
    print(f"lab: {args.steps} steps, batch {lab.batch_size}, sizes {sizes}", flush=True)
    rows, cost = [], {}
    base_holder = ModelHolder()  # the demo model itself: the same test before fine-tuning
    clock_all = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="exam-lab-") as scratch:
        root = Path(scratch)
        scenes = write_dataset(root / "scenes", max(sizes), seed=SCENES_SEED, kind="scene")
        held = sorted(
            write_dataset(root / "held", args.held_out, seed=HELD_OUT_SEED, kind="scene").glob(
                "*.png"
            )
        )
        data = read_captioned_folder(scenes)
        components = load_components(demo)
        resolution = components["unet"].config.sample_size * 2 ** (
            len(components["vae"].config.block_out_channels) - 1
        )  # as the lab computes it (64 px for the demo model)
        for size in sizes:
            clock = time.perf_counter()
            # 1. The lab's model for this size.
            subset = data.first(size)
            settings = TrainSettings(
                steps=args.steps,
                batch_size=lab.batch_size,
                learning_rate=lab.learning_rate,
                warmup_steps=min(50, args.steps // 10),
                seed=lab.seed,
                resolution=resolution,
                checkpoint_every=0,
                init_unet=lab.init,
                noise_offset=lab.noise_offset,
            )
            out = root / f"n{size}"
            trained = train_unet(subset, out, components, settings, runtime=runtime)
            train_seconds = time.perf_counter() - clock

            # 2. Membership: members against held-out scenes.
            training = [scenes / name for name in subset.files]
            members = (
                training
                if size <= args.members
                else sorted(random.Random(0).sample(training, args.members))
            )
            holder = ModelHolder()
            request = MembershipRequest(model=out, works=tuple(members), controls=tuple(held))
            result = membership(request, None, runtime, holder).result
            before = replace(request, model=demo)
            base = membership(before, None, runtime, base_holder).result
            methods, base_methods = {}, {}
            for method in result["methods"]:
                for scored, into in ((result, methods), (base, base_methods)):
                    ins = [work["scores"][method] for work in scored["works"]]
                    outs = [control["scores"][method] for control in scored["controls"]]
                    into[method] = {
                        "auc": round(auc(ins, outs), 4),
                        "tpr_at_1pct_fpr": round(tpr_at_fpr(ins, outs), 4),
                    }

            # 3. The prompt screen: training captions against novel ones.
            known = {caption(scenes / name) for name in subset.files}
            trained_captions = list(dict.fromkeys(caption(p) for p in members))
            novel = [c for c in dict.fromkeys(caption(p) for p in held) if c not in known]
            screen = ScreenSettings(size=64, reference="batch", tokens=False)
            with holder.use(out, "auto", "auto") as model:
                prompt_clock = time.perf_counter()
                screened = screen_prompts(
                    model.pipe, trained_captions + novel, screen, runtime=runtime
                )
                per_prompt = (time.perf_counter() - prompt_clock) / (
                    len(trained_captions) + len(novel)
                )
            magnitude = {score.prompt: score.magnitude for score in screened.scores}
            wen = auc([-magnitude[c] for c in trained_captions], [-magnitude[c] for c in novel])
            rows.append(
                {
                    "size": size,
                    "members": len(members),
                    "held_out": len(held),
                    "methods": methods,
                    "prompts": {
                        "auc": round(wen, 4),
                        "auc_reversed": round(1 - wen, 4),
                        "training_captions": len(trained_captions),
                        "novel_captions": len(novel),
                    },
                    "base_model": base_methods,
                    "train_steps": args.steps,
                    "final_loss": round(trained.losses[-1], 5) if trained.losses else None,
                    "train_seconds": round(train_seconds, 1),
                }
            )
            print(json.dumps(rows[-1]), f"({time.perf_counter() - clock:.0f} s)", flush=True)

            # 4. Cost, on the last model: each method alone on 10 scenes; the prompt screen.
            if size == sizes[-1]:
                for method in ("loss", "sima", "pia"):
                    alone = MembershipRequest(
                        model=out,
                        works=tuple(held[:5]),
                        controls=tuple(held[5:10]),
                        methods=(method,),
                    )
                    started = time.perf_counter()
                    membership(alone, None, runtime, holder)
                    cost[method] = round((time.perf_counter() - started) / 10, 4)
                cost["prompts_per_prompt"] = round(per_prompt, 4)
            del holder
            shutil.rmtree(out)
    total = time.perf_counter() - clock_all
    print(f"cost (s per work, one thread): {cost}; total {total / 60:.1f} min", flush=True)
    estimate = gpu_estimate()
    print(json.dumps(estimate, indent=1), flush=True)
    if not args.no_write:
        existing = json.loads(VALIDATION.read_text(encoding="utf-8")) if VALIDATION.exists() else {}
        existing.update(
            measured=MEASURED,
            machine=f"{platform.machine()} CPU, 2 shared cores, one torch thread "
            f"({platform.processor() or platform.system()}); lab models trained {args.steps} "
            f"steps, batch {lab.batch_size}",
            lab=rows,
            cost_seconds_per_work=cost,
            gpu_estimate=estimate,
        )
        VALIDATION.write_text(json.dumps(existing, indent=1) + "\n", encoding="utf-8")
        print(f"written {VALIDATION}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
