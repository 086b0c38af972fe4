"""txt2img and img2img from one `GenerationParams`, keeping every denoising step.

Each step gets a cheap preview (a fixed linear map from the 4 latent channels to RGB, at latent
resolution); the steps asked for in `decode_steps` also get a full VAE decode after the run.
The run happens inside `runtime.applied()` (threads, determinism; restored afterwards) and the
record states the thread count used. After every step the runtime gets a `ProgressEvent` with the
preview, and its `is_cancelled()` is checked there: returning True raises `Cancelled` from inside
the denoising loop, so nothing more runs.
"""

from __future__ import annotations

import hashlib
import inspect
import io
import platform
import time
import warnings
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from workstation import __version__
from workstation.core import media
from workstation.core.errors import Cancelled, InputError, ModelError
from workstation.core.params import GenerationParams, LoraSpec
from workstation.core.timeutil import utc_now
from workstation.engine import vae_codec
from workstation.engine.loading import LoadedModel
from workstation.engine.lora import apply_loras
from workstation.engine.runtime import Runtime
from workstation.engine.samplers import canonical_name, make_scheduler

RECORD_SCHEMA = "workstation.generation/1"
ProgressCallback = Callable[[int, int, np.ndarray], None]  # legacy form, see Runtime.from_callbacks
CancelCheck = Callable[[], bool]


@dataclass(frozen=True)
class StepCapture:
    index: int  # 1-based
    timestep: float
    preview: np.ndarray  # H/8 x W/8 x 3 uint8 (latent resolution)
    image: Image.Image | None  # full VAE decode, if this step was asked for


@dataclass(frozen=True)
class GenerationResult:
    image: Image.Image
    params: GenerationParams  # completed: device, dtype and hashes filled in
    record: dict[str, Any]
    steps: tuple[StepCapture, ...]


def txt2img(
    model: LoadedModel,
    params: GenerationParams,
    *,
    runtime: Runtime | None = None,
    decode_steps: Collection[int] | None = None,
    on_progress: ProgressCallback | None = None,
    is_cancelled: CancelCheck | None = None,
) -> GenerationResult:
    """Text to image. `decode_steps`: 1-based steps to VAE-decode; None = all, () = none.
    `on_progress`/`is_cancelled`: the legacy form of the runtime's callbacks."""
    if params.is_img2img:
        raise InputError("these parameters have an init image: use img2img")
    runtime = Runtime.from_callbacks(runtime, on_progress, is_cancelled)
    return _generate(model, params, None, runtime, decode_steps)


def img2img(
    model: LoadedModel,
    params: GenerationParams,
    *,
    runtime: Runtime | None = None,
    decode_steps: Collection[int] | None = None,
    on_progress: ProgressCallback | None = None,
    is_cancelled: CancelCheck | None = None,
) -> GenerationResult:
    """Image to image from `params.init_image`, denoising int(steps × strength) steps."""
    if not params.is_img2img:
        raise InputError("img2img needs an init image")
    init = load_init_image(params.init_image, params.width, params.height)
    if int(params.steps * params.strength) < 1:
        raise InputError(
            f"strength {params.strength} with {params.steps} steps leaves no denoising step"
        )
    runtime = Runtime.from_callbacks(runtime, on_progress, is_cancelled)
    return _generate(model, params, init, runtime, decode_steps)


def generate(model: LoadedModel, params: GenerationParams, **options: Any) -> GenerationResult:
    """txt2img or img2img, whichever the params describe."""
    run = img2img if params.is_img2img else txt2img
    return run(model, params, **options)


@dataclass(frozen=True)
class InitImage:
    image: Image.Image
    sha256: str
    original_size: tuple[int, int]


