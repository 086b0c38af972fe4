"""MEMORISED-PROMPT SCREEN: which prompts drive the model unusually hard (Wen et al., ICLR 2024).

    front end → app.exam_prompts.screen → the prompts (a text file, a LoRA's kohya captions
              `ss_tag_frequency`, or given) → the model loaded (its LoRA applied)
              → analysis.model_exam.prompts.screen_prompts → the exam record (method "prompts")

Inputs are checked before the model loads; the case is written only when the run succeeded.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workstation.analysis.executors import Executor, InProcess
from workstation.app.case_writer import CaseWriter
from workstation.app.exam import loaded_model
from workstation.app.inputs import check_file, check_writer
from workstation.app.requests import option
from workstation.app.resources import ModelHolder
from workstation.core.errors import InputError

if TYPE_CHECKING:
    from workstation.engine.runtime import Runtime

PROMPTS_PER_ITEM = 4  # prompts per executor item (each prompt's numbers are its own)


def _seeds(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise InputError(f"seeds: give whole numbers separated by commas, not {text!r}") from None


@dataclass(frozen=True, kw_only=True)
class PromptScreenRequest:
    model: Path = option(help="the model examined (checkpoint file or diffusers folder)")
    lora: Path | None = option(None, help="a LoRA applied to the model for the screen")
    prompts: Path | None = option(None, help="a text file of prompts, one per line")
    from_lora: Path | None = option(
        None, help="screen the training captions (tags) recorded in this LoRA's metadata"
    )
    from_image: Path | None = option(
        None, help="screen the prompt recorded in this image's metadata (A1111, ComfyUI, ...)"
    )
    prompt: tuple[str, ...] = option((), help="a prompt to screen (repeatable)")
    max_prompts: int = option(64, help="at most this many captions from a LoRA (most frequent)")
    seeds: tuple[int, ...] = option((0, 1, 2, 3), parse=_seeds, repeat=False, metavar="LIST")
    steps: int = option(1, help="first sampling steps the magnitude is averaged over")
    sampling_steps: int = option(50, help="the DDIM schedule those steps are taken from")
    size: int | None = option(None, help="pixels (default: the model's native size)")
    reference: str = option(
        "generic",
        choices=("generic", "batch"),
        help="flag against the shipped generic prompts or against the batch itself",
    )
    threshold: float = option(3.5, help="robust z-score at or above which a prompt is flagged")
    tokens: bool = option(True, help="per-token attribution (gradient of the magnitude)")
    device: str = option("auto", choices=("auto", "cpu", "cuda", "mps"))
    dtype: str = option("auto", choices=("auto", "float32", "float16", "bfloat16"))


@dataclass(frozen=True)
class Screened:
    result: dict  # what the record's results hold, and what --json prints
    record_id: int | None


def lora_captions(path: Path, limit: int) -> list[str]:
    """The captions (tags) kohya recorded in a LoRA's `ss_tag_frequency`, most frequent first."""
    from workstation.engine.lora import lora_info

    tags = [tag for tag in lora_info(path).tag_frequency if tag]
    if not tags:
        raise InputError(f"{path}: this LoRA records no training captions (no ss_tag_frequency)")
    return tags[:limit]


def recorded_prompts(path: Path) -> list[str]:
    """The prompts an image's generation metadata records (each recipe's, once)."""
    from workstation.analysis.provenance.reader import read_metadata

    check_file(path, "image")
    prompts = [
        r.prompt.strip() for r in read_metadata(path).recipes if r.prompt and r.prompt.strip()
    ]
    if not prompts:
        raise InputError(f"{path}: the image records no prompt")
    return list(dict.fromkeys(prompts))


def gather_prompts(request: PromptScreenRequest) -> tuple[list[str], str]:
    """The prompts to screen and where they came from."""
    sources = [request.prompts, request.from_lora, request.from_image, request.prompt or None]
    if sum(source is not None for source in sources) != 1:
        raise InputError(
            "give the prompts one way: --prompts FILE, --from-lora LORA, --from-image IMAGE or "
            "--prompt"
        )
    if request.prompts is not None:
        from workstation.analysis.model_exam.prompts import read_prompt_file

        return read_prompt_file(request.prompts), f"file {request.prompts}"
    if request.from_lora is not None:
        check_file(request.from_lora, "LoRA")
        return lora_captions(request.from_lora, request.max_prompts), f"LoRA {request.from_lora}"
    if request.from_image is not None:
        return recorded_prompts(request.from_image), f"image {request.from_image}"
    prompts = [p.strip() for p in request.prompt if p.strip()]
    if not prompts:
        raise InputError("the prompts given are empty")
    return prompts, "given"


