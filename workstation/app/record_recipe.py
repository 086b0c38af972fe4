"""A generation record's request as a `Recipe` to run again: what the study and lab forms offer
as "From generation #N", and how a request is written out in one readable summary.

The record's own `params` are the request that made its image; its init image is read back from
the case by its SHA-256 (the path the record names may be a folder that no longer exists). What a
`Recipe` cannot carry (a hires pass, a variation seed, embeddings) is named, never dropped
silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workstation.app.recipe import Recipe
from workstation.core.case import Case, Record
from workstation.core.params import GenerationParams, LoraSpec


@dataclass(frozen=True)
class RecordedRequest:
    recipe: Recipe
    not_carried: tuple[str, ...]  # what the record asked for that the recipe cannot run


def recipe_of_generation(record: Record, case: Case) -> RecordedRequest:
    """The request of generation record `record` of `case` (InputError if it is unreadable)."""
    params = GenerationParams.from_dict(record.payload["params"])
    init = None
    if params.init_sha256:
        init = case.object_path(params.init_sha256)
    elif params.init_image:
        init = Path(params.init_image)
    recipe = Recipe(
        model=Path(params.model),
        prompt=params.prompt,
        negative=params.negative,
        seed=params.seed,
        steps=params.steps,
        cfg=params.cfg,
        sampler=params.sampler,
        convention=params.convention,
        scheduler=params.scheduler,
        prompt_syntax=params.prompt_syntax,
        noise=params.noise,
        refiner=Path(params.refiner.model) if params.refiner else None,
        refiner_switch=params.refiner.switch_at if params.refiner else Recipe.refiner_switch,
        batch_size=params.batch_size,
        batch_index=params.batch_index,
        width=params.width,
        height=params.height,
        loras=tuple(LoraSpec(spec.path, spec.scale) for spec in params.loras),
        clip_skip=params.clip_skip,
        init=init,
        strength=params.strength if init is not None else None,
        device=params.device,
        dtype=params.dtype,
    )
    missing = []
    if params.hires is not None:
        missing.append("hires pass")
    if params.subseed is not None and params.subseed_strength:
        missing.append("variation seed")
    if params.eta_noise_seed_delta:
        missing.append("eta noise seed delta")
    if params.embeddings:
        missing.append("embeddings")
    return RecordedRequest(recipe, tuple(missing))


def summary_lines(recipe: Recipe) -> list[tuple[str, str]]:
    """The recipe as (field, value) rows, every field a run depends on, in the order the
    Generate panel shows them ("" for a size left to the model's native one)."""
    size = f"{recipe.width} × {recipe.height}" if recipe.width and recipe.height else ""
    sampler = recipe.sampler
    if recipe.convention != "workstation":
        sampler += f" ({recipe.convention}" + (
            f", {recipe.scheduler})" if recipe.scheduler else ")"
        )
    loras = ", ".join(f"{Path(spec.path).name} × {spec.scale:g}" for spec in recipe.loras)
    rows = [
        ("model", str(recipe.model)),
        ("loras", loras or "—"),
        ("prompt", recipe.prompt or "—"),
        ("negative", recipe.negative or "—"),
        ("seed", str(recipe.seed)),
        ("steps", str(recipe.steps)),
        ("cfg", f"{recipe.cfg:g}"),
        ("sampler", sampler),
        ("size", size),
        ("clip_skip", str(recipe.clip_skip)),
    ]
    if recipe.init is not None:
        strength = recipe.strength if recipe.strength is not None else "default"
        rows.append(("init", f"{recipe.init.name} (strength {strength})"))
    if recipe.refiner is not None:
        rows.append(("refiner", f"{recipe.refiner.name} at {recipe.refiner_switch:g}"))
    rows.append(("device", f"{recipe.device}, {recipe.dtype}"))
    return rows
