"""Invisible watermarks: images marked by the `invisible-watermark` package itself, the way each
code base calls it, read back by our own decoder (analysis/provenance/watermark.py)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from workstation.analysis.provenance import read_metadata
from workstation.analysis.provenance import watermark as wm
from workstation.app.metadata import sections

imwatermark = pytest.importorskip("imwatermark", reason="invisible-watermark (dev extra) missing")
cv2 = pytest.importorskip("cv2")

SD1, SD2, SDXL_SGM, SDXL_DIFFUSERS = wm.KNOWN


def natural(size: int, seed: int = 0) -> np.ndarray:
    """Smooth colour gradients under a grainy texture (a diffusion model's output has both)."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:size, 0:size] / size
    base = np.stack(
        [120 + 80 * np.sin(3 * x + 1), 100 + 90 * y, 140 + 60 * np.cos(10 * x * y)], axis=-1
    )
    return np.clip(base + rng.normal(0, 40, base.shape), 0, 255).astype(np.uint8)


def encoder(mark: wm.KnownMark):
    encode = imwatermark.WatermarkEncoder()
    if mark in (SD1, SD2):  # txt2img.py: set_watermark('bytes', wm.encode('utf-8'))
        encode.set_watermark("bytes", mark.message.encode())
    else:  # sgm / diffusers: set_watermark("bits", WATERMARK_BITS)
        encode.set_watermark("bits", [int(bit) for bit in mark.bits])
    return encode


def marked(rgb: np.ndarray, mark: wm.KnownMark) -> np.ndarray:
    """The RGB image as the code base leaves it."""
    if mark.order == "BGR":  # txt2img.py put_watermark, sgm WatermarkEmbedder: RGB -> BGR first
        bgr = encoder(mark).encode(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), "dwtDct")
        return np.ascontiguousarray(bgr[:, :, ::-1])
    return encoder(mark).encode(rgb.copy(), "dwtDct")  # diffusers: the RGB array as it is


def png(rgb: np.ndarray, **kwargs) -> bytes:
    out = io.BytesIO()
    Image.fromarray(rgb).save(out, "PNG", **kwargs)
    return out.getvalue()


def jpeg(rgb: np.ndarray, **kwargs) -> bytes:
    out = io.BytesIO()
    Image.fromarray(rgb).save(out, "JPEG", **kwargs)
    return out.getvalue()


def reading_for(meta, mark: wm.KnownMark):
    (found,) = [r for r in meta.watermarks if r.used_by == mark.used_by]
    return found


def package_bits(rgb: np.ndarray, mark: wm.KnownMark) -> str:
    """What imwatermark's own WatermarkDecoder reads, given the image as the reader would."""
    image = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR) if mark.order == "BGR" else rgb
    bits = imwatermark.WatermarkDecoder("bits", len(mark.bits)).decode(image, "dwtDct")
    return "".join("1" if bit else "0" for bit in bits)


@pytest.mark.parametrize("mark", wm.KNOWN, ids=lambda m: m.used_by.split(" (")[0])
def test_each_message_is_detected_at_512(write, mark: wm.KnownMark) -> None:
    meta = read_metadata(write("marked.png", png(marked(natural(512), mark))))
    assert meta.warnings == ()
    found = reading_for(meta, mark)
    assert (found.method, found.message, found.reading) == ("dwtDct", mark.message, "detected")
    assert (found.bits, found.matched, found.length) == (mark.bits, len(mark.bits), len(mark.bits))
    # the other messages are not read into it
    assert [r.reading for r in meta.watermarks if r is not found].count("detected") == 0


def test_at_256_the_long_message_has_few_votes_per_bit(write) -> None:
    """256x256 gives 1024 blocks: 32 votes for each of SDV2's bits, 7.5 for StableDiffusionV1's."""
    rgb = natural(256, seed=3)
    for mark in (SD2, SDXL_SGM, SDXL_DIFFUSERS):
        image = marked(rgb, mark)
        found = reading_for(read_metadata(write("m.png", png(image))), mark)
        # 8-bit rounding moves a few blocks' largest coefficient: at most a bit or two is lost
        assert found.reading == "detected" and found.matched >= found.length - 2
        assert found.bits == package_bits(image, mark)
    image = marked(rgb, SD1)
    found = reading_for(read_metadata(write("sd1.png", png(image))), SD1)
    assert found.bits == package_bits(image, SD1)
    # SD 1.x's own reader needs the exact text; a near match is inconclusive, never "detected"
    assert 128 <= found.matched < 136 and found.reading == "inconclusive"


def test_unmarked_image_is_not_detected(write) -> None:
    meta = read_metadata(write("plain.png", png(natural(512, seed=5))))
    assert len(meta.watermarks) == len(wm.KNOWN)
    assert {r.reading for r in meta.watermarks} == {"not detected"}


