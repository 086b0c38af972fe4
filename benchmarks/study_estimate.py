"""On paper: the wall time of a 100,000-generation memorisation study on N GPUs, SD 1.5 and SDXL.

    .venv/bin/python benchmarks/study_estimate.py [--measure [--parts ...]] [--items 100000]
        [--gpus 1 4 8 32] [--threads 2] [--store-items 20]

No GPU is needed (none was available where this was written). The estimate combines:

1. GPU per-item cost, from published figures (each constant names its source): SD 1.5 in
   iterations/s of the denoising loop (batch 1 with classifier-free guidance, i.e. the UNet on a
   batch of 2, fp16), SDXL as seconds per 1024 × 1024 image at 30 steps (the whole pipeline,
   VAE decode included). For SD 1.5 the VAE decode is added: its FLOPs / a UNet step's FLOPs
   (counted here) × a VAE's lower FLOP rate on a GPU (from the cited SDXL LCM timings on an
   A100: UNet 192 ms for 4 steps, VAE 228 ms) × the GPU's step time.
2. Per-item costs measured on this CPU with `--measure` (else the last measured numbers, saved
   in benchmarks/results/study_estimate.json, part by part): one denoising step of a full-size,
   random-weight UNet built from the shipped configs (resources/configs/sd1, sdxl), batch 2,
   fp32, `--threads` torch threads, at 512 × 512 (SD 1.5) and 1024 × 1024 (SDXL: timed at
   512 × 512 and scaled by FLOPs, see PARTS); one VAE decode of one image; their FLOPs (torch's
   FlopCounterMode on the meta device); and the coordinator's serial per-item cost at 512 and
   1024 px (`time_store`: store the item as a study does, then measure it against the
   reference). These CPU times are context (what one image costs without a GPU); the estimate
   uses only the FLOPs and the coordinator's cost from them.
3. Ray's costs measured by benchmarks/study_executors.py (docs/scale.md): a worker's cold start
   (+6.2 s: its process imports torch and loads the model), ray.init (2.4-4.3 s), and a warm
   per-item overhead of 1.086× (the worse of two runs) on an ~80 ms item, i.e. ~7 ms per item.

The model (per GPU type, model, steps):

    per item on one GPU  g = steps / it_s + vae      (SD 1.5; SDXL: the cited per-image seconds)
    worker start-up      L = ray.init + worker cold start + checkpoint read (size / disk rate)
    wall(N)              = max(items / N × (g + ray_item), items × store) + L

The coordinator stores each result serially, so it alone caps N: beyond N* = (g + ray_item) /
store, more GPUs wait on it (the `N*` column).
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "results" / "study_estimate.json"
CONFIGS = ROOT / "resources" / "configs"

# --- published GPU figures ------------------------------------------------------------------------

DIFFUSERS_TORCH2 = (
    "https://github.com/huggingface/diffusers/blob/bf19c76f782738a924220123b20dd665cc7dbd8e/"
    "docs/source/en/optimization/torch2.0.mdx (diffusers docs, 'Accelerated PyTorch 2.0 support "
    "in Diffusers', Benchmark: SD - txt2img, batch size 1, torch 2.0, no compile, fp16, 50 steps)"
)
FAL_BENCH = (
    "https://github.com/fal-ai/stable-diffusion-benchmarks (A100 80G SXM, SD 1.5, 50 steps, "
    "'Diffusers (torch 2.1, SDPA)': 1.604 s per image, 31.19 it/s)"
)
DIFFUSERS_FAST = (
    "https://huggingface.co/docs/diffusers/tutorials/fast_diffusion (SDXL base, 30 steps, "
    "1024 x 1024, batch 1, 80GB 400W A100: fp32 7.36 s; bf16 4.63 s; bf16 + SDPA 3.31 s; "
    "+ torch.compile 2.54 s)"
)
SDXL_TRT = (
    "https://huggingface.co/stabilityai/stable-diffusion-xl-1.0-tensorrt (Performance "
    "Comparison, 30 steps at 1024 x 1024, 'Baseline (non-optimized)': A10 9399 ms, A100 3704 ms, "
    "H100 2496 ms per image)"
)

# SD 1.5: denoising iterations per second (batch 1 with CFG: the UNet sees 2 latents).
SD15_IT_S = {
    "T4": (6.9, DIFFUSERS_TORCH2),
    "V100": (18.99, DIFFUSERS_TORCH2),
    "RTX 3090": (22.56, DIFFUSERS_TORCH2),
    "A100": (21.66, DIFFUSERS_TORCH2),
    "A100 80G (torch 2.1)": (31.19, FAL_BENCH),
    "RTX 4090": (40.5, DIFFUSERS_TORCH2),
}
# SDXL: seconds per 1024 x 1024 image at 30 steps, the whole pipeline (text encoders, UNet,
# VAE decode).
SDXL_IMAGE_S = {
    "A10": (9.399, SDXL_TRT),
    "A100 (fp32, no SDPA)": (7.36, DIFFUSERS_FAST),
    "A100 (bf16 + SDPA)": (3.31, DIFFUSERS_FAST),
    "A100": (3.704, SDXL_TRT),
    "H100": (2.496, SDXL_TRT),
}
SDXL_CITED_STEPS = 30
# How much slower (in FLOP/s) a VAE decode runs than a UNet step on the same GPU: from the same
# model card's LCM row (A100, 1024 x 1024, TensorRT): UNet 192.02 ms for 4 steps without CFG,
# VAE decode 228.34 ms; with the FLOPs counted here.
LCM_A100 = {"unet_4_steps_s": 0.19202, "vae_s": 0.22834, "source": SDXL_TRT.split(" ")[0]}

# --- assumptions (stated in docs/scale.md) ------------------------------------------------------
RAY_INIT_S = 4.3  # worst measured ray.init (study_executors.py)
WORKER_COLD_S = 6.2  # a worker's process imports torch and loads the demo model (measured)
RAY_ITEM_S = 0.086 * 0.080  # warm overhead 1.086× on an ~80 ms item (measured): ~7 ms per item
DISK_GB_S = 1.0  # reading a checkpoint from a local NVMe / shared file system (assumed)
CHECKPOINT_GB = {"SD 1.5": 2.0, "SDXL": 6.9}  # fp16 safetensors: UNet + VAE + text encoders
SETUPS = [  # (model, steps, GPU, resolution)
    ("SD 1.5", 50, "T4", 512),
    ("SD 1.5", 50, "A100", 512),
    ("SD 1.5", 50, "RTX 4090", 512),
    ("SD 1.5", 25, "A100", 512),
    ("SDXL", 30, "A10", 1024),
    ("SDXL", 30, "A100", 1024),
    ("SDXL", 30, "H100", 1024),
]


# --- measuring on this CPU ------------------------------------------------------------------------


def available_gb() -> float:
    with open("/proc/meminfo") as stream:
        for line in stream:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 2**20
    return 0.0


def unet_inputs(torch, name: str, size: int, batch: int, device: str = "cpu"):
    latent = size // 8
    sample = torch.randn(batch, 4, latent, latent, device=device)
    if name == "sdxl":
        context = torch.randn(batch, 77, 2048, device=device)
        added = {
            "text_embeds": torch.randn(batch, 1280, device=device),
            "time_ids": torch.tensor([[size, size, 0, 0, size, size]] * batch, device=device),
        }
        return sample, context, added
    return sample, torch.randn(batch, 77, 768, device=device), None


def flops_of(build, run) -> float:
    """FLOPs of `run(model)` counted on the meta device (no memory, no arithmetic)."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    with torch.device("meta"):
        model = build()
        counter = FlopCounterMode(display=False)
        with counter, torch.no_grad():
            run(model, "meta")
    return float(counter.get_total_flops())


