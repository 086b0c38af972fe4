"""Every kind of record a case holds, as a frozen, versioned schema, and the links of a record.

A record is what the workstation (or the examiner) did: a generation, a comparison, a study, the
over-fitting lab, a reproduction, the provenance read from an image, a report, a finding, an
amendment, a model examination, a search of a reference-corpus index. Writers build one of the
dataclasses below; the case stores it as canonical JSON with its kind and schema version; readers
get the same dataclass back from `parse`. A payload that does not fit its schema is a
`RecordError` (verify names it), never a KeyError somewhere in a reader.

Version 1 records are those written before schemas existed (case schema 2): they are parsed with
the same field lists, but unknown top-level keys (such as their old "artifacts" map) are allowed
and set aside in `legacy_extra`. Version 2 records must match their schema exactly.

Links say which artifacts (or other records) a record used and produced, with a role:
    input      an image the work started from (img2img source, compared image, reproduced image)
    reference  the work measured against (a study's reference, a lab's training image)
    output     what the work produced (generated image, study item, regenerated image)
    step       a kept denoising step
    figure     a picture or table the workstation drew (difference map, plot, grid, CSV)
    document   the stored report PDF
    about      what a finding is about
    amends     what an amendment corrects
    item       a record this one is built from (a study's generation records)
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from dataclasses import dataclass, field
from typing import Any, ClassVar, Union

from workstation.core.errors import InputError

LINK_ROLES = (
    "input",
    "reference",
    "output",
    "step",
    "figure",
    "document",
    "about",
    "amends",
    "item",
)
FINDING_STATUSES = ("ok", "check", "warning")
CASE_PROPERTIES = (
    "title",
    "examiner",
    "organisation",
    "case_number",
    "court",
    "parties",
    "instructing_party",
    "description",
)
ARTIFACT_PROPERTIES = ("role", "note")
LEGACY_VERSION = 1


class RecordError(InputError):
    """A payload that does not fit the schema of its kind (a user error when building one)."""


@dataclass(frozen=True)
class Link:
    """One edge from a record to an artifact (or to another record)."""

    role: str
    label: str = ""
    artifact_id: int | None = None
    record_id: int | None = None  # the target record, for roles "item", "about", "amends"

    def __post_init__(self) -> None:
        if self.role not in LINK_ROLES:
            raise ValueError(f"unknown link role {self.role!r}")
        if (self.artifact_id is None) == (self.record_id is None):
            raise ValueError("a link points at exactly one artifact or one record")

    def to_list(self) -> list[Any]:
        """The form written into the audit entry (short, ordered, canonical)."""
        if self.artifact_id is not None:
            return [self.role, self.label, "artifact", self.artifact_id]
        return [self.role, self.label, "record", self.record_id]

    @classmethod
    def from_list(cls, value: Any) -> Link:
        role, label, target, ident = value
        if target == "artifact":
            return cls(role, label, artifact_id=int(ident))
        return cls(role, label, record_id=int(ident))


@dataclass(frozen=True)
class RecordBody:
    """Base of every record kind. Subclasses set KIND and VERSION and declare their fields."""

    KIND: ClassVar[str] = ""
    VERSION: ClassVar[int] = 2

    def to_payload(self) -> dict[str, Any]:
        return {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)
            if f.name != "legacy_extra"
        }


# 1. The kinds


@dataclass(frozen=True, kw_only=True)
class GenerationRun(RecordBody):
    """The fields of one txt2img or img2img run, as engine/generate.py builds them; a generation
    record is one, and a reproduction carries its regeneration's at its top level."""

    mode: str
    params: dict
    model: dict
    loras: list
    init_image: dict | None
    scheduler: dict | None = None  # the engine's own sampling: the diffusers scheduler used
    sampling: dict | None = None  # a peer generator's convention: sampler, sigmas, noise
    steps_run: int
    image: dict
    environment: dict
    started: str | None = None  # UTC, when the run started and finished
    finished: str | None = None
    seconds: float | None = None
    # The scheduler's timestep at each step run, in order (step n: timesteps[n - 1]); None in
    # records made before they were kept.
    timesteps: list | None = None


