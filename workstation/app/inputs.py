"""Checks of a use case's inputs that run before anything slow (loading a model, training), so a
mistake costs a moment, not the run."""

from __future__ import annotations

from pathlib import Path

from workstation.app.case_writer import CaseWriter
from workstation.core.errors import CaseError, InputError


def check_writer(writer: CaseWriter | None) -> None:
    """The case opens and can be written (a wrong folder or read-only media fails now)."""
    if writer is None:
        return
    with writer.open() as case:
        if case.readonly:
            raise CaseError(
                f"{case.root} is opened read-only (read-only media or no write permission): "
                "nothing can be stored in it"
            )


def check_png_out(path: Path | None) -> None:
    if path is None:
        return
    if path.suffix.lower() != ".png":
        raise InputError(f"{path}: the output must be a .png file")
    if not path.parent.is_dir():
        raise InputError(f"{path.parent}: output folder does not exist")


def check_empty_folder(path: Path | None, what: str) -> None:
    if path is not None and path.exists() and any(path.iterdir()):
        raise InputError(f"{path}: {what} is not empty")


def check_file(path: Path | None, what: str) -> None:
    if path is not None and not path.is_file():
        raise InputError(f"{path}: {what} not found")
