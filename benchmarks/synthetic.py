"""Synthetic "works" and the transforms a copier applies, shared by the calibration and benchmarks.

Works are drawn with Pillow from a seed, in four styles that share a layout within a style
(landscapes all have a horizon, portraits a central figure), so different works of one style are
the hard negatives a real collection has. scikit-image's bundled photographs are added as natural
images when available. Everything is deterministic for a given seed.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFont

STYLES = ("geometric", "landscape", "portrait", "pattern")
WORDS = [
    "study",
    "light",
    "river",
    "night",
    "garden",
    "window",
    "harbour",
    "morning",
    "red",
    "field",
    "silent",
    "tower",
]


def _colour(rng) -> tuple[int, int, int]:
    return tuple(int(v) for v in rng.integers(0, 256, 3))


def _gradient(size: int, top, bottom) -> Image.Image:
    t = np.linspace(0.0, 1.0, size)[:, None, None]
    rows = (1 - t) * np.array(top, float) + t * np.array(bottom, float)
    return Image.fromarray(np.repeat(rows, size, axis=1).astype(np.uint8))


def _texture(rng, size: int, strength: float) -> np.ndarray:
    noise = rng.normal(0, 1, (size // 8, size // 8)).astype(np.float32)
    image = Image.fromarray(((noise - noise.min()) / np.ptp(noise) * 255).astype(np.uint8))
    smooth = np.asarray(image.resize((size, size), Image.Resampling.BICUBIC), np.float32) - 128
    return smooth[..., None] * strength


def make_work(seed: int, size: int = 512, style: str | None = None) -> np.ndarray:
    rng = np.random.default_rng(seed)
    style = style or STYLES[seed % len(STYLES)]
    if style == "landscape":
        image = _gradient(size, _colour(rng), _colour(rng))
        draw = ImageDraw.Draw(image)
        horizon = int(size * rng.uniform(0.45, 0.7))
        for _ in range(int(rng.integers(2, 5))):  # mountain ranges
            xs = np.sort(rng.uniform(-0.2, 1.2, 6)) * size
            peaks = [(float(x), float(horizon - rng.uniform(0.05, 0.35) * size)) for x in xs]
            draw.polygon([(-10, horizon), *peaks, (size + 10, horizon)], fill=_colour(rng))
        draw.rectangle([0, horizon, size, size], fill=_colour(rng))
        r = rng.uniform(0.04, 0.1) * size
        cx, cy = rng.uniform(0.1, 0.9) * size, rng.uniform(0.1, 0.35) * size
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=_colour(rng))
        for _ in range(int(rng.integers(3, 9))):  # trees
            x, h = rng.uniform(0, size), rng.uniform(0.05, 0.2) * size
            y = horizon + rng.uniform(0.02, 0.3) * size
            draw.polygon([(x, y - h), (x - h / 3, y), (x + h / 3, y)], fill=_colour(rng))
    elif style == "portrait":
        image = _gradient(size, _colour(rng), _colour(rng))
        draw = ImageDraw.Draw(image)
        cx = size * rng.uniform(0.4, 0.6)
        body_top = size * rng.uniform(0.55, 0.7)
        draw.ellipse([cx - 0.35 * size, body_top, cx + 0.35 * size, size * 1.3], fill=_colour(rng))
        head = size * rng.uniform(0.14, 0.2)
        cy = body_top - head * 0.9
        draw.ellipse([cx - head, cy - head * 1.2, cx + head, cy + head * 1.2], fill=_colour(rng))
        eye = head * 0.15
        for dx in (-0.4, 0.4):
            ex, ey = cx + dx * head, cy - 0.15 * head
            draw.ellipse([ex - eye, ey - eye, ex + eye, ey + eye], fill=_colour(rng))
        draw.arc(
            [cx - head * 0.4, cy, cx + head * 0.4, cy + head * 0.6],
            20,
            160,
            fill=_colour(rng),
            width=max(2, size // 128),
        )
        draw.chord(
            [cx - head * 1.1, cy - head * 1.4, cx + head * 1.1, cy - head * 0.2],
            180,
            360,
            fill=_colour(rng),
        )
    elif style == "pattern":
        image = Image.new("RGB", (size, size), _colour(rng))
        draw = ImageDraw.Draw(image)
        step = int(rng.integers(size // 16, size // 6))
        colours = [_colour(rng) for _ in range(3)]
        angle_shift = rng.uniform(0, step)
        for i, x in enumerate(range(-size, 2 * size, step)):
            x0 = x + angle_shift
            draw.polygon(
                [
                    (x0, 0),
                    (x0 + step / 2, 0),
                    (x0 + step / 2 + size * 0.5, size),
                    (x0 + size * 0.5, size),
                ],
                fill=colours[i % 3],
            )
        for _ in range(int(rng.integers(3, 8))):
            x, y, r = *(rng.uniform(0, size, 2)), rng.uniform(0.03, 0.12) * size
            draw.ellipse(
                [x - r, y - r, x + r, y + r], fill=_colour(rng), outline=_colour(rng), width=3
            )
    else:  # geometric
        image = _gradient(size, _colour(rng), _colour(rng)).rotate(
            float(rng.uniform(0, 360)),
            resample=Image.Resampling.BILINEAR,
            expand=False,
            fillcolor=_colour(rng),
        )
        draw = ImageDraw.Draw(image, "RGBA")
        for _ in range(int(rng.integers(8, 20))):
            kind = rng.integers(0, 4)
            x0, y0 = rng.uniform(-0.1, 0.9, 2) * size
            w, h = rng.uniform(0.05, 0.5, 2) * size
            fill = (*_colour(rng), int(rng.integers(120, 256)))
            if kind == 0:
                draw.ellipse([x0, y0, x0 + w, y0 + h], fill=fill)
            elif kind == 1:
                draw.rectangle([x0, y0, x0 + w, y0 + h], fill=fill)
            elif kind == 2:
                points = [tuple(p) for p in rng.uniform(0, 1, (int(rng.integers(3, 7)), 2)) * size]
                draw.polygon(points, fill=fill)
            else:
                draw.line([x0, y0, x0 + w, y0 + h], fill=fill, width=int(rng.integers(2, 16)))
    array = np.asarray(image.convert("RGB"), np.float32)
    array = array + _texture(rng, size, float(rng.uniform(0.05, 0.25)))
    array += rng.normal(0, 2.0, array.shape).astype(np.float32)  # paper / sensor grain
    return np.clip(array, 0, 255).astype(np.uint8)


def natural_works(size: int = 512) -> list[np.ndarray]:
    """scikit-image's bundled photographs (those present offline), as size×size RGB."""
    try:
        from skimage import data
    except ImportError:
        return []
    names = [
        "astronaut",
        "coffee",
        "chelsea",
        "rocket",
        "immunohistochemistry",
        "hubble_deep_field",
        "retina",
        "camera",
        "moon",
        "grass",
        "gravel",
        "brick",
        "clock",
        "coins",
    ]
    works = []
    for name in names:
        try:
            array = getattr(data, name)()
        except Exception:
            continue
        if array.ndim == 2:
            array = np.stack([array] * 3, axis=-1)
        image = Image.fromarray(np.ascontiguousarray(array[..., :3]).astype(np.uint8))
        side = min(image.size)  # centre square
        left, top = (image.width - side) // 2, (image.height - side) // 2
        image = image.crop((left, top, left + side, top + side)).resize((size, size))
        works.append(np.asarray(image))
    return works


