"""A model examination's items for the executors (`analysis/executors.py`).

    membership  one item per image (work or control): its scores by the probe's methods, in
                each state of the model (with the LoRA, and at LoRA scale 0)
    extraction  one item per chunk of seeds (all of them by default): the generated images
    prompts     one item per chunk of prompts: each prompt's magnitudes per seed (and its token
                shares, for a screened prompt)

The coordinator (app/exam.py, app/exam_extract.py, app/exam_prompts.py) checks the inputs, loads
the model once to check it, hash it and draw what it needs, makes the items, and assembles from
what comes back exactly the result it computed before executors existed; it alone writes.

An item names the model by path, the device and dtype it was loaded with and the SHA-256 the
coordinator hashed, the LoRA by path and SHA-256, and each image by path and SHA-256. A worker
loads the model (or keeps the one it has: `worker_cache()`), refuses a file whose bytes changed
(a one-line `ModelError`), redraws the membership probe from its recorded seed (the same seeded
CPU draw), and returns numbers or pixels. In this process the model the window holds is lent to
the items (`lent`), so an examination in this process loads nothing more than before.

A worker applies the item's own threads and determinism, so the numbers are the same on either
executor with the same thread count (the record states the count the items ran with).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from workstation.analysis.executors import read_sha256, require_sha256, worker_cache
from workstation.engine.runtime import Runtime

_MODELS = worker_cache()  # the worker's last model, kept for its next item


@dataclass(frozen=True)
class ModelRef:
    """The model as the coordinator loaded and hashed it."""

    path: str
    sha256: str
    device: str  # resolved ("cpu", "cuda", ...)
    dtype: str  # resolved ("float32", ...)
    lora: str | None = None  # a LoRA's path
    lora_sha256: str | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.path, self.device, self.dtype)


def model_ref(model: Any, lora: Any = None) -> ModelRef:
    """What an item says of a loaded model (and its LoadedLora)."""
    return ModelRef(
        model.info.path,
        model.info.sha256,
        model.device,
        model.dtype,
        lora.path if lora is not None else None,
        lora.sha256 if lora is not None else None,
    )


@contextlib.contextmanager
def lent(model: Any, ref: ModelRef) -> Iterator[None]:
    """In this process: the items use `model` (the one the window holds) instead of loading it
    again. The in-process executor lets the cache go when the job ends; so does this."""
    _MODELS.clear()
    _MODELS.get(ref.key, lambda: model)
    try:
        yield
    finally:
        _MODELS.clear()


def cached_model(ref: ModelRef) -> Any:
    """The item's model, loaded or kept, checked against the SHA-256 the coordinator hashed."""
    from workstation.engine.loading import load_model

    model = _MODELS.get(
        ref.key,
        lambda: load_model(ref.path, device=ref.device, dtype=ref.dtype),
        stale=lambda model: model.changed_on_disk(),
    )
    require_sha256(ref.path, "model", ref.sha256, model.info.sha256, "examination")
    if ref.lora:
        require_sha256(ref.lora, "LoRA", ref.lora_sha256, read_sha256(ref.lora), "examination")
    return model


@contextlib.contextmanager
def _applied(runtime: Runtime, threads: int, deterministic: bool) -> Iterator[Runtime]:
    with replace(runtime, threads=threads, deterministic=deterministic).applied() as run:
        yield run


def _lora(model: Any, ref: ModelRef, scale: float) -> None:
    from workstation.core.params import LoraSpec
    from workstation.engine.lora import apply_loras

    assert ref.lora is not None
    apply_loras(model, [LoraSpec(ref.lora, scale, ref.lora_sha256)])


def _no_lora(model: Any, ref: ModelRef) -> None:
    if ref.lora:
        from workstation.engine.lora import apply_loras

        apply_loras(model, [])


# 1. Membership: one image per item


@dataclass(frozen=True)
class ImageRef:
    path: str
    sha256: str
    prompt: str


@dataclass(frozen=True)
class ScoreItem:
    index: int  # the image's place among works + controls
    label: str  # "work 1", "control 3"
    model: ModelRef
    image: ImageRef
    probe: Any  # membership.ProbeSettings
    latent_shape: tuple[int, int, int]
    train_steps: int
    deterministic: bool
    threads: int

    @property
    def cost(self) -> int:
        return 2 if self.model.lora else 1  # with the LoRA and at scale 0

    @property
    def device(self) -> str:
        return self.model.device


@dataclass(frozen=True)
class ScoreResult:
    scores: dict[str, dict[str, float]]  # "scores" (and "base_scores") -> method -> score
    threads: int


