"""Provenance: read how an image was made from its own metadata (generator recipes, EXIF, XMP,
C2PA). `read_metadata(path)` is the entry point; one module per generator format."""

from workstation.analysis.provenance.reader import read_metadata
from workstation.analysis.provenance.result import (
    C2paInfo,
    ExifSummary,
    ImageMetadata,
    LoraRef,
    RawField,
    Recipe,
    XmpSummary,
)

__all__ = [
    "C2paInfo",
    "ExifSummary",
    "ImageMetadata",
    "LoraRef",
    "RawField",
    "Recipe",
    "XmpSummary",
    "read_metadata",
]
