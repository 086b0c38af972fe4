"""`read_metadata(path)`: everything an image file says about how it was made.

1. Hash the file and walk its container (PNG chunks, JPEG segments, WebP chunks), keeping every
   text field verbatim. 2. Decode EXIF and XMP. 3. Recognise each generator's fields and parse
   them into recipes. 4. Read C2PA Content Credentials, offline, when the file carries any.
5. Decode the pixels once for the invisible watermarks Stable Diffusion's code bases embed.
Malformed or unknown metadata becomes a warning; only a missing or unreadable file is an error.
"""

from __future__ import annotations

import hashlib
import mmap
import os
import warnings as pywarnings
from pathlib import Path

from PIL import Image

from workstation.analysis.provenance import a1111, comfyui, fooocus, invokeai, novelai
from workstation.analysis.provenance.c2pa_reader import read_c2pa
from workstation.analysis.provenance.containers import Container, walk
from workstation.analysis.provenance.exif import read_exif
from workstation.analysis.provenance.result import ImageMetadata, RawField, Recipe
from workstation.analysis.provenance.watermark import read_watermarks
from workstation.analysis.provenance.xmp import read_xmp
from workstation.core.errors import InputError

MEDIA_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
# When several generators left settings (a ComfyUI graph plus an A1111-style "parameters" written
# for compatibility), the most specific comes first; "parameters" is the most widely imitated.
_PRIORITY = ("Workstation", "NovelAI", "InvokeAI", "ComfyUI", "Fooocus", "AUTOMATIC1111")


def read_metadata(path: str | Path) -> ImageMetadata:
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    # 1. Hash and walk the container (mapped, so a large file is not read into memory twice).
    with open(path, "rb") as stream:
        size = os.fstat(stream.fileno()).st_size
        if size == 0:
            sha256, box = hashlib.sha256().hexdigest(), walk(b"")
        else:
            with mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) as data:
                sha256, box = hashlib.sha256(data).hexdigest(), walk(data)
    problems = list(box.warnings)
    image_format, width, height = _identify(path, box.format, problems)

    # 2. EXIF and XMP.
    exif, exif_raw = read_exif(box.exif, problems)
    xmp = read_xmp(box.xmp, problems)

    # 3. Generators.
    recipes = _recipes(box, exif_raw, problems)
    recipes.sort(key=lambda recipe: _PRIORITY.index(recipe.generator))

    # 4. C2PA, when the container has a manifest block or points to a remote one.
    c2pa = None
    if box.has_c2pa or (xmp and xmp.provenance) or image_format not in MEDIA_TYPES:
        c2pa = read_c2pa(path, MEDIA_TYPES.get(image_format))
        if c2pa is None and box.has_c2pa:
            problems.append("the file has a C2PA block, but c2pa-python finds no manifest in it")
    if recipes:
        generator = recipes[0].generator
    elif c2pa is not None and c2pa.status in ("embedded", "remote"):
        generator = "C2PA"
    else:
        generator = "none"

    # 5. Invisible watermarks, for images Pillow can decode.
    watermarks = read_watermarks(path, problems) if width is not None else ()
    return ImageMetadata(
        path=str(path),
        sha256=sha256,
        size=size,
        format=image_format,
        width=width,
        height=height,
        generator=generator,
        recipes=tuple(recipes),
        exif=exif,
        xmp=xmp,
        c2pa=c2pa,
        raw=tuple(box.raw + exif_raw),
        warnings=tuple(problems),
        watermarks=watermarks,
    )


def _identify(path: Path, sniffed: str, problems: list[str]) -> tuple[str, int | None, int | None]:
    """Format and size as Pillow reads the header (no pixel decoding)."""
    try:
        with pywarnings.catch_warnings(record=True) as caught:
            pywarnings.simplefilter("always")
            with Image.open(path) as image:
                found = image.format or sniffed or "unknown", image.width, image.height
        problems.extend(f"Pillow: {warning.message}" for warning in caught)
        return found
    except Exception as error:  # Pillow raises many types on damaged or foreign files
        problems.append(f"Pillow cannot read this as an image ({type(error).__name__}: {error})")
        return sniffed or "unknown", None, None


def _recipes(box: Container, exif_raw: list[RawField], problems: list[str]) -> list[Recipe]:
    found: list[Recipe] = []

    def add(result: tuple[Recipe | None, list[str]]) -> None:
        recipe, notes = result
        problems.extend(notes)
        if recipe is not None:
            found.append(recipe)

    texts = {key: entry.value for key, entry in box.texts.items()}

    def where(key: str) -> str:
        return f'{box.texts[key].source if key in box.texts else "PNG text"} "{key}"'

    # PNG text chunks.
    if "parameters" in texts:
        text, scheme = texts["parameters"], texts.get("fooocus_scheme")
        if scheme is not None or text.lstrip().startswith("{"):
            add(fooocus.parse(text, scheme, where("parameters")))
        else:
            add(a1111.parse(text, where("parameters")))
    if texts.get("Software", "").startswith("NovelAI"):
        add(novelai.parse(texts.get("Comment"), texts, where("Software")))
    if "invokeai_metadata" in texts:
        add(invokeai.parse_metadata(texts["invokeai_metadata"], where("invokeai_metadata")))
    elif "sd-metadata" in texts:
        add(invokeai.parse_sd_metadata(texts["sd-metadata"], where("sd-metadata")))
    elif "Dream" in texts:
        add(invokeai.parse_dream(texts["Dream"], where("Dream")))
    graph, editor = _json_like(texts.get("prompt")), _json_like(texts.get("workflow"))
    if graph is not None or editor is not None:
        add(comfyui.parse(graph, editor, where("prompt"), where("workflow")))

    # EXIF (JPEG, WebP, PNG eXIf): UserComment, and ComfyUI's "prompt:…" in IFD0 text tags.
    fields = {entry.key.split(" (")[0]: entry for entry in reversed(exif_raw)}  # first wins
    comment = fields.get("UserComment")
    software = fields["Software"].value if "Software" in fields else ""
    if comment is not None:
        source = f"{comment.source} UserComment"
        if software.startswith("Fooocus"):
            scheme = fields["MakerNote"].value if "MakerNote" in fields else None
            add(fooocus.parse(comment.value, scheme, source))
        elif a1111.has_settings_line(comment.value):
            add(a1111.parse(comment.value, source))
    tagged: dict[str, tuple[str | None, str]] = {}  # "prompt"/"workflow" -> (JSON, source)
    for entry in exif_raw:
        label, _, rest = entry.value.partition(":")
        if label.lower() in ("prompt", "workflow") and rest.lstrip().startswith("{"):
            tagged.setdefault(label.lower(), (rest, f"{entry.source} {entry.key}"))
    if tagged:
        (graph, graph_source), (editor, editor_source) = (
            tagged.get(label, (None, "")) for label in ("prompt", "workflow")
        )
        add(comfyui.parse(graph, editor, graph_source, editor_source))
    return found


def _json_like(text: str | None) -> str | None:
    """The field's text if it could be a ComfyUI graph; other tools use "prompt" for plain text."""
    return text if text is not None and text.lstrip().startswith("{") else None
