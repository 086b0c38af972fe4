"""Load a base model offline: a diffusers folder, a single-file checkpoint, a weights-only pickle.

Nothing is fetched: diffusers gets `local_files_only=True` and, for single files, the shipped
architecture config folder and a CLIP tokenizer built from open_clip's vocabulary.

The hashes a record gives for a model or LoRA are of the bytes loaded: the file is hashed (never
taken from the listing cache), loaded, and refused if its `stamp` changed in between. Before a
record names it again, `LoadedModel.check_files` re-checks the stamp (and re-hashes on a change).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from workstation.core.errors import InputError, ModelError
from workstation.engine.architectures import BY_NAME, Architecture, clip_tokenizer
from workstation.engine.hashing import FolderStamp, Stamp, compute_hashes, folder_sha256, stamp
from workstation.engine.library import ModelInfo, inspect

BASE_KINDS = ("SD1.x", "SD2.x", "SDXL")
# What diffusers and transformers raise for files whose content does not fit the architecture.
LOAD_ERRORS = (ValueError, RuntimeError, OSError, KeyError, IndexError, TypeError)


@dataclass(frozen=True)
class LoadedLora:
    info: ModelInfo  # hashed from the bytes when it was loaded
    adapter: str
    stamp: Stamp  # the file's, taken before it was hashed

    @property
    def path(self) -> str:
        return self.info.path

    @property
    def sha256(self) -> str:
        return self.info.sha256

    @property
    def addnet(self) -> str | None:
        return self.info.addnet

    @property
    def detail(self) -> str:
        return self.info.detail


@dataclass
class LoadedModel:
    """A pipeline on a device, plus what the record needs to say about it."""

    info: ModelInfo  # hashed from the bytes when it was loaded
    arch: Architecture | None
    pipe: Any
    device: str
    dtype: str
    base_scheduler_config: dict[str, Any]
    stamp: Stamp | FolderStamp  # the file's (or folder's), taken before it was hashed
    loras: dict[str, LoadedLora] = field(default_factory=dict)  # adapter name -> LoRA
    _img2img: Any = None

    @property
    def context_dim(self) -> int | None:
        return self.info.context_dim

    @property
    def native_size(self) -> int:
        if self.arch is None:
            return 512
        if self.arch.name == "sd2" and self.prediction_type == "epsilon":
            return 512  # SD 2.x "base" models
        return self.arch.native_size

    @property
    def prediction_type(self) -> str:
        return self.base_scheduler_config.get("prediction_type", "epsilon")

    def changed_on_disk(self) -> bool:
        """Whether the model's file (or folder) may no longer hold the bytes it was loaded from."""
        try:
            return stamp(self.info.path) != self.stamp
        except ModelError:  # gone
            return True

    def check_files(self, loras: bool = True) -> None:
        """Before a record names them: the model's (and active LoRAs') files still hold the bytes
        that were hashed and loaded. Weights may still be memory-mapped from those files."""
        self.stamp = still_loaded(self.info.path, self.info.sha256, self.stamp)
        for name, lora in list(self.loras.items()) if loras else ():
            self.loras[name] = replace(lora, stamp=still_loaded(lora.path, lora.sha256, lora.stamp))

    def img2img_pipe(self) -> Any:
        """An img2img pipeline sharing this model's weights (and loaded LoRAs)."""
        if self._img2img is None:
            from diffusers import AutoPipelineForImage2Image

            self._img2img = AutoPipelineForImage2Image.from_pipe(self.pipe)
            self._img2img.set_progress_bar_config(disable=True)
        return self._img2img


def resolve_device(name: str) -> str:
    import torch

    kind = name.split(":")[0]
    if kind == "auto":
        if torch.cuda.is_available():
            return "cuda"
        if torch.backends.mps.is_available():
            return "mps"
        return "cpu"
    if kind == "cuda" and not torch.cuda.is_available():
        raise InputError("device cuda was asked for, but no CUDA GPU is available")
    if kind == "mps" and not torch.backends.mps.is_available():
        raise InputError("device mps was asked for, but Apple MPS is not available")
    return name


def resolve_dtype(name: str, device: str) -> str:
    if name == "auto":
        return "float32" if device == "cpu" else "float16"
    if name == "float16" and device == "cpu":
        raise InputError("float16 is not supported on the CPU; use float32 or bfloat16")
    return name


def quiet_libraries() -> None:
    """Progress bars and load reports from diffusers/transformers are noise in our output."""
    import diffusers
    import transformers

    diffusers.utils.logging.set_verbosity_error()
    diffusers.utils.logging.disable_progress_bar()
    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    logging.getLogger("transformers").setLevel(logging.ERROR)


