"""The over-fitting lab: does a diffusion model copy its training images when it has few of them?

For each training-set size n (the first n images of a captioned folder), a fresh UNet is trained
with the same budget (steps × batch) on top of a base model's frozen VAE and text encoder. M images
are then generated with the training captions and seeds never used in training, and each sample is
matched against every training image:
- tiled L2 (after Carlini et al. 2023, "Extracting training data from diffusion models"): the image
  is cut into 4×4 tiles and the distance is the largest per-tile RMS difference of RGB in [0, 1],
  so a copy must match everywhere, not on average. The nearest training image is the one with the
  smallest tiled L2; a sample is a **near-copy** when that distance is at most `near_copy_l2`;
- SSIM (greyscale, `analysis.structure`) and pHash (64 bits, `analysis.hashes`), each its best
  match over the training set; CLIP image-image cosine similarity too when a local CLIP model is
  given (`analysis.clip.ClipModel`).
The result is a "lab" record (points per size, a grid pairing samples with their nearest
training image per size, a plot, linked as figures) that the report renders with the methods
paragraph. (Before case schema 3 it was stored as a "study" with `lab: "overfit"`.)
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

from workstation.analysis.executors import Executor, InProcess
from workstation.analysis.hashes import image_hashes
from workstation.analysis.lab_settings import LabSettings
from workstation.analysis.structure import compare_structure
from workstation.core.errors import InputError
from workstation.core.progress import ProgressEvent
from workstation.core.records import Lab, Link
from workstation.engine.runtime import Runtime

LabProgress = Callable[[str], None]  # legacy form, see Runtime.from_callbacks
# Drawn when no folder is given; the record names them so (the temporary folder is gone).
SCENES_SEED = 7
SCENES = f"synthetic scenes (engine/synthetic_shapes.py, kind scene, seed {SCENES_SEED})"
TILES = 4
DEFAULT_SETTINGS = LabSettings()


@dataclass(frozen=True)
class SampleMatch:
    prompt: str
    seed: int
    nearest: str  # training image file name (by tiled L2)
    tiled_l2: float
    ssim: float  # best over the training set
    phash_distance: int  # best over the training set, of 64 bits
    near_copy: bool
    clip: float | None = None  # best CLIP cosine similarity over the training set, if measured


@dataclass
class SizeResult:
    size: int
    train_seconds: float
    final_loss: float
    matches: list[SampleMatch]
    grid: Image.Image

    @property
    def near_copy_fraction(self) -> float:
        return sum(m.near_copy for m in self.matches) / len(self.matches)

    def point(self) -> dict[str, Any]:
        return {
            "training_images": self.size,
            "near_copy_fraction": round(self.near_copy_fraction, 3),
            "mean_nearest_tiled_l2": round(float(np.mean([m.tiled_l2 for m in self.matches])), 4),
            "mean_nearest_ssim": round(float(np.mean([m.ssim for m in self.matches])), 4),
            "mean_nearest_phash_similarity": round(
                float(np.mean([1 - m.phash_distance / 64 for m in self.matches])), 4
            ),
            **self._clip_point(),
            "train_seconds": round(self.train_seconds, 1),
        }

    def _clip_point(self) -> dict[str, float]:
        values = [m.clip for m in self.matches if m.clip is not None]
        return {"mean_nearest_clip": round(float(np.mean(values)), 4)} if values else {}


@dataclass
class LabResult:
    settings: LabSettings
    data: dict[str, Any]
    base: dict[str, Any]
    sizes: list[SizeResult] = field(default_factory=list)
    seconds: float = 0.0
    # Reference distances that give the near-copy threshold its meaning (medians, tiled L2).
    calibration: dict[str, float] = field(default_factory=dict)
    noise_offset: float = 0.0  # the offset noise training used (resolved when automatic)
    clip: dict[str, Any] | None = None  # the CLIP model's identity, when CLIP was measured
    torch_threads: int | None = None  # CPU threads of training, sampling and CLIP

    def table(self) -> list[dict[str, Any]]:
        return [size.point() for size in self.sizes]


# -- similarity -------------------------------------------------------------------------------


def tiled_l2(sample: np.ndarray, training: np.ndarray) -> np.ndarray:
    """Largest per-tile RMS difference (RGB in [0, 1]) of `sample` to each of N×H×W×3 `training`."""
    n, height, width, _ = training.shape
    th, tw = height // TILES, width // TILES
    difference = (
        training[:, : th * TILES, : tw * TILES].astype(np.float32)
        - sample[: th * TILES, : tw * TILES].astype(np.float32)
    ) / 255.0
    tiles = difference.reshape(n, TILES, th, TILES, tw, 3)
    rms = np.sqrt((tiles**2).mean(axis=(2, 4, 5)))
    return rms.reshape(n, -1).max(axis=1)


def match_sample(
    sample: np.ndarray,
    training: np.ndarray,
    training_phash: list[Any],
    names: tuple[str, ...],
    threshold: float,
) -> tuple[int, float, float, int, bool]:
    distances = tiled_l2(sample, training)
    nearest = int(distances.argmin())
    ssim = max(compare_structure(sample, image).ssim for image in training)
    phash = image_hashes(sample, ("phash",))["phash"]
    phash_distance = min(int(phash - other) for other in training_phash)
    return (
        nearest,
        float(distances[nearest]),
        float(ssim),
        phash_distance,
        bool(distances[nearest] <= threshold),
    )


# -- the run ----------------------------------------------------------------------------------


def run_overfit_lab(
    images: str | Path | None,
    base: str | Path,
    settings: LabSettings = DEFAULT_SETTINGS,
    *,
    work: str | Path | None = None,
    runtime: Runtime | None = None,
    clip: Any | None = None,
    executor: Executor | None = None,
    on_progress: LabProgress | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> LabResult:
    """Train one model per size, sample, match; `work` keeps the models (else temp folders).

    `images` None: as many synthetic scenes as the largest size are drawn (seed `SCENES_SEED`).
    `clip`: a loaded `analysis.clip.ClipModel` adds CLIP similarity to the measures.
    `executor`: where the sizes are trained and sampled (`analysis.lab_items`), in this process
    by default; this process alone matches CLIP, draws the grids and returns the result.
    The runtime gets the lab's lines as messages; `on_progress(message)`/`is_cancelled` are the
    legacy form of its callbacks."""
    runtime = Runtime.from_callbacks(runtime, on_progress, is_cancelled, form="message")
    with runtime.with_threads(runtime.threads or settings.threads).applied() as run:
        return _lab_in(images, base, settings, work, run, clip, executor or InProcess())


def _lab_in(
    images: str | Path | None,
    base: str | Path,
    settings: LabSettings,
    work: str | Path | None,
    run: Runtime,
    clip: Any | None,
    executor: Executor,
) -> LabResult:
    """The lab in a scratch folder unless `work` is given."""
    from workstation.engine.synthetic_shapes import write_dataset

    clock = time.perf_counter()  # the whole lab, scenes included
    scratch = (
        None
        if work
        else tempfile.TemporaryDirectory(prefix="overfit-lab-", ignore_cleanup_errors=True)
    )
    work_dir = Path(work) if work else Path(scratch.name)
    try:
        label = None
        if images is None:
            count = max(settings.sizes)
            run.say(f"Data: {count} synthetic scenes (seed {SCENES_SEED})")
            images = write_dataset(work_dir / "scenes", count, seed=SCENES_SEED, kind="scene")
            label = SCENES
        result = _run_lab(images, label, base, settings, work_dir, bool(work), run, clip, executor)
        result.seconds = time.perf_counter() - clock
        return result
    finally:
        if scratch is not None:
            scratch.cleanup()


def _run_lab(
    images: Path,
    label: str | None,
    base: str | Path,
    settings: LabSettings,
    work_dir: Path,
    keep: bool,
    run: Runtime,
    clip: Any | None,
    executor: Executor,
) -> LabResult:
    from workstation.analysis.lab_items import SizeItem, train_size
    from workstation.engine.training import load_components, load_pixels, read_captioned_folder

    data = read_captioned_folder(images)
    if max(settings.sizes) > len(data):
        raise InputError(
            f"{images}: has {len(data)} images; the largest size asked for is {max(settings.sizes)}"
        )
    components = load_components(base)
    resolution = components["unet"].config.sample_size * 2 ** (
        len(components["vae"].config.block_out_channels) - 1
    )
    pixels = load_pixels(data.first(max(settings.sizes)), resolution)
    all_training = ((pixels.permute(0, 2, 3, 1).numpy() + 1) * 127.5).round().astype(np.uint8)
    result = LabResult(
        settings,
        {"folder": label or str(images), "images": len(data), "sha256": data.sha256},
        {"path": str(base), "sha256": components["base_sha256"], "resolution": resolution},
        calibration=calibrate(components["vae"], pixels[:64], all_training[:200]),
        clip=None if clip is None else clip.info.to_dict(),
        torch_threads=run.threads,
    )
    del components, pixels  # each size's worker loads the base itself (checked by its SHA-256)
    all_clip = None if clip is None else clip.embed_images(list(all_training))

    # Each size on the executor: a fresh UNet trained from the base, its samples matched.
    items = []
    for index, size in enumerate(sorted(settings.sizes)):
        subset = data.first(size)
        items.append(
            SizeItem(
                index=index,
                label=f"{size} training image{'s' if size != 1 else ''}",
                threads=int(run.threads or 1),
                size=size,
                settings=settings,
                base=str(base),
                base_sha256=str(result.base["sha256"]),
                folder=subset.folder,
                files=subset.files,
                captions=subset.captions,
                file_sha256=subset.file_sha256,
                resolution=resolution,
                out=str(work_dir / f"n{size}") if keep else None,
            )
        )
    if executor.name != "inprocess":
        run.say(f"{len(items)} sizes on {executor.name} workers")
    done: dict[int, Any] = {}
    for item, outcome in executor.map(train_size, items, run, "lab"):
        done[item.index] = outcome
        # In size order: each size as soon as it and every smaller one are in.
        while len(result.sizes) in done:
            finished = done.pop(len(result.sizes))
            result.sizes.append(_size_result(finished, all_training, all_clip, clip))
            result.noise_offset = finished.noise_offset_used
            result.torch_threads = finished.threads
            run.say(f"size {finished.size}: {result.sizes[-1].point()}")
    return result


def _size_result(
    outcome: Any, all_training: np.ndarray, all_clip: Any | None, clip: Any | None
) -> SizeResult:
    """A size's result from its worker's outcome: CLIP added (the coordinator holds the model),
    the grid pairing each sample with its nearest training image."""
    matches, pairs = [], []
    for match, nearest, sample in zip(
        outcome.matches, outcome.nearest, outcome.samples, strict=True
    ):
        if all_clip is not None:
            similarity = all_clip[: outcome.size] @ clip.embed_images([sample])[0]
            match = replace(match, clip=float(similarity.max()))
        matches.append(match)
        pairs.append((sample, all_training[nearest], match.near_copy))
    return SizeResult(
        outcome.size,
        outcome.train_seconds,
        outcome.final_loss,
        matches,
        pair_grid(pairs, f"{outcome.size} training image(s)"),
    )


def training_reporter(run: Runtime, size: int) -> Callable[[ProgressEvent], None]:
    """Training progress as lab messages, every tenth of the steps."""

    def report(event: ProgressEvent) -> None:
        step, total = event.step, event.total
        if event.value is not None and (step == total or step % max(1, total // 10) == 0):
            run.say(f"size {size}: training step {step}/{total}, loss {event.value:.4f}")

    return report


def calibrate(vae: Any, pixels: Any, training: np.ndarray) -> dict[str, float]:
    """How close is "close": the VAE's own round trip of a training image (the floor no model on
    this VAE can beat), and the nearest *other* image within the training set."""
    import torch

    with torch.no_grad():
        decoded = vae.decode(vae.encode(pixels).latent_dist.mean).sample.clamp(-1, 1)
    round_trip = ((decoded.permute(0, 2, 3, 1).numpy() + 1) * 127.5).round().astype(np.uint8)
    originals = ((pixels.permute(0, 2, 3, 1).numpy() + 1) * 127.5).round().astype(np.uint8)
    floor = [tiled_l2(round_trip[i], originals[i : i + 1])[0] for i in range(len(pixels))]
    calibration = {"vae_round_trip_tiled_l2": round(float(np.median(floor)), 4)}
    if len(training) > 1:
        others = [
            tiled_l2(training[i], np.delete(training, i, axis=0)).min()
            for i in range(len(training))
        ]
        calibration["nearest_other_training_image_tiled_l2"] = round(float(np.median(others)), 4)
    return calibration


def pair_grid(pairs: list[tuple[np.ndarray, np.ndarray, bool]], title: str) -> Image.Image:
    """Top row: samples; bottom row: each one's nearest training image. Red frame = near-copy."""
    scale, pad, head = 2, 6, 18
    side = pairs[0][0].shape[0] * scale
    caption = f"{title} - top: samples, bottom: nearest training image"
    text_width = ImageDraw.Draw(Image.new("RGB", (1, 1))).textlength(caption)
    width = max(pad + len(pairs) * (side + pad), int(text_width) + 2 * pad)
    grid = Image.new("RGB", (width, head + 2 * (side + pad) + pad), (255, 255, 255))
    draw = ImageDraw.Draw(grid)
    draw.text((pad, 3), caption, fill=(0, 0, 0))
    for column, (sample, nearest, near) in enumerate(pairs):
        x = pad + column * (side + pad)
        for row, array in enumerate((sample, nearest)):
            y = head + pad + row * (side + pad)
            tile = Image.fromarray(array).resize((side, side), Image.Resampling.NEAREST)
            grid.paste(tile, (x, y))
        if near:
            draw.rectangle(
                [x - 3, head + 3, x + side + 2, head + 2 * side + pad + 8],
                outline=(210, 0, 0),
                width=2,
            )
    return grid


