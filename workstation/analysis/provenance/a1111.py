"""AUTOMATIC1111 / Forge / SD.Next "parameters" text, read the way A1111 itself reads it.

The layout (A1111 modules/processing.py create_infotext and infotext_utils.py
parse_generation_parameters): prompt lines, an optional line starting "Negative prompt:" (it and
all lines after it are the negative prompt), then one last line of `Key: value` pairs joined by
", ". That last line counts only if it holds 3 or more pairs; otherwise it is part of the prompt.
A value containing "," ":" or a newline is written JSON-quoted. Every line is stripped.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
from dataclasses import replace

from workstation.analysis.provenance import samplers
from workstation.analysis.provenance.result import LoraRef, ModelRef, PeerSettings, Recipe, Stage
from workstation.analysis.provenance.values import (
    clean,
    extra_networks,
    load_json,
    to_float,
    to_int,
)
from workstation.core.errors import InputError
from workstation.core.params import HiresSpec

# A1111's "RNG" setting as the infotext writes it; absent = "GPU", its default (infotext_utils).
_RNG = {"GPU": "gpu", "CPU": "cpu", "NV": "nv"}
# Schedule labels older A1111 versions joined to sampler names ("DPM++ 2M Karras").
_JOINED_SCHEDULES = ("Karras", "Exponential", "Polyexponential")
# A1111's built-in upscalers the engine has (modules/shared_items, images.py); model upscalers
# (ESRGAN, SwinIR, …) need their weights and are refused by name.
_UPSCALERS = {
    "Latent": "latent",
    "Latent (antialiased)": "latent-antialiased",
    "Latent (nearest)": "latent-nearest",
    "Latent (nearest-exact)": "latent-nearest-exact",
    "Latent (bicubic)": "latent-bicubic",
    "Latent (bicubic antialiased)": "latent-bicubic-antialiased",
    "Lanczos": "lanczos",
    "Nearest": "nearest",
}

WORKSTATION = "Workstation"
MAX_SIDE_DIGITS = 9  # "Size: WIDTHxHEIGHT": longer numbers are not read as a size
_IMAGE_SIZE = re.compile(rf"^([0-9]{{1,{MAX_SIDE_DIGITS}}})x([0-9]{{1,{MAX_SIDE_DIGITS}}})$")
# A1111's value pattern: a JSON-quoted string, else everything up to the next comma.
_VALUE = re.compile(r'\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)')


def find_params(line: str) -> list[tuple[str, str]]:
    """The (key, value) pairs A1111's `re_param.findall(line)` returns, found in linear time.

    A1111's pattern is `\\s*(\\w[\\w \\-/]+):\\s*(value)(?:,|$)`. Run by `re` it backtracks through
    every start inside a long run of word characters, which is quadratic (a 32k-character prompt
    line without colons takes seconds). A key always ends at a colon, so we look from each colon
    back over key characters instead; the results are the same (tested against the pattern).
    """
    pairs = []
    pos = 0
    while (colon := line.find(":", pos)) != -1:
        start = colon
        while start > pos and _key_char(line[start - 1]):
            start -= 1
        key_start = next((i for i in range(start, colon - 1) if _word_char(line[i])), None)
        if key_start is None:  # no key of 2+ characters starting with a word character
            pos = colon + 1
            continue
        value = _VALUE.match(line, colon + 1)
        pairs.append((line[key_start:colon], value.group(1)))
        pos = value.end()
    return pairs


def _word_char(char: str) -> bool:  # what `\w` matches in a str pattern
    return char.isalnum() or char == "_"


def _key_char(char: str) -> bool:  # `[\w \-/]`
    return _word_char(char) or char in " -/"


def has_settings_line(text: str) -> bool:
    """Whether `text` ends in an A1111 settings line (how A1111 tells infotext from a comment)."""
    return len(find_params(text.strip().split("\n")[-1])) >= 3


def parse(text: str, source: str, generator: str = "AUTOMATIC1111") -> tuple[Recipe, list[str]]:
    warnings: list[str] = []
    # 1. Split prompt, negative prompt and the settings line.
    *lines, last = text.strip().split("\n")
    params = find_params(last)
    if len(params) < 3:
        lines.append(last)
        params = []
        warnings.append(f"{source}: no settings line (3+ `Key: value` pairs) after the prompt")
    prompt, negative, in_negative = "", "", False
    for line in lines:
        line = line.strip()
        if line.startswith("Negative prompt:"):
            in_negative = True
            line = line[len("Negative prompt:") :].strip()
        if in_negative:
            negative += ("\n" if negative else "") + line
        else:
            prompt += ("\n" if prompt else "") + line

    # 2. The settings, later duplicates winning as in A1111.
    values: dict[str, str] = {}
    for key, value in params:
        if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
            with contextlib.suppress(ValueError):  # A1111 keeps such text as it is
                value = clean(json.loads(value))
        if key in values:
            warnings.append(
                f"{source}: {key!r} appears twice; the later value is used, as in A1111"
            )
        values[key] = value if isinstance(value, str) else str(value)

    # The workstation writes this format for its own images, naming itself in "Version".
    if generator == "AUTOMATIC1111" and values.get("Version", "").startswith("workstation"):
        generator = WORKSTATION

    # 3. Typed fields.
    width = height = None
    if "Size" in values:
        if size := _IMAGE_SIZE.match(values["Size"]):
            width, height = int(size.group(1)), int(size.group(2))
        else:
            # the report translates this sentence (report/strings.py "machine_warn_size")
            warnings.append(f"Size: {values['Size'][:60]!r} is not WIDTHxHEIGHT")
    recorded = values.get("Sampler")
    schedule = values.get("Schedule type")
    sampler = samplers.join(recorded, schedule, warnings) if recorded else None
    if recorded and schedule:
        recorded = f"{recorded}, Schedule type: {schedule}"
    hashes = _civitai_hashes(values, warnings)
    hires = tuple((k, v) for k, v in values.items() if k.startswith("Hires "))
    loras = _loras(prompt, negative, values, hashes, warnings)
    embeddings = tuple(_name_hash_list(values.get("TI hashes", "")))
    inferred: list[tuple[str, str]] = []
    if "Clip skip" not in values:
        inferred.append(("clip_skip", "A1111 omits Clip skip when it is 1, its default"))
    img2img = "Denoising strength" in values and not hires
    inferred.append(
        (
            "mode",
            "A1111 records no mode: 'Denoising strength' without hires settings means img2img"
            if img2img
            else "A1111 records no mode: no 'Denoising strength' outside a hires pass",
        )
    )
    peer = _peer(values, width, height, warnings) if _ran_a1111(generator, values) else None
    if peer is not None:
        inferred += _peer_defaults(values)
    stages, models = _structure(values, width, height, loras, embeddings, peer, inferred, warnings)
    if peer is not None:
        refused = [
            f"ADetailer ({dict(stage.settings).get('ADetailer model', '?')}, "
            f"{stage.source[len('ADetailer ') :]} unit)"
            for stage in stages
            if stage.role == "detailer"
        ]
        refused += [f"{key} {values[key]}" for key in _HIRES_OVERRIDES if values.get(key)]
        peer = replace(peer, refused=peer.refused + tuple(refused))
    recipe = Recipe(
        generator=generator,
        source=source,
        prompt=prompt,
        negative=negative,
        seed=to_int(values.get("Seed"), "Seed", warnings),
        steps=to_int(values.get("Steps"), "Steps", warnings),
        cfg=to_float(values.get("CFG scale"), "CFG scale", warnings),
        sampler=sampler,
        sampler_recorded=recorded,
        schedule=schedule,
        width=width,
        height=height,
        model_name=values.get("Model") or None,
        model_hash=values.get("Model hash") or hashes.get("model") or None,
        vae=values.get("VAE") or None,
        loras=loras,
        embeddings=embeddings,
        # "Missing CLIP skip means it was set to 1 (the default)" — A1111
        clip_skip=to_int(values.get("Clip skip", "1"), "Clip skip", warnings),
        denoising_strength=to_float(
            values.get("Denoising strength"), "Denoising strength", warnings
        ),
        mode="img2img" if img2img else "txt2img",
        hires=hires,
        refiner=tuple((k, v) for k, v in values.items() if k.startswith("Refiner")),
        generator_version=values.get("Version"),
        settings=tuple(values.items()),
        peer=peer,
        stages=stages,
        models=models,
        inferred=tuple(inferred),
    )
    return recipe, warnings


# Hires-pass settings A1111 writes only when they differ from the first pass's; the engine's
# hires pass reuses the first pass's, so each is refused by name.
_HIRES_OVERRIDES = (
    "Hires checkpoint",
    "Hires sampler",
    "Hires schedule type",
    "Hires CFG Scale",
    "Hires prompt",
    "Hires negative prompt",
)
# ADetailer (Bing-su/adetailer args.py): its unit n > 1 writes every key with " 2nd", " 3rd", …
_ADETAILER_KEY = re.compile(r"^(ADetailer .+?)(?: ([0-9]{1,9})(?:st|nd|rd|th))?$")
_NOT_MODELS = ("None", "Use same checkpoint", "Use same VAE")


def _ordinal(n: int) -> str:
    return f"{n}" + ("th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th"))


def _peer_defaults(values: dict[str, str]) -> list[tuple[str, str]]:
    """What the peer settings take from A1111's defaults, the infotext being silent."""
    found = []
    if "RNG" not in values:
        found.append(("noise", "A1111 omits RNG when it is GPU, its default"))
    if "ENSD" not in values:
        found.append(("eta_noise_seed_delta", "A1111 omits ENSD when it is 0, its default"))
    if not values.get("Schedule type"):
        found.append(
            (
                "scheduler",
                "no 'Schedule type': the sampler's own name says it, or the model's own sigmas "
                "(Uniform) as before A1111 1.9",
            )
        )
    return found