def score_item(item: ScoreItem, runtime: Runtime) -> ScoreResult:
    """One image's scores, in the worker: verify the files, load the model (or keep it), redraw
    the probe from its seed, score in each state of the model."""
    from pathlib import Path

    from workstation.analysis.images import load_image
    from workstation.analysis.model_exam.membership import draw_probe, score_images

    image = load_image(item.image.path)
    require_sha256(item.image.path, "image", item.image.sha256, image.sha256, "examination")
    model = cached_model(item.model)
    probe = draw_probe(item.probe, item.latent_shape, item.train_steps)
    states = [("scores", 1.0 if item.model.lora else None)]
    if item.model.lora:
        states.append(("base_scores", 0.0))
    scores: dict[str, dict[str, float]] = {}
    name = Path(item.image.path).name
    with _applied(runtime, item.threads, item.deterministic) as run:
        try:
            for number, (key, scale) in enumerate(states):
                if scale is not None:
                    _lora(model, item.model, scale)

                def step(_index: int, done: int = number) -> None:
                    run.check_cancelled("model examination")
                    run.report(done + 1, item.cost, f"scoring {name}")

                (scored,) = score_images(model, [image], [item.image.prompt], probe, step)
                scores[key] = scored.scores
        finally:
            _no_lora(model, item.model)
        return ScoreResult(scores, run.threads or item.threads)


# 2. Extraction: a chunk of seeds per item


@dataclass(frozen=True)
class ExtractItem:
    index: int
    label: str  # "seeds 0–7"
    model: ModelRef  # with the LoRA
    settings: Any  # extract.ExtractSettings, its seeds this item's
    native_size: int
    deterministic: bool
    threads: int

    @property
    def cost(self) -> int:
        return 2 * self.settings.steps

    @property
    def device(self) -> str:
        return self.model.device


@dataclass(frozen=True)
class ExtractResult:
    images: list  # H×W×3 uint8, one per seed
    threads: int


def extract_item(item: ExtractItem, runtime: Runtime) -> ExtractResult:
    """One chunk of seeds, in the worker: the LoRA switched on and off per step."""
    from workstation.analysis.model_exam.extract import generate

    model = cached_model(item.model)

    def use(state: str) -> None:
        _lora(model, item.model, 1.0 if state == "tuned" else 0.0)

    with _applied(runtime, item.threads, item.deterministic) as run:
        try:
            _lora(model, item.model, 1.0)
            images = generate(model.pipe, use, item.settings, run, native_size=item.native_size)
        finally:
            _no_lora(model, item.model)
        return ExtractResult(images, run.threads or item.threads)


def seed_chunks(settings: Any, per_item: int | None) -> list[Any]:
    """The settings of each item: `per_item` seeds each (None: all in one item, one batch)."""
    per_item = per_item or settings.count
    chunks = []
    for start in range(0, settings.count, per_item):
        count = min(per_item, settings.count - start)
        chunks.append(replace(settings, seed=settings.seed + start, count=count))
    return chunks


# 3. Prompt screen: a chunk of prompts per item


@dataclass(frozen=True)
class PromptItem:
    index: int
    label: str  # "prompts 1–4"
    model: ModelRef  # with its LoRA, if any
    prompts: tuple[str, ...]
    tokens: tuple[bool, ...]  # per prompt: its token shares too
    settings: Any  # prompts.ScreenSettings
    size: int
    deterministic: bool
    threads: int

    @property
    def cost(self) -> int:
        return len(self.settings.seeds) * (len(self.prompts) + sum(self.tokens))

    @property
    def device(self) -> str:
        return self.model.device


@dataclass(frozen=True)
class PromptResult:
    magnitudes: dict[str, list[float]]
    tokens: dict[str, tuple[tuple[Any, ...], bool]]  # prompt -> (TokenShare..., truncated)
    threads: int


def prompt_item(item: PromptItem, runtime: Runtime) -> PromptResult:
    """A chunk of prompts, in the worker: magnitudes per seed, token shares where asked."""
    from workstation.analysis.model_exam.prompts import runner

    model = cached_model(item.model)
    with _applied(runtime, item.threads, item.deterministic) as run:
        try:
            if item.model.lora:
                _lora(model, item.model, 1.0)
            screen = runner(model.pipe, item.settings, item.size, run, item.cost)
            magnitudes = {prompt: screen.magnitudes(prompt) for prompt in item.prompts}
            tokens = {
                prompt: screen.token_shares(prompt)
                for prompt, wanted in zip(item.prompts, item.tokens, strict=True)
                if wanted
            }
        finally:
            _no_lora(model, item.model)
        return PromptResult(magnitudes, tokens, run.threads or item.threads)


def chunks(values: Sequence[Any], size: int) -> list[tuple[Any, ...]]:
    return [tuple(values[i : i + size]) for i in range(0, len(values), size)]
