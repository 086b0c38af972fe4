"""Draw the bundled sample images (the project owns them: made here, from code, with Pillow).

    python resources/samples/make_samples.py

protected_work.png   an illustration standing in for a protected work (a lighthouse at dusk)
disputed_image.png   a near-copy of it: cropped, re-coloured, noised, re-scaled — the kind of
                     image img2img at low strength produces
independent_work.png the same subject drawn independently (shares common features, not the work)
unrelated_work.png   a different subject (mountains under a moon)
"""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageEnhance, ImageFilter

SIZE = 512
HERE = Path(__file__).resolve().parent


def gradient(top: tuple[int, int, int], bottom: tuple[int, int, int]) -> Image.Image:
    image = Image.new("RGB", (SIZE, SIZE))
    draw = ImageDraw.Draw(image)
    for y in range(SIZE):
        t = y / (SIZE - 1)
        colour = tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (SIZE, y)], fill=colour)
    return image


def lighthouse(
    seed: int, x: int, sky: tuple, sea: tuple, tower: tuple, stripes: int
) -> Image.Image:
    rng = random.Random(seed)
    image = gradient(sky, (250, 190, 120))
    draw = ImageDraw.Draw(image)
    draw.ellipse([330 - x // 4, 250, 420 - x // 4, 340], fill=(255, 220, 120))  # sun
    for _ in range(40):  # stars / sparkles
        sx, sy = rng.randrange(SIZE), rng.randrange(180)
        draw.ellipse([sx, sy, sx + 3, sy + 3], fill=(255, 250, 230))
    draw.rectangle([0, 330, SIZE, SIZE], fill=sea)
    for i in range(12):  # waves
        y = 345 + i * 14
        for wx in range(-20, SIZE, 48):
            off = rng.randrange(-6, 6)
            draw.arc([wx + off, y, wx + off + 40, y + 12], 200, 340, fill=(200, 230, 255), width=2)
    draw.polygon([(x - 90, 340), (x + 90, 340), (x + 60, 300), (x - 70, 305)], fill=(70, 60, 55))
    draw.polygon([(x - 32, 305), (x + 32, 305), (x + 20, 120), (x - 20, 120)], fill=tower)
    band = (185) // stripes
    for i in range(0, stripes, 2):
        top = 120 + i * band
        draw.rectangle([x - 32, top, x + 32, top + band // 2], fill=(200, 40, 40))
    draw.polygon([(x - 20, 120), (x + 20, 120), (x + 12, 105), (x - 12, 105)], fill=(40, 40, 40))
    draw.rectangle([x - 14, 85, x + 14, 105], fill=(255, 240, 150))
    draw.polygon([(x - 18, 85), (x + 18, 85), (x, 60)], fill=(40, 40, 40))
    for angle in (-1, 1):  # light beams
        draw.polygon([(x, 95), (x + angle * 260, 60), (x + angle * 260, 130)], fill=(255, 245, 190))
    draw.ellipse([60, 60, 170, 95], fill=(255, 235, 220))  # cloud
    draw.ellipse([100, 45, 210, 90], fill=(255, 235, 220))
    return image


def disputed(work: Image.Image) -> Image.Image:
    rng = random.Random(7)
    crop = work.crop((20, 14, SIZE - 28, SIZE - 20)).resize((SIZE, SIZE), Image.LANCZOS)
    crop = ImageEnhance.Color(crop).enhance(1.25)
    crop = ImageEnhance.Brightness(crop).enhance(0.94)
    pixels = crop.load()
    for _ in range(6000):
        px, py = rng.randrange(SIZE), rng.randrange(SIZE)
        r, g, b = pixels[px, py]
        d = rng.randrange(-25, 25)
        pixels[px, py] = (max(0, min(255, r + d)), max(0, min(255, g + d)), max(0, min(255, b + d)))
    return crop.filter(ImageFilter.GaussianBlur(0.6))


def mountains() -> Image.Image:
    rng = random.Random(3)
    image = gradient((15, 20, 60), (90, 80, 140))
    draw = ImageDraw.Draw(image)
    draw.ellipse([360, 50, 440, 130], fill=(240, 240, 220))
    for layer, colour in enumerate([(60, 60, 100), (40, 45, 80), (25, 30, 55)]):
        points, x = [(0, SIZE)], 0
        base = 260 + layer * 70
        while x <= SIZE:
            points.append((x, base - rng.randrange(20, 140)))
            x += rng.randrange(40, 90)
        points += [(SIZE, base - 60), (SIZE, SIZE)]
        draw.polygon(points, fill=colour)
    for _ in range(80):
        sx, sy = rng.randrange(SIZE), rng.randrange(200)
        draw.point((sx, sy), fill=(255, 255, 255))
    return image


def main() -> None:
    work = lighthouse(
        seed=1, x=170, sky=(40, 50, 120), sea=(20, 70, 130), tower=(240, 240, 235), stripes=6
    )
    work.save(HERE / "protected_work.png", optimize=True)
    disputed(work).save(HERE / "disputed_image.png", optimize=True)
    lighthouse(
        seed=5, x=360, sky=(90, 40, 110), sea=(30, 90, 110), tower=(230, 225, 210), stripes=4
    ).save(HERE / "independent_work.png", optimize=True)
    mountains().save(HERE / "unrelated_work.png", optimize=True)


if __name__ == "__main__":
    main()
