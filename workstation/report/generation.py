"""A generation record (engine/generate.py's record): the output (its "output" link), a
parameters table with every hash, and the denoising trajectory of the kept steps ("step" links,
read by engine/stored.py for new and old records alike).
"""

from __future__ import annotations

from dataclasses import MISSING, replace
from typing import Any

from reportlab.platypus import Flowable

from workstation.core.case import Record
from workstation.core.params import GenerationParams
from workstation.engine.stored import KeptStep, output_id
from workstation.engine.stored import kept_steps as stored_steps
from workstation.report import payload as pl
from workstation.report.context import Context
from workstation.report.figures import caption, figure, grid
from workstation.report.layout import FRAME_HEIGHT


def generation(ctx: Context, record: Record) -> list[Flowable]:
    payload = record.payload
    params = pl.get(payload, "params", "parameters", default=payload)
    params = params if isinstance(params, dict) else {}
    story: list[Flowable] = []

    output = output_id(record)
    artifact = ctx.evidence.by_id.get(output) if output is not None else None
    if artifact is not None:
        sha = artifact.sha256
        story += figure(
            ctx, sha, ctx.t("generated_image") + " — " + caption(ctx, sha), FRAME_HEIGHT * 0.42
        )
    else:
        story.append(ctx.p(ctx.t("output_not_stored"), ctx.styles.small))

    story.append(ctx.p(ctx.t("parameters"), ctx.styles.h3))
    story.append(ctx.key_values(parameter_rows(ctx, payload, params), 120))

    steps, total = kept_steps(ctx, record, params)
    if steps:
        story.append(ctx.p(ctx.t("trajectory"), ctx.styles.h3))
        story.append(
            ctx.p(ctx.t("trajectory_intro", kept=len(steps), total=total or "?"), ctx.styles.small)
        )
        timesteps = _timesteps(payload)
        story += grid(ctx, [(sha, step_label(ctx, n, total, timesteps)) for n, sha in steps], 5)
        key = "trajectory_figure" if timesteps else "trajectory_figure_no_t"
        story.append(ctx.p(ctx.t(key, kept=len(steps), total=total or "?"), ctx.styles.caption))

    run = run_rows(ctx, payload)
    if run:
        story.append(ctx.p(ctx.t("run_heading"), ctx.styles.h3))
        story.append(ctx.key_values(run, 120))
    return story + ctx.also_recorded(payload, set(SHOWN))


# What the sections above show of a generation record (the rest: the attached records file).
SHOWN = frozenset(
    {
        "schema",
        "params",
        "parameters",
        "model",
        "loras",
        "environment",
        "init_image",
        "mode",
        "steps_run",
        "timesteps",
        "artifacts",  # an old record's map: the case read it into links
        "scheduler",  # its class is shown with the sampler; its config is in the attached file
        "sampling",
        "started",
        "finished",
        "seconds",
        "image",
        "study_key",
    }
)


def run_rows(ctx: Context, payload: dict) -> list[tuple[str, Any]]:
    """When it ran, how long it took, and the hash of the pixels it made."""
    rows: list[tuple[str, Any]] = []
    for key, label in (("started", "run_started"), ("finished", "run_finished")):
        if payload.get(key):
            rows.append((ctx.t(label), pl.show(payload[key]).replace("T", " ")))
    seconds = pl.number(payload.get("seconds"))
    if seconds is not None:
        rows.append((ctx.t("run_seconds"), ctx.t("run_seconds_value", seconds=f"{seconds:g}")))
    image = payload.get("image") if isinstance(payload.get("image"), dict) else {}
    if image.get("rgb_sha256"):
        text = ctx.t(
            "run_output_value", w=pl.show(image.get("width")), h=pl.show(image.get("height"))
        )
        rows.append((ctx.t("run_output"), [ctx.cell(text), ctx.mono(image["rgb_sha256"])]))
    if payload.get("study_key"):
        rows.append((ctx.t("run_study_item"), pl.show(payload["study_key"])))
    return rows


# Parameters the table above shows by name (GenerationParams fields).
# fmt: off
_PARAM_KEYS = frozenset((
    "prompt", "negative", "negative_prompt", "seed", "steps", "sampler", "cfg", "width", "height",
    "clip_skip", "init_image", "init_sha256", "strength", "device", "dtype", "model",
    "model_sha256", "loras",
))
# fmt: on
# How a peer generator ran it (GenerationParams' convention fields): shown when not the default.
_PEER_DEFAULTS = {
    name: field.default
    for name, field in GenerationParams.__dataclass_fields__.items()
    if name not in _PARAM_KEYS and field.default is not MISSING
}
_PEER_LABELS = {
    "convention": "param_convention",
    "scheduler": "param_schedule",
    "prompt_syntax": "param_prompt_syntax",
    "noise": "param_noise",
    "eta_noise_seed_delta": "param_ensd",
    "subseed": "param_subseed",
    "subseed_strength": "param_subseed_strength",
    "batch_size": "param_batch_size",
    "batch_index": "param_batch_index",
    "hires": "param_hires",
    "refiner": "param_refiner",
    "embeddings": "param_embeddings",
}


