"""Load a base model offline: a diffusers folder, a single-file checkpoint, a weights-only pickle.

Nothing is fetched: diffusers gets `local_files_only=True` and, for single files, the shipped
architecture config folder and tokenizers (CLIP from open_clip's vocabulary, T5 shipped).
What a model needs comes from its family (engine/families/): SD 1.x/2.x/XL, SD 3.5, Flux.1.
SD 3.5 and Flux.1 load from a diffusers folder, an all-in-one single file (transformer, text
encoders and VAE, as ComfyUI saves them), or a transformer-only file plus a diffusers folder for
the rest, or with the separate text-encoder and VAE files (`components`).

Memory is estimated before loading (parameter bytes from the file headers plus a margin for
activations): on the CPU a dtype that will not fit is refused with the need, what is free, and
whether bfloat16 would fit; on CUDA a model larger than free VRAM runs with sequential CPU
offload, and the LoadedModel says so.

The hashes a record gives for a model or LoRA are of the bytes loaded: the file is hashed (never
taken from the listing cache), loaded, and refused if its `stamp` changed in between. Before a
record names it again, `LoadedModel.check_files` re-checks the stamp (and re-hashes on a change).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from workstation.core.errors import InputError, ModelError
from workstation.engine.architectures import BY_NAME, Architecture, clip_tokenizer, t5_tokenizer
from workstation.engine.families import BASE_KINDS, BY_KIND, FAMILIES, REFINER_KINDS, Family
from workstation.engine.families.sd1 import FAMILY as SD1
from workstation.engine.hashing import FolderStamp, Stamp, compute_hashes, folder_sha256, stamp
from workstation.engine.library import ModelInfo, folder_configs, inspect
from workstation.engine.safetensors_header import read_header

DTYPE_BYTES = {"float32": 4, "float16": 2, "bfloat16": 2}
GIB = 1024**3
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
    memory: MemoryEstimate | None = None  # what loading it was expected to need
    offload: str | None = None  # "sequential CPU offload" when the model did not fit the GPU
    # What gave a transformer-only file its text encoders and VAE (a diffusers folder, or the
    # component files): part of what was loaded, so the record names and hashes them too.
    components: tuple[ModelInfo, ...] = ()
    components_stamps: tuple[Stamp | FolderStamp, ...] = ()
    # SDXL refiners loaded to take over this model's runs, by the path the params gave
    refiners: dict[str, LoadedModel] = field(default_factory=dict)
    _img2img: Any = None

    @property
    def family(self) -> Family:
        if self.arch is not None:
            return BY_KIND[self.arch.kind]
        return BY_KIND.get(self.info.kind, SD1)

    @property
    def context_dim(self) -> int | None:
        return self.info.context_dim

    @property
    def native_size(self) -> int:
        if self.arch is None:
            return self.family.native_size
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
        self.components_stamps = tuple(
            still_loaded(part.path, part.sha256, before)
            for part, before in zip(self.components, self.components_stamps, strict=True)
        )
        for name, lora in list(self.loras.items()) if loras else ():
            self.loras[name] = replace(lora, stamp=still_loaded(lora.path, lora.sha256, lora.stamp))

    def img2img_pipe(self) -> Any:
        """An img2img pipeline sharing this model's weights (and loaded LoRAs)."""
        if self._img2img is None:
            import diffusers

            pipeline_class = getattr(diffusers, self.family.img2img_pipeline)
            self._img2img = pipeline_class.from_pipe(self.pipe)
            self._img2img.set_progress_bar_config(disable=True)
        return self._img2img


@dataclass(frozen=True)
class MemoryEstimate:
    """What a model needs on a device, in bytes, and what the device has free."""

    parameters: int  # weights at the dtype they will be held in
    activations: int  # margin for activations, VAE decode and the library's copies
    available: int
    device: str
    dtype: str

    @property
    def needed(self) -> int:
        return self.parameters + self.activations

    @property
    def fits(self) -> bool:
        return self.needed <= self.available

    def describe(self) -> str:
        return (
            f"{self.dtype} needs about {self.needed / GIB:.1f} GiB on {self.device}, "
            f"{self.available / GIB:.1f} GiB is free"
        )


