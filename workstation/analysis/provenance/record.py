"""An image's provenance as a typed case record, and back.

Importing an image reads its origin signals once (`read_metadata` on the stored bytes) and keeps
them as a `Provenance` record linked to the artifact: the window and the report then show what
was read at import, not what a later version of the reader would read. `signals` holds everything
but the recipes, as `ImageMetadata.to_dict` writes it, plus the reader's version.
"""

from __future__ import annotations

from typing import Any

from workstation.analysis.provenance.result import ImageMetadata
from workstation.core.records import Provenance

READER_VERSION = 2  # 2: stages, models, recorded/inferred marks, watermarks, IPTC AI, C2PA detail


def to_record(meta: ImageMetadata) -> Provenance:
    data = meta.to_dict()
    recipes = data.pop("recipes")
    sha256, generator = data.pop("sha256"), data.pop("generator")
    data["reader_version"] = READER_VERSION
    return Provenance(sha256=sha256, generator=generator, recipes=recipes, signals=data)


def from_record(body: Provenance) -> ImageMetadata:
    data: dict[str, Any] = dict(body.signals)
    data.update(sha256=body.sha256, generator=body.generator or "none", recipes=body.recipes)
    data.setdefault("path", "")
    for key, default in (("size", 0), ("format", "unknown"), ("width", None), ("height", None)):
        data.setdefault(key, default)
    return ImageMetadata.from_dict(data)