@dataclass(frozen=True, kw_only=True)
class Generation(GenerationRun):
    """One txt2img or img2img run."""

    KIND: ClassVar[str] = "generation"
    schema: str = "workstation.generation/1"
    study_key: str | None = None  # the study item key, when a study made it
    legacy_extra: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Comparison(RecordBody):
    KIND: ClassVar[str] = "comparison"
    report: dict  # analysis.pair.PairReport.to_dict()
    legacy_extra: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Study(RecordBody):
    """A sweep (seeds, strength, LoRA scale) or a trajectory: a series of generations measured."""

    KIND: ClassVar[str] = "study"
    study: str
    title: str
    description: str
    parameter: str
    points: list
    schema: str = "workstation.study/1"
    metrics: list = field(default_factory=list)
    series: list = field(default_factory=list)
    summary: dict = field(default_factory=dict)
    highlights: list = field(default_factory=list)
    base_params: dict = field(default_factory=dict)
    settings: dict = field(default_factory=dict)
    reference: dict | None = None
    counts: dict = field(default_factory=dict)
    bands_notice: str | None = None
    generation: dict | None = None
    torch_threads: int | None = None  # CPU threads of this run (its new items and CLIP)
    legacy_extra: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Lab(RecordBody):
    """The over-fitting lab (analysis/overfit_lab.py). Before schema 2 it was a "study"."""

    KIND: ClassVar[str] = "lab"
    title: str
    description: str
    parameter: str
    points: list
    near_copy_rule: str
    settings: dict
    noise_offset_used: float
    data: dict
    base_model: dict
    calibration: dict | None
    clip_model: dict | None
    seconds: float
    lab: str = "overfit"
    torch_threads: int | None = None  # CPU threads of its training, sampling and CLIP
    legacy_extra: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True, kw_only=True)
class Reproduction(GenerationRun):
    """A re-run of an image's recipe: the plan, the verdict, the regeneration's generation fields
    at the top level (analysis/reproduce.py Reproduction.to_dict()) and the comparison."""

    KIND: ClassVar[str] = "reproduction"
    schema: str
    title: str
    disputed: dict
    source: str
    generator: str
    models_dir: str
    models_scanned: int
    matches: list
    missing: int
    notes: list
    exact_match: bool
    pixels: dict
    comparison: dict
    generation_schema: str | None = None
    legacy_extra: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Provenance(RecordBody):
    """Every origin signal read from one image when it was imported."""

    KIND: ClassVar[str] = "provenance"
    sha256: str
    generator: str | None
    recipes: list
    signals: dict
    legacy_extra: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Report(RecordBody):
    """A PDF report; the PDF itself is stored as an artifact linked with role "document"."""

    KIND: ClassVar[str] = "report"
    report_id: str
    title: str
    lang: str
    sha256: str
    size: int
    pages: int
    created: str
    exhibits: list
    records: list
    chain_head: dict
    verified: bool
    unverified: list
    cjk_font: str | None
    software: dict
    path: str | None = None  # where it was first exported, if anywhere
    style: str | None = None
    legacy_extra: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Finding(RecordBody):
    """The examiner's own words about an artifact, a record or one figure of a record."""

    KIND: ClassVar[str] = "finding"
    status: str
    text: str
    figure: str | None = None  # a link label of the record it is about (one figure of it)
    # A shape drawn on the artifact it is about (an annotation or a measurement), in the
    # artifact's own pixels: see `check_geometry`. None (and absent from the payload, so older
    # findings read back unchanged) when the finding has none.
    geometry: dict | None = None
    legacy_extra: dict = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if self.status not in FINDING_STATUSES:
            raise RecordError(
                f"unknown finding status {self.status!r}; use {', '.join(FINDING_STATUSES)}"
            )
        if not self.text.strip():
            raise RecordError("a finding needs some text")
        if self.geometry is not None:
            check_geometry(self.geometry)

    def to_payload(self) -> dict[str, Any]:
        payload = super().to_payload()
        if payload.get("geometry") is None:
            payload.pop("geometry", None)  # a finding without a shape is stored as before
        return payload


# A finding's geometry: {"shape", "points": [[x, y], ...], "text"?, "image": {"width", "height"}}
# with the points in the pixels of the image it was drawn on (0..width, 0..height).
GEOMETRY_POINTS = {"arrow": 2, "box": 2, "callout": 1, "distance": 2, "angle": 3, "region": 2}
MEASURE_SHAPES = ("distance", "angle", "region")  # the others are annotations
GEOMETRY_MAX_SIDE = 1_000_000
GEOMETRY_MAX_TEXT = 2000


