"""The bundled demo model: a 64 px text-to-image model of coloured shapes, trained here on a CPU.

`build_demo_model(out)` does it all, deterministically (seeded, one torch thread):
1. draws the data set (`synthetic_shapes`: single shapes for the model, plus scenes for the VAE);
2. trains a small AutoencoderKL (64×64×3 → 16×16×4 latents) and fits a latent→RGB preview map;
3. trains a UNet and a small CLIP text encoder (full CLIP vocabulary, so the standard CLIP
   tokenizer works) together on the captioned shapes;
4. writes a diffusers StableDiffusionPipeline folder with `training.json` (seeds, steps, data
   hashes, losses, times). `resources/models/train_demo_model.py` is the script that runs it.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from pathlib import Path
from typing import Any

from workstation.engine import synthetic_shapes
from workstation.engine.runtime import Runtime
from workstation.engine.training import (
    TrainProgress,
    TrainSettings,
    fit_latent_rgb,
    settings_dict,
    train_unet,
    train_vae,
)

DEMO_NAME = "demo-shapes-64"
RESOLUTION = 64
VAE_CONFIG = {
    "in_channels": 3,
    "out_channels": 3,
    "down_block_types": ["DownEncoderBlock2D"] * 3,
    "up_block_types": ["UpDecoderBlock2D"] * 3,
    "block_out_channels": [16, 32, 32],
    "layers_per_block": 1,
    "latent_channels": 4,
    "norm_num_groups": 8,
    "sample_size": RESOLUTION,
}
TEXT_CONFIG = {
    "hidden_size": 64,
    "intermediate_size": 256,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "max_position_embeddings": 77,
    "vocab_size": 49408,
    "projection_dim": 64,
    "hidden_act": "quick_gelu",
    "bos_token_id": 49406,
    "eos_token_id": 49407,
    "pad_token_id": 49407,
}
UNET_CONFIG = {
    "sample_size": RESOLUTION // 4,
    "in_channels": 4,
    "out_channels": 4,
    "block_out_channels": [32, 64],
    "layers_per_block": 1,
    # Attention only at the 8×8 level: at 16×16 it took 40 % of a step for little gain.
    "down_block_types": ["DownBlock2D", "CrossAttnDownBlock2D"],
    "up_block_types": ["CrossAttnUpBlock2D", "UpBlock2D"],
    "cross_attention_dim": 64,
    "attention_head_dim": 8,
    "norm_num_groups": 32,
}
# Stable Diffusion's noise schedule, so the engine's samplers (A1111 names) apply unchanged.
SCHEDULER_CONFIG = {
    "beta_start": 0.00085,
    "beta_end": 0.012,
    "beta_schedule": "scaled_linear",
    "num_train_timesteps": 1000,
    "prediction_type": "epsilon",
    "clip_sample": False,
    "set_alpha_to_one": False,
    "skip_prk_steps": True,
    "steps_offset": 1,
}
# One thread, always: the demo model is rebuilt bit for bit only with the count it was built with.
RUNTIME = Runtime(threads=1)
DATA = {"shapes": 6000, "vae_shapes": 2000, "vae_scenes": 1000, "seed": 2026}
VAE_TRAINING = {"steps": 1500, "batch_size": 16, "learning_rate": 2e-3, "seed": 1}
UNET_TRAINING = TrainSettings(
    steps=3000,
    batch_size=32,
    learning_rate=1e-3,
    warmup_steps=100,
    seed=2,
    checkpoint_every=250,
    train_text_encoder=True,
    noise_offset=0.0,
)
# Stage 4: after stage 3 the shapes and their colours followed the prompt, but the background
# colour followed the seed: at 16×16 latents the noise leaves the mean colour readable. A UNet-only
# continuation with offset noise teaches the model to take it from the prompt; the VAE and text
# encoder stay as they are. An offset of 0.1 (SD's usual) was too small here; 0.5 is
# `training.auto_noise_offset(16, 16)`, 8× the spread of the noise's own mean.
REFINE_TRAINING = TrainSettings(
    steps=1500,
    batch_size=32,
    learning_rate=3e-4,
    warmup_steps=50,
    seed=3,
    checkpoint_every=250,
    init_unet="base",
    noise_offset=0.5,
)


def images_sha256(dataset: list[tuple[Any, str]]) -> str:
    """SHA-256 of the RGB bytes of the images (the VAE never sees captions)."""
    digest = hashlib.sha256()
    for image, _ in dataset:
        digest.update(image.tobytes())
    return digest.hexdigest()


def _pixels(dataset: list[tuple[Any, str]]) -> Any:
    import numpy as np
    import torch

    array = np.stack([np.asarray(image) for image, _ in dataset])
    return torch.from_numpy(array).permute(0, 3, 1, 2).float() / 127.5 - 1


def build_vae(
    work: Path, *, runtime: Runtime | None = None, on_progress: TrainProgress | None = None
) -> tuple[Any, dict]:
    """Stage 2, cached in `work/vae` (keyed by its settings and data hash).
    `on_progress(step, total, loss)`: the legacy form of the runtime's progress."""
    runtime = Runtime.from_callbacks(runtime, on_progress, form="value", default=RUNTIME)
    with runtime.applied() as run:
        return _build_vae(work, run)


