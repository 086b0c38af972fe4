"""Where a study's generations run: in this process (the default) or on Ray workers.

The seam between the study's coordinator (`runner.StudyRun`) and whatever computes its items:

    coordinator: which items the case already proves (reused) → `ItemTask`s for the rest
        → executor.run(tasks) yields (task, GenerationResult) as items finish
        → the coordinator alone stores each one (PNG, generation record, links, audit)

A task names every file by path *and* by the SHA-256 the coordinator hashed; a worker
(`make_item`) loads the model by path, refuses a file whose bytes no longer have that SHA-256 (a
one-line `ModelError`, the item fails, the case is untouched) and returns the image and its
generation record. Workers never see the case, so a killed worker loses only its item, and a
killed coordinator loses at most the items not yet stored: the same study again reuses the rest.

`InProcess` (the default) runs the tasks in order, one at a time, in this process, with every
step's progress and preview: exactly what a study did before executors existed. The Ray executor
(`ray_executor.py`, imported only when chosen) runs them on as many workers as the machine or
cluster offers, each item reported when it finishes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Protocol

from workstation.core.canonical import sha256_file
from workstation.core.errors import InputError, ModelError
from workstation.core.params import GenerationParams
from workstation.core.progress import ProgressEvent
from workstation.engine.runtime import Runtime

if TYPE_CHECKING:
    from workstation.engine.generate import GenerationResult

EXECUTORS = ("inprocess", "ray")


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


class Executor(Protocol):
    name: str

    def run(
        self, tasks: Sequence[ItemTask], runtime: Runtime
    ) -> Iterator[tuple[ItemTask, GenerationResult]]:
        """Each task's result as it finishes; raises `Cancelled` when `runtime` asks to stop
        (nothing of an unfinished item comes back) and a `WorkstationError` for an item that
        failed for good."""
        ...


@dataclass
class ModelCache:
    """The last model a worker loaded, checked against the SHA-256 the coordinator hashed."""

    _loaded: tuple[tuple[str, str, str], Any] | None = None

    def get(self, params: GenerationParams) -> Any:
        from workstation.engine.loading import load_model

        wanted = (params.model, params.device, params.dtype)
        if self._loaded is None or self._loaded[0] != wanted or self._loaded[1].changed_on_disk():
            self._loaded = None  # one model in memory at a time
            model = load_model(params.model, device=params.device, dtype=params.dtype)
            self._loaded = (wanted, model)
        model = self._loaded[1]
        _same(params.model, "model", params.model_sha256, model.info.sha256)
        return model


def verify_files(params: GenerationParams) -> None:
    """Every LoRA and the init image still hold the bytes the coordinator hashed (the model is
    checked as it loads: `ModelCache.get`)."""
    for lora in params.loras:
        _same(lora.path, "LoRA", lora.sha256, _hash(lora.path))
    if params.init_image:
        _same(params.init_image, "init image", params.init_sha256, _hash(params.init_image))


def make_item(task: ItemTask, runtime: Runtime, models: ModelCache) -> GenerationResult:
    """One item, in the worker: verify the files, load the model (or keep it), generate."""
    from workstation.engine.generate import generate

    verify_files(task.params)
    model = models.get(task.params)
    return generate(
        model,
        task.params,
        runtime=replace(runtime, threads=task.threads),
        decode_steps=None if task.keep_steps else (),
    )


@dataclass
class InProcess:
    """The items one after the other in this process, each step reported with its preview."""

    name: str = "inprocess"
    models: ModelCache = field(default_factory=ModelCache)

    def run(
        self, tasks: Sequence[ItemTask], runtime: Runtime
    ) -> Iterator[tuple[ItemTask, GenerationResult]]:
        total = sum(task.steps for task in tasks)
        done = 0
        for task in tasks:
            runtime.check_cancelled("study")

            def progress(event: ProgressEvent, done: int = done) -> None:
                runtime.report(done + event.step, total, preview=event.preview)

            yield task, make_item(task, replace(runtime, on_progress=progress), self.models)
            done += task.steps


def executor_named(name: str, address: str | None = None) -> Executor:
    """The executor a front end chose: "inprocess" (default) or "ray" (local, or the cluster at
    `address`). Ray is an optional extra: without it this fails with one line saying so."""
    if name == "inprocess":
        if address:
            raise InputError("--ray-address goes with --executor ray")
        return InProcess()
    if name == "ray":
        from workstation.analysis.studies.ray_executor import RayExecutor, import_ray

        import_ray(local=address is None)  # fails now, in one line, if Ray is not installed
        return RayExecutor(address=address)
    raise InputError(f"unknown executor {name!r}: choose {' or '.join(EXECUTORS)}")


def _hash(path: str) -> str:
    try:
        return sha256_file(path)
    except OSError as error:
        raise ModelError(f"{path}: cannot be read in the worker ({error.strerror})") from None


def _same(path: str, what: str, expected: str | None, actual: str) -> None:
    if expected and expected.lower() != actual:
        raise ModelError(
            f"{path}: the {what}'s SHA-256 is {actual[:12]}…, not the {expected[:12]}… the study "
            "hashed; the file changed after it was hashed, and the worker refused it"
        )
