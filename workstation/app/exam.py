"""MODEL EXAMINATION: ask a model whether it was trained on a work (membership) or on a set of
works (set test), with scores on control works the user supplies; optionally kept in a case.

    front end → app.exam.membership | set_test → analysis.model_exam.membership (VAE latent,
              UNet queried at recorded timesteps with recorded noises; with a LoRA: base and
              with LoRA) → analysis.model_exam.scoring / set_test (p-values, effect sizes,
              permutation test) → the exam record, with the works and controls imported as
              artifacts if the case lacks them (one transaction)

Every input is checked (images readable, controls given and of the works' size, the LoRA made
for the model's base) before anything is written, so a bad input leaves the case as it was.
Models are named in the record by the SHA-256 of the bytes loaded, not imported.
The images are scored by an executor (`executor=`: in this process by default, or on Ray
workers), one item per image (analysis/model_exam/executors.py); only this coordinator writes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workstation.analysis.executors import EXECUTORS as EXECUTORS  # the front ends' choice
from workstation.analysis.executors import Executor, InProcess
from workstation.analysis.executors import executor_named as executor_named
from workstation.app.case_writer import CaseWriter
from workstation.app.inputs import check_file, check_writer
from workstation.app.provenance import provenance_for_record
from workstation.app.requests import option
from workstation.app.resources import ModelHolder
from workstation.core.errors import InputError
from workstation.engine.runtime import Runtime

if TYPE_CHECKING:
    from workstation.analysis.images import LoadedImage


def _methods(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in text.split(",") if name.strip())


@dataclass(frozen=True, kw_only=True)
class MembershipRequest:
    model: Path = option(help="the model examined (checkpoint file or diffusers folder)")
    lora: Path | None = option(None, help="a LoRA on the model: its change is measured too")
    works: tuple[Path, ...] = option(
        (), items_after=True, metavar="W", required=True, help="the works asked about"
    )
    controls: tuple[Path, ...] = option(
        (),
        items_after=True,
        metavar="C",
        required=True,
        help="control works of the same kind and size, known not to be in training",
    )
    prompt: str = option("", help="conditioning for every image (default: the empty prompt)")
    captions: bool = option(
        False, help="condition each image on its same-name .txt caption, where there is one"
    )
    methods: tuple[str, ...] = option(
        ("loss", "pia", "sima"),
        parse=_methods,
        repeat=False,
        metavar="LIST",
        help="membership methods, comma-separated",
    )
    seed: int = option(0, help="seed of the timesteps and noises (recorded)")
    timesteps: int = option(8, help="timesteps of the loss test")
    low: int = option(50, help="the loss test's timesteps are drawn from LOW..HIGH")
    high: int = option(500)
    pia_t: int = option(200, help="PIA's timestep")
    sima_t: int = option(10, help="SimA's timestep")
    device: str = option("auto", choices=("auto", "cpu", "cuda", "mps"))
    dtype: str = option("auto", choices=("auto", "float32", "float16", "bfloat16"))

    def probe_settings(self) -> Any:
        from workstation.analysis.model_exam.membership import ProbeSettings

        return ProbeSettings(
            seed=self.seed,
            count=self.timesteps,
            low=self.low,
            high=self.high,
            pia_t=self.pia_t,
            sima_t=self.sima_t,
            methods=self.methods,
        )


@dataclass(frozen=True, kw_only=True)
class SetTestRequest(MembershipRequest):
    alpha: float = option(0.05, help="the significance asked for")
    permutations: int = option(10_000, help="seeded permutations of the test")


@dataclass(frozen=True)
class Examined:
    result: dict  # what the record's results hold, and what --json prints
    record_id: int | None


def membership(
    request: MembershipRequest,
    writer: CaseWriter | None = None,
    runtime: Runtime | None = None,
    models: ModelHolder | None = None,
    executor: Executor | None = None,
) -> Examined:
    """Each work's scores, p-value and effect size among the controls (and the LoRA's Δ).
    `executor`: where the images are scored (`executor_named`; default: in this process)."""
    from workstation.analysis.model_exam import scoring

    run = _score(request, writer, runtime, models, executor)
    works, controls = run["works"], run["controls"]
    rows = scoring.compared(_scores(works), _scores(controls))
    for work, row in zip(works, rows, strict=True):
        work.update(row)
    if run["lora"]:
        deltas_w = scoring.deltas(_scores(works), _scores(works, "base_scores"))
        deltas_c = scoring.deltas(_scores(controls), _scores(controls, "base_scores"))
        for image, delta in zip(controls, deltas_c, strict=True):
            image["delta"] = {"scores": delta}
        for work, delta, row in zip(
            works, deltas_w, scoring.compared(deltas_w, deltas_c), strict=True
        ):
            work["delta"] = {"scores": delta, **row}
        _adjusted(works, controls)
    return _finish("membership", run, {"works": works, "controls": controls}, writer)


def set_test(
    request: SetTestRequest,
    writer: CaseWriter | None = None,
    runtime: Runtime | None = None,
    models: ModelHolder | None = None,
    executor: Executor | None = None,
) -> Examined:
    """The pre-registered set statistic per method and its permutation p-value, minimum N."""
    from workstation.analysis.model_exam import scoring
    from workstation.analysis.model_exam.set_test import set_test as test

    if not 0 < request.alpha < 1:
        raise InputError("alpha must lie between 0 and 1")
    if request.permutations < 1:
        raise InputError("give at least one permutation")
    run = _score(request, writer, runtime, models, executor)
    works, controls = run["works"], run["controls"]
    if run["lora"]:
        work_values = scoring.deltas(_scores(works), _scores(works, "base_scores"))
        control_values = scoring.deltas(_scores(controls), _scores(controls, "base_scores"))
    else:
        work_values, control_values = _scores(works), _scores(controls)
    outcome = test(
        work_values,
        control_values,
        alpha=request.alpha,
        permutations=request.permutations,
        seed=request.seed,
        on_delta=run["lora"] is not None,
    )
    results = {**outcome, "works_scored": works, "controls_scored": controls}
    run["settings"].update(alpha=request.alpha, permutations=request.permutations)
    return _finish("set", run, results, writer)


def _adjusted(works: list[dict], controls: list[dict]) -> None:
    """The LoRA's change adjusted for how the base model treats each image (scoring's
    `adjusted_changes`): the statistic benchmarks/exam_lora_rank.py found most reliable for
    base + LoRA. Left out with fewer than 3 controls or a score that is not positive."""
    from workstation.analysis.model_exam import scoring

    values = [image[key] for image in works + controls for key in ("scores", "base_scores")]
    if len(controls) < 3 or any(v <= 0 for scores in values for v in scores.values()):
        return
    adjusted_w, adjusted_c = scoring.adjusted_changes(
        _scores(works),
        _scores(works, "base_scores"),
        _scores(controls),
        _scores(controls, "base_scores"),
    )
    for image, adjusted in zip(controls, adjusted_c, strict=True):
        image["adjusted"] = {"scores": adjusted}
    for work, adjusted, row in zip(
        works, adjusted_w, scoring.compared(adjusted_w, adjusted_c), strict=True
    ):
        work["adjusted"] = {"scores": adjusted, **row}


def _scores(images: list[dict], key: str = "scores") -> list[dict[str, float]]:
    return [image[key] for image in images]


def _score(
    request: MembershipRequest,
    writer: CaseWriter | None,
    runtime: Runtime | None,
    models: ModelHolder | None,
    executor: Executor | None = None,
) -> dict:
    """Check every input, then score works and controls (base, and with the LoRA)."""
    from workstation.analysis.model_exam.membership import (
        check_model,
        draw_probe,
        latent_shape,
    )
    from workstation.core.params import LoraSpec
    from workstation.engine.lora import apply_loras

    clock = time.perf_counter()
    # 1. The inputs, before the model loads.
    settings = request.probe_settings()
    works, controls = _images(request.works, "work"), _images(request.controls, "control")
    if not works:
        raise InputError("no works: give the works asked about with --works")
    if not controls:
        raise InputError(
            "no controls: give control works of the same kind, known not to be in training "
            "(--controls)"
        )
    size = _one_size(works, "works")
    control_size = _one_size(controls, "controls")
    if control_size != size:
        raise InputError(
            f"the controls are {_show(control_size)} but the works {_show(size)}: give controls "
            "of the works' size"
        )
    if not request.model.exists():
        raise InputError(f"{request.model}: model not found")
    check_file(request.lora, "LoRA")
    check_writer(writer)
    images = [*works, *controls]
    prompts = [_prompt(request, Path(image.path)) for image in images]
    runtime = runtime or Runtime(deterministic=True)

    # 2. Load the model (and LoRA), draw the probe; the executor scores each image in each
    #    state of the model (in this process: with the model loaded here).
    from workstation.analysis.model_exam.executors import (
        ImageRef,
        ScoreItem,
        lent,
        model_ref,
        score_item,
    )

    executor = executor or InProcess()
    with (
        (models or ModelHolder()).use(request.model, request.device, request.dtype) as model,
        runtime.applied() as run,
    ):
        check_model(model)
        shape = latent_shape(model, *size)
        train_steps = model.pipe.scheduler.config.num_train_timesteps
        probe = draw_probe(settings, shape, train_steps)
        lora = None
        try:
            if request.lora:
                ((lora, _),) = apply_loras(model, [LoraSpec(str(request.lora), 1.0)])
            ref = model_ref(model, lora)
            items = [
                ScoreItem(
                    index,
                    f"{'work' if index < len(works) else 'control'} "
                    f"{index + 1 if index < len(works) else index + 1 - len(works)}",
                    ref,
                    ImageRef(image.path, image.sha256, prompt),
                    settings,
                    shape,
                    train_steps,
                    runtime.deterministic,
                    run.threads or 1,
                )
                for index, (image, prompt) in enumerate(zip(images, prompts, strict=True))
            ]
            results: dict[int, Any] = {}
            total, done = sum(item.cost for item in items), 0
            with lent(model, ref):
                for item, result in executor.map(score_item, items, run, "model examination"):
                    results[item.index] = result
                    done += item.cost
                    if not isinstance(executor, InProcess):  # in-process: each image's own
                        run.report(done, total, f"{item.label} scored")
            scored = {
                key: [results[index].scores[key] for index in range(len(images))]
                for key in results[0].scores
            }
            threads = results[0].threads
            model.check_files()
        finally:
            if request.lora:
                apply_loras(model, [])
        model_info = loaded_model(model)

    # 3. One entry per image: where it came from, its scores in each state.
    entries = []
    for index, (image, prompt) in enumerate(zip(images, prompts, strict=True)):
        entry: dict[str, Any] = {"path": image.path, "sha256": image.sha256, "prompt": prompt}
        for key in scored:
            entry[key] = scored[key][index]
        entries.append(entry)
    loras = (
        [{"path": lora.path, "sha256": lora.sha256, "scale": 1.0, "base_scale": 0.0}]
        if lora
        else []
    )
    return {
        "works": entries[: len(works)],
        "controls": entries[len(works) :],
        "model": model_info,
        "loras": loras,
        "lora": lora,
        "settings": {
            **probe.record(),
            "prompt": request.prompt,
            "captions": request.captions,
            "size": list(size),
            "torch_threads": threads,
            "deterministic": runtime.deterministic,
        },
        "clock": clock,
    }


def _finish(method: str, run: dict, results: dict, writer: CaseWriter | None) -> Examined:
    from workstation.analysis.model_exam.membership import METHOD_NAMES
    from workstation.analysis.model_exam.scoring import LIMIT

    methods = {name: METHOD_NAMES[name] for name in run["settings"]["methods"]}
    result = {
        "method": method,
        "model": run["model"],
        "loras": run["loras"],
        "settings": run["settings"],
        "methods": methods,
        "direction": "lower score = more member-like; p_value = (1 + controls scoring at most "
        "the work) / (1 + controls); effect_size = (control mean - work) / control std",
        **results,
        "limit": LIMIT,
    }
    seconds = round(time.perf_counter() - run["clock"], 2)
    record_id = None
    if writer is not None:
        record_id = _store(method, run, result, seconds, writer)
    return Examined(result, record_id)


def _store(method: str, run: dict, result: dict, seconds: float, writer: CaseWriter) -> int:
    from workstation.analysis.model_exam.scoring import LIMIT
    from workstation.core.records import Exam, Link

    inputs = {
        role: [{"path": e["path"], "sha256": e["sha256"]} for e in run[role]]
        for role in ("works", "controls")
    }
    body = Exam(
        method=method,
        model=run["model"],
        loras=run["loras"],
        inputs=inputs,
        settings=run["settings"],
        results={k: v for k, v in result.items() if k not in ("model", "loras", "settings")},
        limits=[LIMIT],
        seconds=seconds,
    )
    with writer.open() as case, case.transaction():
        links = []
        for role, label, artifact_role, note in (
            ("works", "work", "reference", "work examined for membership"),
            ("controls", "control", "other", "control work (not in training)"),
        ):
            for number, entry in enumerate(run[role], start=1):
                artifact = case.find_artifact(entry["sha256"])
                if artifact is None:
                    artifact = case.import_file(entry["path"], role=artifact_role, note=note)
                    if artifact.sha256 != entry["sha256"]:
                        raise InputError(f"{entry['path']} changed on disk during the run")
                links.append(Link("input", f"{label} {number}", artifact_id=artifact.id))
        record_id = case.add_record(body, links)
        provenance_for_record(case, record_id)
        return record_id


def _images(paths: tuple[Path, ...], what: str) -> list[LoadedImage]:
    from workstation.analysis.images import load_image

    images = []
    for path in paths:
        try:
            images.append(load_image(path))
        except InputError as error:
            raise InputError(f"{what}: {error}") from None
    return images


def _one_size(images: list[LoadedImage], what: str) -> tuple[int, int]:
    sizes = {(image.width, image.height) for image in images}
    if len(sizes) > 1:
        shown = ", ".join(_show(size) for size in sorted(sizes))
        raise InputError(f"the {what} differ in size ({shown}): give images of one size")
    return sizes.pop()


def _show(size: tuple[int, int]) -> str:
    return f"{size[0]}×{size[1]}"


def _prompt(request: MembershipRequest, path: Path) -> str:
    caption = path.with_suffix(".txt")
    if request.captions and caption.is_file():
        return caption.read_text(encoding="utf-8").strip()
    return request.prompt


def loaded_model(model: Any) -> dict[str, Any]:
    """What an exam record says of the model it ran: the bytes loaded (by hash) and where."""
    return {
        "path": model.info.path,
        "sha256": model.info.sha256,
        "family": model.family.name,
        "device": model.device,
        "dtype": model.dtype,
    }