def check_geometry(value: Any) -> None:
    """RecordError unless `value` is a well-formed finding geometry (see GEOMETRY_POINTS)."""
    if not isinstance(value, dict):
        raise RecordError("a finding's geometry is an object with shape, points and image")
    unknown = sorted(set(value) - {"shape", "points", "text", "image"})
    if unknown:
        raise RecordError(f"unexpected geometry field(s): {', '.join(map(repr, unknown))[:200]}")
    shape = value.get("shape")
    if not isinstance(shape, str) or shape not in GEOMETRY_POINTS:
        raise RecordError(f"unknown geometry shape {shape!r}; use {', '.join(GEOMETRY_POINTS)}")
    image = value.get("image")
    if not isinstance(image, dict) or set(image) != {"width", "height"}:
        raise RecordError("a geometry's image is an object with its width and height in pixels")
    sides = [image["width"], image["height"]]
    if not all(_whole(side) and 1 <= side <= GEOMETRY_MAX_SIDE for side in sides):
        raise RecordError(
            f"a geometry's image width and height are whole numbers from 1 to {GEOMETRY_MAX_SIDE}"
        )
    points = value.get("points")
    wanted = GEOMETRY_POINTS[shape]
    if not isinstance(points, list) or len(points) != wanted:
        raise RecordError(f"a {shape} has {wanted} point(s) [x, y]")
    for point in points:
        if not (
            isinstance(point, list)
            and len(point) == 2
            and all(_finite(c) for c in point)
            and 0 <= point[0] <= sides[0]
            and 0 <= point[1] <= sides[1]
        ):
            shown = repr(point) if len(repr(point)) <= 60 else repr(point)[:57] + "..."
            raise RecordError(
                f"geometry point {shown} is not [x, y] inside the {sides[0]} × {sides[1]} image"
            )
    text = value.get("text")
    if text is not None and not (
        isinstance(text, str) and len(text) <= GEOMETRY_MAX_TEXT and _encodable(text)
    ):
        raise RecordError(f"a geometry's text is at most {GEOMETRY_MAX_TEXT} characters")
    if shape == "callout" and not (text or "").strip():
        raise RecordError("a callout needs its text")


def geometry_measures(geometry: dict) -> dict[str, float]:
    """The numbers a (checked) geometry shows, in image pixels: x, y (its first point, or a
    rectangle's top-left corner), and by shape: length (arrow, distance), degrees (angle, at the
    middle point, 0..180), width, height, area (box, region)."""
    points = [(float(x), float(y)) for x, y in geometry["points"]]
    shape = geometry["shape"]
    x, y = points[0]
    found: dict[str, float] = {"x": x, "y": y}
    if shape in ("arrow", "distance"):
        (x1, y1), (x2, y2) = points
        found["length"] = math.hypot(x2 - x1, y2 - y1)
    elif shape == "angle":
        (ax, ay), (bx, by), (cx, cy) = points
        first = math.atan2(ay - by, ax - bx)
        second = math.atan2(cy - by, cx - bx)
        degrees = abs(math.degrees(first - second)) % 360
        found["x"], found["y"] = bx, by
        found["degrees"] = 360 - degrees if degrees > 180 else degrees
    elif shape in ("box", "region"):
        (x1, y1), (x2, y2) = points
        found["x"], found["y"] = min(x1, x2), min(y1, y2)
        found["width"], found["height"] = abs(x2 - x1), abs(y2 - y1)
        found["area"] = found["width"] * found["height"]
    return found


