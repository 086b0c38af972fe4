"""Reproduce a disputed image from its own metadata, and measure how close the result is.

1. Read the image's metadata. Our engine's PNGs carry the full generation record (`workstation`
   chunk, with full SHA-256s); it is preferred over the A1111-style `parameters` text. Any other
   generator's recipe (A1111, ComfyUI, InvokeAI, …) is used as `read_metadata` parsed it.
2. Find the checkpoint and the LoRAs in a model folder by the hashes the metadata records
   (SHA-256, AutoV2 = its first 10 hex, AutoV1, the addnet LoRA hash or its first 12 hex), the
   file name only when no hash matches; every match says which way it was made.
3. Regenerate with the engine.
4. Compare with the disputed image: pixel difference statistics, the exact-match flag, and the
   full `PairReport`.

`plan_reproduction` does 1–2 (fast: it hashes files through the listing cache, loads nothing);
`regenerate` does 3–4, and the hashes it records are of the bytes it loaded: a file that no
longer has the hash it was found by is refused. Missing models leave `plan.params` None and are
listed in `plan.missing` with the hashes that were looked for.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from workstation.analysis.casefile import figure_label, write_outputs
from workstation.analysis.images import LoadedImage, load_image
from workstation.analysis.pair import PairReport, compare_images
from workstation.analysis.provenance import ImageMetadata, Recipe, read_metadata
from workstation.analysis.provenance.result import hash_kind
from workstation.analysis.structure import CHANGED_LEVEL
from workstation.core import records
from workstation.core.case import Case
from workstation.core.errors import InputError, ModelError
from workstation.core.params import GenerationParams, LoraSpec
from workstation.engine.hashing import HashCache
from workstation.engine.library import ModelInfo, scan
from workstation.engine.loading import BASE_KINDS, REFINER_KINDS, LoadedModel
from workstation.engine.pngmeta import RECORD_KEY
from workstation.engine.runtime import Runtime
from workstation.engine.stored import schema_fields

if TYPE_CHECKING:
    from workstation.analysis.clip import ClipModel
    from workstation.engine.generate import GenerationResult

SCHEMA = "workstation.reproduction/1"
WORKSTATION_RECORD = "workstation record"
MODEL_SUFFIXES = (".safetensors", ".ckpt", ".pt", ".pth", ".bin")
ProgressCallback = Callable[[int, int, Any], None]  # legacy form, see Runtime.from_callbacks


@dataclass(frozen=True)
class ModelMatch:
    """One model the metadata names, what was looked for, and what was found."""

    role: str  # "checkpoint", "LoRA" or "refiner"
    name: str | None  # as recorded
    looked_for: tuple[tuple[str, str], ...]  # (hash kind, value) in the order tried
    scale: float | None = None  # LoRAs
    matched_by: str | None = None  # "SHA-256", "AutoV2", "AutoV1", "addnet", "name"; None: missing
    path: str | None = None
    sha256: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def found(self) -> bool:
        return self.path is not None

    @property
    def by_hash(self) -> bool:
        return self.matched_by not in (None, "name")

    def describe_wanted(self) -> str:
        hashes = ", ".join(f"{kind} {value}" for kind, value in self.looked_for)
        return f"{self.name or '(no name)'}" + (f" [{hashes}]" if hashes else " [no hash recorded]")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["looked_for"] = [{"kind": kind, "value": value} for kind, value in self.looked_for]
        data["found"] = self.found
        return data


@dataclass(frozen=True)
class Plan:
    metadata: ImageMetadata
    source: str  # WORKSTATION_RECORD, or the recipe's source ('PNG tEXt "parameters"', …)
    generator: str
    models_dir: str
    models_scanned: int
    matches: tuple[ModelMatch, ...]
    params: GenerationParams | None  # None while a model is missing
    record: dict[str, Any] | None  # our engine's record, when the image carries one
    notes: tuple[str, ...] = ()

    @property
    def missing(self) -> list[ModelMatch]:
        return [match for match in self.matches if not match.found]

    def to_dict(self) -> dict[str, Any]:
        return {
            "disputed": {
                "path": self.metadata.path,
                "sha256": self.metadata.sha256,
                "format": self.metadata.format,
                "size": [self.metadata.width, self.metadata.height],
            },
            "source": self.source,
            "generator": self.generator,
            "models_dir": self.models_dir,
            "models_scanned": self.models_scanned,
            "matches": [match.to_dict() for match in self.matches],
            "missing": len(self.missing),
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class PixelDifference:
    """How the regenerated pixels differ from the disputed ones (8-bit RGB, both normalised the
    same way by `load_image`). Statistics are None when the sizes differ."""

    same_size: bool
    disputed_size: tuple[int, int]
    regenerated_size: tuple[int, int]
    exact_match: bool
    identical_fraction: float | None = None  # pixels equal in every channel
    changed_fraction: float | None = None  # pixels with a channel differing > CHANGED_LEVEL
    mean_abs: float | None = None  # mean |Δ| over channels, 0–255
    max_abs: int | None = None
    rmse: float | None = None
    psnr_db: float | None = None  # None when identical (infinite)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["changed_level"] = CHANGED_LEVEL
        return data


def pixel_difference(disputed: np.ndarray, regenerated: np.ndarray) -> PixelDifference:
    size_a = (int(disputed.shape[1]), int(disputed.shape[0]))
    size_b = (int(regenerated.shape[1]), int(regenerated.shape[0]))
    if size_a != size_b:
        return PixelDifference(False, size_a, size_b, False)
    delta = np.abs(disputed.astype(np.int16) - regenerated.astype(np.int16))
    per_pixel = delta.max(axis=2)
    mse = float((delta.astype(np.float64) ** 2).mean())
    return PixelDifference(
        same_size=True,
        disputed_size=size_a,
        regenerated_size=size_b,
        exact_match=not per_pixel.any(),
        identical_fraction=round(float((per_pixel == 0).mean()), 6),
        changed_fraction=round(float((per_pixel > CHANGED_LEVEL).mean()), 6),
        mean_abs=round(float(delta.mean()), 4),
        max_abs=int(per_pixel.max()),
        rmse=round(mse**0.5, 4),
        psnr_db=None if mse == 0 else round(10 * float(np.log10(255.0**2 / mse)), 3),
    )


@dataclass(frozen=True)
class Reproduction:
    plan: Plan
    params: GenerationParams  # as completed by the engine
    record: dict[str, Any]  # the engine's generation record of the regeneration
    output: Path  # the regenerated PNG (with its record)
    pixels: PixelDifference
    report: PairReport
    notes: tuple[str, ...] = field(default=())

    @property
    def exact_match(self) -> bool:
        return self.pixels.exact_match

    def to_dict(self) -> dict[str, Any]:
        """The record payload: the plan, the verdict, and the regeneration's generation record
        at the top level (so the report's generation views and model list read it as one)."""
        generation = {k: v for k, v in self.record.items() if k != "schema"}
        return {
            "schema": SCHEMA,
            "title": f"Reproduction of {Path(self.plan.metadata.path).name}",
            **self.plan.to_dict(),
            "exact_match": self.exact_match,
            "pixels": self.pixels.to_dict(),
            "notes": list(self.plan.notes + self.notes),
            "generation_schema": self.record.get("schema"),
            **generation,
            "comparison": self.report.to_dict(),
        }


# 1. Reading the recipe and finding the models


def plan_reproduction(
    image: str | Path,
    models_dir: str | Path,
    *,
    init_image: str | Path | None = None,
    device: str = "auto",
    dtype: str = "auto",
    cache: HashCache | None = None,
) -> Plan:
    """What to run and with which files. InputError when the metadata cannot drive a re-run."""
    metadata = read_metadata(image)
    record, notes = _embedded_record(metadata)
    own = cache is None
    cache = cache or HashCache()
    try:
        models = scan(models_dir, cache)
    finally:
        if own:
            cache.save()
    checkpoints = [m for m in models if m.kind in BASE_KINDS]
    loras = [m for m in models if m.kind == "LoRA"]
    refiners = [m for m in models if m.kind in REFINER_KINDS]

    if record is not None:
        source, generator = WORKSTATION_RECORD, record.get("environment", {}).get("software", "")
        wanted_model, wanted_loras = _wanted_from_record(record)
        wanted_refiner = _refiner_from_record(record)
    else:
        recipe = metadata.recipe
        if recipe is None:
            raise InputError(f"{metadata.path}: the metadata records no generation settings")
        source, generator = recipe.source, recipe.generator
        wanted_model, wanted_loras = _wanted_from_recipe(recipe, notes)
        wanted_refiner = _refiner_from_recipe(recipe, notes)
    matches = (
        _match(wanted_model, checkpoints),
        *(_match(wanted, loras) for wanted in wanted_loras),
        *(() if wanted_refiner is None else (_match(wanted_refiner, refiners),)),
    )

    # Build the params even with a model missing: a recipe the engine cannot run is a user error
    # (exit 2) whatever the model folder holds. Missing files get a placeholder path.
    paths = [m.path or f"<missing {m.role} {m.name}>" for m in matches]
    if record is not None:
        params = _params_from_record(record, matches, paths, init_image, device, dtype)
    else:
        lora_paths = {
            m.name: path for m, path in zip(matches[1:], paths[1:], strict=True) if m.role == "LoRA"
        }
        refiner_paths = [
            path for m, path in zip(matches, paths, strict=True) if m.role == "refiner"
        ]
        params = metadata.recipe.to_generation_params(
            paths[0],
            lora_paths=lora_paths,
            init_image=init_image,
            device=device,
            dtype=dtype,
            refiner_path=refiner_paths[0] if refiner_paths else None,
        )
        if params.prompt_syntax != "plain":
            found = find_embeddings(metadata.recipe, models_dir, notes)
            params = params.replace(embeddings=tuple(str(path) for path in found))
    if init_image is not None and not Path(init_image).is_file():
        raise InputError(f"{init_image}: init image not found")
    missing = any(not m.found for m in matches)
    return Plan(
        metadata=metadata,
        source=source,
        generator=generator,
        models_dir=str(Path(models_dir).absolute()),
        models_scanned=len(models),
        matches=matches,
        params=None if missing else params,
        record=record,
        notes=tuple(notes),
    )


_COMFY_EMBEDDING = re.compile(r"embedding:([^\s,()\[\]]+)")


def find_embeddings(recipe: Recipe, models_dir: str | Path, notes: list[str]) -> list[Path]:
    """Textual-inversion files the recipe names, found in the model folder by file stem: A1111's
    "TI hashes" (name: first 12 hex of the file's SHA-256, checked) and ComfyUI's
    `embedding:name`. A missing one is noted: the generator reads its name as text then."""
    from workstation.engine.prompts.embeddings import EXTENSIONS

    wanted = dict(recipe.embeddings)
    for text in (recipe.prompt or "", recipe.negative or ""):
        for name in _COMFY_EMBEDDING.findall(text):
            wanted.setdefault(_strip_suffix(name), "")
    if not wanted:
        return []
    files: dict[str, Path] = {}
    for path in sorted(Path(models_dir).rglob("*")):
        if path.suffix.lower() in EXTENSIONS and path.is_file():
            files.setdefault(path.stem, path)
    found = []
    for name, short in wanted.items():
        path = files.get(name)
        if path is None:
            notes.append(
                f"embedding {name!r} is not in the model folder; its name is encoded as text"
            )
            continue
        if short:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            if not digest.startswith(short.lower()):
                notes.append(
                    f"embedding {name}: {path} has SHA-256 {digest[:12]}…, not the recorded {short}"
                )
        found.append(path)
    return found


def _strip_suffix(name: str) -> str:
    for suffix in (".safetensors", ".pt", ".bin"):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name


def _embedded_record(metadata: ImageMetadata) -> tuple[dict[str, Any] | None, list[str]]:
    notes: list[str] = []
    for raw in metadata.raw:
        if raw.key == RECORD_KEY and raw.source.startswith("PNG"):
            try:
                record = json.loads(raw.value)
                GenerationParams.from_dict(record["params"])
                if not isinstance(record["model"]["sha256"], str):
                    raise TypeError("model.sha256 is not text")
                return record, notes
            except (ValueError, KeyError, TypeError, InputError) as error:
                notes.append(
                    f"the image's {RECORD_KEY} record is unusable ({type(error).__name__}: "
                    f"{str(error)[:120]}); the other metadata was used"
                )
    return None, notes


def _wanted_from_record(record: dict[str, Any]) -> tuple[ModelMatch, list[ModelMatch]]:
    model = record["model"]
    hashes = [("SHA-256", model["sha256"])]
    if model.get("autov2"):
        hashes.append(("AutoV2", model["autov2"]))
    wanted_model = ModelMatch("checkpoint", model.get("name"), tuple(hashes))
    wanted_loras = []
    for lora in record.get("loras", []):
        hashes = [("SHA-256", lora["sha256"])]
        if lora.get("addnet"):
            hashes.append(("addnet", lora["addnet"]))
        wanted_loras.append(ModelMatch("LoRA", lora.get("name"), tuple(hashes), lora.get("scale")))
    return wanted_model, wanted_loras


def _refiner_from_record(record: dict[str, Any]) -> ModelMatch | None:
    """The SDXL refiner our own record names (sampling.refiner), by SHA-256 then AutoV2."""
    refiner = record.get("sampling", {}).get("refiner")
    if not refiner:
        return None
    hashes = [("SHA-256", refiner["sha256"])]
    if refiner.get("autov2"):
        hashes.append(("AutoV2", refiner["autov2"]))
    return ModelMatch("refiner", Path(refiner["model"]).stem, tuple(hashes))


def _refiner_from_recipe(recipe: Recipe, notes: list[str]) -> ModelMatch | None:
    """A1111's "Refiner: name [short hash]": the short hash is AutoV2 (10 hex of the SHA-256)."""
    peer = recipe.peer
    if peer is None or peer.refiner is None:
        return None
    value = peer.refiner_hash
    kind = hash_kind(value)
    if value and kind not in ("AutoV2", "SHA-256", "AutoV1"):
        notes.append(f"refiner: the recorded hash {value!r} cannot be computed here; by name only")
        value = None
    return ModelMatch("refiner", peer.refiner, ((kind, value),) if value else ())


def _wanted_from_recipe(recipe: Recipe, notes: list[str]) -> tuple[ModelMatch, list[ModelMatch]]:
    def hashes(value: str | None, what: str, kinds: dict[str, tuple[str, ...]]) -> tuple:
        kind = hash_kind(value)
        if value and kind not in kinds:
            notes.append(
                f"{what}: the recorded hash {value!r} ({kind or 'unrecognised form'}) cannot be "
                "computed here; matched by name only"
            )
            return ()
        return tuple((name, value.strip().lower()) for name in kinds[kind]) if value else ()

    model_kinds = {"SHA-256": ("SHA-256",), "AutoV2": ("AutoV2",), "AutoV1": ("AutoV1",)}
    # A1111 writes the LoRA's addnet hash (12 hex); Fooocus the file's SHA-256 (64 hex, which
    # could also be a full addnet hash, so both are tried).
    lora_kinds = {
        "addnet": ("addnet",),
        "SHA-256": ("SHA-256", "addnet"),
        "AutoV2": ("AutoV2",),
        "AutoV1": ("AutoV1",),
    }
    wanted_model = ModelMatch(
        "checkpoint",
        recipe.model_name,
        hashes(recipe.model_hash, "checkpoint", model_kinds),
    )
    wanted_loras = [
        ModelMatch(
            "LoRA", lora.name, hashes(lora.hash, f"LoRA {lora.name}", lora_kinds), lora.scale
        )
        for lora in recipe.loras
    ]
    return wanted_model, wanted_loras


def _has_hash(info: ModelInfo, kind: str, value: str) -> bool:
    value = value.lower()
    if kind == "SHA-256":
        return info.sha256 == value
    if kind == "AutoV2":
        return info.autov2 == value
    if kind == "AutoV1":
        return info.autov1 == value
    return bool(info.addnet) and info.addnet.startswith(value)  # addnet: full or first 12 hex


def _stem(name: str) -> str:
    """A recorded model name as a comparable file stem: no folder, no model suffix, lower case."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    for suffix in MODEL_SUFFIXES:
        if base.lower().endswith(suffix):
            base = base[: -len(suffix)]
    return base.lower()


def _match(wanted: ModelMatch, candidates: Sequence[ModelInfo]) -> ModelMatch:
    notes = []
    for kind, value in wanted.looked_for:
        hits = [info for info in candidates if _has_hash(info, kind, value)]
        usable = [info for info in hits if not info.problem]
        notes += [
            f"{info.path} has this {kind} but cannot be used: {info.problem}"
            for info in hits
            if info.problem
        ]
        if usable:
            if len(usable) > 1:
                notes.append(f"{len(usable)} files have this {kind}; the first was used")
            info = usable[0]
            return _found(wanted, kind, info, notes)
    if wanted.name:
        named = [
            info
            for info in candidates
            if not info.problem and _stem(info.name) == _stem(wanted.name)
        ]
        if named:
            info = named[0]
            if wanted.looked_for:
                kind, value = wanted.looked_for[0]
                notes.append(
                    f"no file has the recorded {kind} {value}; matched by name only — the file "
                    f"found has SHA-256 {info.sha256[:12]}…, so it is not the recorded file"
                )
            if len(named) > 1:
                notes.append(f"{len(named)} files have this name; the first was used")
            return _found(wanted, "name", info, notes)
    return ModelMatch(**{**asdict(wanted), "notes": tuple(notes)})


def _found(wanted: ModelMatch, how: str, info: ModelInfo, notes: list[str]) -> ModelMatch:
    return ModelMatch(
        role=wanted.role,
        name=wanted.name,
        looked_for=wanted.looked_for,
        scale=wanted.scale,
        matched_by=how,
        path=info.path,
        sha256=info.sha256,
        notes=tuple(notes),
    )


def _params_from_record(
    record: dict[str, Any],
    matches: Sequence[ModelMatch],
    paths: Sequence[str],
    init_image: str | Path | None,
    device: str,
    dtype: str,
) -> GenerationParams:
    recorded = GenerationParams.from_dict(record["params"])
    if recorded.is_img2img and init_image is None:
        raise InputError(
            "the image was made by img2img: give its init image (--init); the record names "
            f"{recorded.init_image} with SHA-256 {recorded.init_sha256}"
        )
    if not recorded.is_img2img and init_image is not None:
        raise InputError("an init image was given, but the record says txt2img")
    model_match = matches[0]
    lora_matches = [m for m in matches[1:] if m.role == "LoRA"]
    lora_paths = [path for m, path in zip(matches[1:], paths[1:], strict=True) if m.role == "LoRA"]
    refiner = recorded.refiner
    for match, path in zip(matches, paths, strict=True):
        if match.role == "refiner" and refiner is not None:
            sha256 = refiner.model_sha256 if match.by_hash else None
            refiner = replace(refiner, model=path, model_sha256=sha256)
    # A file matched by name only is a different file: the recorded SHA-256 would refuse it.
    return recorded.replace(
        model=paths[0],
        model_sha256=recorded.model_sha256 if model_match.by_hash else None,
        loras=tuple(
            LoraSpec(path, spec.scale, spec.sha256 if match.by_hash else None)
            for spec, match, path in zip(recorded.loras, lora_matches, lora_paths, strict=True)
        ),
        refiner=refiner,
        init_image=None if init_image is None else str(Path(init_image).absolute()),
        device=device,
        dtype=dtype,
    )


def recorded_init_hash(metadata: ImageMetadata) -> str | None:
    """A1111's "Init image hash": the MD5 of the init image's pixels as it was handed over
    (PIL `tobytes()`, written when A1111 saves init images). Other generators record none."""
    recipe = metadata.recipe
    value = dict(recipe.settings).get("Init image hash") if recipe else None
    return value.strip().lower() if value and len(value.strip()) == 32 else None


def find_init_image(case: Case, md5: str) -> Path | None:
    """The case's image whose pixels have A1111's init-image MD5, in RGB or RGBA (A1111's
    img2img box hands over RGBA, scripts and the API often RGB); None when none has it."""
    from PIL import Image

    for artifact in case.artifacts():
        if not artifact.media_type.startswith("image/"):
            continue
        path = case.object_path(artifact.sha256)
        try:
            with Image.open(path) as opened:
                opened.load()
                modes = {opened.mode, "RGB", "RGBA"}
                for mode in modes:
                    pixels = opened if opened.mode == mode else opened.convert(mode)
                    if hashlib.md5(pixels.tobytes()).hexdigest() == md5:
                        return path
        except OSError:
            continue
    return None


# 2. Regenerating and comparing


def regenerate(
    plan: Plan,
    output: str | Path,
    *,
    clip_model: ClipModel | None = None,
    runtime: Runtime | None = None,
    on_progress: ProgressCallback | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> Reproduction:
    """Run the plan's params, write the result to `output` (PNG with its record), compare.
    On the CPU the recorded thread count overrides the runtime's for the generation.
    `on_progress(step, total, preview)`/`is_cancelled`: the legacy form of the runtime's."""
    from workstation.engine.loading import load_model
    from workstation.engine.lora import apply_loras
    from workstation.engine.pngmeta import save_png

    if plan.params is None:
        missing = "; ".join(m.describe_wanted() for m in plan.missing)
        raise InputError(f"not in the model folder: {missing}")
    params = plan.params
    runtime = Runtime.from_callbacks(runtime, on_progress, is_cancelled)
    # 1. Load and generate (only the final image is decoded), on the CPU with the recorded
    #    number of threads: CPU float sums depend on how the work is split.
    model = load_model(params.model, device=params.device, dtype=params.dtype)
    apply_loras(model, params.loras)  # hashed now, to check the matches; generate() reuses them
    if params.refiner is not None:  # loaded (and hashed) once; generate() reuses it
        from workstation.engine.peer_run import load_refiner

        load_refiner(model, params.refiner)
    plan = _as_loaded(plan, model)
    threads = (plan.record or {}).get("environment", {}).get("torch_threads")
    recorded = model.device == "cpu" and isinstance(threads, int) and threads > 0
    run = runtime.with_threads(threads) if recorded else runtime
    disputed = load_image(plan.metadata.path)
    result, batch_notes = _generate_closest(model, params, plan, disputed, run)
    output = save_png(result.image, output, result.record)

    # 2. Compare, both images normalised by the same loader.
    now = hashlib.sha256(Path(plan.metadata.path).read_bytes()).hexdigest()
    if not plan.metadata.sha256 == disputed.sha256 == now:
        raise InputError(f"{plan.metadata.path} changed on disk during the reproduction")
    regenerated = load_image(output)
    pixels = pixel_difference(disputed.rgb, regenerated.rgb)
    report = compare_images(disputed, regenerated, clip_model=clip_model, runtime=runtime)
    return Reproduction(
        plan=plan,
        params=result.params,
        record=result.record,
        output=output,
        pixels=pixels,
        report=report,
        notes=tuple(batch_notes + _notes(plan, result, disputed)),
    )


def _generate_closest(
    model: LoadedModel, params: GenerationParams, plan: Plan, disputed: LoadedImage, run: Runtime
) -> tuple[GenerationResult, list[str]]:
    """Generate the plan's image. A batch whose files do not say which item they are (ComfyUI
    writes the same metadata into every file of a batch) is generated item by item; the item
    closest to the disputed pixels is kept, and the notes say which and how the others fared."""
    from workstation.engine.generate import generate

    if params.batch_size == 1 or plan.record is not None:
        return generate(model, params, runtime=run, decode_steps=()), []
    tried = []
    for index in range(params.batch_size):
        result = generate(model, params.replace(batch_index=index), runtime=run, decode_steps=())
        rgb = np.asarray(result.image.convert("RGB"))
        tried.append((pixel_difference(disputed.rgb, rgb), index, result))
    tried.sort(key=lambda item: (item[0].mean_abs is None, item[0].mean_abs or 0.0))
    best_pixels, best_index, best = tried[0]
    others = ", ".join(f"item {i}: mean |Δ| {d.mean_abs}" for d, i, _ in tried[1:])
    note = (
        f"the metadata is that of a batch of {params.batch_size} and does not say which item "
        f"this image is; each was generated and item {best_index} (mean |Δ| "
        f"{best_pixels.mean_abs}) is the closest ({others})"
    )
    return best, [note]


def _as_loaded(plan: Plan, model: LoadedModel) -> Plan:
    """The plan's matches with the hashes of the bytes loaded (the scan's came from the listing
    cache). A file must still have the hash it was matched by."""
    loaded = [
        model.info,
        *(lora.info for lora in model.loras.values()),
        *(refiner.info for refiner in model.refiners.values()),
    ]
    by_path = {Path(info.path).resolve(): info for info in loaded}
    matches = []
    for match in plan.matches:
        info = by_path[Path(match.path).resolve()]
        if match.by_hash:
            value = next(v for kind, v in match.looked_for if kind == match.matched_by)
            if not _has_hash(info, match.matched_by, value):
                raise ModelError(
                    f"{match.path} changed on disk after the model folder was scanned: it no "
                    f"longer has the {match.matched_by} {value} it was found by"
                )
        # a name-only match's note quotes the SHA-256 the scan saw
        notes = tuple(note.replace(match.sha256[:12], info.sha256[:12]) for note in match.notes)
        matches.append(replace(match, sha256=info.sha256, notes=notes))
    return replace(plan, matches=tuple(matches))


def _notes(plan: Plan, result: GenerationResult, disputed: LoadedImage) -> list[str]:
    notes = [f"the disputed image was normalised for comparison: {n}" for n in disputed.notes]
    if plan.record is None:
        if plan.params is not None and plan.params.convention != "workstation":
            notes.append(
                f"run the way {plan.generator} runs it ({plan.params.convention} convention: its "
                "sigma schedule, noise, prompt syntax and 8-bit conversion); its GPU kernels "
                "and library versions can still differ in the last bits"
            )
        elif not (plan.metadata.recipe.generator_version or "").startswith("workstation"):
            notes.append(
                f"recipe from {plan.generator}: samplers are matched by algorithm, not bit for "
                "bit, so a close result is expected rather than an identical one"
            )
        return notes
    recorded_env = plan.record.get("environment", {})
    used_env = result.record["environment"]
    if "torch_threads" not in recorded_env and used_env["device"] == "cpu":
        notes.append(
            "the record does not say how many CPU threads made the image; the result can differ "
            "in the last bit with another thread count"
        )
    for key in ("device", "dtype", "torch", "diffusers", "torch_threads"):
        if recorded_env.get(key) and recorded_env.get(key) != used_env.get(key):
            notes.append(
                f"recorded {key} {recorded_env[key]}, reproduced with {used_env.get(key)}: "
                "bit-for-bit identity is only expected with the same ones"
            )
    claimed = plan.record.get("image", {}).get("rgb_sha256")
    if claimed:
        same = hashlib.sha256(disputed.rgb.tobytes()).hexdigest() == claimed
        notes.append(
            "the disputed image's pixels are the ones its record says were generated"
            if same
            else "the disputed image's pixels differ from the ones its record says were "
            "generated (edited or re-encoded after generation)"
        )
    return notes


# 3. Keeping it in a case


def store_reproduction(case: Case, reproduction: Reproduction, scratch: Path) -> int:
    """The disputed image (reused when the case holds its bytes), the regenerated image, the
    comparison pictures and the "reproduction" record linking them (input "disputed", output
    "regenerated", figures as a comparison labels them): one transaction. Returns the record id."""
    pictures = write_outputs(reproduction.report, scratch)
    metadata = reproduction.plan.metadata
    with case.transaction():
        disputed = case.find_artifact(metadata.sha256)
        if disputed is None:
            disputed = case.import_file(metadata.path, role="disputed", note="reproduced image")
            if disputed.sha256 != metadata.sha256:
                raise InputError(f"{metadata.path} changed on disk during the reproduction")
        regenerated = case.import_file(
            reproduction.output,
            role="generated",
            note=f"reproduction of {metadata.sha256[:12]}…, seed {reproduction.params.seed}",
        )
        links = [
            records.Link("input", "disputed", artifact_id=disputed.id),
            records.Link("output", "regenerated", artifact_id=regenerated.id),
        ]
        for label, path in pictures.items():
            if label != "report":
                stored = case.import_file(
                    path, role="other", note=f"{label}: disputed vs reproduction"
                )
                links.append(records.Link("figure", figure_label(label), artifact_id=stored.id))
        body = records.Reproduction(**schema_fields(records.Reproduction, reproduction.to_dict()))
        return case.add_record(body, links)