def time_unet(name: str, size: int, threads: int, timed: int | None = None) -> dict:
    """One UNet step at `size`; timed at `timed` px when given (then scaled to `size` by FLOPs)."""
    timed = timed or size
    import torch
    from diffusers import UNet2DConditionModel

    torch.set_num_threads(threads)
    config = UNet2DConditionModel.load_config(CONFIGS / name / "unet")

    def build():
        return UNet2DConditionModel.from_config(config).eval()

    def run(model, device="cpu", at=size):
        sample, context, added = unet_inputs(torch, name, at, 2, device)
        t = torch.tensor([500] * 2, device=device)
        return model(sample, t, context, added_cond_kwargs=added).sample

    flops = flops_of(build, run)
    flops_timed = flops_of(build, lambda model, device: run(model, device, timed))
    started = time.perf_counter()
    torch.manual_seed(0)
    model = build()
    params = sum(p.numel() for p in model.parameters())
    built = time.perf_counter() - started
    with torch.no_grad():
        run_small = size // 4  # warm the kernels on a small latent, not timed
        sample, context, added = unet_inputs(torch, name, run_small, 2)
        model(sample, torch.tensor([500] * 2), context, added_cond_kwargs=added)
        started = time.perf_counter()
        run(model, at=timed)
        seconds = time.perf_counter() - started
    del model
    gc.collect()
    scaled = "" if timed == size else f" (timed at {timed} x {timed}: {seconds:.1f} s, x FLOPs)"
    return {
        "what": f"{name} UNet, one step, batch 2 (CFG), {size} x {size}, fp32, {threads} "
        f"threads{scaled}",
        "params": params,
        "build_s": round(built, 1),
        "seconds": round(seconds * flops / flops_timed, 2),
        "timed_at": timed,
        "timed_s": round(seconds, 2),
        "flops": flops,
        "gflops_per_s": round(flops_timed / seconds / 1e9, 1),
    }


