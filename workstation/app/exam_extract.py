"""EXTRACTION ATTEMPT for a LoRA: generate toward what it added (FineXtract, Wu, Zhang & Wu,
2024; the guidance is in analysis/model_exam/extract.py), cluster the images, pair each
cluster's medoid with its nearest work in the case.

    front end → app.exam_extract.extract → the model loaded, the LoRA switched on and off per
              step → analysis.model_exam.extract (generate, cluster, nearest by pHash)
              → the exam record (method "extract"), the generated images stored as artifacts
              ("generated", links "output") and the nearest works linked ("reference")

Inputs are checked before the model loads; the case is written only when the run succeeded.
Works compared are the case's "reference" artifacts (none without a case).
"""

from __future__ import annotations

import tempfile
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


@dataclass(frozen=True, kw_only=True)
class ExtractRequest:
    model: Path = option(help="the base model (checkpoint file or diffusers folder)")
    lora: Path | None = option(None, help="the LoRA (fine-tune of the model) to extract from")
    count: int = option(8, help="images generated (seeds SEED .. SEED+COUNT-1)")
    seed: int = option(0, help="the first seed (recorded)")
    steps: int = option(10, help="DDIM steps")
    scale: float = option(3.0, help="w' = 1/λ: guidance from the base toward the LoRA (FineXtract)")
    clusters: int = option(2, help="clusters of the generated images")
    prompt: str = option("", help="the LoRA's conditioning (e.g. its trigger word)")
    size: int | None = option(None, help="pixels (default: the model's native size)")
    device: str = option("auto", choices=("auto", "cpu", "cuda", "mps"))
    dtype: str = option("auto", choices=("auto", "float32", "float16", "bfloat16"))
    seeds_per_item: int | None = option(
        None,
        help="seeds per executor item (default: all in one batch; fewer spread them over Ray "
        "workers, and a smaller batch may change the images' last bits: recorded)",
    )


@dataclass(frozen=True)
class Extracted:
    result: dict
    images: list  # the generated images, H×W×3 uint8
    record_id: int | None


def extract(
    request: ExtractRequest,
    writer: CaseWriter | None = None,
    runtime: Runtime | None = None,
    models: ModelHolder | None = None,
    executor: Executor | None = None,
) -> Extracted:
    """Generate toward the LoRA, cluster, pair with the case's works. `executor`: where the
    seeds are generated (`executor_named`; default: in this process)."""
    from workstation.analysis.model_exam import extract as method
    from workstation.core.params import LoraSpec
    from workstation.engine.lora import apply_loras
    from workstation.engine.runtime import Runtime

    clock = time.perf_counter()
    # 1. Inputs, before the model loads.
    if request.lora is None:
        raise InputError("no LoRA: extraction needs the fine-tune (--lora) and its base (--model)")
    settings = method.ExtractSettings(
        count=request.count,
        seed=request.seed,
        steps=request.steps,
        scale=request.scale,
        clusters=request.clusters,
        prompt=request.prompt,
        size=request.size,
    )
    if request.seeds_per_item is not None and request.seeds_per_item < 1:
        raise InputError("seeds per item must be at least 1")
    if not request.model.exists():
        raise InputError(f"{request.model}: model not found")
    check_file(request.lora, "LoRA")
    check_writer(writer)
    works = _case_works(writer)
    runtime = runtime or Runtime(deterministic=True)
    lora_path = str(request.lora)

    # 2. Load and check the model and LoRA; the executor generates the seeds (switching the
    #    LoRA per step; all of them in one batch unless `seeds_per_item` splits them); the model
    #    is left without the LoRA.
    from workstation.analysis.model_exam.executors import (
        ExtractItem,
        extract_item,
        lent,
        model_ref,
        seed_chunks,
    )

    executor = executor or InProcess()
    with (models or ModelHolder()).use(request.model, request.device, request.dtype) as model:
        try:
            ((lora, _),) = apply_loras(model, [LoraSpec(lora_path, 1.0)])
            ref = model_ref(model, lora)
            with runtime.applied() as run:
                items = [
                    ExtractItem(
                        number,
                        f"seeds {chunk.seeds[0]}–{chunk.seeds[-1]}",
                        ref,
                        chunk,
                        model.native_size,
                        runtime.deterministic,
                        run.threads or 1,
                    )
                    for number, chunk in enumerate(seed_chunks(settings, request.seeds_per_item))
                ]
                made: dict[int, list] = {}
                threads = run.threads
                total, finished = sum(item.cost for item in items), 0
                with lent(model, ref):
                    for item, done in executor.map(extract_item, items, run, "extraction"):
                        made[item.index] = done.images
                        threads = done.threads
                        finished += item.cost
                        if not isinstance(executor, InProcess):  # in-process: each step's own
                            run.report(finished, total, f"extraction: {item.label} generated")
            images = [image for number in range(len(items)) for image in made[number]]
            model.check_files()
        finally:
            apply_loras(model, [])
        model_info = loaded_model(model)

    # 3. Cluster, pair each medoid with the case's works.
    clusters = method.cluster(method.thumbnails(images), settings.clusters, settings.seed)
    pictures = [w["rgb"] for w in works]
    rows = []
    for number, group in enumerate(clusters, start=1):
        near = method.nearest(images[group.medoid], pictures)
        rows.append(
            {
                "cluster": number,
                "members": [settings.seeds[i] for i in group.members],
                "medoid_seed": settings.seeds[group.medoid],
                "spread": round(group.spread, 6),
                "nearest": [
                    {**{k: v for k, v in works[r["index"]].items() if k != "rgb"}, **r}
                    for r in near[:3]
                ],
            }
        )
    result = {
        "method": "extract",
        "model": model_info,
        "loras": [{"path": lora.path, "sha256": lora.sha256, "scale": 1.0, "base_scale": 0.0}],
        "settings": {
            **method.settings_record(settings),
            **({"seeds_per_item": request.seeds_per_item} if request.seeds_per_item else {}),
            "size": int(images[0].shape[0]),
            "torch_threads": threads,
            "deterministic": runtime.deterministic,
        },
        "clusters": rows,
        "works_compared": len(works),
        "description": method.METHOD,
        "limit": method.LIMITS,
    }
    record_id = None
    if writer is not None:
        record_id = _store(result, images, round(time.perf_counter() - clock, 2), writer)
    return Extracted(result, images, record_id)