@pytest.mark.parametrize("mark", wm.KNOWN, ids=lambda m: m.used_by.split(" (")[0])
def test_our_bits_are_the_package_decoders_bits(mark: wm.KnownMark) -> None:
    marked_image = marked(natural(384, seed=7), mark)
    recoded = np.asarray(Image.open(io.BytesIO(jpeg(marked_image, quality=80))).convert("RGB"))
    for image in (marked_image, natural(320, seed=8), recoded):
        ours = wm.decode(wm.block_bits(image, mark.order), len(mark.bits))
        assert ours == package_bits(image, mark)


def test_jpeg_reencoding(write) -> None:
    image = marked(natural(512), SDXL_SGM)
    # 4:4:4 at quality 90 keeps every bit
    kept_file = write("q90.jpg", jpeg(image, quality=90, subsampling=0))
    kept = reading_for(read_metadata(kept_file), SDXL_SGM)
    assert (kept.matched, kept.reading) == (48, "detected")
    # Pillow's default 4:2:0 chroma subsampling, even at quality 95, erases it (here it flips
    # most bits): by detect.py's rule that is "not detected"
    lost = reading_for(read_metadata(write("q95.jpg", jpeg(image, quality=95))), SDXL_SGM)
    assert lost.matched <= 27 and lost.reading == "not detected"


def test_diffusers_float_pipeline(write) -> None:
    """diffusers marks the float image (0-255) before rounding it to 8 bits: YUV's offset is
    then 0.5, not 128, so the bits in blocks of negative U come out flipped once rounded."""
    rgb = natural(512, seed=11).astype(np.float32)
    floats = encoder(SDXL_DIFFUSERS).encode(rgb, "dwtDct")
    image = np.clip(np.round(floats), 0, 255).astype(np.uint8)
    found = reading_for(read_metadata(write("d.png", png(image))), SDXL_DIFFUSERS)
    assert found.bits == package_bits(image, SDXL_DIFFUSERS)
    assert found.reading == ("detected" if found.matched >= 34 else "inconclusive")


@pytest.mark.parametrize("mode", ["P", "RGBA", "LA", "L", "1", "I;16", "I", "F", "CMYK", "RGB;16"])
def test_every_image_mode_is_read(write, mode: str) -> None:
    rgb = natural(256, seed=2)
    if mode == "RGB;16":  # a 16-bit-per-channel PNG
        data = _png16(rgb)
        name = "x.png"
    else:
        image = Image.fromarray(rgb)
        image = (
            image.convert("L").convert(mode) if mode in ("I;16", "I", "F") else image.convert(mode)
        )
        name = "x.tif" if mode in ("CMYK", "F", "I") else "x.png"
        out = io.BytesIO()
        image.save(out, "TIFF" if name.endswith("tif") else "PNG")
        data = out.getvalue()
    meta = read_metadata(write(name, data))
    assert not [w for w in meta.warnings if "watermark" in w]
    assert len(meta.watermarks) == len(wm.KNOWN)


def _png16(rgb: np.ndarray) -> bytes:
    """An RGB PNG with 16 bits per channel (Pillow cannot write one), built chunk by chunk."""
    import struct
    import zlib

    from tests.provenance.conftest import chunk

    deep = rgb.astype(">u2") * 257
    rows = b"".join(b"\x00" + row.tobytes() for row in deep)
    header = struct.pack(">IIBBBBB", rgb.shape[1], rgb.shape[0], 16, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def test_small_large_and_damaged_images(write, monkeypatch) -> None:
    small = read_metadata(write("small.png", png(natural(200))))
    assert small.watermarks == () and small.warnings == ()
    shown = {s.kind: s for s in sections(small)}["watermark"]
    assert "not read: too small" in shown.rows[0].value

    monkeypatch.setattr(wm, "MAX_PIXELS", 300 * 300)
    large = read_metadata(write("large.png", png(natural(320))))
    assert large.watermarks == ()
    assert any("102,400 pixels" in w for w in large.warnings)
    monkeypatch.undo()

    whole = png(natural(512, seed=4))
    damaged = read_metadata(write("cut.png", whole[: len(whole) // 2]))
    assert damaged.watermarks == ()
    assert any(w.startswith("watermark: the pixels cannot be decoded") for w in damaged.warnings)


def test_metadata_section(write) -> None:
    meta = read_metadata(write("m.png", png(marked(natural(512), SD2))))
    (section,) = [s for s in sections(meta) if s.kind == "watermark"]
    rows = [(row.label, row.value) for row in section.rows]
    assert len([label for label, _ in rows if label == "watermark"]) == len(wm.KNOWN)
    assert any("SDV2" in value and "detected" in value and "32/32" in value for _, value in rows)
    assert any("anyone can add" in value for _, value in rows)
