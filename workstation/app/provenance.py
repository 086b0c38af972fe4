"""PROVENANCE: an image's origin signals, read once when it enters the case and kept as a typed
record linked to it (role "about"), so the window and the report show what the stored bytes said.

    import_evidence → record_provenance (same transaction as the import)
    generate, reproduce, compare --case, lab, study, the demo → provenance_for(_record) (the
    images they stored, in their transaction; a study's after its items)
    `workstation case provenance` → record_missing (images of a case made before this existed)
    Case panel / report / `metadata --case` → stored_provenance

Reading never fails an import: a signal that cannot be read is a warning inside the record.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from workstation.analysis.provenance import ImageMetadata, read_metadata
from workstation.analysis.provenance.record import from_record, to_record
from workstation.app.case import parse_id
from workstation.app.case_writer import CaseWriter
from workstation.app.requests import option
from workstation.core.case import Artifact, Case, Record
from workstation.core.errors import InputError
from workstation.core.records import Link, Provenance


def record_provenance(case: Case, artifact: Artifact) -> int | None:
    """Read the stored copy's origin signals and add them as a record; None for a non-image."""
    if not artifact.media_type.startswith("image/"):
        return None
    # the stored object, not the original: the record describes the bytes the case holds
    path = case.object_path(artifact.sha256)
    try:
        meta = read_metadata(path)
    except Exception as error:  # a reader bug must not lose the evidence: the record says so
        meta = ImageMetadata(
            path="",
            sha256=artifact.sha256,
            size=artifact.size,
            format="unknown",
            width=artifact.width,
            height=artifact.height,
            generator="none",
            warnings=(f"the metadata could not be read ({type(error).__name__}: {error})",),
        )
    # the object path means nothing outside this machine
    meta = replace(meta, path=artifact.original_name)
    link = Link("about", "provenance", artifact_id=artifact.id)
    return case.add_record(to_record(meta), [link])


def stored_provenance(case: Case, artifact_id: int) -> ImageMetadata | None:
    """The newest provenance record about this artifact that is not withdrawn, as metadata."""
    found = stored_record(case, artifact_id)
    return None if found is None else from_record(found.body)


def stored_record(case: Case, artifact_id: int) -> Record | None:
    """The newest provenance record about this artifact that is not withdrawn."""
    found = None
    for record in case.records("provenance"):
        if record.withdrawn or not isinstance(record.body, Provenance):
            continue
        if any(link.artifact_id == artifact_id for link in record.linked("about")):
            found = record
    return found


# Filling in what is missing


@dataclass(frozen=True, kw_only=True)
class ProvenanceRequest:
    artifact: int | None = option(
        None, parse=parse_id, metavar="ID", help="only this artifact (default: every image)"
    )


@dataclass(frozen=True)
class Recorded:
    artifact: Artifact
    record_id: int | None  # the record added, or None when none was
    outcome: str  # "recorded", "already recorded", "not an image", "object missing"


def record_missing(request: ProvenanceRequest, writer: CaseWriter) -> list[Recorded]:
    """A provenance record for each image that has none (one audit entry each), in one
    transaction; an image that has one is left as it is, so a second run adds nothing."""
    with writer.open() as case, case.transaction():  # a read-only case is refused here
        if request.artifact is not None:
            return provenance_for(case, [case.artifact(request.artifact)])
        return provenance_for_case(case)


def provenance_for(case: Case, artifacts: Iterable[Artifact]) -> list[Recorded]:
    """Record the provenance of those of `artifacts` that are images without a record."""
    have = {
        link.artifact_id: record.id
        for record in case.records("provenance")
        if not record.withdrawn
        for link in record.linked("about")
    }
    done = []
    for artifact in artifacts:
        if not artifact.media_type.startswith("image/"):
            done.append(Recorded(artifact, None, "not an image"))
        elif artifact.id in have:
            done.append(Recorded(artifact, None, "already recorded"))
        elif not case.object_path(artifact.sha256).is_file():
            done.append(Recorded(artifact, None, "object missing"))  # `case verify` says more
        else:
            have[artifact.id] = record_provenance(case, artifact)
            done.append(Recorded(artifact, have[artifact.id], "recorded"))
    return done


def provenance_for_case(case: Case) -> list[Recorded]:
    """Record the provenance of every evidence image in the case that has none (not of a run's
    steps and figures: see `provenance_for_record`)."""
    made = made_here(case)
    return provenance_for(case, [a for a in case.artifacts() if a.id not in made])


def provenance_for_record(case: Case, record_id: int) -> list[Recorded]:
    """Record the provenance of the images a record links as evidence (a generation's output and
    init image, a reproduction's disputed and regenerated images). Its denoising steps and figures
    are not: the record that made them already says how, and a run keeps dozens of them."""
    links = case.record(record_id).links
    ids = dict.fromkeys(k.artifact_id for k in links if k.artifact_id and k.role not in _MADE)
    return provenance_for(case, [case.artifact(artifact_id) for artifact_id in ids])


_MADE = ("step", "figure")  # link roles of images the workstation drew from a record's run


def made_here(case: Case) -> set[int]:
    """Artifacts linked only as a run's steps or figures (see `provenance_for_record`)."""
    made: set[int] = set()
    evidence: set[int] = set()
    for record in case.records():
        for link in record.links:
            if link.artifact_id:
                (made if link.role in _MADE else evidence).add(link.artifact_id)
    return made - evidence


# Showing what was recorded


@dataclass(frozen=True)
class Shown:
    record: Record  # the provenance record: its id and when it was made
    artifact: Artifact
    metadata: ImageMetadata


def show_recorded(root: Path, artifact_id: int) -> Shown:
    """The provenance recorded about an artifact (`workstation metadata --case --artifact`);
    InputError when there is none, saying how to make one."""
    with Case.open(root, readonly=True) as case:
        artifact = case.artifact(artifact_id)
        record = stored_record(case, artifact_id)
    if record is None and not artifact.media_type.startswith("image/"):
        raise InputError(f"artifact #{artifact_id} is {artifact.media_type}: it has no provenance")
    if record is None:
        raise InputError(
            f"artifact #{artifact_id} has no provenance record (the case predates them): "
            f"`workstation case provenance {root}` records it"
        )
    return Shown(record, artifact, from_record(record.body))