def _case_works(writer: CaseWriter | None) -> list[dict[str, Any]]:
    """The case's reference works, read from its store (checked by their hash on reading)."""
    if writer is None:
        return []
    from workstation.analysis.images import load_image

    works = []
    with writer.open() as case:
        for artifact in case.artifacts(role="reference"):
            image = load_image(case.object_path(artifact.sha256))
            if image.sha256 != artifact.sha256:
                raise InputError(f"artifact #{artifact.id} does not match its hash")
            works.append(
                {
                    "artifact_id": artifact.id,
                    "sha256": artifact.sha256,
                    "name": artifact.original_name,
                    "rgb": image.rgb,
                }
            )
    return works


def _store(result: dict, images: list, seconds: float, writer: CaseWriter) -> int:
    from PIL import Image

    from workstation.core.records import Exam, Link

    body = Exam(
        method="extract",
        model=result["model"],
        loras=result["loras"],
        inputs={"prompt": result["settings"]["prompt"], "works_compared": result["works_compared"]},
        settings=result["settings"],
        results={
            k: v for k, v in result.items() if k not in ("model", "loras", "settings", "method")
        },
        limits=[result["limit"]],
        seconds=seconds,
    )
    seeds = result["settings"]["seeds"]
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for seed, rgb in zip(seeds, images, strict=True):
            path = Path(folder) / f"extract-seed{seed}.png"
            Image.fromarray(rgb).save(path)
            paths.append(path)
        with writer.open() as case, case.transaction():
            links = []
            for seed, path in zip(seeds, paths, strict=True):
                artifact = case.find_artifact(_sha256(path)) or case.import_file(
                    path, role="generated", note=f"extraction seed {seed}"
                )
                links.append(Link("output", f"seed {seed}", artifact_id=artifact.id))
            linked = set()
            for row in result["clusters"]:
                for near in row["nearest"][:1]:
                    if near["artifact_id"] not in linked:
                        linked.add(near["artifact_id"])
                        links.append(
                            Link(
                                "reference",
                                f"nearest work, cluster {row['cluster']}",
                                artifact_id=near["artifact_id"],
                            )
                        )
            return case.add_record(body, links)


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()
