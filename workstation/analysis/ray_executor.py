"""A long job's items on Ray workers (`--executor ray`): imported only when chosen.

Local mode (no address) starts Ray on this machine with its cores (and GPUs), usage statistics
off, no dashboard, every process bound to 127.0.0.1; `address` joins a user's cluster instead,
whose nodes must see the model files at the same paths. Which sockets it opens: docs/scale.md.

Each item is one Ray task (`run_on_worker`): the job's `work` verifies the files' SHA-256
against the item, keeps its model loaded for the next item the worker gets (a module-level
cache in the worker process), and returns bytes and numbers; the coordinator stores them. A task
whose worker dies is submitted again, up to `retries` times, each retry reported; an item that
fails in its own code (a changed model file) fails the job at once in one line. Cancel cancels
every outstanding task (force: its worker process is killed).
"""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from workstation.analysis.executors import ItemT, ResultT, Work
from workstation.core.errors import Cancelled, InputError, WorkstationError
from workstation.engine.runtime import Runtime

INSTALL = "pip install 'aigc-evidence-workstation[scale]' (or: pip install ray)"
POLL_S = 0.2  # how often the coordinator looks at its cancel flag while items run
CONNECT_TIMEOUT_S = 5.0  # a cluster's head answers at once, or not at all


def import_ray(local: bool = True) -> Any:
    """Ray, with its usage statistics off. `local`: a Ray started here takes 127.0.0.1 as its
    node address, so every server it starts listens on loopback only (Ray's own switch, made for
    single machines; read when Ray is imported, so set before)."""
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    if local:
        os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
    try:
        import ray
    except ImportError:
        raise InputError(f"the Ray executor needs Ray, which is not installed: {INSTALL}") from None
    return ray


def run_on_worker(work: Work, item: ItemT) -> ResultT:
    """One item in a Ray worker (no progress, no cancel flag: Ray cancels the task)."""
    return work(item, Runtime(threads=item.threads))


