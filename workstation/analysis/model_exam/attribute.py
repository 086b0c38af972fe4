"""Which local model made this image? Reconstruction distance through each model's VAE.

AEROBLADE (Ricker, Lukovnikov and Fischer, CVPR 2024): an image a latent diffusion model
generated was decoded by that model's autoencoder, so it lies in the decoder's range and comes
back almost unchanged from an encode → decode round trip through the *same* autoencoder; other
autoencoders, and real photographs, reconstruct worse. The paper measures the distance with
LPIPS on VGG's second layer and detects with the minimum over the candidate autoencoders. No
LPIPS network ships with this workstation (it needs VGG weights, which cannot be downloaded
offline), so the distance here is the RMSE between the image and its 8-bit reconstruction, on a
0–1 scale: bit-reproducible, needing no weights, stated in every result. The minimum is kept:
the image goes to the VAE that reconstructs it best.

Each model is calibrated on its own generations, with fixed recorded seeds, split in two:
  fit       its first `generated` generations, the other models' fit generations and `real`
            non-generated images (synthetic 1/f images, plus half of any the examiner gives):
            the threshold (distance at or below: reads as this model's) with the lowest mean of
            the attribution rule's three error rates on them (below);
  held out  `held_out` more generations per model and as many more non-generated images, none
            used for any threshold: the error rates stated beside the ranking. An image is
            *attributed* to a model when that model's VAE ranks first (the minimum) and its
            distance is within the model's threshold; the false-reject rate is the share of the
            model's own held-out generations not attributed to it, the false-accept rates the
            shares of other models' held-out generations and of the held-out non-generated
            images that are. Each rate comes with its count and a one-sided 95 % upper bound
            (Clopper–Pearson), since these sets are small.

Models whose VAE tensors (as loaded) hash the same reconstruct every image identically: they are
one group in the ranking, sharing one place, and every output says they cannot be told apart.
"""

from __future__ import annotations

import hashlib
import io
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, UnidentifiedImageError

from workstation.core.errors import InputError
from workstation.engine.runtime import Runtime

DISTANCE = "RMSE between the image and its VAE encode→decode reconstruction (8-bit, 0–1 scale)"
METHOD = (
    "AEROBLADE (Ricker et al., CVPR 2024): reconstruction distance through each model's "
    "autoencoder; the generating model's autoencoder reconstructs its own outputs best, and the "
    "image goes to the minimum. Distance: " + DISTANCE + " instead of the paper's LPIPS (VGG "
    "layer 2), whose weights are not available offline. Each model's threshold is fitted on "
    "some of its own generations and its error rates measured on others held out."
)
LIMITS = (
    "Attribution is among the models examined only: an image from a model not in the list is "
    "ranked among them all the same, which is what the calibration threshold is for. Models "
    "sharing an autoencoder cannot be told apart by this method. Re-encoding (JPEG, resizing) "
    "raises every distance. The error rates are measured on a few held-out generations and "
    "synthetic non-generated images; the upper bounds say how little a small set proves."
)
CALIBRATION_PROMPTS = (
    "a photograph of a dog in a park",
    "a mountain landscape at sunset",
    "a bowl of fruit on a wooden table",
    "a portrait of a woman smiling",
    "a red car parked on a city street",
    "a cat sleeping on a sofa",
)


