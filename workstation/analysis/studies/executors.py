"""A study's items for the executors (`analysis/executors.py`): one generation each.

The study's coordinator (`runner.StudyRun`) works out which items the case already proves
(reused), makes an `ItemTask` of each of the rest, and stores each (PNG, generation record,
links, audit) as `generate_item` returns it, on whichever executor ran it.

A task names every file by path *and* by the SHA-256 the coordinator hashed; `generate_item`
loads the model by path, refuses a file whose bytes no longer have that SHA-256 (a one-line
`ModelError`, the item fails, the case is untouched) and returns the image and its generation
record. In this process each step's progress and preview is reported, as before executors.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from workstation.analysis.executors import EXECUTORS as EXECUTORS  # the front ends' choice
from workstation.analysis.executors import Executor as Executor
from workstation.analysis.executors import InProcess as InProcess
from workstation.analysis.executors import executor_named as executor_named
from workstation.analysis.executors import read_sha256, require_sha256, worker_cache
from workstation.core.params import GenerationParams
from workstation.engine.runtime import Runtime

if TYPE_CHECKING:
    from workstation.engine.generate import GenerationResult


@dataclass(frozen=True)
class ItemTask:
    """One generation, complete: what a worker needs, and nothing of the case."""

    index: int  # in the study's items
    label: str  # "seed 3", for messages
    params: GenerationParams  # resolved: device, dtype and the SHA-256 of every file
    keep_steps: bool  # VAE-decode every step (the trajectory)
    threads: int  # torch's CPU threads for the item (the record states them)

    @property
    def steps(self) -> int:
        p = self.params
        return int(p.steps * p.strength) if p.is_img2img else p.steps

    cost = steps  # the executors' progress units

    @property
    def device(self) -> str:
        return self.params.device


_MODELS = worker_cache()  # the worker's last model, kept for its next item


def cached_model(params: GenerationParams) -> Any:
    """The item's model, loaded or kept, checked against the SHA-256 the coordinator hashed."""
    from workstation.engine.loading import load_model

    model = _MODELS.get(
        (params.model, params.device, params.dtype),
        lambda: load_model(params.model, device=params.device, dtype=params.dtype),
        stale=lambda model: model.changed_on_disk(),
    )
    require_sha256(params.model, "model", params.model_sha256, model.info.sha256, "study")
    return model


def verify_files(params: GenerationParams) -> None:
    """Every LoRA and the init image still hold the bytes the coordinator hashed (the model is
    checked as it loads: `ModelCache.get`)."""
    for lora in params.loras:
        require_sha256(lora.path, "LoRA", lora.sha256, read_sha256(lora.path), "study")
    if params.init_image:
        require_sha256(
            params.init_image,
            "init image",
            params.init_sha256,
            read_sha256(params.init_image),
            "study",
        )


def generate_item(task: ItemTask, runtime: Runtime) -> GenerationResult:
    """One item, in the worker: verify the files, load the model (or keep it), generate."""
    from workstation.engine.generate import generate

    verify_files(task.params)
    model = cached_model(task.params)
    return generate(
        model,
        task.params,
        runtime=replace(runtime, threads=task.threads),
        decode_steps=None if task.keep_steps else (),
    )