def load_init_image(path: str | Path, width: int, height: int) -> InitImage:
    """Read the init image; resize to the output size as A1111's "Just resize" does."""
    path = Path(path)
    try:
        data = path.read_bytes()  # decoded from these bytes: the hash is of the image used
        with warnings.catch_warnings():  # media.MAX_PIXELS speaks, below Pillow's own limit
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(data))
        with opened:
            media.check_pixels(opened, path)
            opened.load()
            image = opened.convert("RGB")
    except OSError as error:  # includes PIL's UnidentifiedImageError and truncated files
        raise InputError(f"{path}: cannot read init image ({_reason(error)})") from None
    except Image.DecompressionBombError as error:
        raise InputError(
            f"{path}: more than the {media.MAX_PIXELS:,}-pixel limit (possible decompression "
            f"bomb; {error})"
        ) from None
    original = image.size
    if original != (width, height):
        image = image.resize((width, height), Image.Resampling.LANCZOS)
    return InitImage(image, hashlib.sha256(data).hexdigest(), original)


def _reason(error: OSError) -> str:
    return error.strerror or str(error) or type(error).__name__


def _generate(
    model: LoadedModel,
    params: GenerationParams,
    init: InitImage | None,
    runtime: Runtime,
    decode_steps: Collection[int] | None,
) -> GenerationResult:
    if model.device.startswith("cuda"):  # same seed, same image: no nondeterministic kernels
        runtime = replace(runtime, deterministic=True)
    with runtime.applied() as run:
        return _run(model, params, init, run, decode_steps)


def _run(
    model: LoadedModel,
    params: GenerationParams,
    init: InitImage | None,
    runtime: Runtime,
    decode_steps: Collection[int] | None,
) -> GenerationResult:
    started, clock = utc_now(), time.perf_counter()
    # 1. Complete the params and check them against the files actually used.
    model.check_files(loras=False)
    params = _complete(model, params, init)
    loras = apply_loras(model, params.loras)
    params = params.replace(
        loras=tuple(
            LoraSpec(spec.path, spec.scale, lora.sha256, spec.text_encoder_scale)
            for spec, (lora, _) in zip(params.loras, loras, strict=True)
        )
    )

    check_working_memory(model, params)

    # 2. Sample, capturing every step: the engine's own way, or the named generator's. Every
    #    step's latent and the decoded image must be finite: NaN/Inf would make a black picture.
    capture = _StepCapture(model, decode_steps, runtime, size=(params.width, params.height))
    if runtime.cancelled():
        raise Cancelled("generation cancelled before it started")
    try:
        if params.convention == "workstation":
            image, pipe, sampling = _sample_native(model, params, init, capture)
            steps = capture.finish(pipe)
        else:
            pipe = model.pipe
            image, sampling = _sample_peer(model, params, init, capture)
            steps = capture.finish(pipe, truncate=True)
    except MemoryError:  # the estimate above was too low for this machine: still one line
        raise ModelError(
            f"ran out of memory generating {params.width}×{params.height} on {model.device} "
            f"(estimated {working_memory(model, params) / GIB:.1f} GiB); choose a smaller size"
        ) from None

    # 4. The record: enough to re-run and to re-check the claim elsewhere. Its hashes are of the
    #    bytes loaded, and the files must still hold them.
    model.check_files()
    record = _record(model, params, init, sampling, loras, image, len(steps), runtime.threads)
    record["timesteps"] = [round(float(step.timestep), 4) for step in steps]
    record["started"], record["finished"] = started, utc_now()
    record["seconds"] = round(time.perf_counter() - clock, 3)
    return GenerationResult(image, params, record, steps)