def _structure(
    values: dict[str, str],
    width: int | None,
    height: int | None,
    loras: tuple[LoraRef, ...],
    embeddings: tuple[tuple[str, str], ...],
    peer: PeerSettings | None,
    inferred: list[tuple[str, str]],
    warnings: list[str],
) -> tuple[tuple[Stage, ...], tuple[ModelRef, ...]]:
    """The passes A1111 ran, in order — base, refiner (a hand-over inside the base schedule),
    hires, one "detailer" per ADetailer unit — and every model file the infotext names."""
    steps = to_int(values.get("Steps"), "Steps", [])
    cfg = to_float(values.get("CFG scale"), "CFG scale", [])
    seed = to_int(values.get("Seed"), "Seed", [])
    sampler = values.get("Sampler")
    schedule = values.get("Schedule type")
    hires = any(key.startswith("Hires ") for key in values)
    denoise = to_float(values.get("Denoising strength"), "Denoising strength", [])
    models = []
    if values.get("Model") or values.get("Model hash"):
        name = values.get("Model") or "?"
        models.append(ModelRef("checkpoint", name, values.get("Model hash") or None, "Model"))
    if values.get("VAE"):
        models.append(ModelRef("vae", values["VAE"], values.get("VAE hash") or None, "VAE"))

    # 1. The base pass, and the refiner taking over inside its schedule.
    base = Stage(
        role="base",
        source="first pass",
        sampler=sampler,
        scheduler=schedule,
        steps=steps,
        cfg=cfg,
        seed=seed,
        denoise=None if hires else denoise,
        model=values.get("Model") or None,
        mode="txt2img" if hires or denoise is None else "img2img",
        width=width,
        height=height,
    )
    stages = [base]
    if values.get("Refiner"):
        name, short = _name_and_hash(values["Refiner"].strip())
        models.append(ModelRef("refiner", name, short, "Refiner"))
        switch = to_float(values.get("Refiner switch at"), "Refiner switch at", [])
        by = peer.refiner_switch_by if peer is not None and peer.refiner else None
        if by is None:
            by_steps = values.get("Refiner switch by sampling steps", "").lower() == "true"
            by = "steps" if by_steps else "sigma"
        settings = [("switch at", f"{values.get('Refiner switch at', '?')} (by {by})")]
        start = None
        if by == "steps" and switch is not None and 0 <= switch <= 1 and steps:
            start = math.ceil(switch * steps - 1e-9)  # the first step at or past the share
            settings[0] = ("switch at", f"{switch:g} of {steps} steps: step {start}")
            stages[0] = replace(base, end_step=start)
        if "Refiner switch by sampling steps" not in values:
            inferred.append(
                (
                    "refiner_switch_by",
                    f"by {by}: A1111 before 1.8 switched by sampling steps, from 1.8 by sigma "
                    "unless the infotext says 'Refiner switch by sampling steps'",
                )
            )
        stages.append(
            Stage(
                role="refiner",
                source="Refiner",
                sampler=sampler,
                scheduler=schedule,
                steps=steps,
                start_step=start,
                cfg=cfg,
                seed=seed,
                model=name,
                settings=tuple(settings),
            )
        )

    # 2. The hires fix: upscale, then a second pass with "Denoising strength".
    if hires:
        upscaler = values.get("Hires upscaler")
        if upscaler is None:
            inferred.append(("hires upscaler", "A1111's default upscaler, Latent"))
        elif upscaler not in _UPSCALERS and upscaler != "None":
            models.append(ModelRef("upscaler", upscaler, source="Hires upscaler"))
        hires_steps = to_int(values.get("Hires steps"), "Hires steps", []) or None
        if hires_steps is None:
            inferred.append(("hires steps", "A1111 omits Hires steps when 0: the first pass's"))
        size = _IMAGE_SIZE.match(values.get("Hires resize", ""))
        scale = to_float(values.get("Hires upscale"), "Hires upscale", [])
        hires_width = hires_height = None
        if size:
            hires_width, hires_height = int(size.group(1)), int(size.group(2))
        elif scale is not None and width and height:
            hires_width, hires_height = _scaled(width, scale), _scaled(height, scale)
        if values.get("Hires checkpoint"):
            models.append(
                ModelRef("checkpoint", values["Hires checkpoint"], None, "Hires checkpoint")
            )
        stages.append(
            Stage(
                role="hires",
                source="Hires fix",
                sampler=values.get("Hires sampler") or sampler,
                scheduler=values.get("Hires schedule type") or schedule,
                steps=hires_steps or steps,
                cfg=to_float(values.get("Hires CFG Scale"), "Hires CFG Scale", []) or cfg,
                seed=seed,
                denoise=denoise,
                model=values.get("Hires checkpoint") or values.get("Model") or None,
                width=hires_width,
                height=hires_height,
                settings=tuple((k, v) for k, v in values.items() if k.startswith("Hires ")),
            )
        )

    # 3. LoRAs and embeddings, then the ControlNet models some infotexts name.
    models += [ModelRef("lora", lora.name, lora.hash, lora.source) for lora in loras]
    models += [
        ModelRef("embedding", name, short or None, "TI hashes") for name, short in embeddings
    ]
    for key, value in values.items():
        if re.fullmatch(r"ControlNet( \d+)?", key) and (
            found := re.search(r"Model: ([^,]+)", value)
        ):
            name, _, rest = found.group(1).strip().partition(" [")
            models.append(ModelRef("controlnet", name, rest.rstrip("]") or None, key))

    # 4. ADetailer: one detailer pass per unit, in unit order, after everything else.
    units: dict[int, list[tuple[str, str]]] = {}
    for key, value in values.items():
        match = _ADETAILER_KEY.match(key)
        if match and key != "ADetailer version":
            units.setdefault(int(match.group(2) or 1), []).append((match.group(1), value))
    for number in sorted(units):
        unit = dict(units[number])
        label = f"ADetailer {_ordinal(number)}"
        suffix = "" if number == 1 else f" {_ordinal(number)}"
        if unit.get("ADetailer model") not in (None, "None"):
            models.append(
                ModelRef("detailer", unit["ADetailer model"], source=f"ADetailer model{suffix}")
            )
        checkpoint = unit.get("ADetailer checkpoint")
        if checkpoint and checkpoint not in _NOT_MODELS:
            models.append(
                ModelRef("checkpoint", checkpoint, source=f"ADetailer checkpoint{suffix}")
            )
        if values.get("ADetailer version"):
            unit["ADetailer version"] = values["ADetailer version"]
        stages.append(
            Stage(
                role="detailer",
                source=label,
                sampler=unit.get("ADetailer sampler"),
                scheduler=unit.get("ADetailer scheduler"),
                steps=to_int(unit.get("ADetailer steps"), f"ADetailer steps{suffix}", warnings),
                cfg=to_float(
                    unit.get("ADetailer CFG scale"), f"ADetailer CFG scale{suffix}", warnings
                ),
                denoise=to_float(
                    unit.get("ADetailer denoising strength"),
                    f"ADetailer denoising strength{suffix}",
                    warnings,
                ),
                model=checkpoint if checkpoint and checkpoint not in _NOT_MODELS else None,
                mode="inpaint",
                settings=tuple(unit.items()),
            )
        )
    return tuple(stages), tuple(models)