def parameter_rows(ctx: Context, payload: dict, params: dict) -> list[tuple[str, Any]]:
    model = payload.get("model") if isinstance(payload.get("model"), dict) else {}
    env = payload.get("environment") if isinstance(payload.get("environment"), dict) else {}
    init = payload.get("init_image") if isinstance(payload.get("init_image"), dict) else {}
    rows: list[tuple[str, Any]] = []

    def add(label_key: str, value: Any, mono: bool = False) -> None:
        if value is None or value == "" or value == []:
            return
        text = pl.show(value)
        rows.append((ctx.t(label_key), ctx.mono(text) if mono else text))

    add("mode", pl.get(payload, "mode") or ("img2img" if params.get("init_image") else None))
    add("model", pl.get(model, "name", "path") or params.get("model"))
    if model.get("path") and model.get("path") != model.get("name"):
        add("model_path", model.get("path"))
    add(
        "model_kind",
        " / ".join(pl.show(model[k]) for k in ("architecture", "format", "kind") if model.get(k))
        or None,
    )
    add("model_sha256", pl.get(model, "sha256") or params.get("model_sha256"), mono=True)
    short = [
        f"{name} {model[key]}"
        for key, name in (("autov2", "AutoV2"), ("autov1", "AutoV1"))
        if model.get(key)
    ]
    add("model_short_hashes", ", ".join(short) or None)
    for lora in _loras(payload, params):
        text = ctx.t("lora_value", name=lora["name"], scale=lora["scale"])
        hashes = "\n".join(
            x
            for x in (
                f"SHA-256 {lora['sha256']}" if lora["sha256"] else "",
                f"addnet {lora['addnet']}" if lora["addnet"] else "",
            )
            if x
        )
        rows.append((ctx.t("lora"), [ctx.cell(text), ctx.mono(hashes)] if hashes else text))
    add("prompt", params.get("prompt"))
    add("negative_prompt", params.get("negative") or params.get("negative_prompt"))
    add("seed", params.get("seed"))
    steps = params.get("steps")
    run = payload.get("steps_run")
    add("steps", f"{steps} ({ctx.t('steps_run', n=run)})" if run not in (None, steps) else steps)
    scheduler = pl.path(payload, "scheduler.class")
    sampler = params.get("sampler")
    add("sampler", f"{sampler} ({scheduler})" if sampler and scheduler else sampler or scheduler)
    sampling = payload.get("sampling") or {}
    if sampling.get("convention") in ("a1111", "comfyui"):
        who = ctx.t(f"convention_{sampling['convention']}")
        add(
            "sampling_convention",
            ctx.t(
                "convention_detail",
                who=who,
                sampler=sampling.get("k_sampler", "?"),
                schedule=sampling.get("schedule", "?"),
                noise=sampling.get("noise_source", "?"),
            ),
        )
    add("cfg", params.get("cfg"))
    if params.get("width") and params.get("height"):
        add("size", ctx.t("dimensions", w=params["width"], h=params["height"]))
    add("clip_skip", params.get("clip_skip"))
    init_sha = init.get("sha256") or params.get("init_sha256")
    if init_sha or params.get("init_image"):
        artifact = ctx.evidence.by_sha.get(str(init_sha).lower()) if init_sha else None
        where = ctx.ref(artifact, init_sha) if artifact else pl.show(params.get("init_image"))
        rows.append((ctx.t("init_image"), [ctx.cell(where), ctx.mono(init_sha or "—")]))
    add("strength", params.get("strength"))
    add(
        "device",
        " · ".join(
            pl.show(v)
            for v in (env.get("device") or params.get("device"), env.get("device_name"))
            if v
        ),
    )
    add("dtype", env.get("dtype") or params.get("dtype"))
    versions = [pl.show(env["software"])] if env.get("software") else []  # "workstation 0.1.0"
    versions += [
        f"{k} {env[k]}" for k in ("torch", "diffusers", "transformers", "python") if env.get(k)
    ]
    add("versions", ", ".join(versions) or None)
    add("platform", env.get("platform"))
    handled_env = {
        "device",
        "device_name",
        "dtype",
        "software",
        "torch",
        "diffusers",
        "transformers",
        "python",
        "platform",
    }
    add("env_rng", env.get("rng"))
    if isinstance(env.get("deterministic_algorithms"), bool):
        add("env_deterministic", ctx.t("yes" if env["deterministic_algorithms"] else "no"))
    add("env_threads", env.get("torch_threads"))
    for key, value in env.items():
        if key not in handled_env and key not in (
            "rng",
            "deterministic_algorithms",
            "torch_threads",
        ):
            rows.append((key.replace("_", " "), pl.show(value)))
    for key, value in params.items() if params is not payload else ():
        if key in _PARAM_KEYS or value in (None, "", []) or _PEER_DEFAULTS.get(key) == value:
            continue  # shown above, empty, or the engine's own default (nothing to say)
        label = ctx.t(_PEER_LABELS[key]) if key in _PEER_LABELS else key.replace("_", " ")
        rows.append((label, pl.show(value)))
    return rows


