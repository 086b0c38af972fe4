"""Make reference PNGs for the A1111 convention with k-diffusion's own code (the package A1111 and
Forge sample with), for the reproduction benchmark (benchmarks/reproduce_a1111.py).

    /tmp/a1111ref/venv/bin/python benchmarks/reference/a1111_make.py CHECKPOINT
                                  [--out benchmarks/data/a1111] [--only CASE ...]

Runs in a scratch venv (torch, k-diffusion, diffusers, transformers<5.24, safetensors, pillow,
open_clip_torch) and imports nothing from the workstation: the point is an independent reference.
CHECKPOINT is build_sd15.py's full-size random SD 1.5 single file.

What A1111 1.10 does for a txt2img with "RNG: CPU" on a full-precision model, step by step:
- model: the UNet behind k-diffusion's CompVisDenoiser, i.e. `DiscreteEpsDDPMDenoiser` with the
  LDM config's alphas_cumprod (betas = linspace(sqrt(0.00085), sqrt(0.012), 1000)² in float64,
  cumprod in numpy float64, stored float32), quantize=False (opts.enable_quantization);
- conditioning: A1111's SD1 chunk for a prompt of <= 75 tokens, [BOS] + tokens + [EOS] padded to 77
  with EOS (id_pad = id_end), the text encoder's last hidden state, then the "Original" emphasis
  normalisation (multipliers all 1 here, so a no-op in value);
- CFG (CFGDenoiser, batch_cond_uncond): one UNet batch [cond; uncond], then
  uncond + (cond - uncond) * (1.0 * cfg) as `combine_denoised` writes it;
- sigmas (KDiffusionSampler.get_sigmas + sd_schedulers): schedule "Automatic" = the sampler's
  default ('scheduler' option) or, with none, `model.get_sigmas(steps)`; Karras/Exponential with
  sigma_min/max = the model's sigma ends; steps + 1 and the next-to-last sigma dropped for the
  samplers with discard_next_to_last_sigma (DPM2, DPM2 a, DPM++ 3M SDE);
- initial noise: ImageRNG.first() with a CPU generator seeded with the seed, randn of the latent
  shape, times sigmas[0]; ancestral samplers' `torch.randn_like` (TorchHijack) continues that same
  generator (ImageRNG.next(), ENSD 0 = no reseed);
- SDE samplers (brownian_noise): BrownianTreeNoiseSampler(x, min positive sigma, max sigma,
  seed=[seed]) (create_noise_sampler); A1111's torchsde randn hook equals torchsde's own on the CPU;
- sampler kwargs: eta = opts.eta_ancestral = 1 where the function takes eta; s_churn 0, s_tmin 0,
  s_tmax inf, s_noise 1 (k-diffusion's defaults);
- decode: LDM decode_first_stage (`1 / scale_factor * z`), clamp((x + 1) / 2), uint8(255 x)
  (truncated).

Each PNG carries a "parameters" text chunk written as A1111's create_infotext writes it (the
"Schedule type" key sits after "Sampler" and holds the resolved schedule label, "Automatic" when the
sampler has no default schedule), so `workstation reproduce IMAGE --models DIR` reads it.
OUT/manifest.json lists each case: file, SHA-256, what it tests, the sigmas used, plus the
k-diffusion version and the checkpoint's SHA-256.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
import time
from importlib import metadata as importlib_metadata
from pathlib import Path

import numpy as np
import torch

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "resources" / "configs" / "sd1"
PROMPT = "a lighthouse on a cliff at dusk, oil painting"
NEGATIVE = "blurry"
SEED = 20261130
STEPS = 10
CFG = 7.0
SIZE = 64
VERSION = "v1.10.1"
SCALE_FACTOR = 0.18215

# A1111 1.10 label -> (k-diffusion function, default schedule for "Automatic" or None,
# discard_next_to_last_sigma, brownian_noise)
SAMPLERS = {
    "Euler a": ("sample_euler_ancestral", None, False, False),
    "Euler": ("sample_euler", None, False, False),
    "LMS": ("sample_lms", None, False, False),
    "Heun": ("sample_heun", None, False, False),
    "DPM2": ("sample_dpm_2", "karras", True, False),
    "DPM2 a": ("sample_dpm_2_ancestral", "karras", True, False),
    "DPM++ 2S a": ("sample_dpmpp_2s_ancestral", "karras", False, False),
    "DPM++ 2M": ("sample_dpmpp_2m", "karras", False, False),
    "DPM++ SDE": ("sample_dpmpp_sde", "karras", False, True),
    "DPM++ 2M SDE": ("sample_dpmpp_2m_sde", "exponential", False, True),
    "DPM++ 3M SDE": ("sample_dpmpp_3m_sde", "exponential", True, True),
}
ANCESTRAL = {"Euler a", "DPM2 a", "DPM++ 2S a"}
SCHEDULE_LABELS = {"karras": "Karras", "exponential": "Exponential", "uniform": "Uniform"}

# case -> (sampler label, schedule: "Automatic" or a SCHEDULE_LABELS key)
CASES = {
    **{
        label.lower().replace("++", "pp").replace(" ", "_"): (label, "Automatic")
        for label in SAMPLERS
    },
    "dpmpp_2m_karras": ("DPM++ 2M", "karras"),
    "dpmpp_2m_exponential": ("DPM++ 2M", "exponential"),
    "dpmpp_2m_uniform": ("DPM++ 2M", "uniform"),  # model.get_sigmas, A1111's "Uniform"
}


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 24):
            digest.update(chunk)
    return digest.hexdigest()


def clip_tokenizer():
    """CLIP ViT-L/14's tokenizer from open_clip's BPE file and the project's tokenizer settings
    (the same construction as the project's, so no hub download is needed)."""
    from open_clip.tokenizer import bytes_to_unicode, default_bpe
    from transformers import CLIPTokenizer

    with gzip.open(default_bpe()) as stream:
        lines = stream.read().decode("utf-8").split("\n")[1 : 49152 - 256 - 2 + 1]
    merges = [tuple(line.split()) for line in lines]
    tokens = list(bytes_to_unicode().values())
    tokens += [token + "</w>" for token in tokens]
    tokens += ["".join(merge) for merge in merges]
    tokens += ["<|startoftext|>", "<|endoftext|>"]
    vocab = {token: index for index, token in enumerate(tokens)}
    settings = json.loads((CONFIG / "tokenizer" / "tokenizer_config.json").read_text())
    return CLIPTokenizer(vocab=vocab, merges=merges, **settings)


def load_pipeline(checkpoint: Path):
    from diffusers import StableDiffusionPipeline

    return StableDiffusionPipeline.from_single_file(
        str(checkpoint),
        config=str(CONFIG),
        local_files_only=True,
        tokenizer=clip_tokenizer(),
        safety_checker=None,
        requires_safety_checker=False,
        dtype=torch.float32,
    )


def a1111_cond(pipe, text: str) -> torch.Tensor:
    """A1111's SD1 conditioning for a prompt of at most 75 tokens without emphasis."""
    tokenizer = pipe.tokenizer
    ids = tokenizer([text], truncation=False, add_special_tokens=False)["input_ids"][0]
    if len(ids) > 75:
        raise SystemExit(f"{text!r}: {len(ids)} tokens; this script handles one chunk only")
    bos, eos = tokenizer.bos_token_id, tokenizer.eos_token_id
    chunk = [bos] + ids + [eos] * (75 - len(ids)) + [eos]
    multipliers = torch.ones(1, 77)
    with torch.no_grad():
        z = pipe.text_encoder(input_ids=torch.asarray([chunk])).last_hidden_state
    original_mean = z.mean()
    z = z * multipliers.reshape(multipliers.shape + (1,)).expand(z.shape)
    new_mean = z.mean()
    return z * (original_mean / new_mean)


def ldm_alphas_cumprod() -> torch.Tensor:
    betas = torch.linspace(0.00085**0.5, 0.012**0.5, 1000, dtype=torch.float64) ** 2
    alphas_cumprod = np.cumprod(1.0 - betas.numpy(), axis=0)
    return torch.tensor(alphas_cumprod, dtype=torch.float32)


def make_model_wrap(pipe):
    import k_diffusion

    unet = pipe.unet

    class UNetEps(torch.nn.Module):
        def forward(self, x, t, cond):
            return unet(x, t, encoder_hidden_states=cond, return_dict=False)[0]

    return k_diffusion.external.DiscreteEpsDDPMDenoiser(
        UNetEps(), ldm_alphas_cumprod(), quantize=False
    )


class CFGDenoiser(torch.nn.Module):
    def __init__(self, model_wrap, cond, uncond, cfg):
        super().__init__()
        self.inner_model, self.cond, self.uncond, self.cfg = model_wrap, cond, uncond, cfg

    def forward(self, x, sigma, **_):
        x_in = torch.cat([torch.stack([x[0]]), x])
        sigma_in = torch.cat([torch.stack([sigma[0]]), sigma])
        cond_in = torch.cat([self.cond, self.uncond])
        x_out = self.inner_model(x_in, sigma_in, cond=cond_in)
        denoised_uncond = x_out[-1:]
        denoised = torch.clone(denoised_uncond)
        denoised[0] += (x_out[0] - denoised_uncond[0]) * (1.0 * self.cfg)
        return denoised


class TorchWithRng:
    """k_diffusion.sampling's `torch` with randn_like drawing from the image's generator (what
    A1111's TorchHijack + ImageRNG.next() amount to with RNG: CPU and one image)."""

    def __init__(self, generator, shape):
        self.generator, self.shape = generator, shape

    def __getattr__(self, item):
        if item == "randn_like":
            return self.randn_like
        return getattr(torch, item)

    def randn_like(self, x):
        return torch.stack([torch.randn(self.shape, generator=self.generator)]).to(x.device)


def get_sigmas(model_wrap, sampler: str, schedule: str) -> tuple[torch.Tensor, str]:
    import k_diffusion.sampling as ks

    _, default, discard, _ = SAMPLERS[sampler]
    name = default if schedule == "Automatic" else schedule
    steps = STEPS + (1 if discard else 0)
    m_sigma_min, m_sigma_max = model_wrap.sigmas[0].item(), model_wrap.sigmas[-1].item()
    if name is None or name == "uniform":
        sigmas = model_wrap.get_sigmas(steps)
    elif name == "karras":
        sigmas = ks.get_sigmas_karras(
            n=steps, sigma_min=m_sigma_min, sigma_max=m_sigma_max, device="cpu"
        )
    elif name == "exponential":
        sigmas = ks.get_sigmas_exponential(
            n=steps, sigma_min=m_sigma_min, sigma_max=m_sigma_max, device="cpu"
        )
    else:
        raise ValueError(name)
    if discard:
        sigmas = torch.cat([sigmas[:-2], sigmas[-1:]])
    return sigmas, "Automatic" if name is None else SCHEDULE_LABELS[name]


def run_case(pipe, model_wrap, cond, uncond, sampler: str, schedule: str, seed: int):
    import inspect

    import k_diffusion.sampling as ks

    funcname, _, _, brownian = SAMPLERS[sampler]
    func = getattr(ks, funcname)
    sigmas, label = get_sigmas(model_wrap, sampler, schedule)
    shape = (pipe.unet.config.in_channels, SIZE // 8, SIZE // 8)
    generator = torch.Generator("cpu").manual_seed(seed)
    x = torch.stack([torch.randn(shape, device="cpu", generator=generator)])  # ImageRNG.first()
    x = x * sigmas[0]
    kwargs = {}
    if "eta" in inspect.signature(func).parameters:
        kwargs["eta"] = 1.0
    if brownian:
        sigma_min, sigma_max = sigmas[sigmas > 0].min(), sigmas.max()
        kwargs["noise_sampler"] = ks.BrownianTreeNoiseSampler(x, sigma_min, sigma_max, seed=[seed])
    original_torch = ks.torch
    ks.torch = TorchWithRng(generator, shape)
    try:
        with torch.no_grad():
            denoiser = CFGDenoiser(model_wrap, cond, uncond, CFG)
            latent = func(denoiser, x, sigmas, extra_args={}, disable=True, **kwargs)
            decoded = pipe.vae.decode(1.0 / SCALE_FACTOR * latent, return_dict=False)[0]
    finally:
        ks.torch = original_torch
    pixels = torch.clamp((decoded.float() + 1.0) / 2.0, min=0.0, max=1.0)[0]
    pixels = (255.0 * np.moveaxis(pixels.cpu().numpy(), 0, 2)).astype(np.uint8)
    return pixels, sigmas, label, latent


def infotext(sampler: str, label: str, seed: int, model_hash: str, model_name: str) -> str:
    params = {
        "Steps": STEPS,
        "Sampler": sampler,
        "Schedule type": label,
        "CFG scale": f"{CFG:g}",
        "Seed": seed,
        "Size": f"{SIZE}x{SIZE}",
        "Model hash": model_hash,
        "Model": model_name,
        "RNG": "CPU",
        "Version": VERSION,
    }
    line = ", ".join(f"{k}: {v}" for k, v in params.items())
    return f"{PROMPT}\nNegative prompt: {NEGATIVE}\n{line}"


def save_png(pixels: np.ndarray, text: str, path: Path) -> None:
    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("parameters", text)
    Image.fromarray(pixels).save(path, pnginfo=info, compress_level=6)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkpoint", type=Path)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "data" / "a1111")
    parser.add_argument("--only", nargs="*", choices=sorted(CASES))
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--latents", action="store_true", help="also save each final latent (.npy)")
    args = parser.parse_args()
    torch.set_num_threads(max(1, min(2, torch.get_num_threads())))
    args.out.mkdir(parents=True, exist_ok=True)

    start = time.perf_counter()
    checkpoint_sha = sha256(args.checkpoint)
    pipe = load_pipeline(args.checkpoint)
    model_wrap = make_model_wrap(pipe)
    cond, uncond = a1111_cond(pipe, PROMPT), a1111_cond(pipe, NEGATIVE)
    print(f"loaded in {time.perf_counter() - start:.0f} s; checkpoint sha256 {checkpoint_sha}")

    manifest_path = args.out / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.is_file() else {"cases": {}}
    for case, (sampler, schedule) in CASES.items():
        if args.only and case not in args.only:
            continue
        t0 = time.perf_counter()
        pixels, sigmas, label, latent = run_case(
            pipe, model_wrap, cond, uncond, sampler, schedule, args.seed
        )
        text = infotext(sampler, label, args.seed, checkpoint_sha[:10], args.checkpoint.stem)
        path = args.out / f"{case}.png"
        save_png(pixels, text, path)
        if args.latents:
            np.save(args.out / f"{case}.latent.npy", latent.numpy())
        kind = (
            "ancestral"
            if sampler in ANCESTRAL
            else "sde"
            if SAMPLERS[sampler][3]
            else "deterministic"
        )
        manifest["cases"][case] = {
            "file": path.name,
            "sha256": sha256(path),
            "what": f"A1111 {sampler}, schedule {schedule} ({label}), RNG CPU",
            "sampler": sampler,
            "schedule": label,
            "kind": kind,
            "k_function": SAMPLERS[sampler][0],
            "sigmas": [round(float(s), 6) for s in sigmas],
            "seconds": round(time.perf_counter() - t0, 1),
        }
        seconds = time.perf_counter() - t0
        print(f"{case:24s} {sampler:14s} {label:12s} mean {pixels.mean():6.1f}  {seconds:5.1f} s")
    manifest.update(
        {
            "generator": f"k-diffusion {importlib_metadata.version('k-diffusion')} with A1111 "
            f"{VERSION}'s conventions (benchmarks/reference/a1111_make.py)",
            "k_diffusion": importlib_metadata.version("k-diffusion"),
            "torch": torch.__version__,
            "diffusers": importlib_metadata.version("diffusers"),
            "torchsde": importlib_metadata.version("torchsde"),
            "checkpoint": args.checkpoint.name,
            "checkpoint_sha256": checkpoint_sha,
            "prompt": PROMPT,
            "negative": NEGATIVE,
            "seed": args.seed,
            "steps": STEPS,
            "cfg": CFG,
            "size": SIZE,
            "command": "python benchmarks/reference/a1111_make.py CHECKPOINT "
            f"--out benchmarks/data/a1111 --seed {args.seed}",
        }
    )
    manifest["cases"] = dict(sorted(manifest["cases"].items()))
    manifest_path.write_text(json.dumps(manifest, indent=1) + "\n")
    print(f"wrote {manifest_path} in {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    sys.exit(main())