def _ran_a1111(generator: str, values: dict[str, str]) -> bool:
    """A1111/Forge sampled it (not Fooocus, not the workstation, which write the same text)."""
    return generator == "AUTOMATIC1111"


def _peer(
    values: dict[str, str], width: int | None, height: int | None, warnings: list[str]
) -> PeerSettings | None:
    """How A1111/Forge itself ran it: its sampler and schedule names, noise, variation seed,
    hires pass. Settings the engine cannot follow are listed in `refused`."""
    if "Sampler" not in values:
        return None
    refused = []
    rng = values.get("RNG", "GPU")
    if rng not in _RNG:
        refused.append(f"RNG {rng!r}")
    subseed = to_int(values.get("Variation seed"), "Variation seed", warnings)
    strength = to_float(values.get("Variation seed strength"), "Variation seed strength", warnings)
    if "Seed resize from" in values:
        refused.append(f"Seed resize from {values['Seed resize from']}")
    hires = None
    if any(key.startswith("Hires ") for key in values):
        hires, problem = _hires(values, width, height, warnings)
        if problem:
            refused.append(problem)
    refiner = _refiner(values, warnings)
    if "Refiner" in values and refiner is None:
        refused.append(f"refiner {values['Refiner']}")
    return PeerSettings(
        convention="a1111",
        sampler=values["Sampler"],
        scheduler=_schedule(values),
        prompt_syntax="a1111",
        noise=_RNG.get(rng, "gpu"),
        eta_noise_seed_delta=to_int(values.get("ENSD", "0"), "ENSD", warnings) or 0,
        subseed=subseed,
        subseed_strength=strength or 0.0 if subseed is not None else 0.0,
        hires=hires,
        **(refiner or {}),
        refused=tuple(refused),
    )