def methods_text(result: LabResult) -> str:
    s = result.settings
    c = result.calibration
    calibration = ""
    if "nearest_other_training_image_tiled_l2" in c:
        calibration = (
            " For scale (medians): the VAE's own round trip of a training image is at "
            f"{c['vae_round_trip_tiled_l2']}, the nearest other image in the training set at "
            f"{c['nearest_other_training_image_tiled_l2']}."
        )
    start = "starting from the base model's UNet" if s.init == "base" else "from random weights"
    clip_text = ""
    if result.clip:
        clip_text = (
            f" and the best CLIP image-image cosine similarity ({result.clip['arch']}, checkpoint "
            f"SHA-256 {result.clip['checkpoint_sha256'][:16]}...)"
        )
    train_minutes = sum(size.train_seconds for size in result.sizes) / 60
    return (
        f"Method. For each training-set size n in {', '.join(map(str, s.sizes))}, the first n "
        f"images of {result.data['folder']} ({result.data['images']} captioned images, data "
        f"SHA-256 {result.data['sha256'][:16]}...) were used to train a UNet {start} "
        f"for {s.steps} steps of batch {s.batch_size} (learning rate "
        f"{s.learning_rate}, offset noise {result.noise_offset}, the same budget for every n) on "
        "the CPU, with the VAE and text "
        f"encoder of the base model {Path(result.base['path']).name} "
        f"(SHA-256 {str(result.base['sha256'])[:16]}...) kept frozen, at "
        f"{result.base['resolution']} px; training took {train_minutes:.1f} min in all. "
        f"Each model then generated {s.samples} images from the training captions with seeds not "
        f"used in training ({s.sampler}, {s.sample_steps} steps, CFG {s.cfg}). Every sample was "
        "compared with every training image: tiled L2 after Carlini et al. (2023) - the largest "
        f"RMS difference over {TILES}x{TILES} tiles, RGB scaled to [0, 1] - picks the nearest "
        f"training image, and a sample counts as a near-copy when that distance is at most "
        f"{s.near_copy_l2}; the best SSIM (greyscale) and the best pHash similarity (1 - Hamming "
        f"distance / 64){clip_text} over the training set are reported beside it; being "
        "best matches, they rise with the number of training images by chance alone, so they "
        "compare samples within one size rather than across sizes."
        f"{calibration} The whole lab took {result.seconds / 60:.1f} min."
    )


