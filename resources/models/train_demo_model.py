"""Train the bundled demo model `resources/models/demo-shapes-64` from nothing, on this CPU.

    .venv/bin/python resources/models/train_demo_model.py [--work DIR]

Deterministic: the data set is drawn from fixed seeds, torch runs on one thread with seeded
generators; the settings, data hashes, losses and times land in the model's `training.json` and
`TRAINING.md`. `--work` keeps the data set, the VAE and checkpoints (an interrupted run resumes).
It also writes the model's configs (no weights) to `resources/configs/demo-64/`, which lets the
engine recognise the layout. About 40 minutes on one core of a 2-core laptop.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from workstation.engine.demo_model import DEMO_NAME, build_demo_model  # noqa: E402
from workstation.paths import CONFIGS_DIR, MODELS_DIR  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("demo-model-work"))
    parser.add_argument("--out", type=Path, default=MODELS_DIR / DEMO_NAME)
    args = parser.parse_args()
    clock = time.perf_counter()

    def show(step: int, total: int, loss: float) -> None:
        if step % 50 == 0 or step == total:
            elapsed = time.perf_counter() - clock
            print(f"step {step}/{total} loss {loss:.4f} ({elapsed:.0f} s)", flush=True)

    out = build_demo_model(args.out, args.work, on_progress=show)
    write_config_folder(out, CONFIGS_DIR / "demo-64")
    write_training_md(out)
    print(f"Demo model: {out}")


def write_config_folder(model: Path, configs: Path) -> None:
    """The model's configs without weights (what single-file loading of this layout needs)."""
    for part in (
        "model_index.json",
        "unet/config.json",
        "vae/config.json",
        "text_encoder/config.json",
        "scheduler/scheduler_config.json",
    ):
        (configs / part).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(model / part, configs / part)
    # The model's own (pruned) vocabulary: its text encoder has no rows for the rest of CLIP's.
    if (configs / "tokenizer").exists():
        shutil.rmtree(configs / "tokenizer")
    shutil.copytree(model / "tokenizer", configs / "tokenizer")


def write_training_md(model: Path) -> None:
    record = json.loads((model / "training.json").read_text(encoding="utf-8"))
    settings, vae, data = record["settings"], record["vae"], record["data_generator"]
    stage3 = record["stage3"]
    s3 = stage3["settings"]
    vt = vae["training"]
    size = sum(p.stat().st_size for p in model.rglob("*") if p.is_file())
    te_config = json.loads((model / "text_encoder" / "config.json").read_text(encoding="utf-8"))
    vocab = f"{te_config['vocab_size']:,}"
    text = f"""# {model.name}: how this model was made

A 64 px text-to-image model of coloured shapes, trained from nothing on a CPU by
`resources/models/train_demo_model.py` (code in `workstation/engine/demo_model.py` and
`workstation/engine/training.py`). Diffusers `StableDiffusionPipeline` folder, fp16 weights,
{size / 1e6:.1f} MB. Prompts like "a red circle on a blue background", "a yellow triangle on a black
background, left": 8 colours (red, green, blue, yellow, white, black, purple, orange), 3 shapes
(circle, square, triangle), 5 places (center, left, right, top, bottom). Generate at 64×64.

## Training

- **Data**: {data["shapes"]} images drawn by `workstation/engine/synthetic_shapes.py` (kind
  `shape`, seed {data["seed"]}); SHA-256 of the captioned set: `{record["data"]["sha256"]}`.
- **VAE**: AutoencoderKL 16/32/32 channels, 64×64×3 → 16×16×4 latents;
  {vt["steps"]} steps, batch {vt["batch_size"]}, seed {vt["seed"]}, on {vae["images"]} shapes and
  scenes (data SHA-256 `{vae["data_sha256"]}`); reconstruction MSE {vae["reconstruction_mse"]}
  (RGB in [-1, 1]); scaling factor {vae["scaling_factor"]}; {vae["seconds"] / 60:.1f} min.
- **UNet + text encoder** (stage 3): UNet 32/64 channels, cross-attention at 8×8 only; CLIP text
  encoder 64 wide, 2 layers, full CLIP vocabulary; trained together from random weights for
  {s3["steps"]} steps of batch {s3["batch_size"]}, AdamW lr {s3["learning_rate"]} (warm-up
  {s3["warmup_steps"]} steps, cosine decay), {s3["caption_dropout"]:.0%} empty captions (for
  classifier-free guidance), seed {s3["seed"]}; {stage3["seconds"] / 60:.1f} min; loss (mean per 50
  steps) first {stage3["losses"][0]:.4f}, last {stage3["losses"][-1]:.4f}.
- **Offset-noise continuation** (stage 4): the UNet alone, {settings["steps"]} more steps of batch
  {settings["batch_size"]}, lr {settings["learning_rate"]}, offset noise
  {settings["noise_offset"]}, seed {settings["seed"]}; {record["seconds"] / 60:.1f} min; loss first
  {record["losses"][0]:.4f}, last {record["losses"][-1]:.4f}. Without it the background colour
  followed the seed rather than the prompt (at 16×16 latents the starting noise's mean still says
  the image's mean colour); with it "on a blue background" is blue for every seed.
- **Previews**: `latent_rgb.json`, a least-squares latent → RGB map (RMS error
  {vae["latent_rgb"]["rms_error"]}), which the engine uses for this model's step previews.
- **Vocabulary**: after training, the text encoder and tokenizer keep only the CLIP tokens of
  the captions' words, CLIP's 512 byte tokens and start/end ({vocab} of 49,408; their trained
  embeddings and BPE merges unchanged, `demo_model.prune_vocabulary`): prompts of known words
  tokenize and generate exactly as before, and the folder shrinks from 12.7 MB to
  {size / 1e6:.1f} MB. Other words are spelt out in letters, which the model never learned.
- **Software**: torch on 1 CPU thread; `training.json` has every setting.
"""
    (model / "TRAINING.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
