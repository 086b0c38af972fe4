"""Images for the similarity tests, made on the spot: textured "works", transforms, odd formats."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw


def make_work(seed: int, size: tuple[int, int] = (384, 384)) -> np.ndarray:
    """A textured picture with shapes: enough detail for SIFT, distinct per seed."""
    rng = np.random.default_rng(seed)
    width, height = size
    image = Image.new("RGB", size, tuple(int(v) for v in rng.integers(0, 256, 3)))
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x0, y0 = rng.uniform(-0.1, 0.9, 2) * (width, height)
        w, h = rng.uniform(0.03, 0.3, 2) * (width, height)
        colour = tuple(int(v) for v in rng.integers(0, 256, 3))
        if rng.random() < 0.5:
            draw.ellipse([x0, y0, x0 + w, y0 + h], fill=colour)
        else:
            draw.rectangle([x0, y0, x0 + w, y0 + h], fill=colour, outline=(0, 0, 0), width=2)
    noise = rng.normal(0, 12, (height // 4, width // 4, 3))
    texture = (
        np.asarray(
            Image.fromarray(np.clip(noise + 128, 0, 255).astype(np.uint8)).resize(size)
        ).astype(np.int16)
        - 128
    )
    return np.clip(np.asarray(image, np.int16) + texture, 0, 255).astype(np.uint8)


def save(rgb: np.ndarray, path: Path, **options) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(rgb).save(path, **options)
    return path


@pytest.fixture(scope="session")
def images(tmp_path_factory) -> dict[str, Path]:
    """Named image files shared by the analysis tests (made once per session)."""
    folder = tmp_path_factory.mktemp("analysis-images")
    work = make_work(1)
    other = make_work(2)
    crop = work[70:330, 40:300]  # 260×260 of 384×384: 54 % of the area kept
    crop_big = np.asarray(Image.fromarray(crop).resize((420, 420), Image.Resampling.LANCZOS))
    return {
        "work": save(work, folder / "work.png"),
        "work_copy": save(work, folder / "work_copy.png"),
        "work_jpeg": save(work, folder / "work.jpg", quality=70),
        "other": save(other, folder / "other.png"),
        "crop": save(crop_big, folder / "crop.png"),
        "mirror": save(np.ascontiguousarray(work[:, ::-1]), folder / "mirror.png"),
        "wide": save(make_work(3, (480, 240)), folder / "wide.png"),
    }