_SHORT_HASH = re.compile(r"[0-9a-fA-F]{8,64}")
_VERSION = re.compile(r"v([0-9]{1,9})\.([0-9]{1,9})|^([0-9]{1,9})\.([0-9]{1,9})")


def _name_and_hash(text: str) -> tuple[str, str | None]:
    """ "name [0123abcdef]" (a checkpoint's short_title) as (name, hash); else (text, None).
    Split at the last "[": a pattern with a lazy name before optional spaces and "[" is
    quadratic in a long run of spaces."""
    name, bracket, rest = text.rpartition("[")
    if bracket and rest.endswith("]") and _SHORT_HASH.fullmatch(rest[:-1]) and name.strip():
        return name.rstrip(), rest[:-1]
    return text, None


def _scaled(side: int, scale: float) -> int | None:
    """A side times an upscale factor, truncated as A1111 does; None past any real size."""
    size = side * scale
    return int(size) if size < 1 << 60 else None


def _refiner(values: dict[str, str], warnings: list[str]) -> dict | None:
    """A1111's "Refiner: <name> [<short hash>]" (its checkpoint's short_title: the file name
    without extension, the first 10 hex of its SHA-256) and "Refiner switch at". What the switch
    measures: by sampling steps when the infotext says so or for versions before 1.8 (A1111's
    own infotext_versions.backcompat), otherwise by the sigma's timestep."""
    text = values.get("Refiner", "").strip()
    if not text:
        return None
    name, short = _name_and_hash(text)
    short = short.lower() if short else None
    switch_at = to_float(values.get("Refiner switch at"), "Refiner switch at", warnings)
    if switch_at is None or not 0 < switch_at < 1:
        return None
    by_steps = values.get("Refiner switch by sampling steps", "").strip().lower() == "true"
    version = _VERSION.search(values.get("Version", ""))
    if version:
        major, minor = (int(g) for g in (version[1] or version[3], version[2] or version[4]))
        by_steps = by_steps or (major, minor) < (1, 8)
    return {
        "refiner": name,
        "refiner_hash": short,
        "refiner_switch_at": switch_at,
        "refiner_switch_by": "steps" if by_steps else "sigma",
    }