def _sample_native(
    model: LoadedModel, params: GenerationParams, init: InitImage | None, capture: _StepCapture
) -> tuple[Image.Image, Any, dict[str, Any]]:
    """diffusers' pipeline and scheduler; seeded noise drawn on the CPU so seeds mean the same
    on every device."""
    import torch

    family = model.family
    pipe = model.img2img_pipe() if init else model.pipe
    if family.sampling == "flow":  # the model's own flow-matching Euler (shift as configured)
        pipe.scheduler = family.native_scheduler(model.base_scheduler_config)
    else:
        pipe.scheduler = make_scheduler(params.sampler, model.base_scheduler_config, params.seed)
    generator = torch.Generator("cpu").manual_seed(params.seed)
    prompts, conditioning = _native_prompts(pipe, params)
    # guidance, negative prompt and clip skip as the family takes them (Flux: guidance only)
    options = family.call_options(params.negative, params.cfg, params.clip_skip)
    if conditioning is not None:  # the prompts are embeddings already, clip skip applied
        options = {"guidance_scale": params.cfg}
    elif not family.supports_negative:
        prompts.pop("negative_prompt", None)
    kwargs: dict[str, Any] = {
        **prompts,
        **options,
        "num_inference_steps": params.steps,
        "generator": generator,
        "callback_on_step_end": capture,
        "output_type": "pil",
    }
    if init:
        kwargs.update(image=init.image, strength=params.strength)
    if not init or "height" in inspect.signature(pipe.__call__).parameters:
        # (SD 3.5's and Flux's img2img default to their native size, not the image's)
        kwargs.update(width=params.width, height=params.height)
    refiner = params.refiner
    if refiner is not None:  # diffusers' ensemble of experts: the base stops at `switch_at`
        if init or conditioning is not None:
            raise InputError(
                "a refiner under the workstation convention takes txt2img and plain prompts"
            )
        kwargs.update(denoising_end=refiner.switch_at, output_type="latent")
    # The VAE's output is checked before the pipeline clamps it to 8 bits (NaN turns black there,
    # Inf white): a hook on its decoder, so the pipeline's own decode is untouched.
    hook = pipe.vae.decoder.register_forward_hook(
        lambda module, inputs, output: check_finite(output, "the decoded image")
    )
    with torch.inference_mode(), warnings.catch_warnings():
        # torchsde (DPM++ SDE) warns about float rounding at the ends of its Brownian interval
        warnings.filterwarnings("ignore", "Should have t", UserWarning, "torchsde")
        try:
            image = pipe(**kwargs).images[0]
        finally:
            hook.remove()
        if refiner is not None:
            image, refined = _native_refiner(model, params, image, generator, capture)
    sampling = {
        "convention": "workstation",
        "scheduler": {
            "class": type(pipe.scheduler).__name__,
            "config": _json_safe(dict(pipe.scheduler.config)),
        },
        "rng": "torch.Generator on cpu",
    }
    if conditioning:
        sampling["conditioning"] = conditioning
    if refiner is not None:
        sampling["refiner"] = refined
    return image, pipe, sampling


def _native_refiner(
    model: LoadedModel, params: GenerationParams, latents: Any, generator: Any, capture: Any
) -> tuple[Image.Image, dict[str, Any]]:
    """diffusers' SDXL hand-over: the refiner's img2img pipeline continues the base's latents
    from `denoising_start` = the switch, with its own scheduler of the same sampler and the same
    generator going on. The base's VAE decodes the result (as the step previews and the a1111
    convention's hand-over)."""
    from workstation.engine.peer_run import load_refiner

    assert params.refiner is not None
    refiner = load_refiner(model, params.refiner)
    pipe = refiner.pipe
    pipe.scheduler = make_scheduler(params.sampler, refiner.base_scheduler_config, params.seed)
    done = len(capture.previews)  # base steps: the refiner's continue the count

    def on_step(pipe_: Any, index: int, timestep: Any, tensors: dict[str, Any]) -> dict:
        return capture(pipe_, index + done, timestep, tensors)

    latents = pipe(
        prompt=params.prompt,
        negative_prompt=params.negative or None,
        guidance_scale=params.cfg,
        num_inference_steps=params.steps,
        denoising_start=params.refiner.switch_at,
        image=latents[None] if latents.ndim == 3 else latents,
        generator=generator,
        callback_on_step_end=on_step,
        output_type="latent",
    ).images
    image = decode_latents(model.pipe, {0: latents})[0]
    refiner.check_files()
    info = refiner.info
    record = {
        "model": info.path,
        "sha256": info.sha256,
        "autov2": info.autov2,
        "switch_at": params.refiner.switch_at,
        "switch_by": "diffusers denoising_end / denoising_start",
        "switched": True,
        "switch_step": done,
        "scheduler": type(pipe.scheduler).__name__,
    }
    return image, record