def store_lab(case: Any, result: LabResult) -> int:
    """Grids and plot as case artifacts and one "lab" record linking them (role "figure": the
    plot as "plot", each size's grid as "grid n=N"), one transaction; returns the record id."""
    points, links = [], []
    with tempfile.TemporaryDirectory() as folder, case.transaction():
        for size in result.sizes:
            path = Path(folder) / f"overfit-lab-n{size.size}.png"
            size.grid.save(path)
            artifact = case.import_file(
                path, role="other", note=f"over-fitting lab: samples vs nearest, n={size.size}"
            )
            points.append({**size.point(), "artifact_id": artifact.id})
            links.append(Link("figure", grid_label(size.size), artifact_id=artifact.id))
        plot = plot_lab(result, Path(folder) / "overfit-lab-plot.png")
        plot_artifact = case.import_file(plot, role="other", note="over-fitting lab: plot")
        links.insert(0, Link("figure", "plot", artifact_id=plot_artifact.id))
        body = Lab(
            title="Over-fitting lab: near-copies vs training-set size",
            description=methods_text(result),
            parameter="training_images",
            points=points,
            near_copy_rule=f"tiled L2 to nearest training image <= {result.settings.near_copy_l2}",
            settings={k: v for k, v in asdict(result.settings).items() if k != "threads"},
            noise_offset_used=result.noise_offset,
            data=result.data,
            base_model=result.base,
            calibration=result.calibration,
            clip_model=result.clip,
            seconds=round(result.seconds, 1),
            torch_threads=result.torch_threads,
        )
        return case.add_record(body, links)