def _schedule(values: dict[str, str]) -> str:
    """A1111 ≥ 1.9 writes "Schedule type" whenever a schedule function ran (the sampler's default
    included); without one, the sigmas were the model's own ("Uniform"), which is also what a
    sampler name without a schedule meant before 1.9. Older joined names ("DPM++ 2M Karras")
    carry their schedule in the name."""
    if values.get("Schedule type"):
        return values["Schedule type"]
    sampler = values["Sampler"]
    joined = any(sampler.endswith(" " + label) for label in _JOINED_SCHEDULES)
    return "" if joined else "Uniform"


def _hires(
    values: dict[str, str], width: int | None, height: int | None, warnings: list[str]
) -> tuple[HiresSpec | None, str | None]:
    """A1111's hires fix (processing.py StableDiffusionProcessingTxt2Img): the target size is the
    "Hires resize" or the first size × "Hires upscale", truncated to whole pixels."""
    upscaler = values.get("Hires upscaler", "Latent")
    if upscaler not in _UPSCALERS:
        return None, f"hires upscaler {upscaler!r} (a model the engine does not have)"
    if not width or not height:
        return None, "a hires pass without a first-pass size"
    if size := _IMAGE_SIZE.match(values.get("Hires resize", "")):
        target = int(size.group(1)), int(size.group(2))
    else:
        scale = to_float(values.get("Hires upscale", "2"), "Hires upscale", warnings) or 2.0
        target = _scaled(width, scale), _scaled(height, scale)
        if None in target:
            return None, f"hires upscale {scale:g} of {width}x{height} (too large)"
    try:
        hires = HiresSpec(
            width=target[0],
            height=target[1],
            upscaler=_UPSCALERS[upscaler],
            steps=to_int(values.get("Hires steps", "0"), "Hires steps", warnings) or 0,
            denoise=to_float(values.get("Denoising strength"), "Denoising strength", warnings)
            or 0.7,
        )
    except InputError as error:
        return None, f"hires settings ({error})"
    return hires, None