def load_model(path: str | Path, device: str = "auto", dtype: str = "auto") -> LoadedModel:
    import torch

    path = Path(path)
    # 1. Know what the file is before any library reads it. inspect() opens pickles only with
    #    torch's weights-only unpickler and reports a refused one as the file's problem. Its
    #    hashes are read now, between two stamps: the record's hash is of the bytes loaded.
    before = stamp(path)
    info = inspect(path)
    if info.problem:
        raise ModelError(f"{path}: {info.problem}")
    if info.kind not in BASE_KINDS:
        raise ModelError(f"{path}: this is a {info.kind} file ({info.detail}), not a base model")
    arch = BY_NAME.get(info.architecture) if info.architecture else None
    if arch is None and info.format != "diffusers":
        raise ModelError(f"{path}: unsupported model ({info.detail})")
    device = resolve_device(device)
    dtype = resolve_dtype(dtype, device)
    torch_dtype = getattr(torch, dtype)
    quiet_libraries()

    # 2. Build the pipeline.
    try:
        if info.format == "diffusers":
            pipe = _load_folder(path, torch_dtype)
        else:
            pipe = _load_single_file(path, arch, torch_dtype)
    except LOAD_ERRORS as error:
        what = arch.label if arch else "a diffusers model"
        raise ModelError(f"{path}: cannot load as {what}: {first_line(error)}") from None
    confirm_stamp(path, before)

    # 3. SD 2.x checkpoints come as epsilon (512 "base") or v-prediction (768): test which.
    # Every value explicit: diffusers otherwise lets a new scheduler class substitute its own
    # defaults for values the file left out, so the same weights would sample differently when
    # loaded from a folder (whose saved config spells out every value) than from a single file.
    scheduler_config = {
        k: v for k, v in pipe.scheduler.config.items() if k != "_use_default_values"
    }
    if arch is not None and arch.name == "sd2" and info.format != "diffusers":
        v_prediction = uses_v_prediction(pipe.unet)
        scheduler_config["prediction_type"] = "v_prediction" if v_prediction else "epsilon"
        pipe.scheduler = type(pipe.scheduler).from_config(scheduler_config)

    pipe.to(device)
    pipe.set_progress_bar_config(disable=True)
    return LoadedModel(info, arch, pipe, device, dtype, scheduler_config, before)


def confirm_stamp(path: str | Path, before: Stamp | FolderStamp) -> None:
    """After loading: the file is as it was when hashed, so the hash is of the bytes loaded."""
    if stamp(path) != before:
        raise ModelError(f"{path} changed on disk while it was being loaded")


def still_loaded(path: str | Path, sha256: str, loaded: Stamp | FolderStamp) -> Stamp | FolderStamp:
    """The file's stamp now, if it still holds the bytes hashed as `sha256`: an unchanged stamp
    says so cheaply; a changed one (touched, copied back) is re-hashed."""
    now = stamp(path)
    if now == loaded:
        return now
    current = folder_sha256(path) if Path(path).is_dir() else compute_hashes(path).sha256
    if stamp(path) != now or current != sha256:
        raise ModelError(
            f"{path} changed on disk after it was loaded (SHA-256 {sha256[:12]}… when loaded, "
            f"{current[:12]}… now); load it again"
        )
    return now


def _load_folder(path: Path, torch_dtype: Any) -> Any:
    import json

    import diffusers

    index = json.loads((path / "model_index.json").read_text(encoding="utf-8"))
    pipeline_class = getattr(diffusers, index["_class_name"])
    extra = (
        {"add_watermarker": False}
        if "XL" in index["_class_name"]
        else {"safety_checker": None, "requires_safety_checker": False}
    )
    return pipeline_class.from_pretrained(
        path, local_files_only=True, use_safetensors=True, dtype=torch_dtype, **extra
    )


def _load_single_file(path: Path, arch: Architecture, torch_dtype: Any) -> Any:
    import diffusers

    pipeline_class = getattr(diffusers, arch.pipeline)
    components: dict[str, Any] = {"tokenizer": clip_tokenizer(arch.config_dir / "tokenizer")}
    if (arch.config_dir / "tokenizer_2").is_dir():
        components["tokenizer_2"] = clip_tokenizer(arch.config_dir / "tokenizer_2")
    if arch.pipeline == "StableDiffusionXLPipeline":
        components["add_watermarker"] = False
    else:
        components["safety_checker"] = None
    return pipeline_class.from_single_file(
        str(path),
        config=str(arch.config_dir),
        local_files_only=True,
        dtype=torch_dtype,
        **components,
    )


def uses_v_prediction(unet: Any) -> bool:
    """A1111's test: a v-prediction SD 2.x UNet pushes this constant input strongly negative."""
    import torch

    parameter = next(unet.parameters())
    with torch.no_grad():
        x = torch.full((1, 4, 8, 8), 0.5, device=parameter.device, dtype=parameter.dtype)
        context = torch.full(
            (1, 2, unet.config.cross_attention_dim), 0.5, device=x.device, dtype=x.dtype
        )
        out = unet(x, torch.tensor([999], device=x.device), encoder_hidden_states=context).sample
    return (out - x).float().mean().item() < -1


def first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0][:300]