def _native_prompts(
    pipe: Any, params: GenerationParams
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The pipeline's prompt arguments: the text itself (diffusers encodes it: 77 tokens, no
    weights), or, for a weighted syntax such as InvokeAI's, the conditioning that syntax makes
    (and what the record says of it)."""
    if params.prompt_syntax == "plain":
        return {"prompt": params.prompt, "negative_prompt": params.negative or None}, None
    import torch

    from workstation.engine.peer_run import clip_encoders, embedding_library, used_embeddings
    from workstation.engine.prompts.encode import encode_prompt, pair_for_cfg

    options = {
        "syntax": params.prompt_syntax,
        "encoders": clip_encoders(pipe),
        "clip_skip": params.clip_skip,
        "embeddings": embedding_library(params),
    }
    with torch.inference_mode():
        cond = encode_prompt(params.prompt, **options)
        uncond = encode_prompt(params.negative, negative=True, **options)
    pair = pair_for_cfg(cond, uncond, params.prompt_syntax)
    if not pair.same_length or pair.cond_mask is not None:
        raise InputError(
            f"the {params.prompt_syntax} prompt and negative prompt encode to different lengths "
            "the diffusers pipeline cannot batch; shorten the longer one"
        )
    arguments = {"prompt_embeds": pair.cond, "negative_prompt_embeds": pair.uncond}
    if cond.pooled is not None:
        arguments.update(
            pooled_prompt_embeds=cond.pooled, negative_pooled_prompt_embeds=uncond.pooled
        )
    record = {
        "syntax": params.prompt_syntax,
        "tokens": [cond.tokens, uncond.tokens],
        "embeddings": used_embeddings(cond, uncond),
        "warnings": list(cond.warnings + uncond.warnings),
    }
    return arguments, record


def _sample_peer(
    model: LoadedModel, params: GenerationParams, init: InitImage | None, capture: _StepCapture
) -> tuple[Image.Image, dict[str, Any]]:
    """The generator's own loop (engine/peer_run.py); its 8-bit conversion truncates."""
    import torch

    from workstation.engine import peer_run

    pipe = model.pipe
    with torch.inference_mode():
        init_latent = vae_codec.encode(pipe, init.image) if init else None

    def on_step(step: int, total: int, latent: Any) -> None:
        capture.step(step, total, float(step), latent)

    with torch.inference_mode(), warnings.catch_warnings():
        # torchsde (SDE samplers) warns about float rounding at the ends of its Brownian interval
        warnings.filterwarnings("ignore", "Should have t", UserWarning, "torchsde")
        result = peer_run.run(model, params, init_latent, on_step)
        image = decode_latents(pipe, {0: result.latent}, truncate=True)[0]
    return image, {**result.sampling, "conditioning": result.conditioning}


