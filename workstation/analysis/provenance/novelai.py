"""NovelAI: PNG text "Software" = "NovelAI", "Source" = the model, "Description" = the prompt, and
"Comment" = JSON with prompt, uc (the negative), steps, scale, seed, sampler, width, height,
noise_schedule, strength (img2img); V4 adds v4_prompt / v4_negative_prompt with per-character
captions, kept in the settings.
"""

from __future__ import annotations

from workstation.analysis.provenance import samplers
from workstation.analysis.provenance.result import Recipe
from workstation.analysis.provenance.values import as_text, load_json, to_float, to_int


def parse(
    comment: str | None, texts: dict[str, str], source: str
) -> tuple[Recipe | None, list[str]]:
    warnings: list[str] = []
    data = load_json(comment, f"{source} Comment", warnings) if comment is not None else None
    if comment is None:
        warnings.append("NovelAI image without a Comment field: only the prompt is known")
    if data is not None and not isinstance(data, dict):
        warnings.append(f"{source} Comment is not a JSON object")
    data = data if isinstance(data, dict) else {}
    name = data.get("sampler")
    schedule = data.get("noise_schedule")
    sampler = None
    base = samplers.NOVELAI.get(name) if isinstance(name, str) else None
    if base is None and name is not None:
        warnings.append(f"NovelAI sampler {as_text(name)[:60]!r} has no A1111 equivalent")
    elif base is not None:
        schedule_name = samplers.NOVELAI_SCHEDULES.get(str(schedule), str(schedule))
        sampler = samplers.join(base, None if schedule is None else schedule_name, warnings)
    prompt = data.get("prompt", texts.get("Description"))
    strength = to_float(data.get("strength"), "strength", warnings)
    return (
        Recipe(
            generator="NovelAI",
            source=source,
            prompt=None if prompt is None else as_text(prompt),
            negative=None if data.get("uc") is None else as_text(data["uc"]),
            seed=to_int(data.get("seed"), "seed", warnings),
            steps=to_int(data.get("steps"), "steps", warnings),
            cfg=to_float(data.get("scale"), "scale", warnings),
            sampler=sampler,
            sampler_recorded=None if name is None else f"{as_text(name)} + {as_text(schedule)}",
            schedule=None if schedule is None else as_text(schedule),
            width=to_int(data.get("width"), "width", warnings),
            height=to_int(data.get("height"), "height", warnings),
            model_name=texts.get("Source"),
            denoising_strength=strength,
            mode="img2img" if strength is not None else "txt2img",
            generator_version=texts.get("Software"),
            settings=tuple((str(k), as_text(v)) for k, v in data.items()),
            inferred=(
                *((("sampler", f"mapped from NovelAI {name} + {schedule}"),) if sampler else ()),
                ("mode", "NovelAI records no mode: a 'strength' means img2img"),
            ),
        ),
        warnings,
    )