@dataclass
class RayExecutor:
    name: str = "ray"
    address: str | None = None  # None: a local Ray on this machine
    num_cpus: int | None = None  # local only; None: every core
    cpus_per_item: float = 1.0
    gpus_per_item: float | None = None  # None: 1 when the items run on CUDA, else 0
    retries: int = 3  # resubmissions of an item whose worker died
    worker: Callable[[Work, Any], Any] = run_on_worker  # how a worker runs an item (tests wrap it)

    def map(
        self, work: Work, tasks: Sequence[ItemT], runtime: Runtime, what: str = "job"
    ) -> Iterator[tuple[ItemT, ResultT]]:
        if not tasks:  # nothing to do: no Ray started for it
            return
        if self.address:  # before anything else, even when this process has a Ray already
            check_reachable(self.address)
        ray = import_ray(local=self.address is None)
        started = self._start(ray)
        running: dict[Any, tuple[Any, int]] = {}
        total = sum(task.cost for task in tasks)
        done = 0
        try:
            remote, slots = self._remote(ray, tasks)
            # Each worker uses as many torch threads as CPUs its task holds.
            threads = max(1, int(self.cpus_per_item))
            waiting = [replace(task, threads=threads) for task in reversed(tasks)]
            while waiting or running:
                # 1. Keep every worker busy, and a few tasks queued (never all 100,000 at once).
                while waiting and len(running) < 2 * slots:
                    task = waiting.pop()
                    running[remote.remote(work, task)] = (task, 1)
                if runtime.cancelled():
                    raise Cancelled(f"{what} cancelled")
                ready, _ = ray.wait(list(running), num_returns=1, timeout=POLL_S)
                for ref in ready:
                    task, attempt = running.pop(ref)
                    try:
                        result = ray.get(ref)
                    except _lost(ray) as e:
                        if attempt > self.retries:
                            raise WorkstationError(
                                f"item {task.index + 1} ({task.label}): its worker died "
                                f"{attempt} times; the {what} stops"
                            ) from None
                        runtime.report(
                            done,
                            total,
                            f"item {task.index + 1} ({task.label}): its worker was lost "
                            f"({type(e).__name__}); retrying (attempt {attempt + 1} of "
                            f"{self.retries + 1})",
                        )
                        running[remote.remote(work, task)] = (task, attempt + 1)
                        continue
                    except ray.exceptions.RayTaskError as e:
                        if runtime.cancelled():  # Ctrl-C reaches the workers too
                            raise Cancelled(f"{what} cancelled") from None
                        cause = getattr(e, "cause", None)
                        if isinstance(cause, WorkstationError):
                            raise cause from None
                        first = str(cause or e).strip().splitlines()[-1]
                        raise WorkstationError(
                            f"item {task.index + 1} ({task.label}) failed in its worker: {first}"
                        ) from None
                    except ray.exceptions.RayError as e:  # Ray itself failed (one line, too)
                        first = (str(e).strip().splitlines() or [type(e).__name__])[0]
                        raise WorkstationError(
                            f"item {task.index + 1} ({task.label}): Ray failed: {first[:300]}"
                        ) from None
                    done += task.cost
                    yield task, result
        finally:
            for ref in running:  # cancelled, failed, or the coordinator stopped reading
                ray.cancel(ref, force=True)
            if started:
                ray.shutdown()

    def _remote(self, ray: Any, tasks: Sequence[Any]) -> tuple[Any, int]:
        """The Ray task that runs an item, and how many can run at once."""
        # Ray hides the GPUs from a task that holds none: a CUDA item holds one (or its share).
        cuda = any(task.device.startswith("cuda") for task in tasks)
        gpus = self.gpus_per_item if self.gpus_per_item is not None else float(cuda)
        remote = ray.remote(self.worker).options(
            num_cpus=self.cpus_per_item, num_gpus=gpus, max_retries=0
        )
        resources = ray.cluster_resources()
        slots = int(resources.get("CPU", 1) // self.cpus_per_item)
        if gpus:
            slots = min(slots, int(resources.get("GPU", 0) // gpus))
            if slots < 1:
                raise InputError("the items run on CUDA, and the Ray cluster has no GPU")
        return remote, max(1, slots)

    def _start(self, ray: Any) -> bool:
        """Start (or join) Ray unless this process already has; whether we started it."""
        if ray.is_initialized():
            return False
        if self.address:
            ray.init(
                address=self.address,
                include_dashboard=False,
                log_to_driver=False,
                logging_level="ERROR",
            )
        else:
            start_local(self.num_cpus)
        return True


def check_reachable(address: str, timeout_s: float = CONNECT_TIMEOUT_S) -> None:
    """Refuse, in one line and within seconds, a cluster address nothing answers at (Ray itself
    would retry for minutes, printing its own log lines). "auto": Ray finds the cluster itself."""
    if address == "auto":
        return
    host, _, port = address.removeprefix("ray://").rpartition(":")
    host = host.strip("[]")
    if not host or not port.isdigit():
        raise InputError(f"--ray-address {address}: expected HOST:PORT (or ray://HOST:PORT, auto)")
    try:
        socket.create_connection((host, int(port)), timeout=timeout_s).close()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise InputError(f"cannot reach the Ray cluster at {address}: {reason}") from None


def _lost(ray: Any) -> tuple[type[BaseException], ...]:
    """The errors that mean the item's worker was lost, not that the item failed: it runs again
    (Ray's memory monitor kills a worker when the machine runs short: OutOfMemoryError)."""
    errors = ray.exceptions
    return (errors.WorkerCrashedError, errors.NodeDiedError, errors.OutOfMemoryError)


def start_local(num_cpus: int | None = None) -> Any:
    """Ray on this machine with `num_cpus` workers (None: every core): usage statistics off, no
    dashboard, every server on 127.0.0.1 (docs/scale.md). Returns the `ray` module."""
    ray = import_ray(local=True)
    with _http_to_nowhere():
        ray.init(
            num_cpus=num_cpus,
            include_dashboard=False,
            _node_ip_address="127.0.0.1",
            log_to_driver=False,
            logging_level="ERROR",
        )
    return ray


@contextlib.contextmanager
def _http_to_nowhere() -> Iterator[None]:
    """While a local Ray starts: its processes' HTTP goes to a closed port on loopback.

    Even with usage statistics off and no dashboard, Ray's head process asks the cloud metadata
    services which cloud it runs on (http://169.254.169.254, metadata.google.internal: seen with
    strace, Ray 2.60). Ray's processes inherit this proxy setting as they start, so those requests
    fail at 127.0.0.1:9 and never leave the machine; loopback traffic stays direct. Our own
    process gets its environment back afterwards."""
    names = ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "no_proxy", "NO_PROXY")
    before = {name: os.environ.get(name) for name in names}
    os.environ.update({name: "http://127.0.0.1:9" for name in names[:4]})
    os.environ.update({name: "127.0.0.1,localhost,::1" for name in names[4:]})
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