def _complete(
    model: LoadedModel, params: GenerationParams, init: InitImage | None
) -> GenerationParams:
    if params.device not in ("auto", model.device) and params.device != model.device.split(":")[0]:
        raise InputError(f"params ask for device {params.device}, the model is on {model.device}")
    if params.dtype not in ("auto", model.dtype):
        raise InputError(
            f"params ask for dtype {params.dtype}, the model is loaded as {model.dtype}"
        )
    if Path(params.model).resolve() != Path(model.info.path).resolve():
        raise InputError(f"params name model {params.model}, but {model.info.path} is loaded")
    if problem := model.family.check_size(params.width, params.height):
        raise InputError(problem)
    if model.family.sampling != "discrete":
        if params.convention != "workstation" or params.prompt_syntax != "plain":
            raise InputError(
                f"the {params.convention} convention and weighted prompt syntaxes are "
                f"implemented for SD 1.x/2.x/SDXL models; run this {model.family.kind} model "
                "with convention workstation and plain prompts"
            )
        if canonical_name(params.sampler) != "Euler":
            raise InputError(
                f"{model.family.kind} models sample with flow-matching Euler: use sampler Euler"
            )
    if params.clip_skip > 1 and not model.family.supports_clip_skip:
        raise InputError(f"clip skip is not used by {model.family.kind} models; leave it at 1")
    layers = model.pipe.text_encoder.config.num_hidden_layers
    if params.clip_skip > layers:
        raise InputError(
            f"clip skip {params.clip_skip} is more than the text encoder's {layers} layers"
        )
    if params.model_sha256 and params.model_sha256.lower() != model.info.sha256:
        raise ModelError(
            f"{model.info.path}: SHA-256 {model.info.sha256} differs from the requested "
            f"{params.model_sha256}"
        )
    if init and params.init_sha256 and params.init_sha256.lower() != init.sha256:
        raise InputError(
            f"{params.init_image}: SHA-256 differs from the requested {params.init_sha256}"
        )
    refiner = params.refiner
    if refiner is not None and model.family.name != "sdxl":
        raise InputError(f"a refiner takes over from an SDXL base, not {model.family.kind}")
    if refiner is not None:  # loaded (once per base model) and its hash checked before the run
        from workstation.engine.peer_run import load_refiner

        loaded = load_refiner(model, refiner)
        refiner = replace(refiner, model_sha256=loaded.info.sha256)
    return params.replace(
        device=model.device,
        dtype=model.dtype,
        sampler=sampler_name(params),
        model_sha256=model.info.sha256,
        init_sha256=init.sha256 if init else None,
        refiner=refiner,
    )


def sampler_name(params: GenerationParams) -> str:
    """The sampler's name as its convention spells it; InputError if that convention lacks it."""
    if params.convention == "workstation":
        return canonical_name(params.sampler)
    from workstation.engine.sampling import a1111_choice, comfyui_choice

    pick = a1111_choice if params.convention == "a1111" else comfyui_choice
    pick(params.sampler, params.scheduler or (None if params.convention == "a1111" else "normal"))
    return params.sampler


class _StepCapture:
    """The `callback_on_step_end` hook: previews every step, keeps latents of the wanted steps."""

    def __init__(
        self,
        model: LoadedModel,
        decode_steps: Collection[int] | None,
        runtime: Runtime,
        size: tuple[int, int] | None = None,
    ) -> None:
        """`size`: (width, height) of the image, needed to unpack Flux's packed latents."""
        import torch

        family = model.family
        device = model.device
        factors, bias = family.latent_rgb, family.latent_rgb_bias
        own = _own_latent_rgb(model)
        if own:  # a model with its own VAE may ship its own map (see engine/training.py)
            factors, bias = own["factors"], own["bias"]
        self.family = family
        self.size = size
        self.factors = torch.tensor(factors, device=device)
        self.bias = torch.tensor(bias, device=device)[:, None, None]
        self.decode_steps = decode_steps
        self.runtime = runtime
        self.previews: list[tuple[int, float, np.ndarray]] = []
        self.latents: dict[int, Any] = {}

    def __call__(self, pipe: Any, index: int, timestep: Any, tensors: dict[str, Any]) -> dict:
        self.step(index + 1, pipe.num_timesteps, timestep, tensors["latents"])
        return tensors

    def step(self, step: int, total: int, timestep: Any, latents: Any) -> None:
        """Step `step` of `total` is done: check it is finite, preview it, keep its latent if
        asked, report, and stop here if cancelled."""
        import torch

        check_finite(latents, f"step {step}")

        if self.family.packed_latents:  # [B, tokens, C*4] -> [B, C, H/8, W/8]
            side = int(latents.shape[1] ** 0.5) * 16
            width, height = self.size or (side, side)
            latents = self.family.unpack(latents, width, height)
        rgb = torch.einsum("chw,cr->rhw", latents[0].float(), self.factors.float()) + self.bias
        preview = ((rgb + 1) * 127.5).clamp(0, 255).to(torch.uint8).permute(1, 2, 0).cpu().numpy()
        self.previews.append((step, float(timestep), preview))
        if self.decode_steps is None or step in self.decode_steps:
            self.latents[step] = latents.detach().clone()
        self.runtime.report(step, total, preview=preview)
        if self.runtime.cancelled():
            raise Cancelled(f"generation cancelled at step {step} of {total}")

    def finish(self, pipe: Any, *, truncate: bool = False) -> tuple[StepCapture, ...]:
        decoded = decode_latents(pipe, self.latents, truncate=truncate)
        return tuple(
            StepCapture(step, timestep, preview, decoded.get(step))
            for step, timestep, preview in self.previews
        )