@dataclass(frozen=True)
class CalibrationSettings:
    generated: int = 4  # own generations per model the threshold is fitted on
    held_out: int = 4  # more per model, and more non-generated images, for the error rates
    real: int = 4  # synthetic non-generated images the threshold is fitted on
    size: int | None = None  # pixels; None: the model's native size
    steps: int = 10
    cfg: float = 7.0
    sampler: str = "Euler"
    seed: int = 0  # see generation_seeds and synthetic_seeds

    def __post_init__(self) -> None:
        if self.generated < 1 or self.real < 1 or self.held_out < 1:
            raise InputError(
                "the calibration needs at least one generated, one non-generated and one "
                "held-out image"
            )

    def generation_seeds(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """Seeds of each model's fit and held-out generations (prompt i % 6 for seed + i)."""
        fit = tuple(self.seed + i for i in range(self.generated))
        return fit, tuple(self.seed + self.generated + i for i in range(self.held_out))

    def synthetic_seeds(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """Seeds of the synthetic 1/f images for the fit and held out."""
        fit = tuple(self.seed + 1000 + i for i in range(self.real))
        return fit, tuple(self.seed + 2000 + i for i in range(self.held_out))


@dataclass(frozen=True)
class Rate:
    """An error rate measured on held-out images: `errors` of `count`, and the one-sided 95 %
    Clopper–Pearson upper bound of the true rate."""

    rate: float
    errors: int
    count: int
    upper95: float


@dataclass(frozen=True)
class Calibration:
    threshold: float  # at or below: within this model's calibration (fitted on the fit images)
    fit_seeds: tuple[int, ...]  # its own generations the threshold was fitted on
    held_out_seeds: tuple[int, ...]  # its own generations the error rates were measured on
    # the fit images' distances through its VAE, None where another VAE ranks the image first
    own: tuple[float | None, ...]  # its own fit generations
    other_models: tuple[float | None, ...]  # the fit generations of models with another VAE
    non_generated: tuple[float | None, ...]  # the fit non-generated images
    # measured on held-out images, for the rule "its VAE ranks first and within the threshold":
    false_reject: Rate  # its own generations not attributed to it
    false_accept_models: Rate | None  # other VAEs' generations attributed to it (None: no other)
    false_accept_non_generated: Rate  # non-generated images attributed to it
    ranked_first: float  # share of its own held-out generations for which its VAE ranked first


@dataclass(frozen=True)
class ModelReading:
    model: str
    sha256: str  # of the model's bytes as loaded
    vae_sha256: str  # of its VAE's tensors as loaded (names, shapes, values)
    group: int  # models with the same VAE share a group (numbered in load order, from 1)
    place: int  # in the ranking; models of one group share their place
    distance: float  # of the examined image
    within_calibration: bool  # distance <= the calibration threshold
    calibration: Calibration


@dataclass(frozen=True)
class VaeGroup:
    group: int
    vae_sha256: str
    models: tuple[str, ...]


@dataclass(frozen=True)
class Attribution:
    image: str
    image_sha256: str
    ranking: tuple[ModelReading, ...]  # closest first, a group's models together
    groups: tuple[VaeGroup, ...]
    indistinguishable: tuple[tuple[str, ...], ...]  # groups of 2+ models: same VAE
    attributed_to: tuple[str, ...]  # the first group, when within its calibration; else empty
    real_images: tuple[str, ...]  # the non-generated images of the fit (synthetic ones by name)
    held_out_real_images: tuple[str, ...]  # and those held out
    settings: CalibrationSettings
    verdict: str
    # over every model's held-out generations: its own VAE ranked first / attributed to it
    ranking_accuracy: float
    held_out_accuracy: float
    # held-out non-generated images attributed to some model (AEROBLADE's minimum rule)
    non_generated_accepted: float
    distance_measure: str = DISTANCE
    method: str = METHOD
    limits: str = LIMITS
    warnings: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (tuples as lists)."""
        return json.loads(json.dumps(asdict(self)))


# -- pieces ---------------------------------------------------------------------------------


def vae_sha256(vae: Any) -> str:
    """SHA-256 over the VAE's tensors in name order: each name, shape and float32 values."""
    digest = hashlib.sha256()
    for name, tensor in sorted(vae.state_dict().items()):
        values = tensor.detach().float().cpu().contiguous().numpy()
        digest.update(f"{name}:{tuple(values.shape)}\n".encode())
        digest.update(values.tobytes())
    return digest.hexdigest()


def vae_factor(vae: Any) -> int:
    return 2 ** (len(vae.config.block_out_channels) - 1)


def read_image(path: str | Path) -> tuple[Image.Image, str]:
    """The image as RGB and the SHA-256 of its bytes; a one-line error for anything else."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"{path}: cannot read ({error.strerror or error})") from None
    try:
        with Image.open(io.BytesIO(data)) as opened:
            image = opened.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError):
        raise InputError(f"{path}: not an image this workstation can read") from None
    return image, hashlib.sha256(data).hexdigest()


def fitted(image: Image.Image, factor: int, what: str = "the image") -> Image.Image:
    """Centre-cropped to a multiple of the VAE's factor; too small an image is refused."""
    check_size(image.size, factor, what)
    width, height = image.size
    w, h = width - width % factor, height - height % factor
    left, top = (width - w) // 2, (height - h) // 2
    return image.crop((left, top, left + w, top + h))


def check_size(size: tuple[int, int], factor: int, what: str = "the image") -> None:
    """Refuse (one line) an image of `size` too small for a VAE with this factor."""
    least = 4 * factor
    width, height = size
    if width < least or height < least:
        raise InputError(
            f"{what} is {width}×{height} px: too small for this VAE (at least {least} px a side)"
        )


def reconstruction_distance(vae: Any, image: Image.Image) -> float:
    """RMSE (0–1 scale) between `image` and its 8-bit encode → decode through `vae`."""
    import torch

    image = fitted(image, vae_factor(vae))
    pixels = np.asarray(image, dtype=np.float32) / 255.0
    x = torch.from_numpy(pixels).permute(2, 0, 1)[None].to(vae.device, vae.dtype) * 2 - 1
    with torch.inference_mode():
        latent = vae.encode(x).latent_dist.mean
        decoded = vae.decode(latent).sample.float()
    back = ((decoded[0].clamp(-1, 1) + 1) / 2).permute(1, 2, 0).cpu().numpy()
    back = np.round(back * 255.0) / 255.0
    return float(np.sqrt(np.mean((back - pixels) ** 2)))


def photo_like(size: int, seed: int) -> Image.Image:
    """A synthetic non-generated image: coloured noise with a 1/f amplitude spectrum (the
    spectrum of natural photographs), fixed by its seed."""
    rng = np.random.default_rng(seed)
    fy = np.fft.fftfreq(size)[:, None]
    fx = np.fft.fftfreq(size)[None, :]
    amplitude = 1.0 / np.maximum(np.hypot(fx, fy), 1.0 / size)
    channels = []
    for _ in range(3):
        phase = rng.uniform(0, 2 * np.pi, (size, size))
        field_ = np.real(np.fft.ifft2(amplitude * np.exp(1j * phase)))
        field_ = (field_ - field_.mean()) / (field_.std() + 1e-12)
        channels.append(field_)
    mixed = np.stack(channels, axis=-1) @ rng.uniform(0.3, 1.0, (3, 3))
    mixed = (mixed - mixed.min()) / (mixed.max() - mixed.min() + 1e-12)
    return Image.fromarray(np.round(mixed * 255).astype(np.uint8))


def fit_threshold(own: Sequence[float | None], *negatives: Sequence[float | None]) -> float:
    """The threshold (distance at or below: this model's) with the lowest mean of its error
    rates on these values: own images above it, and each non-empty class of negatives at or
    below it. None stands for an image another VAE ranks first: under the attribution rule it
    is never this model's, so it counts as a reject among the own images and as no false accept
    among the negatives, whatever the threshold. Candidates lie midway between neighbouring
    values; ties go to the lowest."""

    def array(values: Sequence[float | None]) -> np.ndarray:
        return np.array([np.inf if v is None else v for v in values], dtype=np.float64)

    own_a = array(own)
    classes = [array(n) for n in negatives if len(n)]
    values = np.unique(np.concatenate([own_a, *classes]))
    values = values[np.isfinite(values)]
    if not len(values):
        return 0.0  # every image ranks another VAE first: no threshold makes one this model's
    candidates = [values[0] - 1e-12, *((values[:-1] + values[1:]) / 2), values[-1]]
    best: tuple[float, float] | None = None
    for threshold in candidates:
        rates = [np.mean(own_a > threshold)] + [np.mean(c <= threshold) for c in classes]
        error = float(np.mean(rates))
        if best is None or error < best[0] - 1e-15:
            best = (error, float(threshold))
    assert best is not None
    return best[1]


def upper95(errors: int, count: int) -> float:
    """One-sided 95 % Clopper–Pearson upper bound of a rate seen as `errors` of `count`."""
    from scipy.stats import beta

    if errors >= count:
        return 1.0
    return float(beta.ppf(0.95, errors + 1, count - errors))


def rate(hits: Sequence[bool]) -> Rate:
    errors, count = int(sum(hits)), len(hits)
    return Rate(errors / count, errors, count, upper95(errors, count))


def first_group(distances: Mapping[str, float]) -> str:
    """The VAE (key) with the smallest distance; on a tie, the one listed first."""
    return min(distances, key=lambda key: distances[key])


def attributed(distances: Mapping[str, float], vae: str, threshold: float) -> bool:
    """The rule the error rates measure: `vae` ranks first and its distance is within the
    model's threshold."""
    return first_group(distances) == vae and distances[vae] <= threshold


def held_out_rates(
    vae: str,
    threshold: float,
    own: Sequence[Mapping[str, float]],
    other_models: Sequence[Mapping[str, float]],
    non_generated: Sequence[Mapping[str, float]],
) -> tuple[Rate, Rate | None, Rate, float]:
    """False reject, false accept (other models' generations; None if there are none), false
    accept (non-generated) and the share of its own ranked first, for a model with this VAE and
    threshold; each held-out image given as its distance through every VAE."""
    return (
        rate([not attributed(d, vae, threshold) for d in own]),
        rate([attributed(d, vae, threshold) for d in other_models]) if other_models else None,
        rate([attributed(d, vae, threshold) for d in non_generated]),
        float(np.mean([first_group(d) == vae for d in own])),
    )


# -- the calibration ------------------------------------------------------------------------


@dataclass
class _Model:
    path: str
    sha256: str
    vae_sha256: str
    fit: list[Image.Image]
    held_out: list[Image.Image]


@dataclass
class Calibrated:
    """Models hashed and calibrated; `rank` places any number of images among them, each image
    taken through every VAE by the executor's reconstruction items."""

    models: list[_Model]
    vaes: dict[str, Any]  # by the VAE's hash, in load order: the group's first model (ModelRef)
    calibrations: dict[str, Calibration]  # by model path
    real_images: tuple[str, ...]
    held_out_real_images: tuple[str, ...]
    settings: CalibrationSettings
    ranking_accuracy: float
    held_out_accuracy: float
    non_generated_accepted: float
    factors: dict[str, int] = field(default_factory=dict)  # each VAE's size factor
    questioned: dict[str, float] | None = None  # the image `calibrate` was given, through each VAE

    def group(self, vae: str) -> int:
        return list(self.vaes).index(vae) + 1

    def check(self, image: Image.Image) -> None:
        """Refuse an image too small for one of the VAEs (one line)."""
        for factor in self.factors.values():
            check_size(image.size, factor)

    def distances(
        self, image: Image.Image, runtime: Runtime | None = None, executor: Any = None
    ) -> dict[str, float]:
        """The image's distance through each VAE (by its hash), on `executor` (default: here)."""
        runtime = runtime or Runtime()
        with runtime.applied() as run:
            through = _through(self.vaes, [image], run, executor, uuid.uuid4().hex)
        return {key: values[0] for key, values in through.items()}

    def rank(
        self,
        image: Image.Image,
        *,
        distances: Mapping[str, float] | None = None,
        runtime: Runtime | None = None,
        executor: Any = None,
    ) -> tuple[ModelReading, ...]:
        """Every model's reading of `image` (or of the `distances` it has through each VAE),
        closest first; one group's models together."""
        if distances is None:
            distances = self.distances(image, runtime, executor)
        order = sorted(self.vaes, key=lambda key: (distances[key], self.group(key)))
        readings = []
        for entry in self.models:
            calibration = self.calibrations[entry.path]
            distance = distances[entry.vae_sha256]
            readings.append(
                ModelReading(
                    entry.path,
                    entry.sha256,
                    entry.vae_sha256,
                    self.group(entry.vae_sha256),
                    order.index(entry.vae_sha256) + 1,
                    distance,
                    distance <= calibration.threshold,
                    calibration,
                )
            )
        return tuple(sorted(readings, key=lambda r: (r.place, r.model)))

    def groups(self) -> tuple[VaeGroup, ...]:
        return tuple(
            VaeGroup(
                self.group(key),
                key,
                tuple(m.path for m in self.models if m.vae_sha256 == key),
            )
            for key in self.vaes
        )


def _through(
    vaes: Mapping[str, Any], images: Sequence[Image.Image], run: Runtime, executor: Any, job: str
) -> dict[str, list[float]]:
    """Each image's distance through each VAE (by its hash): one reconstruction item per VAE,
    the distances in the order of `images`."""
    from workstation.analysis.executors import InProcess
    from workstation.analysis.model_exam.attribute_items import (
        ReconstructionItem,
        reconstruction_item,
    )

    pixels = tuple(np.asarray(image, dtype=np.uint8) for image in images)
    items = [
        ReconstructionItem(
            number, f"VAE {number + 1}", ref, key, pixels, job, run.deterministic, run.threads or 1
        )
        for number, (key, ref) in enumerate(vaes.items())
    ]
    found: dict[str, list[float]] = {}
    for item, done in (executor or InProcess()).map(reconstruction_item, items, run, "attribution"):
        found[item.vae_sha256] = done.distances
        run.report(len(found), len(items), f"reconstruction through VAE {item.index + 1}")
    return {key: found[key] for key in vaes}


def calibrate(
    models: Sequence[str | Path],
    settings: CalibrationSettings = CalibrationSettings(),
    *,
    real_images: Sequence[str | Path] = (),
    runtime: Runtime | None = None,
    device: str = "auto",
    dtype: str = "auto",
    image: Image.Image | None = None,
    executor: Any = None,
) -> Calibrated:
    """Hash each model, then on `executor` (default: this process) generate each model's fit
    and held-out images (the worker hashes its VAE) and take every image through each distinct
    VAE; calibrate each model from the distances. The examiner's `real_images` alternate between
    the fit and held out. `image`, if given, is checked against each VAE's size limit before
    anything is generated, and its distances are kept (`Calibrated.questioned`)."""
    from workstation.analysis.executors import InProcess
    from workstation.analysis.model_exam import attribute_items
    from workstation.analysis.model_exam.executors import ModelRef
    from workstation.core.errors import ModelError
    from workstation.engine.library import inspect
    from workstation.engine.loading import resolve_device, resolve_dtype

    if not models:
        raise InputError("no models to attribute the image to")
    given = [(str(p), read_image(p)[0]) for p in real_images]
    fit_seeds, held_seeds = settings.generation_seeds()
    runtime = runtime or Runtime()
    executor = executor or InProcess()
    device = resolve_device(device)
    dtype = resolve_dtype(dtype, device)
    job = uuid.uuid4().hex
    with runtime.applied() as run:
        # 0. Each model hashed here: a worker refuses a model whose bytes are not these.
        refs = []
        for path in models:
            run.check_cancelled("attribution")
            info = inspect(path)
            if info.problem:
                raise ModelError(f"{path}: {info.problem}")
            refs.append(ModelRef(str(path), info.sha256, device, dtype))
        items = [
            attribute_items.CalibrationItem(
                number,
                Path(ref.path).name,
                ref,
                settings,
                image.size if image is not None else None,
                job,
                run.deterministic,
                run.threads or 1,
            )
            for number, ref in enumerate(refs)
        ]
        try:
            # 1. Each model: loaded in a worker, its VAE hashed, its own images generated. One
            #    VAE per group takes the images through it (the group's first model's).
            made: dict[int, Any] = {}
            total, finished = sum(item.cost for item in items), 0
            work = attribute_items.calibration_item
            for item, done in executor.map(work, items, run, "attribution"):
                made[item.index] = done
                finished += item.cost
                if not isinstance(executor, InProcess):  # in-process: each image's own
                    run.report(finished, total, f"calibration: {item.label} generated")
            loaded: list[_Model] = []
            vaes: dict[str, Any] = {}
            factors: dict[str, int] = {}
            cut = settings.generated
            for item in items:
                done = made[item.index]
                images = [Image.fromarray(pixels) for pixels in done.images]
                key = done.vae_sha256
                vaes.setdefault(key, item.model)
                factors.setdefault(key, done.factor)
                loaded.append(
                    _Model(item.model.path, item.model.sha256, key, images[:cut], images[cut:])
                )
            size = settings.size or min(im.size[0] for entry in loaded for im in entry.fit)
            fit_synthetic, held_synthetic = (
                [(f"synthetic 1/f image, seed {s}", photo_like(size, s)) for s in part]
                for part in settings.synthetic_seeds()
            )
            fit_real = given[0::2] + fit_synthetic
            held_real = given[1::2] + held_synthetic

            # 2. Distances of every image through each distinct VAE (and of the questioned one).
            parts = [entry.fit for entry in loaded] + [entry.held_out for entry in loaded]
            parts += [[im for _, im in fit_real], [im for _, im in held_real]]
            parts += [[image] if image is not None else []]
            through = _through(vaes, [im for part in parts for im in part], run, executor, job)
        finally:
            attribute_items.release()
    split: dict[str, list[list[float]]] = {}
    for key, values in through.items():
        split[key], start = [], 0
        for part in parts:
            split[key].append(values[start : start + len(part)])
            start += len(part)
    count = len(loaded)
    fit_d = {key: split[key][:count] for key in vaes}  # by VAE: per model, its fit generations
    held_d = {key: split[key][count : 2 * count] for key in vaes}
    real_fit_d = {key: split[key][2 * count] for key in vaes}
    real_held_d = {key: split[key][2 * count + 1] for key in vaes}
    questioned = {key: split[key][-1][0] for key in vaes} if image is not None else None

    # 3. Per model: the threshold from the fit images, the error rates on those held out, both
    #    for the attribution rule (its VAE first, within the threshold). Each image is taken as
    #    its distance through every VAE.
    def generation(m: int, i: int) -> dict[str, float]:
        return {key: held_d[key][m][i] for key in vaes}

    def non_generated(i: int) -> dict[str, float]:
        return {key: real_held_d[key][i] for key in vaes}

    def fit_generation(m: int, i: int) -> dict[str, float]:
        return {key: fit_d[key][m][i] for key in vaes}

    def fit_non_generated(i: int) -> dict[str, float]:
        return {key: real_fit_d[key][i] for key in vaes}

    def ruled(distances: dict[str, float], key: str) -> float | None:
        """A fit image's distance through VAE `key`; None when another VAE ranks it first."""
        return distances[key] if first_group(distances) == key else None

    calibrations: dict[str, Calibration] = {}
    own_first: list[bool] = []
    own_attributed: list[bool] = []
    for m, entry in enumerate(loaded):
        key = entry.vae_sha256
        others = [k for k, other in enumerate(loaded) if other.vae_sha256 != key]
        own = [ruled(fit_generation(m, i), key) for i in range(settings.generated)]
        other_fit = [
            ruled(fit_generation(k, i), key) for k in others for i in range(settings.generated)
        ]
        real_fit = [ruled(fit_non_generated(i), key) for i in range(len(fit_real))]
        threshold = fit_threshold(own, other_fit, real_fit)
        own_held = [generation(m, i) for i in range(settings.held_out)]
        other_held = [generation(k, i) for k in others for i in range(settings.held_out)]
        real_held = [non_generated(i) for i in range(len(held_real))]
        reject, accept_models, accept_real, first = held_out_rates(
            key, threshold, own_held, other_held, real_held
        )
        calibrations[entry.path] = Calibration(
            threshold,
            fit_seeds,
            held_seeds,
            tuple(own),
            tuple(other_fit),
            tuple(real_fit),
            reject,
            accept_models,
            accept_real,
            first,
        )
        own_first += [first_group(d) == key for d in own_held]
        own_attributed += [attributed(d, key, threshold) for d in own_held]
    # A held-out non-generated image is accepted when the VAE that ranks it first (the minimum)
    # holds it within the threshold of a model of its group.
    accepted = []
    for i in range(len(held_real)):
        distances = non_generated(i)
        top = first_group(distances)
        accepted.append(
            any(
                distances[top] <= calibrations[e.path].threshold
                for e in loaded
                if e.vae_sha256 == top
            )
        )
    return Calibrated(
        loaded,
        vaes,
        calibrations,
        tuple(name for name, _ in fit_real),
        tuple(name for name, _ in held_real),
        settings,
        float(np.mean(own_first)),
        float(np.mean(own_attributed)),
        float(np.mean(accepted)),
        factors,
        questioned,
    )


# -- the examination ------------------------------------------------------------------------


def attribute(
    image_path: str | Path,
    models: Sequence[str | Path] | Calibrated,
    settings: CalibrationSettings = CalibrationSettings(),
    *,
    real_images: Sequence[str | Path] = (),
    runtime: Runtime | None = None,
    device: str = "auto",
    dtype: str = "auto",
    executor: Any = None,
) -> Attribution:
    """Rank `models` (model files or diffusers folders, or models already calibrated) by how
    well each one's VAE reconstructs the image at `image_path`, each with its calibration.
    `executor`: where the generations and reconstructions run (default: this process)."""
    image, image_sha = read_image(image_path)
    if isinstance(models, Calibrated):
        calibrated = models
        calibrated.check(image)
        ranking = calibrated.rank(image, runtime=runtime, executor=executor)
    else:
        calibrated = calibrate(
            models,
            settings,
            real_images=real_images,
            runtime=runtime,
            device=device,
            dtype=dtype,
            image=image,
            executor=executor,
        )
        ranking = calibrated.rank(image, distances=calibrated.questioned)
    groups = calibrated.groups()
    first = ranking[0]
    return Attribution(
        str(image_path),
        image_sha,
        ranking,
        groups,
        tuple(g.models for g in groups if len(g.models) > 1),
        tuple(r.model for r in ranking if r.place == 1 and r.within_calibration),
        calibrated.real_images,
        calibrated.held_out_real_images,
        calibrated.settings,
        verdict(ranking),
        calibrated.ranking_accuracy,
        calibrated.held_out_accuracy,
        calibrated.non_generated_accepted,
        warnings=(
            ()
            if first.calibration.false_accept_models is not None
            else ("only one VAE examined: the ranking cannot separate models",)
        ),
    )


def verdict(ranking: Sequence[ModelReading]) -> str:
    """One sentence on the ranking; names every model that shares the closest VAE, and the
    first model's held-out error rates."""
    first = ranking[0]
    tied = [r.model for r in ranking if r.place == 1]
    within = (
        "within the calibration of its own generations"
        if first.within_calibration
        else "outside the calibration of its own generations (it may come from none of these)"
    )
    calibration = first.calibration
    rates = f"held-out false rejects {calibration.false_reject.rate:.0%}" + (
        f", false accepts {calibration.false_accept_models.rate:.0%} of other models' images"
        if calibration.false_accept_models is not None
        else ""
    )
    rates += f" and {calibration.false_accept_non_generated.rate:.0%} of non-generated ones"
    if len(tied) > 1:
        names = ", ".join(Path(m).name for m in tied)
        return f"cannot tell these apart: same VAE ({names}); their distance is {within}; {rates}"
    return f"closest: {Path(first.model).name}; its distance is {within}; {rates}"


def _generate(
    model: Any, settings: CalibrationSettings, size: int, index: int, seed: int, run: Runtime
) -> Image.Image:
    from workstation.core.params import GenerationParams
    from workstation.engine.generate import txt2img

    params = GenerationParams(
        model=model.info.path,
        prompt=CALIBRATION_PROMPTS[index % len(CALIBRATION_PROMPTS)],
        seed=seed,
        steps=settings.steps,
        cfg=settings.cfg,
        sampler=settings.sampler,
        width=size,
        height=size,
        device=model.device,
        dtype=model.dtype,
    )
    return txt2img(model, params, runtime=run, decode_steps=()).image