def _pil(rgb):
    return Image.fromarray(rgb)


def jpeg(rgb, quality):
    buffer = io.BytesIO()
    _pil(rgb).save(buffer, "JPEG", quality=quality)
    return np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"))


def resize(rgb, factor):
    image = _pil(rgb)
    size = (round(image.width * factor), round(image.height * factor))
    return np.asarray(image.resize(size, Image.Resampling.LANCZOS))


def crop(rgb, area_removed, rng):
    """Keep a window with (1 − area_removed) of the area, same aspect, at a random place."""
    height, width = rgb.shape[:2]
    keep = np.sqrt(1.0 - area_removed)
    w, h = round(width * keep), round(height * keep)
    x, y = int(rng.integers(0, width - w + 1)), int(rng.integers(0, height - h + 1))
    return np.ascontiguousarray(rgb[y : y + h, x : x + w])


def rotate(rgb, degrees):
    return np.asarray(
        _pil(rgb).rotate(
            degrees, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=(255, 255, 255)
        )
    )


def colour_shift(rgb):
    hsv = np.asarray(_pil(rgb).convert("HSV")).copy()
    hsv[..., 0] = (hsv[..., 0].astype(int) + 20) % 256  # about 28° of hue
    image = Image.fromarray(hsv, "HSV").convert("RGB")
    image = ImageEnhance.Color(image).enhance(0.75)
    image = ImageEnhance.Brightness(image).enhance(1.12)
    return np.asarray(ImageEnhance.Contrast(image).enhance(0.9))


def text_overlay(rgb, rng):
    image = _pil(rgb).convert("RGBA")
    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    size = image.width
    font = ImageFont.load_default(size=max(12, size // 14))
    bar = int(size * 0.14)
    draw.rectangle([0, image.height - bar, image.width, image.height], fill=(0, 0, 0, 170))
    caption = " ".join(rng.choice(WORDS, 3))
    draw.text(
        (size * 0.04, image.height - bar * 0.8),
        caption.upper(),
        font=font,
        fill=(255, 255, 255, 255),
    )
    draw.text((size * 0.15, image.height * 0.3), "SAMPLE", font=font, fill=(255, 255, 255, 110))
    return np.asarray(Image.alpha_composite(image, layer).convert("RGB"))


def mirror(rgb):
    return np.ascontiguousarray(rgb[:, ::-1])


TRANSFORMS = {
    "jpeg_q50": lambda rgb, rng: jpeg(rgb, 50),
    "resize_50%": lambda rgb, rng: resize(rgb, 0.5),
    "crop_10%": lambda rgb, rng: crop(rgb, 0.10, rng),
    "crop_25%": lambda rgb, rng: crop(rgb, 0.25, rng),
    "crop_40%": lambda rgb, rng: crop(rgb, 0.40, rng),
    "rotate_5°": lambda rgb, rng: rotate(rgb, 5),
    "rotate_15°": lambda rgb, rng: rotate(rgb, 15),
    "rotate_90°": lambda rgb, rng: rotate(rgb, 90),
    "colour_shift": lambda rgb, rng: colour_shift(rgb),
    "text_overlay": text_overlay,
    "mirror": lambda rgb, rng: mirror(rgb),
    "jpeg_resize_crop": lambda rgb, rng: jpeg(crop(resize(rgb, 0.75), 0.2, rng), 70),
}
