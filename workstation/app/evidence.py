"""IMPORT: copy files into the case as evidence (the originals are never touched).

    front end → app.evidence.import_evidence → core.case.Case.import_files (copy, hash, probe,
                one transaction with its audit entries) → app.provenance.record_provenance
                (each image's origin signals, in the same transaction)

`workstation case import` and the window's import (menu, drag and drop) both run it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workstation.app.case_writer import CaseWriter
from workstation.app.provenance import record_provenance
from workstation.app.requests import option
from workstation.core.case import ROLES, Artifact


@dataclass(frozen=True, kw_only=True)
class ImportRequest:
    files: tuple[Path, ...] = option(positional=True, metavar="FILE", help="files to copy in")
    role: str = option("other", choices=ROLES, help="what the files are to the case")
    note: str = option("", help="a note kept with each file")


def import_evidence(request: ImportRequest, writer: CaseWriter) -> tuple[Artifact, ...]:
    """All the files or none (one transaction); the artifacts in the order given."""
    with writer.open() as case, case.transaction():
        artifacts = case.import_files(list(request.files), role=request.role, note=request.note)
        for artifact in artifacts:
            record_provenance(case, artifact)
        return tuple(artifacts)
