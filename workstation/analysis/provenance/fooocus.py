"""Fooocus (modules/meta_parser.py): PNG text "parameters" + "fooocus_scheme"; in JPEG/WebP, EXIF
UserComment (written into IFD0) + MakerNote = the scheme + Software = "Fooocus v…".

Scheme "a1111" is A1111 text with Fooocus keys ("Lora weights", "Sharpness", …). Scheme "fooocus"
is JSON: prompt, negative_prompt, full_prompt (after style expansion), steps, guidance_scale,
seed, resolution "(w, h)", sampler + scheduler (ComfyUI names), base_model + base_model_hash
(full SHA-256), loras [[name, weight, sha256]], refiner_model, vae, version.
"""

from __future__ import annotations

import re
from typing import Any

from workstation.analysis.provenance import a1111, samplers
from workstation.analysis.provenance.result import LoraRef, ModelRef, Recipe, Stage
from workstation.analysis.provenance.values import as_text, load_json, to_float, to_int

_RESOLUTION = re.compile(r"\(\s*([0-9]{1,9})\s*,\s*([0-9]{1,9})\s*\)")  # up to 9 digits a side


def parse(text: str, scheme: str | None, source: str) -> tuple[Recipe | None, list[str]]:
    if scheme == "a1111" or not text.lstrip().startswith("{"):
        return a1111.parse(text, source, generator="Fooocus")
    warnings: list[str] = []
    data = load_json(text, source, warnings)
    if not isinstance(data, dict):
        if data is not None:
            warnings.append(f"{source} is not a JSON object")
        return None, warnings
    width = height = None
    if size := _RESOLUTION.fullmatch(str(data.get("resolution", "")).strip()):
        width, height = int(size.group(1)), int(size.group(2))
    elif "resolution" in data:
        warnings.append(f"resolution: {as_text(data['resolution'])[:60]!r} is not (w, h)")
    name, schedule = data.get("sampler"), data.get("scheduler")
    sampler = None
    base = samplers.COMFYUI.get(name) if isinstance(name, str) else None
    if base is None:
        warnings.append(f"Fooocus sampler {as_text(name)[:60]!r} has no A1111 equivalent")
    else:
        schedule_name = samplers.COMFYUI_SCHEDULES.get(str(schedule), str(schedule))
        sampler = samplers.join(base, None if schedule is None else schedule_name, warnings)
    loras = _loras(data, warnings)
    inferred = [("mode", "Fooocus's JSON records no mode; its text-to-image run assumed")]
    if sampler is not None:
        inferred.insert(0, ("sampler", f"mapped from Fooocus {name} + {schedule}"))
    stages, models = _structure(data, loras, warnings)
    return (
        Recipe(
            generator="Fooocus",
            source=source,
            prompt=_text(data.get("prompt")),
            negative=_text(data.get("negative_prompt")),
            seed=to_int(data.get("seed"), "seed", warnings),
            steps=to_int(data.get("steps"), "steps", warnings),
            cfg=to_float(data.get("guidance_scale"), "guidance_scale", warnings),
            sampler=sampler,
            sampler_recorded=f"{as_text(name)} + {as_text(schedule)}",
            schedule=_text(schedule),
            width=width,
            height=height,
            model_name=_text(data.get("base_model")),
            model_hash=_text(data.get("base_model_hash")),
            vae=_text(data.get("vae")),
            loras=loras,
            refiner=tuple((k, as_text(v)) for k, v in data.items() if k.startswith("refiner")),
            mode="txt2img",
            generator_version=_text(data.get("version")),
            settings=tuple((str(k), as_text(v)) for k, v in data.items()),
            stages=stages,
            models=models,
            inferred=tuple(inferred),
        ),
        warnings,
    )


def _structure(
    data: dict, loras: tuple[LoraRef, ...], warnings: list[str]
) -> tuple[tuple[Stage, ...], tuple[ModelRef, ...]]:
    """Fooocus's model files (base, refiner, VAE, LoRAs) and, with a refiner, its two passes:
    the refiner takes over at `refiner_switch` of the steps."""
    models = []
    if data.get("base_model") is not None:
        base_hash = _text(data.get("base_model_hash"))
        models.append(ModelRef("checkpoint", as_text(data["base_model"]), base_hash, "base_model"))
    refiner = data.get("refiner_model")
    has_refiner = refiner not in (None, "None", "")
    if has_refiner:
        models.append(ModelRef("refiner", as_text(refiner), source="refiner_model"))
    if data.get("vae") not in (None, "Default (model)"):
        models.append(ModelRef("vae", as_text(data["vae"]), source="vae"))
    models += [ModelRef("lora", lora.name, lora.hash, lora.source) for lora in loras]
    if not has_refiner:
        return (), tuple(models)
    steps = to_int(data.get("steps"), "steps", [])
    switch = to_float(data.get("refiner_switch"), "refiner_switch", warnings)
    at = None
    if steps is not None and switch is not None and 0 <= switch <= 1:
        at = round(steps * switch)
    elif switch is not None:
        warnings.append(f"refiner_switch: {switch:g} is not a share of the steps (0 to 1)")
    common = {
        "sampler": _text(data.get("sampler")),
        "scheduler": _text(data.get("scheduler")),
        "steps": steps,
        "cfg": to_float(data.get("guidance_scale"), "guidance_scale", []),
        "seed": to_int(data.get("seed"), "seed", []),
    }
    settings = (("switch at", f"{switch:g}"),) if switch is not None else ()
    base = Stage("base", "base_model", end_step=at, model=_text(data.get("base_model")), **common)
    return (
        base,
        Stage(
            "refiner",
            "refiner_model",
            start_step=at,
            model=as_text(refiner),
            settings=settings,
            **common,
        ),
    ), tuple(models)


def _loras(data: dict, warnings: list[str]) -> tuple[LoraRef, ...]:
    found = []
    entries = data.get("loras")
    if isinstance(entries, list):  # [[name, weight, sha256], …]
        for entry in entries:
            if not isinstance(entry, list) or len(entry) < 2:
                warnings.append("loras: an entry is not [name, weight, hash]")
                continue
            weight = to_float(entry[1], f"LoRA {as_text(entry[0])} weight", warnings)
            short_hash = as_text(entry[2]) if len(entry) > 2 else None
            found.append(LoraRef(as_text(entry[0]), weight, weight, short_hash, "loras"))
        return tuple(found)
    for key, value in data.items():  # older: "lora_combined_1": "name : weight"
        if key.startswith("lora_combined_") and isinstance(value, str):
            name, _, weight = value.rpartition(" : ")
            scale = to_float(weight, f"{key} weight", warnings)
            found.append(LoraRef(name or value, scale, scale, source=key))
    return tuple(found)


def _text(value: Any) -> str | None:
    return None if value is None else as_text(value)
