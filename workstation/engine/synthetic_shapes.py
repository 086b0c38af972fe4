"""A captioned data set the project draws itself: flat-coloured shapes on plain backgrounds.

Two kinds of image, both drawn with Pillow at 4× and downsampled (smooth edges):
- `shape`: one shape, "a red circle on a blue background, left" — what the demo model learns.
- `scene`: two or three shapes of random sizes and places, "a red circle and a green square on a
  blue background" — each image is unique, so a model that reproduces one has memorised it. The
  over-fitting lab uses these.
Same seed → same images and captions, byte for byte.
"""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageDraw

COLOURS = {
    "red": (220, 40, 40),
    "green": (40, 180, 60),
    "blue": (40, 80, 220),
    "yellow": (240, 210, 40),
    "white": (245, 245, 245),
    "black": (20, 20, 20),
    "purple": (140, 60, 190),
    "orange": (245, 140, 30),
}
SHAPES = ("circle", "square", "triangle")
POSITIONS = {
    "center": (0.5, 0.5),
    "left": (0.3, 0.5),
    "right": (0.7, 0.5),
    "top": (0.5, 0.3),
    "bottom": (0.5, 0.7),
}
KINDS = ("shape", "scene")
SUPERSAMPLE = 4


def _draw_shape(draw: ImageDraw.ImageDraw, shape: str, colour: str, cx: float, cy: float, r: float):
    fill = COLOURS[colour]
    if shape == "circle":
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=fill)
    elif shape == "square":
        draw.rectangle([cx - r, cy - r, cx + r, cy + r], fill=fill)
    else:
        draw.polygon(
            [(cx, cy - r * 1.1), (cx - r * 1.1, cy + r * 0.8), (cx + r * 1.1, cy + r * 0.8)],
            fill=fill,
        )


def shape_image(rng: random.Random, size: int = 64) -> tuple[Image.Image, str]:
    """One shape in one of five places, jittered a little in place and size."""
    shape = rng.choice(SHAPES)
    fg = rng.choice(list(COLOURS))
    bg = rng.choice([c for c in COLOURS if c != fg])
    position = rng.choice(list(POSITIONS))
    big = size * SUPERSAMPLE
    image = Image.new("RGB", (big, big), COLOURS[bg])
    x, y = POSITIONS[position]
    cx = (x + rng.uniform(-0.05, 0.05)) * big
    cy = (y + rng.uniform(-0.05, 0.05)) * big
    _draw_shape(ImageDraw.Draw(image), shape, fg, cx, cy, rng.uniform(0.16, 0.24) * big)
    caption = f"{_a(fg)} {shape} on {_a(bg)} background"
    if position != "center":
        caption += f", {position}"
    return image.resize((size, size), Image.Resampling.LANCZOS), caption


def scene_image(rng: random.Random, size: int = 64) -> tuple[Image.Image, str]:
    """Two or three shapes of random colour, size and place: every image is different."""
    bg = rng.choice(list(COLOURS))
    big = size * SUPERSAMPLE
    image = Image.new("RGB", (big, big), COLOURS[bg])
    draw = ImageDraw.Draw(image)
    named = []
    for _ in range(rng.choice((2, 3))):
        shape = rng.choice(SHAPES)
        fg = rng.choice([c for c in COLOURS if c != bg])
        r = rng.uniform(0.08, 0.2) * big
        _draw_shape(draw, shape, fg, rng.uniform(r, big - r), rng.uniform(r, big - r), r)
        named.append(f"{_a(fg)} {shape}")
    caption = " and ".join(named) + f" on {_a(bg)} background"
    return image.resize((size, size), Image.Resampling.LANCZOS), caption


def _a(word: str) -> str:
    return f"an {word}" if word[0] in "aeiou" else f"a {word}"


def make_dataset(
    count: int, seed: int = 0, size: int = 64, kind: str = "shape"
) -> list[tuple[Image.Image, str]]:
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    draw = shape_image if kind == "shape" else scene_image
    rng = random.Random(f"{kind}-{seed}")
    return [draw(rng, size) for _ in range(count)]


def write_dataset(
    folder: str | Path, count: int, seed: int = 0, size: int = 64, kind: str = "shape"
) -> Path:
    """Write `NNNNN.png` images with same-name `.txt` captions; returns the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for index, (image, caption) in enumerate(make_dataset(count, seed, size, kind)):
        image.save(folder / f"{index:05d}.png")
        (folder / f"{index:05d}.txt").write_text(caption + "\n", encoding="utf-8")
    return folder
