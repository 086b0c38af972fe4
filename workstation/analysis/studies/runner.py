"""What every study shares: its generations (made once, resumable) and storing it in the case.

An item is one generation: a `GenerationParams` and the values the study swept for it. Its key
is the SHA-256 of those params with every file named by its content hash, device, dtype and CPU
thread count resolved, and whether its steps are kept: one key, one image.

Resuming. A finished item is written to `CASE/work/studies/<key>/` (`image.png` with its
generation record, `step_NNN.png` when steps are kept), built in a hidden temporary folder and
renamed, so a folder there is complete. Any later study run with an item of the same key takes it
from there; an item already stored in the case (an artifact whose note says `params <key>`) is
taken from the case. The case is written only at the end, in one transaction (so Ctrl-C or a crash
leaves it as it was); after that commit the study's work folders are removed.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from workstation.core.canonical import canonical_json, sha256_file, sha256_text
from workstation.core.case import Artifact, Case
from workstation.core.errors import Cancelled, InputError
from workstation.core.params import GenerationParams, LoraSpec
from workstation.engine.library import inspect
from workstation.engine.samplers import canonical_name

WORK_DIR = Path("work") / "studies"
KEY_NOTE = re.compile(r"params ([0-9a-f]{64})")
ProgressCallback = Callable[[int, int, Any], None]
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
class Made:
    """A finished item, from wherever it came."""

    item: Item
    key: str
    image: Path  # PNG with the generation record
    record: dict[str, Any]
    steps: tuple[tuple[int, Path], ...] = ()  # (step, decoded image), when kept
    origin: str = "generated"  # "generated", "work folder" or "case"
    artifact_id: int | None = None  # when taken from the case

    def rgb(self) -> np.ndarray:
        with Image.open(self.image) as image:
            return np.asarray(image.convert("RGB"))


@dataclass
class StudyRun:
    """Generates a study's items into the case's work folder, reusing what is there."""

    case: Case
    on_progress: ProgressCallback | None = None
    is_cancelled: CancelCheck | None = None
    generated: int = 0
    reused: int = 0
    _hashes: dict[str, str] = field(default_factory=dict)
    _model: Any = None

    @property
    def work(self) -> Path:
        return self.case.root / WORK_DIR

    def check_cancelled(self) -> None:
        if self.is_cancelled and self.is_cancelled():
            raise Cancelled("study cancelled")

    # 1. Making the items

    def make(self, items: Sequence[Item]) -> list[Made]:
        """Every item, generated or reused, in order. Raises Cancelled when asked to stop."""
        keys = [self.key(item) for item in items]
        stored = self._stored_items()
        found: dict[int, Made] = {}
        for index, (item, key) in enumerate(zip(items, keys, strict=True)):
            made = self._from_work(item, key)
            if made is None and not item.keep_steps and key in stored:
                artifact = stored[key]
                path = self.case.object_path(artifact.sha256)
                made = _read(item, key, path, (), "case", artifact.id)
            if made is not None:
                found[index] = made
        total = sum(_steps_run(items[i].params) for i in range(len(items)) if i not in found)
        done = 0
        results = []
        self._remove_stale_temporaries()
        for index, (item, key) in enumerate(zip(items, keys, strict=True)):
            self.check_cancelled()
            position = f"item {index + 1}/{len(items)} ({item.label})"
            if index in found:
                self.reused += 1
                results.append(found[index])
                self._tell(done, total, f"{position}: reused from the {found[index].origin}")
                continue
            started = time.perf_counter()
            made = self._generate(item, key, done, total)
            done += _steps_run(item.params)
            self.generated += 1
            results.append(made)
            seconds = time.perf_counter() - started
            self._tell(done, total, f"{position}: generated in {seconds:.1f} s")
        return results

    def key(self, item: Item) -> str:
        params = self.resolved(item.params)
        data = params.to_dict()
        data.update(
            model=None,
            init_image=None,
            loras=[{"sha256": lora.sha256, "scale": lora.scale} for lora in params.loras],
            keep_steps=item.keep_steps,
            cpu_threads=_threads() if params.device == "cpu" else None,
        )
        return sha256_text(canonical_json(data))

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

    def _tell(self, step: int, total: int, detail: Any) -> None:
        if self.on_progress:
            self.on_progress(step, total, detail)

    def _generate(self, item: Item, key: str, done: int, total: int) -> Made:
        from workstation.engine.generate import generate
        from workstation.engine.pngmeta import save_png

        params = self.resolved(item.params)
        model = self._load(params)

        def progress(step: int, steps: int, preview: np.ndarray) -> None:
            self._tell(done + step, total, preview)

        result = generate(
            model,
            params,
            on_progress=progress,
            is_cancelled=self.is_cancelled,
            decode_steps=None if item.keep_steps else (),
        )
        # Written to a hidden folder, then renamed: a folder named by its key is complete.
        temporary = self.work / f".{key}.{os.getpid()}.tmp"
        shutil.rmtree(temporary, ignore_errors=True)
        temporary.mkdir(parents=True)
        save_png(result.image, temporary / "image.png", result.record)
        steps = []
        for step in result.steps:
            if step.image is not None:
                steps.append((step.index, save_png(step.image, temporary / _step_name(step.index))))
        final = self.work / key
        shutil.rmtree(final, ignore_errors=True)
        os.replace(temporary, final)
        return _read(item, key, final / "image.png", tuple((s, final / p.name) for s, p in steps))

    def _load(self, params: GenerationParams) -> Any:
        from workstation.engine.loading import load_model

        wanted = (params.model, params.device, params.dtype)
        if self._model is None or self._model[0] != wanted:
            self._model = None
            model = load_model(params.model, device=params.device, dtype=params.dtype)
            self._model = (wanted, model)
        return self._model[1]

    def _from_work(self, item: Item, key: str) -> Made | None:
        folder = self.work / key
        image = folder / "image.png"
        if not image.is_file():
            return None
        try:
            made = _read(item, key, image, (), "work folder")
        except (OSError, ValueError):
            return None  # damaged (e.g. a power cut before the data reached the disk): redo it
        if item.keep_steps:
            steps = tuple(
                (step, folder / _step_name(step)) for step in range(1, made.record["steps_run"] + 1)
            )
            if not all(path.is_file() for _, path in steps):
                return None
            made = Made(item, key, image, made.record, steps, "work folder")
        return made

    def _stored_items(self) -> dict[str, Artifact]:
        found = {}
        for artifact in self.case.artifacts("generated"):
            match = KEY_NOTE.search(artifact.note)
            if match:
                found.setdefault(match[1], artifact)
        return found

    def _remove_stale_temporaries(self) -> None:
        if self.work.is_dir():
            for folder in self.work.glob(".*.tmp"):
                shutil.rmtree(folder, ignore_errors=True)

    def forget(self, made: Sequence[Made]) -> None:
        """Remove the work folders of items now stored in the case."""
        for item in made:
            if item.origin != "case":
                shutil.rmtree(self.work / item.key, ignore_errors=True)


def _read(
    item: Item,
    key: str,
    image: Path,
    steps: tuple[tuple[int, Path], ...],
    origin: str = "generated",
    artifact_id: int | None = None,
) -> Made:
    from workstation.engine.pngmeta import read_record

    record = read_record(image)
    if record is None:
        raise ValueError(f"{image} has no generation record")
    return Made(item, key, image, record, steps, origin, artifact_id)


def _steps_run(params: GenerationParams) -> int:
    return int(params.steps * params.strength) if params.is_img2img else params.steps


def _step_name(step: int) -> str:
    return f"step_{step:03d}.png"


def _threads() -> int:
    import torch

    return torch.get_num_threads()


def _show(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


# 2. Storing a study


@dataclass(frozen=True)
class StudyFile:
    path: Path
    label: str  # key in the record's "artifacts", e.g. "plot", "data_csv"
    note: str


@dataclass(frozen=True)
class Input:
    """A file the study measured against (reference work, img2img source)."""

    path: Path
    sha256: str
    label: str  # "reference" or "source"
    note: str


def store_study(
    run: StudyRun,
    title: str,
    made: Sequence[Made],
    files: Sequence[StudyFile],
    inputs: Sequence[Input],
    build: Callable[[dict[str, int], dict[str, list[dict]], dict[str, int]], dict[str, Any]],
    scratch: Path,
) -> int:
    """Everything in one transaction; returns the study record's id.

    `build(item_ids, step_ids, artifact_ids)` makes the record payload once the artifact IDs are
    known: item_ids maps item key -> artifact ID of its image, step_ids maps item key ->
    [{"step", "id"}], artifact_ids maps input and file labels -> artifact ID.
    """
    run.check_cancelled()
    case = run.case
    scratch.mkdir(parents=True, exist_ok=True)
    with case.transaction():
        known = {a.sha256: a for a in case.artifacts()}
        artifact_ids: dict[str, int] = {}
        for source in inputs:
            artifact = known.get(source.sha256)
            if artifact is None:
                artifact = case.import_file(source.path, role="other", note=source.note)
                if artifact.sha256 != source.sha256:
                    raise InputError(f"{source.path} changed on disk during the study")
            artifact_ids[source.label] = artifact.id
        item_ids: dict[str, int] = {}
        step_ids: dict[str, list[dict]] = {}
        for index, result in enumerate(made):
            if result.key in item_ids:
                continue  # the same generation twice in one study: stored once
            if result.artifact_id is not None:
                item_ids[result.key] = result.artifact_id
                continue
            # A copy with a telling name: the artifact keeps the name it was imported under.
            named = scratch / f"{_slug(title)}_{index + 1:03d}_{_slug(result.item.label)}.png"
            shutil.copyfile(result.image, named)
            note = f"{title}: {result.item.label}; params {result.key}"
            item_ids[result.key] = case.import_file(named, role="generated", note=note).id
            steps = step_ids.setdefault(result.key, [])
            total = len(result.steps)
            for step, path in result.steps:
                named = scratch / f"{_slug(title)}_step_{step:03d}.png"
                shutil.copyfile(path, named)
                note = f"{title}: denoising step {step}/{total} (VAE decode), {result.item.label}"
                steps.append(
                    {"step": step, "id": case.import_file(named, role="generated", note=note).id}
                )
        for file in files:
            artifact_ids[file.label] = case.import_file(file.path, role="other", note=file.note).id
        record_id = case.add_record("study", build(item_ids, step_ids, artifact_ids))
    run.forget(made)
    return record_id


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "-", text).strip("-").lower()[:60]


@dataclass(frozen=True)
class StudyOutcome:
    record_id: int
    payload: dict[str, Any]
    generated: int
    reused: int


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