def _build_vae(work: Path, run: Runtime) -> tuple[Any, dict]:
    import torch
    from diffusers import AutoencoderKL

    seed = DATA["seed"]
    dataset = synthetic_shapes.make_dataset(DATA["vae_shapes"], seed + 1, RESOLUTION, "shape")
    dataset += synthetic_shapes.make_dataset(DATA["vae_scenes"], seed + 2, RESOLUTION, "scene")
    key = {"config": VAE_CONFIG, "training": VAE_TRAINING, "data_sha256": images_sha256(dataset)}
    folder = work / "vae"
    if (folder / "key.json").exists() and json.loads((folder / "key.json").read_text()) == key:
        vae = AutoencoderKL.from_pretrained(folder)
        info = json.loads((folder / "info.json").read_text())
        return vae, info
    pixels = _pixels(dataset)
    clock = time.perf_counter()
    torch.manual_seed(VAE_TRAINING["seed"])
    vae = AutoencoderKL(**VAE_CONFIG)
    vae = train_vae(
        pixels,
        vae,
        steps=VAE_TRAINING["steps"],
        batch_size=VAE_TRAINING["batch_size"],
        learning_rate=VAE_TRAINING["learning_rate"],
        seed=VAE_TRAINING["seed"],
        runtime=run,
    )
    with torch.no_grad():
        check = pixels[:: max(1, len(pixels) // 256)]
        posterior = vae.encode(check).latent_dist.mean
        mse = (vae.decode(posterior).sample.clamp(-1, 1) - check).pow(2).mean().item()
        latent_rgb = fit_latent_rgb(posterior * vae.config.scaling_factor, check)
    info = {
        **key,
        "images": len(dataset),
        "seconds": round(time.perf_counter() - clock, 1),
        "reconstruction_mse": round(mse, 5),
        "scaling_factor": vae.config.scaling_factor,
        "latent_rgb": latent_rgb,
    }
    vae.save_pretrained(folder)
    (folder / "info.json").write_text(json.dumps(info, indent=2))
    (folder / "key.json").write_text(json.dumps(key))
    return vae, info


def build_demo_model(
    out: str | Path,
    work: str | Path,
    *,
    settings: TrainSettings = UNET_TRAINING,
    runtime: Runtime | None = None,
    on_progress: TrainProgress | None = None,
) -> Path:
    """Train the demo model into `out` (a diffusers folder); `work` keeps data and checkpoints.
    `runtime` defaults to one thread (`RUNTIME`); `on_progress(step, total, loss)` is the legacy
    form of its progress."""
    runtime = Runtime.from_callbacks(runtime, on_progress, form="value", default=RUNTIME)
    with runtime.applied() as run:
        return _build_demo_model(Path(out), Path(work), settings, run)


def _build_demo_model(out: Path, work: Path, settings: TrainSettings, run: Runtime) -> Path:
    import torch
    from diffusers import PNDMScheduler, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel

    from workstation.engine.architectures import CONFIGS_DIR, clip_tokenizer

    # 1. The data set, written as a captioned folder (what `workstation train` reads too).
    data_dir = work / "shapes"
    if not (data_dir / f"{DATA['shapes'] - 1:05d}.txt").exists():
        synthetic_shapes.write_dataset(data_dir, DATA["shapes"], DATA["seed"], RESOLUTION, "shape")

    # 2. VAE and its preview colours.
    vae, vae_info = build_vae(work, runtime=run)

    # 3. Fresh text encoder and UNet; both train on the shapes.
    torch.manual_seed(settings.seed + 100)
    text_encoder = CLIPTextModel(CLIPTextConfig(**TEXT_CONFIG))
    unet = UNet2DConditionModel(**UNET_CONFIG)
    components = {
        "vae": vae,
        "text_encoder": text_encoder,
        "tokenizer": clip_tokenizer(CONFIGS_DIR / "sd1" / "tokenizer"),
        "unet": unet,
        "scheduler": PNDMScheduler.from_config(SCHEDULER_CONFIG),
        "latent_rgb": vae_info["latent_rgb"],
        "base_sha256": None,
    }
    extra = {"vae": vae_info, "data_generator": {**DATA, "module": __name__}}
    if not _finished(work / "model", settings):
        train_unet(
            data_dir,
            work / "model",
            components,
            settings,
            runtime=run,
            extra_record=extra,
        )

    # 4. Offset-noise continuation of the UNet alone.
    stage3 = json.loads((work / "model" / "training.json").read_text(encoding="utf-8"))
    extra["stage3"] = {k: stage3[k] for k in ("settings", "seconds", "losses", "data")}
    if not _finished(work / "refined", REFINE_TRAINING):
        train_unet(
            data_dir,
            work / "refined",
            work / "model",
            REFINE_TRAINING,
            runtime=run,
            extra_record=extra,
        )

    # 5. The finished folder, without the checkpoint state.
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(work / "refined", out, ignore=shutil.ignore_patterns("training_state.*"))
    _describe_local_paths(out / "training.json")

    # 6. Only the vocabulary the model knows: 13 MB → 3 MB, same images for its prompts.
    prune_vocabulary(out, vocabulary_words())
    return out


def vocabulary_words() -> list[str]:
    """Every word the data sets' captions use (the words the model was trained on)."""
    words = {"a", "an", "on", "and", "background", ","}
    words.update(synthetic_shapes.COLOURS, synthetic_shapes.SHAPES, synthetic_shapes.POSITIONS)
    return sorted(words)


def prune_vocabulary(model: Path, words: list[str]) -> dict[str, int]:
    """Keep the CLIP tokens `words` are made of, plus CLIP's 512 byte tokens and start/end.

    CLIP's 49,408-token table is most of a 64-wide text encoder (6.3 MB at fp16) and of its
    tokenizer file (3.5 MB), and the demo model has only ever seen a few dozen of its tokens. The
    kept tokens keep their trained embeddings and the BPE merges that build them, in CLIP's order,
    so a prompt of known words gets the same token sequence (renumbered) and the same embeddings
    as before: the same images. Other words fall back to letters, which the model never learned
    either. Checked here on every word; returns {"before": n, "after": m}.
    """
    import torch
    from transformers import CLIPTextModel, CLIPTokenizer

    from workstation.engine.architectures import CONFIGS_DIR, clip_vocab

    vocab, merges = clip_vocab()
    by_result = {"".join(pair): pair for pair in merges}
    old_tokenizer = CLIPTokenizer.from_pretrained(model / "tokenizer", local_files_only=True)
    kept_merges: set[tuple[str, str]] = set()

    def keep(token: str) -> None:  # the merge that made `token`, and those that made its parts
        pair = by_result.get(token)
        if pair is not None and pair not in kept_merges:
            kept_merges.add(pair)
            keep(pair[0])
            keep(pair[1])

    for word in words:
        for token in old_tokenizer.tokenize(word):
            keep(token)
    base = list(vocab)[:512]  # the byte tokens, alone and word-final
    ordered = [pair for pair in merges if pair in kept_merges]
    tokens = base + ["".join(pair) for pair in ordered] + ["<|startoftext|>", "<|endoftext|>"]
    new_vocab = {token: index for index, token in enumerate(tokens)}
    old_vocab = old_tokenizer.get_vocab()  # CLIP's, or an already pruned one
    old_ids = torch.tensor([old_vocab[token] for token in tokens])

    settings = json.loads(
        (CONFIGS_DIR / "sd1" / "tokenizer" / "tokenizer_config.json").read_text(encoding="utf-8")
    )
    tokenizer = CLIPTokenizer(vocab=new_vocab, merges=ordered, **settings)
    for word in [*words, " ".join(words)]:
        before = old_tokenizer(word).input_ids
        after = tokenizer(word).input_ids
        if old_ids[after].tolist() != before:
            raise RuntimeError(f"pruned vocabulary changes the tokens of {word!r}")

    text_encoder = CLIPTextModel.from_pretrained(model / "text_encoder", local_files_only=True)
    state = text_encoder.state_dict()
    [key] = [name for name in state if name.endswith("token_embedding.weight")]
    state[key] = state[key][old_ids].clone()
    config = text_encoder.config
    config.vocab_size = len(tokens)
    config.bos_token_id = new_vocab["<|startoftext|>"]
    config.eos_token_id = config.pad_token_id = new_vocab["<|endoftext|>"]
    pruned = CLIPTextModel(config)
    pruned.load_state_dict(state)
    shutil.rmtree(model / "tokenizer")
    shutil.rmtree(model / "text_encoder")
    tokenizer.save_pretrained(model / "tokenizer")
    pruned.to(text_encoder.dtype).save_pretrained(model / "text_encoder")  # as it was stored
    return {"before": len(old_vocab), "after": len(tokens)}


def _describe_local_paths(record_path: Path) -> None:
    """The record names what was trained on, not where it lay on the training machine."""
    record = json.loads(record_path.read_text(encoding="utf-8"))
    shapes = (
        f"{DATA['shapes']} synthetic shapes (workstation/engine/synthetic_shapes.py, kind shape, "
        f"seed {DATA['seed']})"
    )
    record["base"] = "stage 3: UNet and text encoder trained from scratch (see stage3)"
    record["data"]["folder"] = shapes
    if "stage3" in record:
        record["stage3"]["data"]["folder"] = shapes
    record_path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    for config_path in record_path.parent.glob("*/config.json"):  # diffusers notes where it loaded
        config = json.loads(config_path.read_text(encoding="utf-8"))
        if config.pop("_name_or_path", None) is not None:
            config_path.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")


def _finished(folder: Path, settings: TrainSettings) -> bool:
    record_path = folder / "training.json"
    if not record_path.exists():
        return False
    record = json.loads(record_path.read_text(encoding="utf-8"))
    recorded = {k: v for k, v in record["settings"].items() if k != "threads"}  # older records
    return record["finished"] and recorded == settings_dict(settings)