def grid_label(size: int) -> str:
    """The link label of the grid of training-set size n."""
    return f"grid n={size}"


def plot_lab(result: LabResult, out: Path) -> Path:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import NullFormatter

    table = result.table()
    xs = [row["training_images"] for row in table]
    figure = Figure(figsize=(6.4, 3.2), dpi=120)
    FigureCanvasAgg(figure)
    left, right = figure.subplots(1, 2)
    left.plot(xs, [row["near_copy_fraction"] for row in table], marker="o", color="#b22222")
    left.set_title("near-copies", fontsize=9)
    left.set_ylabel("fraction of samples")
    left.set_ylim(-0.05, 1.05)
    for key, label in (
        ("mean_nearest_ssim", "SSIM"),
        ("mean_nearest_phash_similarity", "pHash similarity"),
        ("mean_nearest_tiled_l2", "tiled L2 (lower = closer)"),
        ("mean_nearest_clip", "CLIP similarity"),
    ):
        if all(key in row for row in table):
            right.plot(xs, [row[key] for row in table], marker="o", label=label)
    right.set_title("nearest training image (means)", fontsize=9)
    right.set_ylabel("similarity / distance")
    right.legend(fontsize=7)
    for ax in (left, right):
        ax.set_xscale("log")
        # Ticks at the sizes that were trained, written plainly (not 3×10⁰).
        ax.set_xticks(xs, [str(x) for x in xs])
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel("training images")
        ax.grid(True, linewidth=0.4, alpha=0.6)
    figure.tight_layout()
    figure.savefig(out)
    return out
