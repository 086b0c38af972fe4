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
from workstation.analysis.provenance.result import LoraRef, ModelRef, Recipe, Stage
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
    loras = _loras(data.get("loras"), warnings)
    stages, models = _structure(data, model, loras, warnings)
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
            loras=loras,
            clip_skip=None if clip_skip is None else clip_skip + 1,
            denoising_strength=to_float(data.get("strength"), "strength", warnings),
            mode="img2img" if "img2img" in mode else "txt2img" if "txt2img" in mode else None,
            hires=_prefixed(data, "hrf_"),
            refiner=_prefixed(data, "refiner_"),
            generator_version=_text(data.get("app_version")),
            settings=tuple((str(k), as_text(v)) for k, v in data.items()),
            stages=stages,
            models=models,
            inferred=_mapped(data.get("scheduler")),
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
            models=_checkpoint(data.get("model_weights"), data.get("model_hash"), "model_weights"),
            inferred=_mapped(image.get("sampler")),
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
            inferred=_mapped(values.get("sampler"))
            + (("mode", "the command line has no mode: -I (an init image) means img2img"),),
        ),
        warnings,
    )


def _mapped(name: Any) -> tuple[tuple[str, str], ...]:
    """The sampler's A1111 name is a translation, not what the file says."""
    found = samplers.INVOKEAI.get(str(name)) if name is not None else None
    return (("sampler", f"mapped from InvokeAI scheduler {name}"),) if found else ()


def _checkpoint(name: Any, hash_value: Any, source: str) -> tuple[ModelRef, ...]:
    if name is None:
        return ()
    return (ModelRef("checkpoint", as_text(name), _text(hash_value), source),)


def _structure(
    data: dict, model: dict, loras: tuple[LoraRef, ...], warnings: list[str]
) -> tuple[tuple[Stage, ...], tuple[ModelRef, ...]]:
    """invokeai_metadata's passes (base; SDXL refiner from `refiner_start`; the hires fix when
    `hrf_enabled`) and model files (main, VAE, LoRAs, refiner), each with InvokeAI's own hash."""
    name = _text(model.get("name", model.get("model_name")))
    models = list(_checkpoint(name, model.get("hash"), "model"))
    vae = data.get("vae")
    if vae is not None and _model_name(vae):
        vae_hash = vae.get("hash") if isinstance(vae, dict) else None
        models.append(ModelRef("vae", _model_name(vae), _text(vae_hash), "vae"))
    models += [ModelRef("lora", lora.name, lora.hash, lora.source) for lora in loras]
    refiner = data.get("refiner_model")
    stages = []
    if refiner is not None or data.get("hrf_enabled") is True:
        stages.append(
            Stage(
                role="base",
                source="denoise",
                sampler=_text(data.get("scheduler")),
                steps=to_int(data.get("steps"), "steps", []),
                cfg=to_float(data.get("cfg_scale"), "cfg_scale", []),
                seed=to_int(data.get("seed"), "seed", []),
                model=name,
                width=to_int(data.get("width"), "width", []),
                height=to_int(data.get("height"), "height", []),
            )
        )
    if refiner is not None:
        refiner_name = _model_name(refiner)
        refiner_hash = refiner.get("hash") if isinstance(refiner, dict) else None
        models.append(
            ModelRef("refiner", refiner_name or "?", _text(refiner_hash), "refiner_model")
        )
        start = to_float(data.get("refiner_start"), "refiner_start", warnings)
        stages.append(
            Stage(
                role="refiner",
                source="refiner",
                sampler=_text(data.get("refiner_scheduler")),
                steps=to_int(data.get("refiner_steps"), "refiner_steps", warnings),
                cfg=to_float(data.get("refiner_cfg_scale"), "refiner_cfg_scale", warnings),
                seed=to_int(data.get("seed"), "seed", []),
                model=refiner_name,
                settings=(("switch at", f"{start:g} of the denoising"),) if start else (),
            )
        )
    if data.get("hrf_enabled") is True:
        stages.append(
            Stage(
                role="hires",
                source="hrf",
                denoise=to_float(data.get("hrf_strength"), "hrf_strength", warnings),
                model=name,
                settings=_prefixed(data, "hrf_"),
            )
        )
    return tuple(stages), tuple(models)


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