def screen(
    request: PromptScreenRequest,
    writer: CaseWriter | None = None,
    runtime: Runtime | None = None,
    models: ModelHolder | None = None,
    executor: Executor | None = None,
) -> Screened:
    """The screen of the request's prompts; `executor`: where the prompts are scored
    (`executor_named`; default: in this process)."""
    from workstation.analysis.model_exam.prompts import ScreenSettings
    from workstation.core.params import LoraSpec
    from workstation.engine.lora import apply_loras
    from workstation.engine.runtime import Runtime

    clock = time.perf_counter()
    # 1. Inputs, before the model loads.
    prompts, source = gather_prompts(request)
    settings = ScreenSettings(
        seeds=request.seeds,
        steps=request.steps,
        sampling_steps=request.sampling_steps,
        size=request.size,
        reference=request.reference,
        threshold=request.threshold,
        tokens=request.tokens,
    )
    if not request.model.exists():
        raise InputError(f"{request.model}: model not found")
    check_file(request.lora, "LoRA")
    check_writer(writer)
    runtime = runtime or Runtime(deterministic=True)

    # 2. Load, apply the LoRA; the executor scores the prompts (a few per item); the model is
    #    left without the LoRA.
    from workstation.analysis.model_exam.executors import (
        PromptItem,
        chunks,
        lent,
        model_ref,
        prompt_item,
    )
    from workstation.analysis.model_exam.prompts import assemble, check_pipe, plan

    prompts, reference, order = plan(prompts, settings)
    executor = executor or InProcess()
    with (models or ModelHolder()).use(request.model, request.device, request.dtype) as model:
        loras = []
        lora = None
        try:
            if request.lora:
                ((lora, _),) = apply_loras(model, [LoraSpec(str(request.lora), 1.0)])
                loras = [{"path": lora.path, "sha256": lora.sha256, "scale": 1.0}]
            check_pipe(model.pipe)
            size = settings.size or model.native_size
            ref = model_ref(model, lora)
            screened = set(prompts) if settings.tokens else set()
            with runtime.applied() as run:
                items = [
                    PromptItem(
                        number,
                        f"prompts {number * PROMPTS_PER_ITEM + 1}–"
                        f"{number * PROMPTS_PER_ITEM + len(chunk)}",
                        ref,
                        chunk,
                        tuple(prompt in screened for prompt in chunk),
                        settings,
                        size,
                        runtime.deterministic,
                        run.threads or 1,
                    )
                    for number, chunk in enumerate(chunks(order, PROMPTS_PER_ITEM))
                ]
                magnitudes: dict[str, list[float]] = {}
                tokens: dict[str, Any] = {}
                threads = run.threads
                total, finished = sum(item.cost for item in items), 0
                with lent(model, ref):
                    for item, done in executor.map(prompt_item, items, run, "prompt screen"):
                        magnitudes.update(done.magnitudes)
                        tokens.update(done.tokens)
                        threads = done.threads
                        finished += item.cost
                        if not isinstance(executor, InProcess):  # in-process: each step's own
                            run.report(finished, total, f"prompt screen: {item.label} scored")
            magnitudes = {prompt: magnitudes[prompt] for prompt in order}
            tokens = {prompt: tokens.get(prompt, ((), False)) for prompt in prompts}
            result = assemble(prompts, reference, magnitudes, tokens, settings, size)
            model.check_files()
        finally:
            if request.lora:
                apply_loras(model, [])
        model_info = loaded_model(model)
    data = result.to_dict()
    output = {
        "method": "prompts",
        "model": model_info,
        "loras": loras,
        "source": source,
        "settings": {
            **data["settings"],
            "size": result.size,
            "torch_threads": threads,
            "deterministic": runtime.deterministic,
        },
        "attribution": result.attribution,
        "prompts": data["scores"],
        "flagged": [score.prompt for score in result.scores if score.flagged],
        "reference": data["reference"],
        "description": result.method,
        "limit": result.limits,
    }
    record_id = None
    if writer is not None:
        record_id = _store(output, round(time.perf_counter() - clock, 2), writer)
    return Screened(output, record_id)


def _store(output: dict[str, Any], seconds: float, writer: CaseWriter) -> int:
    from workstation.core.records import Exam

    body = Exam(
        method="prompts",
        model=output["model"],
        loras=output["loras"],
        inputs={"source": output["source"], "prompts": [s["prompt"] for s in output["prompts"]]},
        settings=output["settings"],
        results={
            k: v for k, v in output.items() if k not in ("model", "loras", "settings", "method")
        },
        limits=[output["limit"]],
        seconds=seconds,
    )
    with writer.open() as case, case.transaction():
        return case.add_record(body, [])