def _finite(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from a JSON escape
        return False
    return True


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class Amendment(RecordBody):
    """A correction: a new value for a case property, an artifact's role or note, or a record
    withdrawn. The old value stays where it was; readers show the newest with its history."""

    KIND: ClassVar[str] = "amendment"
    target: str  # "case", "artifact" or "record"
    field: str  # a case property, "role"/"note", or "withdrawn" for a record
    value: Any
    previous: Any
    reason: str = ""
    legacy_extra: dict = dataclasses.field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        allowed = {
            "case": CASE_PROPERTIES,
            "artifact": ARTIFACT_PROPERTIES,
            "record": ("withdrawn",),
        }.get(self.target)
        if allowed is None:
            raise RecordError(
                f"an amendment targets the case, an artifact or a record, not {self.target!r}"
            )
        if self.field not in allowed:
            raise RecordError(
                f"cannot amend {self.target} field {self.field!r}; choose one of: "
                f"{', '.join(allowed)}"
            )


@dataclass(frozen=True)
class Exam(RecordBody):
    """A model examination (analysis/model_exam/): which method asked the model what, with the
    hashes of the model and LoRA bytes loaded, the inputs, the settings that make it reproducible
    (noise seed, timesteps) and the results."""

    KIND: ClassVar[str] = "exam"
    method: str  # "membership", "set", or a later method's name
    model: dict  # path, sha256 of the bytes loaded, family
    loras: list  # each: path, sha256, scale
    inputs: dict  # the works and controls (or prompts, images) with their SHA-256
    settings: dict  # noise seed, timesteps, methods, device, dtype
    results: dict
    limits: list = field(default_factory=list)  # the known limits, stated with every result
    seconds: float | None = None
    legacy_extra: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class CorpusSearch(RecordBody):
    """A search of a reference-corpus index with one image (analysis/corpus.py, app/corpus.py):
    the index's parameters as its meta records them, how it was searched, and the ranked hits
    per metric. The index file (and its FAISS file) and the query image are linked artifacts."""

    KIND: ClassVar[str] = "corpus_search"
    index: dict  # file name, sha256, size, format/version, root, entries, hash kinds, clip, ...
    query: dict  # the query image: path, sha256, size, width, height
    k: int
    search: dict  # engine, kind, parameters, measured recall (approximate), shards, executor
    results: dict  # metric -> [{rank, path, sha256, distance, similarity}]
    notes: list = field(default_factory=list)
    legacy_extra: dict = field(default_factory=dict, compare=False)


KINDS: dict[str, type[RecordBody]] = {
    cls.KIND: cls
    for cls in (
        Generation,
        Comparison,
        Study,
        Lab,
        Reproduction,
        Provenance,
        Report,
        Finding,
        Amendment,
        Exam,
        CorpusSearch,
    )
}


# 2. Parsing a stored payload


def parse(kind: str, version: int, payload: Any) -> RecordBody:
    """The typed record for a stored (kind, version, payload); RecordError when it does not fit."""
    cls = KINDS.get(kind)
    if cls is None:
        raise RecordError(f"unknown record kind {kind!r}")
    if version not in (LEGACY_VERSION, cls.VERSION):
        raise RecordError(f"{kind} schema version {version} is not one this version reads")
    if not isinstance(payload, dict):
        raise RecordError("its payload is not a JSON object")
    if kind == "study" and version == LEGACY_VERSION and payload.get("lab") == "overfit":
        cls = Lab  # the lab was stored as a study before it had its own kind
    fields = {f.name: f for f in dataclasses.fields(cls) if f.name != "legacy_extra"}
    hints = typing.get_type_hints(cls)
    unknown = sorted(set(payload) - set(fields))
    if unknown and version != LEGACY_VERSION:
        raise RecordError(f"unexpected field(s): {', '.join(unknown)}")
    values: dict[str, Any] = {}
    for name, spec in fields.items():
        if name not in payload:
            if spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING:
                raise RecordError(f"missing field {name!r}")
            continue
        if not _fits(payload[name], hints[name]):
            raise RecordError(f"field {name!r} is not {_describe(hints[name])}")
        values[name] = payload[name]
    if unknown:
        values["legacy_extra"] = {key: payload[key] for key in unknown}
    try:
        return cls(**values)
    except RecordError:
        raise
    except (TypeError, ValueError) as error:
        raise RecordError(str(error)) from None


def _fits(value: Any, hint: Any) -> bool:
    if hint is Any:
        return True
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        return any(_fits(value, arg) for arg in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, origin or hint)


def _describe(hint: Any) -> str:
    if typing.get_origin(hint) in (Union, types.UnionType):
        return " or ".join(_describe(arg) for arg in typing.get_args(hint))
    names = {dict: "an object", list: "a list", str: "text", int: "an integer", float: "a number"}
    return names.get(hint, "null" if hint is type(None) else getattr(hint, "__name__", str(hint)))


# 3. Links of records written before links existed


def legacy_links(payload: Any, artifact_ids: set[int]) -> list[Link]:
    """The links of a schema-1 record, read once (by the migration) from its "artifacts" map.

    Labels are the map's dotted paths (`difference_map`, `steps[3]`, `images[0]`); the role is
    decided by the label's words, the way the report used to decide which pictures were derived.
    """
    if not isinstance(payload, dict):
        return []
    found: list[Link] = []
    seen: set[tuple[str, int]] = set()
    for label, value in _walk(payload.get("artifacts"), ""):
        leaf = label.rsplit(".", 1)[-1].split("[", 1)[0]
        if "." in label and not (leaf == "id" or leaf.endswith("_id") or leaf.isdigit()):
            continue  # a described item's other fields, such as steps[0].step
        ident = value if isinstance(value, int) and not isinstance(value, bool) else None
        if ident is None or ident not in artifact_ids:
            continue
        clean = label.removesuffix(".id")
        if (clean, ident) in seen:
            continue
        seen.add((clean, ident))
        found.append(Link(_legacy_role(clean), clean, artifact_id=ident))
    return found


def _legacy_role(label: str) -> str:
    word = label.lower()
    if word.startswith(("reference", "highlights")):
        return "reference"
    if word.startswith(("source", "init_image", "image_a", "image_b", "disputed")):
        return "input"
    if "step" in word or "preview" in word:
        return "step"
    if word.startswith(("output", "images", "regenerated", "exhibits")):
        return "output"
    return "figure"


def _walk(value: Any, prefix: str):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{prefix}[{index}]")
    else:
        yield prefix, value
