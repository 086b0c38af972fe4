"""What an image says about how it was made: frozen result types for the CLI, GUI and report."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from pathlib import Path
from types import UnionType
from typing import Any, Union, get_args, get_origin, get_type_hints

from workstation.analysis.provenance.values import strip_extra_networks
from workstation.core.errors import InputError
from workstation.core.params import GenerationParams, HiresSpec, LoraSpec, RefinerSpec
from workstation.engine.samplers import canonical_name

Pairs = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class RawField:
    """One metadata field exactly as read. `note` says how bytes were decoded when not per spec."""

    source: str  # "PNG tEXt", "PNG iTXt", "EXIF Exif IFD", "XMP", "JPEG COM", ...
    key: str
    value: str
    note: str = ""


@dataclass(frozen=True)
class LoraRef:
    """A LoRA named in the metadata. Scales are None when the metadata gives none."""

    name: str
    scale: float | None = None  # weight on the UNet (ComfyUI strength_model, A1111 unet)
    text_encoder_scale: float | None = None  # ComfyUI strength_clip, A1111 te
    hash: str | None = None  # as recorded: A1111 12-hex "addnet", Fooocus SHA-256, InvokeAI blake3
    source: str = ""  # where it was found: "prompt tag", "Lora hashes", "LoraLoader node 12", ...


@dataclass(frozen=True)
class PeerSettings:
    """How the generator itself ran the recipe, in its own vocabulary, for generators whose
    sampling the engine follows exactly (see `GenerationParams.convention`)."""

    convention: str  # "a1111" or "comfyui"
    sampler: str  # the generator's own sampler name ("DPM++ 2M", "dpmpp_2m")
    scheduler: str = ""  # its schedule name; "" = the sampler's default
    prompt_syntax: str = "plain"
    noise: str = "cpu"
    eta_noise_seed_delta: int = 0
    subseed: int | None = None
    subseed_strength: float = 0.0
    batch_size: int = 1
    hires: HiresSpec | None = None
    # SDXL refiner, as A1111 writes it ("Refiner: name [AutoV2]", "Refiner switch at: 0.8")
    refiner: str | None = None  # the file's name as recorded (no extension)
    refiner_hash: str | None = None  # A1111's short hash: the first 10 hex of its SHA-256
    refiner_switch_at: float | None = None
    refiner_switch_by: str = "sigma"  # "steps": "Refiner switch by sampling steps" / before 1.8
    refused: tuple[str, ...] = ()  # settings recorded that the engine cannot follow, by name


@dataclass(frozen=True)
class ModelRef:
    """A model file a recipe names, with what it did: "checkpoint", "unet", "refiner", "vae",
    "clip", "lora", "upscaler", "detailer", "controlnet", "embedding", ..."""

    role: str
    name: str
    hash: str | None = None  # as recorded (A1111 short hash, InvokeAI blake3, ...); None = none
    source: str = ""  # where it was found: "CheckpointLoaderSimple node 4", "Refiner", ...


@dataclass(frozen=True)
class Stage:
    """One sampling pass as the generator recorded it; a recipe's stages are in the order they ran.

    `role`: "base" (the first pass: txt2img, img2img or inpaint), "refiner" (SDXL hand-over to a
    second model), "hires" (upscale + second pass), "detailer" (A1111 ADetailer, a face/hand
    re-pass), "pass" (another sampler the walk could not place). Steps are the generator's own:
    `steps` is the length of the schedule, `start_step`/`end_step` the part this pass ran
    (KSamplerAdvanced; end exclusive, None = to the end).
    """

    role: str
    source: str  # "KSamplerAdvanced node 10", "Hires upscale", "ADetailer 1st", ...
    sampler: str | None = None  # the generator's own sampler name
    scheduler: str | None = None
    steps: int | None = None
    start_step: int | None = None
    end_step: int | None = None
    cfg: float | None = None
    seed: int | None = None
    denoise: float | None = None
    model: str | None = None  # the model file this pass sampled with
    add_noise: bool | None = None  # KSamplerAdvanced add_noise
    return_with_leftover_noise: bool | None = None
    mode: str | None = None  # "txt2img", "img2img" or "inpaint" for the base stage
    width: int | None = None
    height: int | None = None
    settings: Pairs = ()  # everything else, in the generator's own names, values as text


@dataclass(frozen=True)
class WatermarkReading:
    """One invisible-watermark decode of the pixels: the bits read against one known message.

    `matched` of `length` bits agree with the message; `reading` is the detector's published
    reading of that count ("detected", "not detected", "inconclusive"). Absence proves nothing
    (re-encoding, resizing or cropping erases it) and anyone can add one.
    """

    method: str  # "dwtDct" (the invisible-watermark package)
    message: str  # the message as the code base embeds it, e.g. "StableDiffusionV1"
    used_by: str  # who embeds it: "Stable Diffusion 1.x/2.x reference scripts", "SDXL (sgm)"
    bits: str  # the decoded bits as "0"/"1" text
    matched: int
    length: int
    reading: str
    rule: str = ""  # the published rule the reading follows, in words


@dataclass(frozen=True)
class Recipe:
    """The generation settings one generator recorded, in A1111's vocabulary where one exists.

    `sampler` is an A1111 sampler name that says the whole sampler + schedule ("DPM++ 2M Karras"),
    or None when no such name exists; `sampler_recorded` keeps the generator's own words.
    `settings` holds every parsed field in the generator's own names, values as text.
    """

    generator: str
    source: str  # which field it was read from, e.g. 'PNG tEXt "parameters"'
    prompt: str | None = None
    negative: str | None = None
    seed: int | None = None
    steps: int | None = None
    cfg: float | None = None
    sampler: str | None = None
    sampler_recorded: str | None = None
    schedule: str | None = None
    width: int | None = None
    height: int | None = None
    model_name: str | None = None
    model_hash: str | None = None
    vae: str | None = None
    loras: tuple[LoraRef, ...] = ()
    embeddings: Pairs = ()  # (name, hash) of textual inversions
    clip_skip: int | None = None  # A1111 meaning: 1 = last CLIP layer
    denoising_strength: float | None = None
    mode: str | None = None  # "txt2img" or "img2img" when the metadata says
    hires: Pairs = ()
    refiner: Pairs = ()
    generator_version: str | None = None
    settings: Pairs = ()
    peer: PeerSettings | None = None  # set when the engine can follow the generator's sampling
    stages: tuple[Stage, ...] = ()  # every sampling pass in run order; () = single-pass readers
    models: tuple[ModelRef, ...] = ()  # every model file named, with its role
    # Fields whose value the file does not state but the reader inferred: (field name as above,
    # how). Every other field that is set was recorded in the file.
    inferred: Pairs = ()

    def is_inferred(self, name: str) -> bool:
        return any(field_name == name for field_name, _ in self.inferred)

    @property
    def model_hash_kind(self) -> str | None:
        return hash_kind(self.model_hash)

    def to_generation_params(
        self,
        model_path: str | Path,
        *,
        lora_paths: Mapping[str, str | Path] | None = None,
        init_image: str | Path | None = None,
        device: str = "auto",
        dtype: str = "auto",
        refiner_path: str | Path | None = None,
    ) -> GenerationParams:
        """The engine request that re-runs this recipe once its files are found.

        `lora_paths` maps each LoRA's recorded name to its file; `refiner_path` is the refiner's
        file when the recipe hands over to one. Refuses (InputError) when the
        metadata lacks a setting the engine needs, rather than filling in a default silently.
        """
        sized_by_input = (
            init_image is not None and self.peer is not None and self.peer.convention == "comfyui"
        )
        missing = [
            name
            for name, value in (
                ("prompt", self.prompt),
                ("seed", self.seed),
                ("steps", self.steps),
                ("CFG scale", self.cfg),
                ("width", self.width or sized_by_input or None),
                ("height", self.height or sized_by_input or None),
            )
            if value is None
        ]
        if missing:
            raise InputError(f"the {self.generator} metadata does not record: {', '.join(missing)}")
        peer = self.peer
        if peer is not None and peer.refused:
            raise InputError(f"the recipe uses {'; '.join(peer.refused)}, which the engine lacks")
        if peer is None and (self.hires or self.refiner):
            raise InputError("the recipe has a hires-fix or refiner pass, which the engine lacks")
        if peer is None and self.sampler is None:
            raise InputError(
                f"the recorded sampler {self.sampler_recorded!r} has no A1111 equivalent the "
                "engine can run"
            )
        lora_paths = lora_paths or {}
        unresolved = [lora.name for lora in self.loras if lora.name not in lora_paths]
        if unresolved:
            raise InputError(f"no file given for LoRA(s): {', '.join(unresolved)}")
        specs = []
        for lora in self.loras:
            if lora.scale is None:
                raise InputError(f"the metadata records no scale for LoRA {lora.name}")
            te_scale = lora.text_encoder_scale
            specs.append(
                LoraSpec(
                    path=str(lora_paths[lora.name]),
                    scale=lora.scale,
                    # the text encoders' own scale, when the generator gave them another
                    text_encoder_scale=None if te_scale in (None, lora.scale) else te_scale,
                )
            )

        strength = None
        if self.mode == "img2img":
            if init_image is None:
                raise InputError("this is an img2img recipe: give the init image")
            strength = self.denoising_strength
        elif init_image is not None:
            raise InputError("an init image was given, but the metadata records txt2img")

        prompt = self.prompt
        if self.generator in ("AUTOMATIC1111", "Workstation"):
            prompt = strip_extra_networks(prompt)  # A1111 strips <lora:…> before encoding
        width, height = self.width, self.height
        if width is None and init_image is not None and peer and peer.convention == "comfyui":
            width, height = _image_size(init_image)  # ComfyUI samples at the input's own size
        refiner = None
        if peer is not None and peer.refiner is not None:
            if refiner_path is None:
                raise InputError(f"no file given for the refiner {peer.refiner}")
            if peer.refiner_switch_at is None:
                raise InputError("the metadata records a refiner but no 'Refiner switch at'")
            refiner = RefinerSpec(
                str(refiner_path), peer.refiner_switch_at, switch_by=peer.refiner_switch_by
            )
        common = {
            "model": str(model_path),
            "prompt": prompt,
            "negative": self.negative or "",
            "seed": self.seed,
            "steps": self.steps,
            "cfg": self.cfg,
            "width": width,
            "height": height,
            "loras": tuple(specs),
            "init_image": None if init_image is None else str(init_image),
            "strength": strength,
            "clip_skip": 1 if self.clip_skip is None else self.clip_skip,
            "device": device,
            "dtype": dtype,
        }
        if peer is None:
            # InvokeAI ≥ 3 samples with diffusers' schedulers (the engine's own convention)
            # and reads its prompts with compel
            syntax = "invokeai" if "invokeai_metadata" in self.source else "plain"
            sampler = canonical_name(self.sampler)
            return GenerationParams(**common, sampler=sampler, prompt_syntax=syntax)
        params = GenerationParams(
            **common,
            sampler=peer.sampler,
            convention=peer.convention,
            scheduler=peer.scheduler,
            prompt_syntax=peer.prompt_syntax,
            noise=peer.noise,
            eta_noise_seed_delta=peer.eta_noise_seed_delta,
            subseed=peer.subseed,
            subseed_strength=peer.subseed_strength,
            batch_size=peer.batch_size,
            hires=peer.hires,
            refiner=refiner,
        )
        # a sampler or schedule the convention lacks is the recipe's problem, whatever the
        # model folder holds
        from workstation.engine.generate import sampler_name

        sampler_name(params)
        return params


def _image_size(path: str | Path) -> tuple[int, int]:
    from PIL import Image

    try:
        with Image.open(path) as image:
            return image.size
    except OSError as error:
        raise InputError(f"{path}: cannot read init image ({error})") from None


@dataclass(frozen=True)
class ExifSummary:
    make: str | None = None
    model: str | None = None
    lens: str | None = None
    software: str | None = None
    artist: str | None = None
    copyright: str | None = None
    description: str | None = None
    date_time: str | None = None  # when the file was last changed (DateTime)
    date_time_original: str | None = None  # when the picture was taken
    date_time_digitized: str | None = None
    user_comment: str | None = None
    has_gps: bool = False


@dataclass(frozen=True)
class XmpSummary:
    creator_tool: str | None = None
    digital_source_type: str | None = None  # IPTC, e.g. …/digitalsourcetype/trainedAlgorithmicMedia
    provenance: str | None = None  # dcterms:provenance: where a remote C2PA manifest lives
    create_date: str | None = None
    description: str | None = None
    # IPTC Photo Metadata 2025.1 generative-AI properties (Iptc4xmpExt)
    ai_system_used: str | None = None
    ai_system_version_used: str | None = None
    ai_prompt_information: str | None = None
    ai_prompt_writer_name: str | None = None


@dataclass(frozen=True)
class C2paAction:
    action: str  # "c2pa.created", "c2pa.edited", ...
    digital_source_type: str | None = None
    software_agent: str | None = None
    when: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class C2paIngredient:
    title: str | None = None
    relationship: str | None = None  # "parentOf", "componentOf", "inputTo"
    format: str | None = None
    manifest: str | None = None  # label of the ingredient's own manifest in the store, if any
    validation_state: str | None = None
    validation_status: Pairs = ()  # (code, explanation)


@dataclass(frozen=True)
class C2paManifest:
    """One manifest of the store; the active one first."""

    label: str
    claim_generator: str | None = None
    title: str | None = None
    format: str | None = None
    signer: str | None = None
    issuer: str | None = None
    signed_at: str | None = None
    algorithm: str | None = None
    actions: tuple[C2paAction, ...] = ()
    ingredients: tuple[C2paIngredient, ...] = ()
    validation_status: Pairs = ()  # (code, explanation) of this manifest's results
    active: bool = False


@dataclass(frozen=True)
class C2paInfo:
    """Content Credentials as c2pa-python reports them, read offline.

    `status`: "embedded" (manifest read and validated), "remote" (the file points to a manifest on
    a server; reported with its URL and never fetched), "error" (present but unreadable), or
    "unavailable" (c2pa-python missing).
    """

    status: str
    claim_generator: str | None = None
    title: str | None = None
    assertions: Pairs = ()  # (label, data as JSON text)
    digital_source_types: tuple[str, ...] = ()
    signer: str | None = None  # certificate common name
    issuer: str | None = None
    signed_at: str | None = None
    algorithm: str | None = None
    validation_state: str | None = None  # "Invalid", "Valid" or "Trusted"
    validation_status: Pairs = ()  # (code, explanation) of problems found
    remote_url: str | None = None
    error: str | None = None
    manifest_store: str | None = None  # the full manifest store JSON, verbatim
    manifests: tuple[C2paManifest, ...] = ()  # every manifest, the active one first
    # The tool that made the content: the c2pa.created action with an AI digitalSourceType,
    # searched through the ingredients (e.g. "Adobe Firefly" under a Photoshop edit).
    generated_by: str | None = None
    # "trusted" (signer chains to a bundled trust anchor), "untrusted" (valid signature, signer
    # not on the bundled list), "invalid", or None when not evaluated
    trust: str | None = None
    trust_anchors: str | None = None  # which bundled list was used
    # the hard binding (c2pa.hash.data/bmff/boxes) against the bytes: "matches", "mismatch",
    # or None when the manifest has none
    hard_binding: str | None = None


@dataclass(frozen=True)
class ImageMetadata:
    path: str
    sha256: str
    size: int
    format: str  # "PNG", "JPEG", "WEBP", another Pillow format name, or "unknown"
    width: int | None
    height: int | None
    generator: str  # "Workstation", "AUTOMATIC1111", "ComfyUI", "InvokeAI", "NovelAI", "Fooocus",
    # "C2PA", "none"
    recipes: tuple[Recipe, ...] = ()  # the generator's first; more when several tools left one
    exif: ExifSummary | None = None
    xmp: XmpSummary | None = None
    c2pa: C2paInfo | None = None
    raw: tuple[RawField, ...] = ()
    warnings: tuple[str, ...] = field(default=())
    watermarks: tuple[WatermarkReading, ...] = ()  # one per known message tried

    @property
    def recipe(self) -> Recipe | None:
        return self.recipes[0] if self.recipes else None

    def to_generation_params(self, model_path: str | Path, **kwargs: Any) -> GenerationParams:
        """`Recipe.to_generation_params` for the main recipe; InputError when there is none."""
        if self.recipe is None:
            raise InputError(f"{self.path}: no generation settings found in the metadata")
        return self.recipe.to_generation_params(model_path, **kwargs)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for recipe in data["recipes"]:
            recipe["model_hash_kind"] = hash_kind(recipe["model_hash"])
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ImageMetadata:
        """The metadata `to_dict` wrote (a stored provenance record); keys a later version added
        are ignored and fields it lacks keep their defaults, so old records read back."""
        return _build(cls, data)


def _build(kind: Any, value: Any) -> Any:
    """`value` (JSON-like) as an instance of the annotated type `kind`."""
    if value is None:
        return None
    origin, args = get_origin(kind), get_args(kind)
    if origin in (Union, UnionType):
        options = [a for a in args if a is not type(None)]
        return _build(options[0], value) if len(options) == 1 else value
    if is_dataclass(kind):
        hints = get_type_hints(kind)
        known = {f.name for f in fields(kind) if f.init}
        return kind(**{k: _build(hints[k], v) for k, v in dict(value).items() if k in known})
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_build(args[0], item) for item in value)
        return tuple(_build(a, item) for a, item in zip(args, value, strict=False))
    return value


def hash_kind(value: str | None) -> str | None:
    """Name the kind of a recorded model hash by its shape (A1111 writes no label)."""
    if not value:
        return None
    text = value.strip().lower()
    if text.startswith("blake3:"):
        return "BLAKE3"
    if not re.fullmatch(r"[0-9a-f]+", text):
        return None
    return {8: "AutoV1", 10: "AutoV2", 12: "addnet", 64: "SHA-256"}.get(len(text))
