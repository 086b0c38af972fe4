"""Export one figure on its own (the window's "Export Figure…"): the picture as PNG, its caption,
and the PNG's SHA-256, so the figure can be cited and checked outside the case and the report.

`export_figure(rgb, caption, out)` writes
- OUT.png: the pixels, with the caption in the PNG's Description text (a difference map drawn
  on the fixed difference scale gets that scale's colour bar as a strip beneath, `colour_bar`);
- OUT.txt: the caption, then the PNG's file name and SHA-256;
- OUT.png.sha256: the same hash in `sha256sum` form (`sha256sum -c` checks it).
Nothing is written unless all three can be; an existing file is replaced only with `force`.

`store_figure(figure, writer, note)` then keeps the PNG in the open case as an artifact (role
"other", the note its caption and where it came from), through a `CaseWriter`, so the import is in
the audit log; the artifact's SHA-256 is the exported file's, or nothing is stored.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from workstation.analysis import structure
from workstation.app.case_writer import CaseWriter
from workstation.core.case import Artifact
from workstation.core.errors import InputError

SCALE_STRIP = 16  # px: height of the colour bar under a difference map


@dataclass(frozen=True)
class ExportedFigure:
    png: Path
    caption: Path
    sidecar: Path
    sha256: str
    text: str = ""  # the caption


def export_figure(
    rgb: np.ndarray, caption: str, out: Path, *, colour_bar: bool = False, force: bool = False
) -> ExportedFigure:
    """Write the figure `rgb` ((H, W, 3) uint8) with `caption` (see the module docstring);
    `colour_bar`: add the difference scale beneath (the caption should say so)."""
    out = Path(out)
    png = out if out.suffix.lower() == ".png" else out.with_name(out.name + ".png")
    text, sidecar = png.with_suffix(".txt"), png.with_name(png.name + ".sha256")
    if not png.parent.is_dir():
        raise InputError(f"cannot export the figure to {png}: the folder does not exist")
    for path in (png, text, sidecar):
        if path.exists() and not force:
            raise InputError(f"{path} already exists; choose another name")
    pixels = np.asarray(rgb, dtype=np.uint8)
    if colour_bar:
        pixels = np.concatenate([pixels, _strip(pixels.shape[1])], axis=0)
    info = PngInfo()
    info.add_itxt("Description", caption)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG", pnginfo=info)
    data = buffer.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    try:
        png.write_bytes(data)
        text.write_text(f"{caption}\n\n{png.name}\nSHA-256 {digest}\n", encoding="utf-8")
        sidecar.write_text(f"{digest}  {png.name}\n", encoding="utf-8")
    except OSError as error:
        for path in (png, text, sidecar):
            path.unlink(missing_ok=True)
        raise InputError(f"cannot export the figure to {png}: {error.strerror or error}") from None
    return ExportedFigure(png, text, sidecar, digest, caption)


def store_figure(figure: ExportedFigure, writer: CaseWriter, note: str | None = None) -> Artifact:
    """Import the exported PNG into the case as an artifact (role "other"; `note`, by default the
    caption), in one transaction with its audit entry. Refused, storing nothing, when the file no
    longer has the SHA-256 it was written with."""
    with writer.open() as case, case.transaction():
        artifact = case.import_file(
            figure.png, role="other", note=figure.text if note is None else note
        )
        if artifact.sha256 != figure.sha256:  # raising rolls the import back
            raise InputError(
                f"{figure.png} changed after it was exported (SHA-256 {artifact.sha256}, "
                f"written as {figure.sha256}); the figure was not stored in the case"
            )
        return artifact


def _strip(width: int) -> np.ndarray:
    """The difference scale's colour bar, as wide as the figure, with a white line above."""
    bar = structure.colour_scale(width, SCALE_STRIP)
    return np.concatenate([np.full((4, width, 3), 255, np.uint8), bar], axis=0)
