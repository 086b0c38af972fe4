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
from workstation.analysis.provenance.result import LoraRef, Recipe
from workstation.analysis.provenance.values import as_text, load_json, to_float, to_int

_RESOLUTION = re.compile(r"\(\s*(\d+)\s*,\s*(\d+)\s*\)")


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
            loras=_loras(data, warnings),
            refiner=tuple((k, as_text(v)) for k, v in data.items() if k.startswith("refiner")),
            mode="txt2img",
            generator_version=_text(data.get("version")),
            settings=tuple((str(k), as_text(v)) for k, v in data.items()),
        ),
        warnings,
    )


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