def _loras(payload: dict, params: dict) -> list[dict]:
    found = payload.get("loras") if isinstance(payload.get("loras"), list) else None
    if found is None:
        found = params.get("loras") if isinstance(params.get("loras"), list) else []
    loras = []
    for item in found:
        if not isinstance(item, dict):
            item = {"path": item}
        path = pl.show(item.get("path"))
        loras.append(
            {
                "name": pl.get(item, "name", default=path.replace("\\", "/").rsplit("/", 1)[-1]),
                "path": path,
                "scale": pl.show(pl.get(item, "scale", "weight", default="—")),
                "sha256": pl.get(item, "sha256"),
                "addnet": pl.get(item, "addnet"),
            }
        )
    return loras


def model_files(ctx: Context, records: list[Record], names: dict[int, str]) -> list[dict]:
    """Every model and LoRA file named by a generation record, with its hashes, once each."""
    files: dict[tuple, dict] = {}

    def add(kind: str, file: str, sha: str | None, other: str, record: Record) -> None:
        key = (kind, sha or file)
        entry = files.setdefault(
            key, {"kind": kind, "file": file, "sha256": sha, "other": other, "used_in": []}
        )
        if names[record.id] not in entry["used_in"]:
            entry["used_in"].append(names[record.id])

    for record in records:
        payload = record.payload
        params = pl.get(payload, "params", "parameters", default=payload)
        params = params if isinstance(params, dict) else {}
        model = payload.get("model") if isinstance(payload.get("model"), dict) else {}
        path = pl.get(model, "path", "name") or params.get("model")
        if path:
            other = ", ".join(
                f"{n} {model[k]}"
                for k, n in (("autov2", "AutoV2"), ("autov1", "AutoV1"))
                if model.get(k)
            )
            add(
                "model",
                pl.show(path),
                pl.get(model, "sha256") or params.get("model_sha256"),
                other,
                record,
            )
        for lora in _loras(payload, params):
            add(
                "lora",
                lora["path"],
                lora["sha256"],
                f"addnet {lora['addnet']}" if lora["addnet"] else "",
                record,
            )
    return list(files.values())


def kept_steps(
    ctx: Context, record: Record, params: dict
) -> tuple[list[tuple[int | None, str]], int | None]:
    """[(step number or None, sha)] of the kept step images, and the number of steps run.

    A step kept as latent preview and as VAE decode is shown once, as its decode.
    """
    payload = record.payload
    total = pl.as_int(pl.get(payload, "steps_run", "total_steps", "steps_total"))
    if total is None and pl.as_int(params.get("steps")):
        strength = pl.number(params.get("strength"))
        steps = pl.as_int(params.get("steps"))
        total = int(steps * strength) if params.get("init_image") and strength else steps
    kept = [s for s in stored_steps(record) if s.artifact_id in ctx.evidence.by_id]
    if total is not None and len(kept) == total and all(s.step is None for s in kept):
        kept = [replace(s, step=n) for n, s in enumerate(kept, start=1)]  # one per step, in order
    chosen: dict[int | None, KeptStep] = {}
    unnumbered = []
    for step in kept:
        if step.step is None:
            unnumbered.append(step)
        elif step.step not in chosen or step.kind == "decoded":
            chosen[step.step] = step
    found = [(n, ctx.evidence.by_id[s.artifact_id].sha256) for n, s in sorted(chosen.items())]
    found += [(None, ctx.evidence.by_id[s.artifact_id].sha256) for s in unnumbered]
    return found, total


def step_label(ctx: Context, n: int | None, total: int | None, timesteps: list[float]) -> str:
    """A kept step's caption: its number of the steps run and, when recorded, its timestep."""
    if n is not None and 0 < n <= len(timesteps):
        t = timesteps[n - 1]
        shown = str(int(t)) if float(t).is_integer() else f"{t:.1f}"
        return ctx.t("step_timestep", n=n, total=total or "?", t=shown)
    return ctx.t("step_n_of_total", n=n if n is not None else "?", total=total or "?")


def _timesteps(payload: dict) -> list[float]:
    """The record's timesteps (one per step run), [] when it has none or they are not numbers."""
    found = payload.get("timesteps")
    if not isinstance(found, list) or not all(pl.number(t) is not None for t in found):
        return []
    return [float(t) for t in found]
