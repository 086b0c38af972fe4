"""InvokeAI: PNG text "invokeai_metadata" (3.x and later), "sd-metadata" (2.x) and "Dream" (older).

invokeai_metadata is flat JSON: positive_prompt, negative_prompt, seed, steps, cfg_scale,
scheduler, width, height, clip_skip, model {name|model_name, hash ("blake3:…")}, loras
[{model|lora: {…}, weight}], strength for img2img, hrf_* for the hires pass, refiner_* for SDXL.
InvokeAI counts clip skip as layers skipped (0 = none); A1111 counts from 1, so we add one.
"""

from __future__ import annotations

import shlex
from typing import Any

from workstation.analysis.provenance import samplers
from workstation.analysis.provenance.result import LoraRef, Recipe
from workstation.analysis.provenance.values import as_text, load_json, to_float, to_int


def parse_metadata(text: str, source: str) -> tuple[Recipe | None, list[str]]:
    warnings: list[str] = []
    data = load_json(text, source, warnings)
    if not isinstance(data, dict):
        if data is not None:
            warnings.append(f"{source} is not a JSON object")
        return None, warnings
    model = data.get("model") if isinstance(data.get("model"), dict) else {}
    clip_skip = to_int(data.get("clip_skip"), "clip_skip", warnings)
    mode = str(data.get("generation_mode", ""))
    return (
        Recipe(
            generator="InvokeAI",
            source=source,
            prompt=_text(data.get("positive_prompt")),
            negative=_text(data.get("negative_prompt")),
            seed=to_int(data.get("seed"), "seed", warnings),
            steps=to_int(data.get("steps"), "steps", warnings),
            cfg=to_float(data.get("cfg_scale"), "cfg_scale", warnings),
            sampler=_sampler(data.get("scheduler"), warnings),
            sampler_recorded=_text(data.get("scheduler")),
            width=to_int(data.get("width"), "width", warnings),
            height=to_int(data.get("height"), "height", warnings),
            model_name=_text(model.get("name", model.get("model_name"))),
            model_hash=_text(model.get("hash")),
            vae=_model_name(data.get("vae")),
            loras=_loras(data.get("loras"), warnings),
            clip_skip=None if clip_skip is None else clip_skip + 1,
            denoising_strength=to_float(data.get("strength"), "strength", warnings),
            mode="img2img" if "img2img" in mode else "txt2img" if "txt2img" in mode else None,
            hires=_prefixed(data, "hrf_"),
            refiner=_prefixed(data, "refiner_"),
            generator_version=_text(data.get("app_version")),
            settings=tuple((str(k), as_text(v)) for k, v in data.items()),
        ),
        warnings,
    )


def parse_sd_metadata(text: str, source: str) -> tuple[Recipe | None, list[str]]:
    """InvokeAI 2.x: {"model_weights", "model_hash", "app_version", "image": {…}}."""
    warnings: list[str] = []
    data = load_json(text, source, warnings)
    image = data.get("image") if isinstance(data, dict) else None
    if not isinstance(image, dict):
        if data is not None:
            warnings.append(f'{source} has no "image" object')
        return None, warnings
    prompt = image.get("prompt")
    if isinstance(prompt, list):  # [{"prompt": "…", "weight": 1.0}, …]
        prompt = " ".join(str(p.get("prompt", "")) for p in prompt if isinstance(p, dict))
    warnings.append("InvokeAI 2 keeps the negative prompt inside [brackets] in the prompt")
    kind = str(image.get("type", ""))
    return (
        Recipe(
            generator="InvokeAI",
            source=source,
            prompt=_text(prompt),
            seed=to_int(image.get("seed"), "seed", warnings),
            steps=to_int(image.get("steps"), "steps", warnings),
            cfg=to_float(image.get("cfg_scale"), "cfg_scale", warnings),
            sampler=_sampler(image.get("sampler"), warnings),
            sampler_recorded=_text(image.get("sampler")),
            width=to_int(image.get("width"), "width", warnings),
            height=to_int(image.get("height"), "height", warnings),
            model_name=_text(data.get("model_weights")),
            model_hash=_text(data.get("model_hash")),
            denoising_strength=to_float(image.get("strength"), "strength", warnings),
            mode=kind if kind in ("txt2img", "img2img") else None,
            generator_version=_text(data.get("app_version")),
            settings=tuple((str(k), as_text(v)) for k, v in image.items()),
        ),
        warnings,
    )


# "Dream" command-line switches (InvokeAI 1.x / lstein's dream.py).
_DREAM_SWITCHES = {
    "-s": "steps",
    "-S": "seed",
    "-W": "width",
    "-H": "height",
    "-C": "cfg",
    "-A": "sampler",
    "-f": "strength",
    "-I": "init image",
}


def parse_dream(text: str, source: str) -> tuple[Recipe | None, list[str]]:
    """ "a prompt" -s 50 -S 42 -W 512 -H 512 -C 7.5 -A k_lms"""
    warnings: list[str] = []
    try:
        words = shlex.split(text)
    except ValueError as error:
        warnings.append(f"{source}: cannot split the command line ({error})")
        return None, warnings
    prompt_words, values = [], {}
    it = iter(words)
    for word in it:
        if word in _DREAM_SWITCHES:
            values[_DREAM_SWITCHES[word]] = next(it, "")
        else:
            prompt_words.append(word)
    return (
        Recipe(
            generator="InvokeAI",
            source=source,
            prompt=" ".join(prompt_words),
            seed=to_int(values.get("seed"), "seed", warnings),
            steps=to_int(values.get("steps"), "steps", warnings),
            cfg=to_float(values.get("cfg"), "cfg", warnings),
            sampler=_sampler(values.get("sampler"), warnings),
            sampler_recorded=values.get("sampler"),
            width=to_int(values.get("width"), "width", warnings),
            height=to_int(values.get("height"), "height", warnings),
            denoising_strength=to_float(values.get("strength"), "strength", warnings),
            mode="img2img" if "init image" in values else "txt2img",
            settings=tuple(values.items()),
        ),
        warnings,
    )


def _sampler(name: Any, warnings: list[str]) -> str | None:
    if name is None:
        return None
    found = samplers.INVOKEAI.get(str(name))
    if found is None:
        warnings.append(f"InvokeAI scheduler {str(name)[:60]!r} has no A1111 equivalent")
    return found


def _loras(value: Any, warnings: list[str]) -> tuple[LoraRef, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        warnings.append("loras: not a list")
        return ()
    found = []
    for item in value:
        if not isinstance(item, dict):
            warnings.append("loras: an entry is not an object")
            continue
        model = item.get("model", item.get("lora"))
        model = model if isinstance(model, dict) else {}
        weight = to_float(item.get("weight"), "LoRA weight", warnings)
        found.append(
            LoraRef(
                name=_text(model.get("name", model.get("model_name"))) or "?",
                scale=weight,
                text_encoder_scale=weight,
                hash=_text(model.get("hash")),
                source="invokeai_metadata loras",
            )
        )
    return tuple(found)


def _model_name(value: Any) -> str | None:
    if isinstance(value, dict):
        return _text(value.get("name", value.get("model_name")))
    return _text(value)


def _prefixed(data: dict, prefix: str) -> tuple[tuple[str, str], ...]:
    return tuple((k, as_text(v)) for k, v in data.items() if k.startswith(prefix))


def _text(value: Any) -> str | None:
    return None if value is None else as_text(value)
