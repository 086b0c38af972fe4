"""PROVENANCE: an image's origin signals, read once when it enters the case and kept as a typed
record linked to it (role "about"), so the window and the report show what the stored bytes said.

    import_evidence → record_provenance (same transaction as the import)
    Case panel / report → stored_provenance (None for a case imported before this existed: the
    window then reads the file live, and `workstation case provenance` records it)
"""

from __future__ import annotations

from workstation.analysis.provenance import ImageMetadata, read_metadata
from workstation.analysis.provenance.record import from_record, to_record
from workstation.core.case import Artifact, Case
from workstation.core.records import Link, Provenance


def record_provenance(case: Case, artifact: Artifact) -> int | None:
    """Read the stored copy's origin signals and add them as a record; None for a non-image."""
    if not artifact.media_type.startswith("image/"):
        return None
    # the stored object, not the original: the record describes the bytes the case holds
    meta = read_metadata(case.object_path(artifact.sha256))
    meta = _named(meta, artifact.original_name)
    link = Link("about", "provenance", artifact_id=artifact.id)
    return case.add_record(to_record(meta), [link])


def stored_provenance(case: Case, artifact_id: int) -> ImageMetadata | None:
    """The newest provenance record about this artifact that is not withdrawn, as metadata."""
    found = None
    for record in case.records("provenance"):
        if record.withdrawn or not isinstance(record.body, Provenance):
            continue
        if any(link.artifact_id == artifact_id for link in record.linked("about")):
            found = record
    return None if found is None else from_record(found.body)


def _named(meta: ImageMetadata, name: str) -> ImageMetadata:
    from dataclasses import replace

    return replace(meta, path=name)  # the object path means nothing outside this machine
