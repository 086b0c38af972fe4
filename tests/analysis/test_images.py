"""Bad and unusual input: each is normalised with a note, or refused with a clear message."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image, ImageOps

from workstation.analysis.images import load_image
from workstation.analysis.pair import compare_images
from workstation.core.errors import InputError


def test_exif_orientation_is_applied(tmp_path):
    pixels = np.zeros((40, 60, 3), np.uint8)
    pixels[:10, :10] = (255, 0, 0)  # red corner, top-left as stored
    path = tmp_path / "rotated.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.fromarray(pixels).save(path, quality=95, exif=exif)

    loaded = load_image(path)
    expected = np.asarray(ImageOps.exif_transpose(Image.open(path)).convert("RGB"))
    assert (loaded.width, loaded.height) == (40, 60)
    assert np.array_equal(loaded.rgb, expected)
    assert any("EXIF orientation 6" in note for note in loaded.notes)


def test_alpha_is_composited_on_white(tmp_path):
    rgba = np.zeros((20, 20, 4), np.uint8)
    rgba[..., 0] = 200
    rgba[:, 10:, 3] = 255  # right half opaque red, left half fully transparent
    path = tmp_path / "alpha.png"
    Image.fromarray(rgba).save(path)

    loaded = load_image(path)
    assert loaded.rgb[0, 0].tolist() == [255, 255, 255]
    assert loaded.rgb[0, 15].tolist() == [200, 0, 0]
    assert any("composited on white" in note and "50.0%" in note for note in loaded.notes)


def test_16_bit_greyscale_is_scaled(tmp_path):
    values = np.linspace(0, 65535, 32 * 32).reshape(32, 32).astype(np.uint16)
    path = tmp_path / "grey16.png"
    Image.fromarray(values).save(path)

    loaded = load_image(path)
    assert loaded.rgb.dtype == np.uint8
    assert loaded.rgb[0, 0, 0] == 0 and loaded.rgb[-1, -1, 0] == 255
    assert any("16-bit" in note for note in loaded.notes)


def test_16_bit_rgb_is_reported(tmp_path):
    path = tmp_path / "rgb16.png"
    cv2.imwrite(str(path), np.full((16, 16, 3), 40000, np.uint16))
    loaded = load_image(path)
    assert any("16-bit per channel" in note for note in loaded.notes)


def test_cmyk_palette_and_bilevel_are_converted(tmp_path):
    cmyk = tmp_path / "cmyk.jpg"
    Image.new("CMYK", (16, 16), (0, 255, 255, 0)).save(cmyk)
    palette = tmp_path / "palette.png"
    Image.new("RGB", (16, 16), (10, 200, 30)).convert("P").save(palette)
    bilevel = tmp_path / "bilevel.png"
    Image.new("1", (16, 16), 1).save(bilevel)

    assert any("CMYK" in note for note in load_image(cmyk).notes)
    assert load_image(cmyk).rgb[0, 0, 0] > 200  # CMYK (0, 255, 255, 0) is red
    assert any("palette" in note for note in load_image(palette).notes)
    assert load_image(bilevel).rgb[0, 0].tolist() == [255, 255, 255]


@pytest.mark.parametrize("suffix", [".gif", ".webp"])
def test_animation_uses_first_frame(tmp_path, suffix):
    frames = [
        Image.new("RGB", (16, 16), colour) for colour in ((250, 0, 0), (0, 250, 0), (0, 0, 250))
    ]
    path = tmp_path / f"animated{suffix}"
    frames[0].save(
        path,
        save_all=True,
        append_images=frames[1:],
        duration=100,
        loop=0,
        **({"lossless": True} if suffix == ".webp" else {}),
    )

    loaded = load_image(path)
    assert loaded.rgb[8, 8, 0] > 200 and loaded.rgb[8, 8, 1] < 50
    assert any("3 frames: the first frame is used" in note for note in loaded.notes)


def test_one_pixel_image_is_refused_for_comparison(tmp_path, images):
    path = tmp_path / "dot.png"
    Image.new("RGB", (1, 1)).save(path)
    tiny = load_image(path)  # reading works; measuring does not
    with pytest.raises(InputError, match=r"1×1 pixels; similarity analysis needs at least 8×8"):
        compare_images(tiny, load_image(images["work"]))


def test_unreadable_files_raise_input_error(tmp_path):
    text = tmp_path / "notes.png"
    text.write_text("not an image")
    with pytest.raises(InputError, match="not a readable image"):
        load_image(text)

    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (1, 2, 3)).save(buffer, "PNG")
    truncated = tmp_path / "truncated.png"
    truncated.write_bytes(buffer.getvalue()[:60])
    with pytest.raises(InputError, match="damaged or truncated|not a readable image"):
        load_image(truncated)

    with pytest.raises(InputError, match="image not found"):
        load_image(tmp_path / "missing.png")
    with pytest.raises(InputError, match="got a folder"):
        load_image(tmp_path)


def test_file_sha256_is_of_the_bytes(images):
    import hashlib

    loaded = load_image(images["work"])
    assert loaded.sha256 == hashlib.sha256(images["work"].read_bytes()).hexdigest()
