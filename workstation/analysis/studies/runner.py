"""What every study shares: its generations (stored one by one, resumable) and storing the study.

An item is one generation: a `GenerationParams` and the values the study swept for it. Its key
is the SHA-256 of those params with every file named by its content hash, device and dtype
resolved, and whether its steps are kept. The CPU thread count is not part of it: the runtime
picks it by the load of the moment (engine/runtime.py), and a study resumed on a busier machine
must still find what it made. Each item's generation record states the count that made its image
(`environment.torch_threads`), which is what re-running that item needs: CPU float sums can
differ in the last bit with another split, so "one key, one image" holds for one thread count.
(Items stored while keys held the count are not found by the new keys: made again once.)

The items the case does not hold yet are computed by an executor (executors.py: in this process
by default, or on Ray workers), which never touches the case; this coordinator stores each result
as it comes back. Each finished item goes into the case at once, in its own transaction: a
generation record with `study_key` = its key, linking its image (role "output") and, when steps
are kept, every decoded step (role "step"). Ctrl-C or a crash loses at most the items being
generated.

Reuse (resume, or a wider sweep later) is driven by those records only, and an item is reused
only when its record proves it: the record's own params give the item's key, its output file
still has the SHA-256 it was stored under, the decoded RGB pixels of that image hash to the
record's `image.rgb_sha256`, and (steps kept) every step is linked and intact. A record that does
not prove itself is passed over and the item generated again; a stored file that no longer
matches its SHA-256 stops the study (the case is damaged: `case verify` says where). Notes,
labels and folders outside the case are never read: files being written live in a temporary
folder that is gone once the item is stored.

The study record itself is written at the end, in one more transaction (`store_study`).
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PIL import Image

from workstation.analysis.studies.executors import Executor, InProcess, ItemTask, generate_item
from workstation.core.canonical import canonical_json, sha256_file, sha256_text
from workstation.core.case import Artifact, Case, Record
from workstation.core.errors import CaseError, InputError, WorkstationError
from workstation.core.params import GenerationParams, LoraSpec
from workstation.core.records import Generation, Link, Study
from workstation.engine.library import inspect
from workstation.engine.runtime import Runtime
from workstation.engine.samplers import canonical_name
from workstation.engine.stored import kept_steps, output_id, step_label

if TYPE_CHECKING:
    from workstation.engine.generate import GenerationResult

ProgressCallback = Callable[[int, int, Any], None]  # legacy form, see Runtime.from_callbacks
CancelCheck = Callable[[], bool]


@dataclass(frozen=True)
class Item:
    params: GenerationParams
    values: dict[str, Any]  # what the study swept, e.g. {"strength": 0.3, "seed": 2}
    keep_steps: bool = False  # VAE-decode and keep every step (the trajectory)

    @property
    def label(self) -> str:
        return ", ".join(f"{name} {_show(value)}" for name, value in self.values.items())


@dataclass(frozen=True)
class Stored:
    """An image in the case, checked against its SHA-256 when it was read."""

    artifact_id: int
    sha256: str
    path: Path  # the case's object file

    def rgb(self) -> np.ndarray:
        with Image.open(self.path) as image:
            return np.asarray(image.convert("RGB"))


@dataclass(frozen=True)
class Made:
    """A finished item: its generation record in the case, its image and kept steps."""

    item: Item
    key: str
    record_id: int
    image: Stored
    record: dict[str, Any]  # the generation record's payload
    steps: tuple[tuple[int, Stored], ...] = ()  # (step, decoded image), when kept
    origin: str = "generated"  # "generated" or "case" (reused)

    def rgb(self) -> np.ndarray:
        return self.image.rgb()


@dataclass
class StudyRun:
    """Generates a study's items into the case, one generation record each, reusing what the
    case proves it already holds."""

    case: Case
    runtime: Runtime = field(default_factory=Runtime)  # applied by the study's entry point
    title: str = "study"  # for the notes of the images it stores
    generated: int = 0
    reused: int = 0
    executor: Executor = field(default_factory=InProcess)  # where the items are computed
    _hashes: dict[str, str] = field(default_factory=dict)

    def check_cancelled(self) -> None:
        self.runtime.check_cancelled("study")

    # 1. Making the items

    def make(self, items: Sequence[Item]) -> list[Made]:
        """Every item, reused or generated (and stored), in order. Raises Cancelled when asked to
        stop; the items finished by then stay in the case.

        The executor computes the items the case does not hold yet; this coordinator alone
        writes to the case, storing each as it comes back (executors.py)."""
        keys = [self.key(item) for item in items]
        found = self._reusable(items, keys)
        first: dict[str, int] = {}  # key -> its first item to generate (a repeat is reused)
        for index, key in enumerate(keys):
            if index not in found:
                first.setdefault(key, index)
        tasks = [
            ItemTask(
                index,
                items[index].label,
                self.resolved(items[index].params),
                items[index].keep_steps,
                self.runtime.threads or 1,
            )
            for index in first.values()
        ]
        total = sum(task.steps for task in tasks)
        done = 0

        def position(index: int) -> str:
            return f"item {index + 1}/{len(items)} ({items[index].label})"

        for index, earlier in found.items():
            where = f"generation record #{earlier.record_id}"
            self.runtime.report(0, total, f"{position(index)}: reused from the case ({where})")
        made_now: dict[str, Made] = {}
        finished = self.executor.map(generate_item, tasks, self.runtime, "study")
        for task, result in finished:
            made = self._store(items[task.index], keys[task.index], result)
            done += task.steps
            self.generated += 1
            made_now[made.key] = made
            self.runtime.report(
                done,
                total,
                f"{position(task.index)}: generated in {result.record.get('seconds', 0):.1f} s, "
                f"stored as generation record #{made.record_id}",
            )
        results = [found.get(index) or made_now[key] for index, key in enumerate(keys)]
        self.reused += len(items) - len(tasks)
        return results

    def key(self, item: Item) -> str:
        return item_key(self.resolved(item.params), item.keep_steps)

    def resolved(self, params: GenerationParams) -> GenerationParams:
        """The params with device and dtype resolved and the SHA-256 of every file filled in
        (the engine re-checks them)."""
        from workstation.engine.loading import resolve_device, resolve_dtype

        device = resolve_device(params.device)
        return params.replace(
            device=device,
            dtype=resolve_dtype(params.dtype, device),
            sampler=canonical_name(params.sampler),
            model_sha256=self._sha256(params.model, model=True),
            loras=tuple(
                LoraSpec(lora.path, lora.scale, self._sha256(lora.path)) for lora in params.loras
            ),
            init_sha256=self._sha256(params.init_image) if params.init_image else None,
        )

    def _sha256(self, path: str, model: bool = False) -> str:
        if path not in self._hashes:
            if model:
                self._hashes[path] = inspect(path).sha256  # read now; a folder has one too
            elif not Path(path).is_file():
                raise InputError(f"{path}: no such file")
            else:
                self._hashes[path] = sha256_file(path)
        return self._hashes[path]

    def _store(self, item: Item, key: str, result: GenerationResult) -> Made:
        """Store one finished item in the case at once (its own transaction)."""
        from workstation.engine.casefile import StepFile, generation_body, store_generation
        from workstation.engine.pngmeta import save_png

        with tempfile.TemporaryDirectory(prefix="workstation-study-item-") as scratch:
            folder = Path(scratch)
            # A telling name: the artifact keeps the name it was imported under.
            name = f"{_slug(self.title)}_{_slug(item.label)}"
            image = save_png(result.image, folder / f"{name}.png", result.record)
            steps = [
                StepFile(
                    s.index, save_png(s.image, folder / f"{name}_step_{s.index:03d}.png"), "decoded"
                )
                for s in result.steps
                if s.image is not None
            ]
            stored = store_generation(
                self.case,
                result,
                image,
                steps,
                note=f"{self.title}: {item.label}",
                study_key=key,
            )
        kept = tuple((file.step, self._file_of(artifact)) for file, artifact in stored.steps)
        record = generation_body(result.record, key).to_payload()
        return Made(item, key, stored.record_id, self._file_of(stored.output), record, kept)

    # 2. Reusing what the case holds

    def _reusable(self, items: Sequence[Item], keys: Sequence[str]) -> dict[int, Made]:
        """index -> the item as the case already holds it, proven (see the module docstring)."""
        wanted = set(keys)
        candidates: dict[str, list[Record]] = {}
        for record in self.case.records("generation"):
            body = record.body
            if isinstance(body, Generation) and body.study_key in wanted and not record.withdrawn:
                candidates.setdefault(body.study_key, []).append(record)
        found: dict[int, Made] = {}
        for index, (item, key) in enumerate(zip(items, keys, strict=True)):
            for record in candidates.get(key, []):
                made = self._proven(item, key, record)
                if isinstance(made, Made):
                    found[index] = made
                    break
                self.runtime.say(f"generation record #{record.id} not reused: {made}")
        return found

    def _proven(self, item: Item, key: str, record: Record) -> Made | str:
        """The item as this record holds it, or why the record does not prove it."""
        body = record.body
        if not isinstance(body, Generation):
            return "it does not read as a generation record"
        try:
            params = GenerationParams.from_dict(body.params)
        except (WorkstationError, KeyError, TypeError, ValueError):
            return "its parameters cannot be read"
        if item_key(params, item.keep_steps) != key:
            return "its parameters are not this item's"
        image_id = output_id(record)
        if image_id is None:
            return "it links no output image"
        image = self._intact(image_id, record)
        if _rgb_sha256(image.path) != body.image.get("rgb_sha256"):
            return "its image's pixels are not the ones it records"
        steps: tuple[tuple[int, Stored], ...] = ()
        if item.keep_steps:
            decoded = {s.step: s.artifact_id for s in kept_steps(record) if s.kind == "decoded"}
            wanted = range(1, body.steps_run + 1)
            if any(step not in decoded for step in wanted):
                return "its denoising steps were not all kept"
            steps = tuple((step, self._intact(decoded[step], record)) for step in wanted)
        return Made(item, key, record.id, image, body.to_payload(), steps, "case")

    def _file_of(self, artifact: Artifact) -> Stored:
        return Stored(artifact.id, artifact.sha256, self.case.object_path(artifact.sha256))

    def _intact(self, artifact_id: int, record: Record) -> Stored:
        """The stored file of an artifact, which must still have its SHA-256: if it does not,
        the case was altered, and nothing should be built on it."""
        artifact = self.case.artifact(artifact_id)
        path = self.case.object_path(artifact.sha256)
        if not path.is_file() or sha256_file(path) != artifact.sha256:
            raise CaseError(
                f"artifact #{artifact_id} (linked by generation record #{record.id}) is missing "
                "or no longer matches its SHA-256: the case was altered; run `workstation case "
                "verify` and restore it from a copy before running the study"
            )
        return Stored(artifact.id, artifact.sha256, path)


def item_key(params: GenerationParams, keep_steps: bool) -> str:
    """The key of a generation with these (resolved) params: files by hash, not by path; not
    the thread count (see the module docstring)."""
    data = params.to_dict()
    data.update(
        model=None,
        init_image=None,
        loras=[{"sha256": lora.sha256, "scale": lora.scale} for lora in params.loras],
        keep_steps=keep_steps,
    )
    return sha256_text(canonical_json(data))


def _rgb_sha256(path: Path) -> str | None:
    try:
        with Image.open(path) as image:
            return hashlib.sha256(image.convert("RGB").tobytes()).hexdigest()
    except (OSError, ValueError):
        return None


def _steps_run(params: GenerationParams) -> int:
    return int(params.steps * params.strength) if params.is_img2img else params.steps


def _show(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


# 3. Storing a study


@dataclass(frozen=True)
class StudyFile:
    path: Path
    label: str  # the label of its "figure" link, e.g. "plot", "data_csv"
    note: str


@dataclass(frozen=True)
class Input:
    """A file the study measured against (reference work, img2img source)."""

    path: Path
    sha256: str
    role: str  # the link's role: "reference" (measured against) or "input" (generated from)
    label: str  # "reference" or "source"
    note: str


def store_study(
    run: StudyRun,
    made: Sequence[Made],
    files: Sequence[StudyFile],
    inputs: Sequence[Input],
    build: Callable[[dict[str, int]], Study],
) -> int:
    """The study record, its files and inputs, in one transaction; returns the record's id.

    `build(artifact_ids)` makes the record once the IDs of the inputs and files (by label) are
    known. The record links each item's generation record ("item") and image ("output"), kept
    steps ("step"), the inputs, and the files ("figure").
    """
    run.check_cancelled()
    case = run.case
    with case.transaction():
        ids: dict[str, int] = {}
        links: list[Link] = []
        for source in inputs:
            artifact = case.find_artifact(source.sha256)
            if artifact is None:
                artifact = case.import_file(source.path, role="other", note=source.note)
                if artifact.sha256 != source.sha256:
                    raise InputError(f"{source.path} changed on disk during the study")
            ids[source.label] = artifact.id
            links.append(Link(source.role, source.label, artifact_id=artifact.id))
        seen: set[str] = set()
        for result in made:
            if result.key in seen:
                continue  # the same generation twice in one study: linked once
            seen.add(result.key)
            label = result.item.label
            links.append(Link("item", label, record_id=result.record_id))
            links.append(Link("output", label, artifact_id=result.image.artifact_id))
            for step, stored in result.steps:
                links.append(
                    Link("step", step_label(step, "decoded"), artifact_id=stored.artifact_id)
                )
        for file in files:
            ids[file.label] = case.import_file(file.path, role="other", note=file.note).id
            links.append(Link("figure", file.label, artifact_id=ids[file.label]))
        return case.add_record(build(ids), links)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "-", text).strip("-").lower()[:60]


@dataclass(frozen=True)
class StudyOutcome:
    record: Record
    generated: int
    reused: int

    @property
    def record_id(self) -> int:
        return self.record.id

    @property
    def payload(self) -> dict[str, Any]:
        return self.record.payload

    def figures(self) -> dict[str, int]:
        """label -> artifact ID of the files the study drew (plot, grid, data_csv, data_json)."""
        return {k.label: k.artifact_id for k in self.record.linked("figure") if k.artifact_id}


def write_data(
    folder: Path, name: str, points: Sequence[dict], columns: Sequence[str], extra: dict[str, Any]
) -> tuple[Path, Path]:
    """The numbers twice: `name.csv` (one row per output) and `name.json` (rows and summary)."""
    import csv
    import json

    folder.mkdir(parents=True, exist_ok=True)
    csv_path, json_path = folder / f"{name}.csv", folder / f"{name}.json"
    with open(csv_path, "w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(points)
    data = {**extra, "points": [{k: p.get(k) for k in columns} for p in points]}
    json_path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return csv_path, json_path
