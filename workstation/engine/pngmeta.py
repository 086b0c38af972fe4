"""Write a generated image as PNG with its parameters, readable by A1111-aware tools and by us.

Two text chunks: `parameters` in A1111's format (prompt, "Negative prompt:" line, "Key: value"
line) and `workstation`, our full generation record as ASCII JSON (always a tEXt chunk).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from PIL import Image
from PIL.PngImagePlugin import PngInfo

from workstation import __version__

RECORD_KEY = "workstation"


def a1111_quote(value: Any) -> str:
    """A1111 JSON-quotes values that contain a comma, a colon or a newline."""
    text = str(value)
    if "," not in text and ":" not in text and "\n" not in text:
        return text
    return json.dumps(text, ensure_ascii=False)


def a1111_parameters(record: dict[str, Any]) -> str:
    """The `parameters` text for a generation record, in A1111's layout."""
    params = record["params"]
    model = record["model"]
    loras = record["loras"]
    prompt = params["prompt"]
    # A1111 puts active LoRAs in the prompt; another A1111 re-applies them from there.
    tags = "".join(f" <lora:{lora['name']}:{lora['scale']:g}>" for lora in loras)
    lines = [prompt + tags]
    if params["negative"]:
        lines.append(f"Negative prompt: {params['negative']}")
    fields: dict[str, Any] = {
        "Steps": params["steps"],
        "Sampler": params["sampler"],
        "CFG scale": f"{params['cfg']:g}",
        "Seed": params["seed"],
        "Size": f"{params['width']}x{params['height']}",
    }
    if model["autov2"]:  # A1111's model hash is of a single file; a folder has none
        fields["Model hash"] = model["autov2"]
    fields["Model"] = model["name"]
    if record["mode"] == "img2img":
        fields["Denoising strength"] = f"{params['strength']:g}"
    if params["clip_skip"] > 1:
        fields["Clip skip"] = params["clip_skip"]
    hashes = [f"{lora['name']}: {lora['addnet'][:12]}" for lora in loras if lora["addnet"]]
    if hashes:
        fields["Lora hashes"] = ", ".join(hashes)
    fields["Version"] = f"workstation {__version__}"
    lines.append(", ".join(f"{key}: {a1111_quote(value)}" for key, value in fields.items()))
    return "\n".join(lines)


def save_png(image: Image.Image, path: str | Path, record: dict[str, Any] | None = None) -> Path:
    """Write `image` to `path` atomically, with both metadata chunks when a record is given."""
    path = Path(path)
    info = PngInfo()
    if record is not None:
        info.add_text("parameters", a1111_parameters(record))
        info.add_text(RECORD_KEY, json.dumps(record, sort_keys=True, ensure_ascii=True))
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        image.save(temporary, format="PNG", pnginfo=info)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path


def read_record(path: str | Path) -> dict[str, Any] | None:
    """Our record from a PNG written by save_png, or None if it has none."""
    with Image.open(path) as image:
        text = image.text.get(RECORD_KEY) if hasattr(image, "text") else None
    return json.loads(text) if text else None