def _name_hash_list(text: str) -> list[tuple[str, str]]:
    """ "name: hash, name: hash" (A1111 removes "," and ":" from the names it writes here)."""
    pairs = []
    for item in text.split(","):
        name, sep, short_hash = item.partition(":")
        if sep and name.strip():
            pairs.append((name.strip(), short_hash.strip()))
    return pairs


def _civitai_hashes(values: dict[str, str], warnings: list[str]) -> dict[str, str]:
    """The "Hashes" JSON some extensions add: {"model": …, "lora:name": …, "embed:name": …}."""
    if "Hashes" not in values:
        return {}
    data = load_json(values["Hashes"], "Hashes", warnings)
    if not isinstance(data, dict):
        return {}
    return {str(k): v for k, v in data.items() if isinstance(v, str)}


def _loras(
    prompt: str,
    negative: str,
    values: dict[str, str],
    hashes: dict[str, str],
    warnings: list[str],
) -> tuple[LoraRef, ...]:
    by_name = dict(_name_hash_list(values.get("Lora hashes", "")))
    for key, value in hashes.items():
        if key.startswith("lora:"):
            by_name.setdefault(key[5:], value)
    found: list[LoraRef] = []
    if "Lora weights" in values:  # Fooocus's A1111 scheme: no prompt tags, weights listed
        for name, weight in _name_hash_list(values["Lora weights"]):
            scale = to_float(weight, f"Lora weights {name}", warnings)
            found.append(LoraRef(name, scale, scale, by_name.get(name), "Lora weights"))
    for match in extra_networks(prompt):
        kind, arguments = match.groups()
        if kind not in ("lora", "lyco"):
            continue
        # A1111 ExtraNetworkParams: "name:te:unet", or named "te=…", "unet=…", "dyn=…".
        positional, named = [], {}
        for item in arguments.split(":"):
            parts = item.split("=", 2)
            if len(parts) == 2:
                named[parts[0]] = parts[1]
            else:
                positional.append(item)
        if not positional:
            warnings.append(f"prompt tag {match.group()[:80]!r} names no LoRA")
            continue
        name = positional[0]
        te = named.get("te", positional[1] if len(positional) > 1 else "1")
        unet = named.get("unet", positional[2] if len(positional) > 2 else te)
        found.append(
            LoraRef(
                name=name,
                scale=to_float(unet, f"LoRA {name} UNet scale", warnings),
                text_encoder_scale=to_float(te, f"LoRA {name} text-encoder scale", warnings),
                hash=by_name.get(name.replace(",", "").replace(":", "")),
                source="prompt tag",
            )
        )
    named_in_prompt = {lora.name.replace(",", "") for lora in found}
    if len(named_in_prompt) < len(found):
        warnings.append("a LoRA is named more than once")
    for name, short_hash in by_name.items():
        if name not in named_in_prompt:
            warnings.append(f"LoRA {name!r} has a recorded hash but no tag in the prompt")
            found.append(LoraRef(name=name, hash=short_hash, source="Lora hashes"))
    if any(m.group(1) in ("lora", "lyco") for m in extra_networks(negative)):
        warnings.append("the negative prompt holds a LoRA tag; A1111 does not load it from there")
    return tuple(found)
