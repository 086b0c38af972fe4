"""What a generation record stored in the case, read through its links (never from notes).

A generation record links its image (role "output", label "output"), its img2img source (role
"input", label "init_image") and every kept denoising step (role "step", label `step_label`:
"step 3 decoded", "step 3 preview"). Records written before links existed (schema version 1)
got their links from their old "artifacts" map when the case was migrated, labelled by the map's
paths (`steps[0]`, `steps.4`); the map itself is still in the payload and says which step and
kind each of those was. `kept_steps` reads both.

Only core is imported here: the report, the GUI and the studies all read records through it.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

from workstation.core.case import Record
from workstation.core.records import LEGACY_VERSION, RecordBody

STEP_KINDS = ("decoded", "preview")  # a full VAE decode, or the cheap latent preview
_STEP_LABEL = re.compile(r"step (\d+) (decoded|preview)")


def step_label(step: int, kind: str) -> str:
    """The label of a kept step's link, e.g. "step 3 decoded"."""
    if kind not in STEP_KINDS:
        raise ValueError(f"unknown step kind {kind!r}")
    return f"step {step} {kind}"


@dataclass(frozen=True)
class KeptStep:
    step: int | None  # 1-based; None when an old record does not say
    kind: str  # "decoded", "preview", or "" when an old record does not say
    artifact_id: int


def output_id(record: Record) -> int | None:
    """The artifact the record produced (its first "output" link), if any."""
    return next((k.artifact_id for k in record.linked("output") if k.artifact_id), None)


def linked_id(record: Record, label: str, *roles: str) -> int | None:
    """The artifact linked under this label (with one of these roles, if given)."""
    return next(
        (k.artifact_id for k in record.linked(*roles) if k.label == label and k.artifact_id),
        None,
    )


def kept_steps(record: Record) -> list[KeptStep]:
    """The record's step links with their step numbers and kinds, in step order."""
    described = _legacy_steps(record) if record.schema_version == LEGACY_VERSION else {}
    found = []
    for link in record.linked("step"):
        if link.artifact_id is None:
            continue
        match = _STEP_LABEL.fullmatch(link.label)
        if match:
            step, kind = int(match[1]), match[2]
        else:
            step, kind = described.get(link.label, (None, ""))
        found.append(KeptStep(step, kind, link.artifact_id))
    found.sort(key=lambda s: (s.step is None, s.step or 0))
    return found


def _legacy_steps(record: Record) -> dict[str, tuple[int | None, str]]:
    """label -> (step, kind) from an old record's "artifacts" map: `steps[i]` named the i-th
    entry of a list ({"step", "kind", "id"} or a bare id), `steps.N` step N."""
    old = record.payload.get("artifacts")
    steps = old.get("steps") if isinstance(old, dict) else None
    found: dict[str, tuple[int | None, str]] = {}
    if isinstance(steps, dict):
        for key in steps:
            if str(key).isdigit():
                found[f"steps.{key}"] = (int(key), "")
    elif isinstance(steps, list):
        for index, entry in enumerate(steps):
            if isinstance(entry, dict):
                number = entry.get("step")
                kind = entry.get("kind") if entry.get("kind") in STEP_KINDS else ""
                step = number if isinstance(number, int) and not isinstance(number, bool) else None
                found[f"steps[{index}]"] = (step, kind or "")
            else:
                found[f"steps[{index}]"] = (None, "")
    return found


def schema_fields(cls: type[RecordBody], data: dict[str, Any]) -> dict[str, Any]:
    """The values of `data` that the record kind `cls` declares.

    The engine's record also holds run timings (started, finished, seconds) that the typed
    generation schema does not declare; the PNG written with the image keeps them.
    """
    names = {f.name for f in dataclasses.fields(cls)} - {"legacy_extra"}
    return {key: value for key, value in data.items() if key in names}