def check_finite(values: Any, where: str) -> None:
    """Refuse NaN or infinite values (a torch tensor or numpy array) with the likely causes: an
    image made of them is black or noise, and no evidence of anything."""
    import torch

    finite = (
        bool(torch.isfinite(values).all())
        if isinstance(values, torch.Tensor)
        else bool(np.isfinite(values).all())
    )
    if not finite:
        raise ModelError(
            f"the model produced non-finite values (NaN/Inf) at {where}: the weights or the LoRA "
            "may be corrupt, or the guidance or LoRA scale is too large (float16 can also "
            "overflow: try --dtype float32); nothing was stored"
        )


# Working memory of a generation beyond the loaded weights, estimated from its size before it
# starts: the VAE decoder's full-resolution stage (its first block's channels at every output
# pixel, about VAE_ALIVE such tensors alive at once) and the denoiser's latent-resolution stage
# (its first level's channels at every latent position, CFG's batch of two, about
# DENOISER_ALIVE tensors). Attention is taken as memory-efficient (PyTorch's SDPA kernels).
VAE_ALIVE = 6
DENOISER_ALIVE = 8
GIB = 1024**3


def working_memory(model: LoadedModel, params: GenerationParams) -> int:
    """Bytes a generation of `params` is estimated to need on top of the model's weights."""
    from workstation.engine.loading import DTYPE_BYTES

    pipe = model.pipe
    width, height = params.width, params.height
    if params.hires is not None:
        width, height = max(width, params.hires.width), max(height, params.hires.height)
    scale = getattr(pipe, "vae_scale_factor", 8) or 8
    vae_channels = pipe.vae.config.block_out_channels[0]
    denoiser = getattr(pipe, "unet", None) or pipe.transformer
    config = denoiser.config
    if "block_out_channels" in config:
        channels, positions = config.block_out_channels[0], (width // scale) * (height // scale)
    else:  # a transformer over 2×2 patches of the latent
        channels = config.num_attention_heads * config.attention_head_dim
        positions = (width // scale // 2) * (height // scale // 2)
    pixels = width * height
    values = vae_channels * pixels * VAE_ALIVE + channels * positions * 2 * DENOISER_ALIVE
    return values * DTYPE_BYTES[model.dtype]


def check_working_memory(model: LoadedModel, params: GenerationParams) -> int:
    """The estimate; a ModelError before anything runs when the device has not that much free."""
    from workstation.engine.loading import available_memory

    needed, free = working_memory(model, params), available_memory(model.device)
    if needed > free:
        raise ModelError(
            f"{params.width}×{params.height} needs about {needed / GIB:.1f} GiB of working "
            f"memory on {model.device} ({model.dtype}), {free / GIB:.1f} GiB is free; choose a "
            f"smaller size (the model's native size is {model.native_size}×{model.native_size})"
        )
    return needed


def _own_latent_rgb(model: LoadedModel) -> dict[str, Any] | None:
    """`latent_rgb.json` in a diffusers folder: {"factors": 4×3, "bias": 3}."""
    import json

    path = Path(model.info.path) / "latent_rgb.json"
    if model.info.format != "diffusers" or not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def decode_latents(
    pipe: Any, latents: dict[int, Any], *, truncate: bool = False
) -> dict[int, Image.Image]:
    """Full VAE decode of captured latents, the same way the pipeline decodes its result.
    `truncate`: 8 bits as A1111 and ComfyUI make them (`uint8(255·x)`), not diffusers' rounding."""
    return {
        step: vae_codec.decode(pipe, latent, truncate=truncate) for step, latent in latents.items()
    }


def _record(
    model: LoadedModel,
    params: GenerationParams,
    init: InitImage | None,
    sampling: dict[str, Any],
    loras: list,
    image: Image.Image,
    steps_run: int,
    threads: int,
) -> dict[str, Any]:
    import diffusers
    import torch
    import transformers

    info = model.info
    device_name = (
        torch.cuda.get_device_name(model.device)
        if model.device.startswith("cuda")
        else (platform.processor() or platform.machine())
    )
    return {
        "schema": RECORD_SCHEMA,
        "mode": "img2img" if init else "txt2img",
        "params": params.to_dict(),
        "model": {
            "path": info.path,
            "name": info.name,
            "format": info.format,
            "kind": info.kind,
            "architecture": info.architecture,
            "size": info.size,
            "sha256": info.sha256,
            "autov2": info.autov2,
            "autov1": info.autov1,
            "prediction_type": model.prediction_type,
            "family": model.family.kind,
            # the separate files a transformer-only model was completed with, hashed as loaded
            **(
                {
                    "components": [
                        {"path": part.path, "kind": part.kind, "sha256": part.sha256}
                        for part in model.components
                    ]
                }
                if model.components
                else {}
            ),
        },
        "loras": [
            {
                "path": lora.path,
                "name": Path(lora.path).stem,
                "scale": scale,
                **(
                    {"text_encoder_scale": spec.text_encoder_scale}
                    if spec.text_encoder_scale is not None
                    else {}
                ),
                "sha256": lora.sha256,
                "addnet": lora.addnet,
                "detail": lora.detail,
            }
            for (lora, scale), spec in zip(loras, params.loras, strict=True)
        ],
        "init_image": None
        if init is None
        else {
            "path": params.init_image,
            "sha256": init.sha256,
            "original_size": list(init.original_size),
            "resized": init.original_size != (params.width, params.height),
        },
        # how the denoising ran: the engine's own scheduler, or the generator's convention
        **_sampling_fields(sampling),
        "steps_run": steps_run,
        "image": {
            "width": image.width,
            "height": image.height,
            "rgb_sha256": hashlib.sha256(image.convert("RGB").tobytes()).hexdigest(),
        },
        "environment": {
            "device": model.device,
            "device_name": device_name,
            "dtype": model.dtype,
            **({"offload": model.offload} if model.offload else {}),
            "rng": sampling.get("rng", f"{params.noise} ({params.convention})"),
            "deterministic_algorithms": torch.are_deterministic_algorithms_enabled(),
            # CPU float sums depend on how the work is split: same count, same bits.
            "torch_threads": threads,
            "torch": torch.__version__,
            "diffusers": diffusers.__version__,
            "transformers": transformers.__version__,
            "python": platform.python_version(),
            "platform": platform.platform(),
            "software": f"workstation {__version__}",
        },
    }


def _sampling_fields(sampling: dict[str, Any]) -> dict[str, Any]:
    """The engine's own runs name their diffusers scheduler ("scheduler", as records always
    have); a peer convention's run states its sampler, sigmas and noise ("sampling")."""
    if sampling["convention"] != "workstation":
        return {"sampling": sampling}
    fields = {"scheduler": sampling["scheduler"]}
    if "conditioning" in sampling:  # a weighted prompt syntax
        fields["sampling"] = {"convention": "workstation", "conditioning": sampling["conditioning"]}
    if "refiner" in sampling:  # where every convention's record names its refiner
        fields.setdefault("sampling", {"convention": "workstation"})["refiner"] = sampling[
            "refiner"
        ]
    return fields


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)