def time_vae(name: str, size: int, threads: int, timed: int | None = None) -> dict:
    """One VAE decode at `size`; timed at `timed` px when given (scaled to `size` by FLOPs)."""
    timed = timed or size
    import torch
    from diffusers import AutoencoderKL

    torch.set_num_threads(threads)
    config = AutoencoderKL.load_config(CONFIGS / name / "vae")

    def build():
        return AutoencoderKL.from_config(config).eval()

    def run(model, device="cpu", latent=size // 8):
        return model.decode(torch.randn(1, 4, latent, latent, device=device)).sample

    flops = flops_of(build, run)
    flops_timed = flops_of(build, lambda model, device: run(model, device, timed // 8))
    torch.manual_seed(0)
    model = build()
    with torch.no_grad():
        run(model, latent=size // 32)  # warm, not timed
        started = time.perf_counter()
        run(model, latent=timed // 8)
        seconds = time.perf_counter() - started
    del model
    gc.collect()
    scaled = "" if timed == size else f" (timed at {timed} x {timed}: {seconds:.1f} s, x FLOPs)"
    return {
        "what": f"{name} VAE decode, 1 image, {size} x {size}, fp32, {threads} threads{scaled}",
        "seconds": round(seconds * flops / flops_timed, 2),
        "timed_at": timed,
        "timed_s": round(seconds, 2),
        "flops": flops,
        "gflops_per_s": round(flops_timed / seconds / 1e9, 1),
    }


def time_store(size: int, items: int) -> dict:
    """The coordinator's serial per-item cost at `size` px, as a seed study pays it: store the
    item (`StudyRun._store`: PNG encode with the embedded record, SHA-256, import, generation
    record, links, audit entry; one transaction) and measure it against the reference (read the
    PNG back, the study's metrics). The image is a shipped sample photo resized to `size` with a
    few pixels changed per item and texture added (PNG cost depends on content: a real model's
    output is not the demo model's flat shapes); its record is the demo model's, with the seed
    and size changed."""
    import dataclasses

    import numpy as np
    from PIL import Image

    from workstation.analysis.images import image_from_array
    from workstation.analysis.studies.metrics import measure as measure_outputs
    from workstation.analysis.studies.metrics import prepare
    from workstation.analysis.studies.runner import Item, StudyRun
    from workstation.core.case import Case
    from workstation.core.params import GenerationParams
    from workstation.engine.demo_model import DEMO_NAME
    from workstation.engine.generate import txt2img
    from workstation.engine.loading import load_model
    from workstation.paths import MODELS_DIR

    model = MODELS_DIR / DEMO_NAME
    params = GenerationParams(model=str(model), prompt="a lighthouse", seed=0, steps=1, cfg=5.0)
    with tempfile.TemporaryDirectory(prefix="study-estimate-") as scratch_name:
        scratch = Path(scratch_name)
        os.environ["WORKSTATION_CACHE_DIR"] = str(scratch / "cache")
        base = txt2img(load_model(model, device="cpu"), params)
        photo = Image.open(ROOT / "resources" / "samples" / "protected_work.png").convert("RGB")
        pixels = np.asarray(photo.resize((size, size), Image.Resampling.LANCZOS)).astype(float)
        # Texture, as a photograph or a real model's output has (the sample is flat artwork): a
        # PNG of a flat image costs a fraction of a real one to encode and hash.
        pixels += np.random.default_rng(0).normal(0, 6, pixels.shape)
        pixels = pixels.clip(0, 255).astype(np.uint8)
        reference = prepare(image_from_array(pixels.copy()), None)
        with Case.create(scratch / "case", "estimate", "bench") as case:
            run = StudyRun(case, title="Seed sweep (estimate)")
            stored = measured = cpu = 0.0
            png_bytes = 0
            for seed in range(1, items + 1):
                pixels[seed % size, :64] ^= np.uint8(seed % 251 + 1)  # a new image each time
                item = Item(base.params.replace(seed=seed, width=size, height=size), {"seed": seed})
                record = {
                    **base.record,
                    "params": {
                        **base.record["params"],
                        "seed": seed,
                        "width": size,
                        "height": size,
                    },
                }
                result = dataclasses.replace(
                    base, image=Image.fromarray(pixels), params=item.params, record=record
                )
                started, on_cpu = time.perf_counter(), time.process_time()
                made = run._store(item, run.key(item), result)
                stored += time.perf_counter() - started
                started = time.perf_counter()
                measure_outputs(reference, [made.rgb()])
                measured += time.perf_counter() - started
                cpu += time.process_time() - on_cpu
                png_bytes += made.image.path.stat().st_size
    # On a shared machine the wall time includes waiting for a core: the estimate uses the CPU
    # time (what one free core needs; the work is single-threaded), the wall times are kept.
    return {
        "what": f"coordinator per item at {size} px: store + measure, CPU time ({items} items)",
        "seconds": round(cpu / items, 4),
        "wall_s": round((stored + measured) / items, 4),
        "store_wall_s": round(stored / items, 4),
        "measure_wall_s": round(measured / items, 4),
        "png_kb": round(png_bytes / items / 1024, 1),
    }


PARTS = {
    "store_512": lambda threads, items: time_store(512, items),
    "store_1024": lambda threads, items: time_store(1024, items),
    "sd15_unet": lambda threads, items: time_unet("sd1", 512, threads),
    "sd15_vae": lambda threads, items: time_vae("sd1", 512, threads),
    # SDXL at 1024 px took too long on this shared 2-core machine (the SD 1.5 step alone took
    # 2 min at a load average of 8): timed at 512 px, scaled to 1024 px by FLOPs.
    "sdxl_vae": lambda threads, items: time_vae("sdxl", 1024, threads, timed=512),
    "sdxl_unet": lambda threads, items: time_unet("sdxl", 1024, threads, timed=512),
}


def measure(parts: list[str], threads: int, store_items: int) -> None:
    """Measure `parts` on this CPU, saving each into RESULTS as it is done."""
    import torch

    for part in parts:
        if part == "sdxl_unet" and available_gb() < 14:  # ~10.3 GB of fp32 weights + activations
            raise SystemExit(
                f"only {available_gb():.1f} GB of memory available; the SDXL UNet needs ~14 GB"
            )
        result = PARTS[part](threads, store_items)
        result["load_average"] = round(os.getloadavg()[0], 2)
        print(result, flush=True)
        saved = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        saved.update(
            {
                "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                "torch": torch.__version__,
                "cpus": os.cpu_count(),
                part: result,
            }
        )
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(saved, indent=2) + "\n")


# --- the estimate ---------------------------------------------------------------------------------


def hours(seconds: float) -> str:
    if seconds >= 48 * 3600:
        return f"{seconds / 86400:.1f} d"
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 60:.0f} min"


def vae_penalty(measured: dict) -> float:
    """FLOP/s of an SDXL UNet step / FLOP/s of an SDXL VAE decode on an A100 (cited timings)."""
    unet_rate = 4 * measured["sdxl_unet"]["flops"] / 2 / LCM_A100["unet_4_steps_s"]  # batch 1
    vae_rate = measured["sdxl_vae"]["flops"] / LCM_A100["vae_s"]
    return unet_rate / vae_rate


def vae_in_steps(measured: dict) -> float:
    """An SD 1.5 VAE decode at 512 px, in SD 1.5 UNet steps (batch 2) on the same GPU."""
    flops = measured["sd15_vae"]["flops"] / measured["sd15_unet"]["flops"]
    return flops * vae_penalty(measured)


def estimate(measured: dict, items: int, gpus: list[int]) -> list[dict]:
    rows = []
    sd_vae_steps = vae_in_steps(measured)
    for model, steps, gpu, size in SETUPS:
        store = measured[f"store_{size}"]["seconds"]
        if model == "SD 1.5":
            it_s, source = SD15_IT_S[gpu]
            step = 1 / it_s
            vae = sd_vae_steps * step
            per_item = steps * step + vae
        else:
            image_s, source = SDXL_IMAGE_S[gpu]
            per_item = image_s * steps / SDXL_CITED_STEPS  # already includes the VAE decode
            vae = 0.0
        load = RAY_INIT_S + WORKER_COLD_S + CHECKPOINT_GB[model] / DISK_GB_S
        gpu_item = per_item + RAY_ITEM_S
        walls = {n: max(items / n * gpu_item, items * store) + load for n in gpus}
        rows.append(
            {
                "model": model,
                "size": size,
                "steps": steps,
                "gpu": gpu,
                "per_item_s": per_item,
                "vae_s": vae,
                "store_s": store,
                "load_s": load,
                "walls": walls,
                "ceiling_s": items * store,
                "n_star": gpu_item / store,
                "source": source,
            }
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measure", action="store_true", help="measure the CPU numbers now")
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--gpus", type=int, nargs="*", default=[1, 4, 8, 32])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--store-items", type=int, default=20)
    parser.add_argument("--parts", nargs="*", choices=list(PARTS), default=list(PARTS))
    args = parser.parse_args()
    if args.measure:
        measure(args.parts, args.threads, args.store_items)
        print(f"saved {RESULTS.relative_to(ROOT)}\n")
    measured = json.loads(RESULTS.read_text())
    print(
        f"Measured on this CPU ({measured['when']}, {measured['cpus']} cores shared with other "
        f"jobs, torch {measured['torch']}; load average at the end of each part):"
    )
    for key in ("sd15_unet", "sd15_vae", "sdxl_unet", "sdxl_vae", "store_512", "store_1024"):
        m = measured[key]
        extra = (
            f", {m['flops'] / 1e12:.2f} TFLOP ({m['gflops_per_s']} GFLOP/s)" if "flops" in m else ""
        )
        if "png_kb" in m:
            extra = f" (a {m['png_kb']:.0f} KB PNG per item)"
        print(f"  {m['what']}: {m['seconds']} s{extra}; load {m.get('load_average', '?')}")
    sd, xl = measured["sd15_unet"], measured["sdxl_unet"]
    print(
        f"  SDXL 1024 step / SD 1.5 512 step: {xl['seconds'] / sd['seconds']:.1f}x in time on "
        f"this CPU, {xl['flops'] / sd['flops']:.1f}x in FLOPs"
    )
    sd_steps = 50 * sd["seconds"] + measured["sd15_vae"]["seconds"]
    print(
        f"  one SD 1.5 image, 50 steps, on this CPU: {hours(sd_steps)}; 100,000 of them: "
        f"{hours(args.items * sd_steps)} ({args.items * sd_steps / 86400 / 365:.0f} years)\n"
    )

    rows = estimate(measured, args.items, args.gpus)
    header = (
        f"{'model':<7} {'px':>5} {'steps':>5} {'GPU':<9} {'s/item':>7} {'store':>7} {'load':>6} | "
        + " ".join(f"{'N=' + str(n):>8}" for n in args.gpus)
        + f" | {'ceiling':>8} {'N*':>5}"
    )
    print(f"{args.items:,} generations: wall time on N GPUs")
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r['model']:<7} {r['size']:>5} {r['steps']:>5} {r['gpu']:<9} "
            f"{r['per_item_s']:7.2f} {r['store_s'] * 1000:5.0f}ms {r['load_s']:5.0f}s | "
            + " ".join(f"{hours(r['walls'][n]):>8}" for n in args.gpus)
            + f" | {hours(r['ceiling_s']):>8} {math.floor(r['n_star']):>5}"
        )
    print(
        "\ns/item: one GPU, incl. VAE decode (SD 1.5: the decode's FLOPs / a step's FLOPs "
        f"({measured['sd15_vae']['flops'] / sd['flops']:.2f}) x a VAE's lower FLOP rate on a GPU "
        f"({vae_penalty(measured):.1f}x, from the cited SDXL LCM timings on an A100) = "
        f"{vae_in_steps(measured):.1f} steps' time; SDXL: in the cited figure); "
        "store: the coordinator's serial cost per item (measured here); load: ray.init + a "
        "worker's cold start + reading the checkpoint; ceiling: items x store, the least wall "
        "time any N reaches; N*: GPUs beyond which the coordinator is the bottleneck."
    )
    print("\nEvery cited figure (the table uses the rows above; the others show the spread):")
    for gpu, (it_s, source) in SD15_IT_S.items():
        print(f"  SD 1.5, {gpu}: {it_s} it/s ({50 / it_s:.2f} s for 50 steps) [{source[:40]}...]")
    for gpu, (image_s, source) in SDXL_IMAGE_S.items():
        print(f"  SDXL, {gpu}: {image_s} s per image, 30 steps [{source[:40]}...]")
    print("\nSources:")
    for source in (DIFFUSERS_TORCH2, FAL_BENCH, DIFFUSERS_FAST, SDXL_TRT):
        print(f"  {source}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