def parameter_count(info: ModelInfo) -> int:
    """Number of weights in a model file or diffusers folder, from the safetensors headers (a
    pickle's from its shapes)."""
    import math

    if info.format == "diffusers":
        files = sorted(Path(info.path).glob("*/*.safetensors"))
    elif info.format == "safetensors":
        files = [Path(info.path)]
    else:
        from workstation.engine.library import pickle_shapes

        return sum(math.prod(shape) for shape in pickle_shapes(Path(info.path)).values())
    return sum(
        math.prod(tensor.shape) for file in files for tensor in read_header(file).tensors.values()
    )


def available_memory(device: str) -> int:
    """Bytes free for a model on `device`: available RAM, or free VRAM on CUDA."""
    import torch

    if device.startswith("cuda"):
        return torch.cuda.mem_get_info(torch.device(device))[0]
    import psutil

    return psutil.virtual_memory().available


def estimate_memory(
    info: ModelInfo, dtype: str, device: str, extra_parameters: int = 0
) -> MemoryEstimate:
    """Memory a model will need before it is loaded: its weights at `dtype` plus a margin for
    activations (a quarter of the weights, at least 1 GiB for full-size models)."""
    parameters = (parameter_count(info) + extra_parameters) * DTYPE_BYTES[dtype]
    activations = max(parameters // 4, min(GIB, parameters))
    return MemoryEstimate(parameters, activations, available_memory(device), device, dtype)


def check_memory(info: ModelInfo, dtype: str, device: str, extra: int = 0) -> MemoryEstimate:
    """The estimate; on the CPU a ModelError when it does not fit (with the smaller dtype that
    would). The dtype is never changed here: the user chooses it."""
    memory = estimate_memory(info, dtype, device, extra)
    if memory.fits or not device.startswith("cpu"):
        return memory
    smaller = estimate_memory(info, "bfloat16", device, extra) if dtype == "float32" else None
    hint = (
        f"; --dtype bfloat16 would fit ({smaller.needed / GIB:.1f} GiB)"
        if smaller and smaller.fits
        else "; it does not fit in bfloat16 either"
        if smaller
        else ""
    )
    raise ModelError(f"{info.path}: too large for this machine: {memory.describe()}{hint}")


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


def load_model(
    path: str | Path,
    device: str = "auto",
    dtype: str = "auto",
    components: str | Path | Sequence[str | Path] | None = None,
    refiner: bool = False,
) -> LoadedModel:
    """`components`: what a transformer-only single file (SD 3.5, Flux.1) lacks (text encoders,
    VAE): a diffusers folder of the same family, or the separate files (CLIP-L, CLIP-G, T5-XXL,
    VAE as ComfyUI keeps them), listed or in a folder. `refiner`: load an SDXL refiner (which is
    never a base model; a base is never a refiner)."""
    import torch

    path = Path(path)
    # 1. Know what the file is before any library reads it. inspect() opens pickles only with
    #    torch's weights-only unpickler and reports a refused one as the file's problem. Its
    #    hashes are read now, between two stamps: the record's hash is of the bytes loaded.
    before = stamp(path)
    info = inspect(path)
    if info.problem:
        raise ModelError(f"{path}: {info.problem}")
    if refiner and info.kind not in REFINER_KINDS:
        raise ModelError(f"{path}: this is a {info.kind} file ({info.detail}), not a refiner")
    if not refiner and info.kind in REFINER_KINDS:
        raise ModelError(
            f"{path}: this is an {info.kind} ({info.detail}); it only takes over an SDXL base's "
            "denoising (name it as the refiner)"
        )
    if not refiner and info.kind not in BASE_KINDS:
        raise ModelError(f"{path}: this is a {info.kind} file ({info.detail}), not a base model")
    arch = BY_NAME.get(info.architecture) if info.architecture else None
    if arch is None and info.format != "diffusers":
        raise ModelError(f"{path}: unsupported model ({info.detail})")
    befores = _stamps(components)
    parts = _components(path, info, arch, components)
    if not parts and "transformer only" in info.detail:
        raise ModelError(
            f"{path}: holds only the {info.kind} transformer ({info.detail}); load it together "
            "with a diffusers folder of the same model for the text encoders and VAE"
        )
    device = resolve_device(device)
    dtype = resolve_dtype(dtype, device)
    torch_dtype = getattr(torch, dtype)

    # 2. Will it fit? Refused on the CPU before anything is read; offloaded on a small GPU.
    extra = sum(parameter_count(part) for part in parts)
    memory = check_memory(info, dtype, device, extra)
    quiet_libraries()

    # 3. Build the pipeline.
    try:
        if info.format == "diffusers":
            pipe = _load_folder(path, torch_dtype)
        elif parts and parts[0].format == "diffusers":
            pipe = _load_transformer_file(path, arch, parts[0], torch_dtype)
        elif parts:
            pipe = _load_flow_single_file(path, arch, torch_dtype, parts)
        else:
            pipe = _load_single_file(path, arch, torch_dtype)
    except LOAD_ERRORS as error:
        what = arch.label if arch else "a diffusers model"
        raise ModelError(f"{path}: cannot load as {what}: {first_line(error)}") from None
    confirm_stamp(path, before)
    for part in parts:
        confirm_stamp(part.path, befores[part.path])

    # 4. SD 2.x checkpoints come as epsilon (512 "base") or v-prediction (768): test which.
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

    offload = None
    if memory.fits or not device.startswith("cuda"):
        pipe.to(device)
    else:  # weights stay in RAM; each submodule visits the GPU when it runs
        pipe.enable_sequential_cpu_offload(device=device)
        offload = "sequential CPU offload"
    pipe.set_progress_bar_config(disable=True)
    return LoadedModel(
        info,
        arch,
        pipe,
        device,
        dtype,
        scheduler_config,
        before,
        memory=memory,
        offload=offload,
        components=parts,
        components_stamps=tuple(befores[part.path] for part in parts),
    )


def _stamps(components: Any) -> dict[str, Stamp | FolderStamp]:
    """Stamps of the component files or folder, taken before they are hashed."""
    if components is None:
        return {}
    if isinstance(components, (str, Path)):
        folder = Path(components)
        if (folder / "model_index.json").is_file() or not folder.is_dir():
            return {str(folder): stamp(folder)}
        files = sorted(folder.glob("*.safetensors"))
    else:
        files = [Path(file) for file in components]
    return {str(file): stamp(file) for file in files}


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
    import diffusers

    index, _, _ = folder_configs(path)  # checked again: the folder may have changed since
    family = next((f for f in FAMILIES if index["_class_name"] in f.folder_pipelines), None)
    if family is None:
        raise ModelError(f"{path}: pipeline {index['_class_name']} is not supported")
    pipeline_class = getattr(diffusers, index["_class_name"])
    return pipeline_class.from_pretrained(
        path,
        local_files_only=True,
        use_safetensors=True,
        dtype=torch_dtype,
        **family.pipeline_options,
    )


def tokenizers(arch: Architecture) -> dict[str, Any]:
    """The tokenizers a single file of this architecture needs, built offline."""
    found = {}
    for name in ("tokenizer", "tokenizer_2", "tokenizer_3"):
        folder = arch.config_dir / name
        if not folder.is_dir():
            continue
        settings = json.loads((folder / "tokenizer_config.json").read_text(encoding="utf-8"))
        if settings.get("tokenizer_class", "").startswith("T5"):
            found[name] = t5_tokenizer(settings["model_max_length"])
        else:
            found[name] = clip_tokenizer(folder)
    return found


def _load_single_file(path: Path, arch: Architecture, torch_dtype: Any) -> Any:
    import diffusers

    family = BY_KIND[arch.kind]
    if family.transformer_keys is not None:
        return _load_flow_single_file(path, arch, torch_dtype)
    pipeline_class = getattr(diffusers, family.txt2img_pipeline)
    return pipeline_class.from_single_file(
        str(path),
        config=str(arch.config_dir),
        local_files_only=True,
        dtype=torch_dtype,
        **tokenizers(arch),
        **family.pipeline_options,
    )


# Where an all-in-one SD 3.5 / Flux.1 file keeps each text encoder (ComfyUI's checkpoint layout).
TEXT_ENCODER_PREFIXES = {
    "CLIPTextModel": "text_encoders.clip_l.transformer.",
    "CLIPTextModelWithProjection": "text_encoders.clip_l.transformer.",
    "T5EncoderModel": "text_encoders.t5xxl.transformer.",
}
CLIP_G_PREFIX = "text_encoders.clip_g.transformer."
FLOW_TRANSFORMER_PREFIX = "model.diffusion_model."
FLOW_VAE_PREFIX = "first_stage_model."
# What ComfyUI saves beside its text encoders and no diffusers model holds.
COMFY_EXTRAS = (".logit_scale", ".position_ids")


def _load_flow_single_file(
    path: Path, arch: Architecture, torch_dtype: Any, parts: tuple[ModelInfo, ...] = ()
) -> Any:
    """An all-in-one SD 3.5 / Flux.1 file (or a transformer file and the component files in
    `parts`): each component built from the shipped config and loaded strictly from its tensors
    (our own key maps: diffusers' single-file code assumes full-size Flux)."""
    state = _read_flow_file(path)
    if not any(key.startswith(FLOW_TRANSFORMER_PREFIX) for key in state):
        state = {FLOW_TRANSFORMER_PREFIX + key: tensor for key, tensor in state.items()}
    for part in parts:
        prefix = COMPONENT_PREFIXES[_component_kind(part)]
        for key, tensor in _read_flow_file(Path(part.path)).items():
            if prefix + key in state:
                raise ValueError(f"{part.path}: a second {_component_kind(part)} ({key})")
            state[prefix + key] = tensor
    return _build_flow_pipeline(state, arch, torch_dtype)


def _read_flow_file(path: Path) -> dict[str, Any]:
    from safetensors.torch import load_file

    state = load_file(path)
    if "scaled_fp8" in state:
        raise ValueError("scaled fp8 weights (ComfyUI's scaled_fp8 format) are not supported")
    for key in [k for k in state if k.endswith(COMFY_EXTRAS)]:
        del state[key]
    return state


def _build_flow_pipeline(state: dict[str, Any], arch: Architecture, torch_dtype: Any) -> Any:
    import diffusers
    from diffusers.loaders.single_file_utils import convert_ldm_vae_checkpoint

    family = BY_KIND[arch.kind]
    index = json.loads((arch.config_dir / "model_index.json").read_text(encoding="utf-8"))
    transformer = _flow_transformer(
        arch, _take(state, FLOW_TRANSFORMER_PREFIX), torch_dtype, index["transformer"][1]
    )
    components: dict[str, Any] = {"transformer": transformer}
    for name in ("text_encoder", "text_encoder_2", "text_encoder_3"):
        if name not in index:
            continue
        class_name = index[name][1]
        prefix = CLIP_G_PREFIX if name == "text_encoder_2" and "CLIP" in class_name else None
        prefix = prefix or TEXT_ENCODER_PREFIXES[class_name]
        components[name] = _text_encoder(arch, name, class_name, _take(state, prefix), torch_dtype)
    vae_class = diffusers.AutoencoderKL
    vae_config = vae_class.load_config(arch.config_dir / "vae")
    vae_state = convert_ldm_vae_checkpoint(_take(state, FLOW_VAE_PREFIX), vae_config)
    with _empty_weights():
        vae = vae_class.from_config(vae_config)
    components["vae"] = _strict(vae, vae_state, "VAE", torch_dtype)
    if state:
        raise ValueError(f"unexpected tensors: {', '.join(sorted(state)[:3])}")
    scheduler_class = getattr(diffusers, index["scheduler"][1])
    components["scheduler"] = scheduler_class.from_config(
        scheduler_class.load_config(arch.config_dir / "scheduler")
    )
    pipeline_class = getattr(diffusers, family.txt2img_pipeline)
    return pipeline_class(**components, **tokenizers(arch))


def _take(state: dict[str, Any], prefix: str) -> dict[str, Any]:
    """The tensors under `prefix`, without it, removed from `state`."""
    found = {key[len(prefix) :]: state.pop(key) for key in list(state) if key.startswith(prefix)}
    if not found:
        raise ValueError(f"no tensors under {prefix!r}")
    return found


def _flow_transformer(
    arch: Architecture, state: dict[str, Any], torch_dtype: Any, class_name: str
) -> Any:
    import diffusers

    from workstation.engine.families.base import to_diffusers

    model_class = getattr(diffusers, class_name)
    with _empty_weights():
        model = model_class.from_config(model_class.load_config(arch.config_dir / "transformer"))
    keys = BY_KIND[arch.kind].transformer_keys(dict(model.config))
    shapes = {name: tuple(tensor.shape) for name, tensor in model.state_dict().items()}
    return _strict(model, to_diffusers(state, keys, shapes), "transformer", torch_dtype)


def _text_encoder(
    arch: Architecture, name: str, class_name: str, state: dict[str, Any], torch_dtype: Any
) -> Any:
    import transformers

    model_class = getattr(transformers, class_name)
    with _empty_weights():
        model = model_class(model_class.config_class.from_pretrained(arch.config_dir / name))
    if class_name == "T5EncoderModel":  # stored once, as `shared.weight`
        state.setdefault("encoder.embed_tokens.weight", state.get("shared.weight"))
    if class_name == "CLIPTextModel":  # a CLIP-L saved with its projection: not used
        state.pop("text_projection.weight", None)
    own = model.state_dict()
    if not any(key.startswith("text_model.") for key in own):  # transformers 5 drops the prefix
        state = {key.removeprefix("text_model."): tensor for key, tensor in state.items()}
    return _strict(model, state, f"{name} ({class_name})", torch_dtype)


def _strict(model: Any, state: dict[str, Any], what: str, torch_dtype: Any) -> Any:
    """Load every weight of `model` from `state`, nothing missing, nothing left over."""
    own = model.state_dict()
    missing = sorted(set(own) - set(state))
    unexpected = sorted(set(state) - set(own))
    if missing or unexpected:
        names = ", ".join((missing or unexpected)[:3])
        raise ValueError(f"{what}: {'missing' if missing else 'unexpected'} tensors {names}")
    for name, tensor in state.items():
        if tuple(tensor.shape) != tuple(own[name].shape):
            raise ValueError(
                f"{what}: {name} has shape {tuple(tensor.shape)}, expected {tuple(own[name].shape)}"
            )
    # Each weight in storage of its own (a split of a fused qkv would otherwise be a view at an
    # offset, and the kernels' results can depend on alignment): the same bits on every load.
    fresh = {}
    for name in list(state):
        tensor = state.pop(name)
        dtype = torch_dtype if tensor.is_floating_point() else tensor.dtype
        fresh[name] = tensor.to(dtype, copy=True)
    model.load_state_dict(fresh, strict=True, assign=True)
    if hasattr(model, "tie_weights"):  # T5: `shared` and the encoder's embedding are one
        model.tie_weights()
    return model.to(torch_dtype).eval()


def _empty_weights() -> Any:
    """Build a model without allocating (or randomly initialising) its weights: they come from
    the file. Buffers stay real (rotary tables, position ids)."""
    from accelerate import init_empty_weights

    return init_empty_weights(include_buffers=False)


# Separate component files (as ComfyUI keeps them in models/text_encoders and models/vae), by
# what their tensors say they are, and where an all-in-one file would hold them.
COMPONENT_PREFIXES = {
    "clip-l": "text_encoders.clip_l.transformer.",
    "clip-g": "text_encoders.clip_g.transformer.",
    "t5-xxl": "text_encoders.t5xxl.transformer.",
    "vae": FLOW_VAE_PREFIX,
}


def _component_kind(part: ModelInfo) -> str:
    """clip-l, clip-g, t5-xxl or vae, from the file's tensor names and widths."""
    shapes = read_header(part.path).shapes
    if "encoder.block.0.layer.0.SelfAttention.q.weight" in shapes:
        return "t5-xxl"
    if "decoder.conv_in.weight" in shapes and "encoder.conv_in.weight" in shapes:
        return "vae"
    width = (shapes.get("text_model.final_layer_norm.weight") or (0,))[0]  # 0-D: no width
    if width:  # OpenCLIP bigG is 1280 wide, OpenAI's ViT-L 768 (tiny test models narrower)
        return "clip-g" if width == 1280 else "clip-l"
    raise ModelError(f"{part.path}: not a CLIP-L, CLIP-G, T5-XXL or VAE file ({part.detail})")


def _components(
    path: Path, info: ModelInfo, arch: Architecture | None, components: Any
) -> tuple[ModelInfo, ...]:
    """What completes a transformer-only file, inspected (hashed): a diffusers folder of the same
    family, or its text-encoder and VAE files (a list of files, or a folder of them)."""
    if components is None:
        return ()
    if info.format == "diffusers" or arch is None or BY_KIND[arch.kind].sampling != "flow":
        raise ModelError(f"{path}: components are only for SD 3.5 / Flux.1 transformer files")
    if isinstance(components, (str, Path)) and (Path(components) / "model_index.json").is_file():
        rest = inspect(components)
        if rest.problem or rest.kind != info.kind:
            raise ModelError(
                f"{components}: not a diffusers {info.kind} folder ({rest.problem or rest.detail})"
            )
        return (rest,)
    if isinstance(components, (str, Path)):
        folder = Path(components)
        if not folder.is_dir():
            raise ModelError(f"{folder}: not a diffusers folder or a folder of component files")
        files = sorted(folder.glob("*.safetensors"))
    else:
        files = [Path(file) for file in components]
    parts = tuple(inspect(file) for file in files)
    for part in parts:
        if part.problem:
            raise ModelError(f"{part.path}: {part.problem}")
    kinds = sorted(_component_kind(part) for part in parts)
    family = BY_KIND[arch.kind]
    needed = sorted({*family.text_encoders, *(() if _has_vae(path) else ("vae",))})
    if kinds != needed:
        raise ModelError(
            f"{path}: {family.kind} needs {', '.join(needed)} beside its transformer; "
            f"the component files given hold {', '.join(kinds) or 'nothing usable'}"
        )
    return parts


def _has_vae(path: Path) -> bool:
    return any(name.startswith(FLOW_VAE_PREFIX) for name in read_header(path).shapes)


def _load_transformer_file(
    path: Path, arch: Architecture, rest: ModelInfo, torch_dtype: Any
) -> Any:
    """The transformer from a single file (in its makers' layout), the rest from a diffusers
    folder of the same family."""
    import diffusers
    from safetensors.torch import load_file

    family = BY_KIND[arch.kind]
    index = json.loads((arch.config_dir / "model_index.json").read_text(encoding="utf-8"))
    state = load_file(path)
    if any(key.startswith(FLOW_TRANSFORMER_PREFIX) for key in state):
        state = _take(state, FLOW_TRANSFORMER_PREFIX)
    transformer = _flow_transformer(arch, state, torch_dtype, index["transformer"][1])
    pipeline_class = getattr(diffusers, family.txt2img_pipeline)
    return pipeline_class.from_pretrained(
        rest.path,
        transformer=transformer,
        local_files_only=True,
        use_safetensors=True,
        dtype=torch_dtype,
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
    lines = text.splitlines()
    # diffusers' and transformers' lazy imports put the real failure after this first line
    if "look up to see its traceback" in lines[0] and len(lines) > 1:
        return f"{lines[0].split(' because ')[0]}: {lines[-1].strip()}"[:300]
    return lines[0][:300]
