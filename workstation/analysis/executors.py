"""Where a long job's items run: in this process (the default) or on Ray workers.

Every long job (a study's generations, the over-fitting lab's training-set sizes, a model
examination's images, seeds or prompts, a corpus build's files) is a list of independent items
and one coordinator:

    coordinator: the items still to compute (what the case already proves is reused)
        → executor.map(work, items, runtime) yields (item, result) as items finish
        → the coordinator alone hashes, stores and links each result (the case, the audit log)

`work(item, runtime)` is a module-level function (a Ray worker imports it by name) that needs
nothing of the case: every file it reads is named in the item by path *and* by the SHA-256 the
coordinator hashed, and it refuses a file whose bytes changed (a one-line `ModelError`). It
returns bytes and numbers. So a killed worker loses only its item (Ray runs it again), and a
killed coordinator loses at most the items it had not stored.

`InProcess` (the default) runs the items in order, one at a time, in this process, with each
item's own progress (and previews) inside the job's: exactly what the jobs did before
executors existed. The Ray executor (`ray_executor.py`, imported only when chosen) runs them on
as many workers as the machine or cluster offers, each item reported when it finishes.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol, TypeVar

from workstation.core.canonical import sha256_file
from workstation.core.errors import InputError, ModelError, WorkstationError
from workstation.core.progress import ProgressEvent
from workstation.engine.runtime import Runtime

EXECUTORS = ("inprocess", "ray")


class Item(Protocol):
    """What an executor needs of an item (a frozen dataclass with a `threads` field)."""

    index: int  # in the job's items, for messages and order
    label: str  # "seed 3", "8 training images", for messages
    threads: int  # torch's CPU threads for the item (Ray: the CPUs its task holds)

    @property
    def cost(self) -> int:  # progress units (a generation's steps; 1 for a file)
        ...

    @property
    def device(self) -> str:  # "cpu", "cuda", "cuda:1", "mps": a CUDA item holds a GPU on Ray
        ...


ItemT = TypeVar("ItemT", bound=Item)
ResultT = TypeVar("ResultT")
Work = Callable[[ItemT, Runtime], ResultT]


class Executor(Protocol):
    name: str

    def map(
        self, work: Work, items: Sequence[ItemT], runtime: Runtime, what: str = "job"
    ) -> Iterator[tuple[ItemT, ResultT]]:
        """Each item's result as it finishes; raises `Cancelled` when `runtime` asks to stop
        (nothing of an unfinished item comes back) and a `WorkstationError` for an item that
        failed for good. `what` names the job in messages ("study", "lab")."""
        ...


@dataclass
class WorkerCache:
    """What a worker keeps between its items: the last object it loaded (one model in memory at a
    time), by key. On Ray it lives as long as the worker process; in this process `InProcess`
    lets it go when the job ends, so a finished job holds no model."""

    _entry: tuple[Hashable, Any] | None = None

    def get(
        self, key: Hashable, load: Callable[[], Any], stale: Callable[[Any], bool] = lambda _: False
    ) -> Any:
        if self._entry is None or self._entry[0] != key or stale(self._entry[1]):
            self._entry = None  # free the old one before loading the next
            self._entry = (key, load())
        return self._entry[1]

    def clear(self) -> None:
        self._entry = None


_CACHES: list[WorkerCache] = []


def worker_cache() -> WorkerCache:
    """A module-level cache for a job's work function (one per module that loads something)."""
    cache = WorkerCache()
    _CACHES.append(cache)
    return cache


@dataclass
class InProcess:
    """The items one after the other in this process, each one's progress inside the job's."""

    name: str = "inprocess"

    def map(
        self, work: Work, items: Sequence[ItemT], runtime: Runtime, what: str = "job"
    ) -> Iterator[tuple[ItemT, ResultT]]:
        total = sum(item.cost for item in items)
        done = 0
        try:
            for item in items:
                runtime.check_cancelled(what)
                progress = _within(runtime, done, item.cost, total)
                yield item, work(item, replace(runtime, on_progress=progress))
                done += item.cost
        finally:
            for cache in _CACHES:
                cache.clear()


def _within(runtime: Runtime, done: int, cost: int, total: int) -> Callable[[ProgressEvent], None]:
    """An item's progress as the job's: its steps scaled into the item's share of the total."""

    def progress(event: ProgressEvent) -> None:
        if event.total <= 0:  # a line between stages
            runtime.report(0, 0, event.message, event.preview, event.value)
            return
        step = done + min(cost, round(event.step * cost / event.total))
        runtime.report(step, total, event.message, event.preview, event.value)

    return progress


def read_sha256(path: str | Path, error: type[WorkstationError] = ModelError) -> str:
    """A file's SHA-256, read in the worker (one line when it cannot be read)."""
    try:
        return sha256_file(path)
    except OSError as problem:
        raise error(f"{path}: cannot be read in the worker ({problem.strerror})") from None


def require_sha256(
    path: str | Path,
    what: str,
    expected: str | None,
    actual: str,
    job: str,
    error: type[WorkstationError] = ModelError,
) -> None:
    """Refuse, in one line, a file whose bytes are not those the coordinator hashed."""
    if expected and expected.lower() != actual.lower():
        raise error(
            f"{path}: the {what}'s SHA-256 is {actual[:12]}…, not the {expected[:12]}… the {job} "
            "hashed; the file changed after it was hashed, and the worker refused it"
        )


def executor_named(name: str, address: str | None = None) -> Executor:
    """The executor a front end chose: "inprocess" (default) or "ray" (local, or the cluster at
    `address`). Ray is an optional extra: without it this fails with one line saying so."""
    if name == "inprocess":
        if address:
            raise InputError("--ray-address goes with --executor ray")
        return InProcess()
    if name == "ray":
        from workstation.analysis.ray_executor import RayExecutor, import_ray

        import_ray(local=address is None)  # fails now, in one line, if Ray is not installed
        return RayExecutor(address=address)
    raise InputError(f"unknown executor {name!r}: choose {' or '.join(EXECUTORS)}")
