"""The parts on their own: string tables, lossless PNG embedding, payload helpers."""

from __future__ import annotations

import string
import subprocess
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from tests.report.conftest import generation
from workstation.core.records import Link
from workstation.report import payload as pl
from workstation.report.build import _binary_streams
from workstation.report.layout import ReportCanvas
from workstation.report.pngembed import read_png
from workstation.report.strings import EN, ZH


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_string_tables_have_the_same_keys_and_placeholders():
    assert EN.keys() == ZH.keys()
    for key in EN:
        assert fields(EN[key]) == fields(ZH[key]), key


def embed(tmp_path: Path, image: Image.Image, name: str) -> Path:
    source = tmp_path / name
    image.save(source)
    pdf = tmp_path / f"{name}.pdf"
    with _binary_streams():
        canvas = ReportCanvas(str(pdf))
        canvas.drawImage(str(source), 10, 10, 200, 150, mask="auto")
        canvas.drawImage(str(source), 10, 300, 100, 75, mask="auto")  # drawn twice, stored once
        canvas.save()
    return pdf


def poppler_images(pdf: Path, folder: Path) -> list[np.ndarray]:
    """Every image drawn, as poppler decodes it (one per drawing, not per stored object)."""
    folder.mkdir()
    subprocess.run(["pdfimages", "-png", str(pdf), str(folder / "x")], check=True, timeout=60)
    return [np.asarray(Image.open(path)) for path in sorted(folder.glob("x-*.png"))]


def stored_objects(pdf: Path) -> set[int]:
    """Object numbers of the image XObjects on the pages' resources."""
    found = set()
    for page in PdfReader(pdf).pages:
        for ref in (page["/Resources"].get("/XObject") or {}).values():
            if ref.get_object()["/Subtype"] == "/Image":
                found.add(ref.idnum)
    return found


@pytest.mark.parametrize("mode", ["RGB", "L", "RGBA", "P"])
def test_images_are_embedded_once_and_decode_to_the_same_pixels(tmp_path, mode):
    rng = np.random.default_rng(1)
    rgb = rng.integers(0, 256, (48, 64, 3), dtype=np.uint8)
    image = Image.fromarray(rgb).convert(mode)
    pdf = embed(tmp_path, image, f"picture-{mode}.png")
    assert (read_png(str(tmp_path / f"picture-{mode}.png")) is not None) == (mode in ("RGB", "L"))
    assert len(stored_objects(pdf)) == 1
    decoded = poppler_images(pdf, tmp_path / "out")
    expected = np.asarray(image.convert("RGB" if mode in ("RGBA", "P") else mode))
    assert np.array_equal(decoded[0], expected)


def test_sixteen_bit_png_keeps_all_sixteen_bits(tmp_path):
    values = (np.arange(48 * 64).reshape(48, 64) * 20).astype(np.uint16)
    pdf = embed(tmp_path, Image.fromarray(values), "deep.png")
    xobject = next(iter(PdfReader(pdf).pages[0]["/Resources"]["/XObject"].values())).get_object()
    assert xobject["/BitsPerComponent"] == 16
    assert xobject.get_data() == values.astype(">u2").tobytes()
    shown = poppler_images(pdf, tmp_path / "out")[0]  # poppler decodes it too (to 8 bits)
    assert np.array_equal(shown, (values >> 8).astype(np.uint8))


def test_damaged_or_interlaced_png_is_not_copied(tmp_path):
    Image.fromarray(np.zeros((20, 20, 3), np.uint8)).save(tmp_path / "plain.png")
    data = (tmp_path / "plain.png").read_bytes()
    assert read_png(str(tmp_path / "plain.png")) is not None
    header = bytearray(data[12:29])  # IHDR type and body
    header[-1] = 1  # Adam7 interlacing
    crc = zlib.crc32(bytes(header)).to_bytes(4, "big")
    (tmp_path / "interlaced.png").write_bytes(data[:12] + bytes(header) + crc + data[33:])
    assert read_png(str(tmp_path / "interlaced.png")) is None
    damaged = bytearray(data)
    damaged[40] ^= 0xFF
    (tmp_path / "damaged.png").write_bytes(bytes(damaged))
    assert read_png(str(tmp_path / "damaged.png")) is None


def test_payload_helpers():
    assert pl.get({"a": None, "b": 2}, "a", "b") == 2
    assert pl.path({"a": {"b": {"c": 1}}}, "a.b.c") == 1
    assert pl.path({"a": 3}, "a.b", "—") == "—"
    assert pl.as_int("#3") == 3 and pl.as_int(True) is None and pl.as_int(2.0) == 2
    assert pl.is_plain([1, "a", None]) and pl.is_plain(2.5)
    assert not pl.is_plain({"a": 1}) and not pl.is_plain([[1]]) and not pl.is_plain(list(range(9)))
    assert pl.show("x" * (pl.MAX_TEXT + 10)).endswith("(+10 characters)")


def test_a_generations_steps_are_not_exhibits_but_its_output_is(tmp_path) -> None:
    """Kept steps are shown in the generation's section; the image generated is evidence."""
    from PIL import Image

    from workstation.core.case import Case
    from workstation.report.evidence import gather, select_exhibits

    case = Case.create(tmp_path / "case", title="T", examiner="E")
    paths = []
    for i in range(4):
        path = tmp_path / f"img{i}.png"
        Image.new("RGB", (8, 8), (i * 60, 0, 0)).save(path)
        paths.append(path)
    work, output, step1, step2 = case.import_files(paths, role="generated")
    links = [
        Link("output", "output", artifact_id=output.id),
        Link("step", "step 1 decoded", artifact_id=step1.id),
        Link("step", "step 2 decoded", artifact_id=step2.id),
    ]
    case.add_record(generation(), links)
    exhibits = select_exhibits(gather(case), None)
    assert [a.id for a in exhibits] == [work.id, output.id]


def test_a_step_with_preview_and_decode_is_shown_once_as_its_decode(tmp_path) -> None:
    from PIL import Image

    from workstation.core.case import Case
    from workstation.report.build import ReportOptions, build_report

    case = Case.create(tmp_path / "case", title="T", examiner="E")
    paths = []
    for i in range(4):
        path = tmp_path / f"s{i}.png"
        Image.new("RGB", (8, 8), (i * 60, 0, 0)).save(path)
        paths.append(path)
    arts = case.import_files(paths, role="generated")
    labels = ("step 1 preview", "step 1 decoded", "step 2 preview", "step 2 decoded")
    links = [Link("step", label, artifact_id=a.id) for label, a in zip(labels, arts, strict=True)]
    case.add_record(generation(steps_run=2, params={"steps": 2}), links)
    from pypdf import PdfReader

    built = build_report(case, ReportOptions(out=tmp_path / "r.pdf"))
    text = "".join(page.extract_text() for page in PdfReader(built.path).pages)
    assert text.count("Step 1 / 2") == 1 and text.count("Step 2 / 2") == 1


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_peer_conventions_settings_are_labelled_and_defaults_stay_silent(tmp_path, lang):
    """The report names how a generator's run was followed; the engine's own defaults (batch of
    1, CPU noise, …) are not listed as raw field names."""
    from dataclasses import asdict

    from workstation.core.case import Case
    from workstation.core.params import GenerationParams
    from workstation.report import ReportOptions, build_report

    case = Case.create(tmp_path / "case", title="T", examiner="E")
    own = GenerationParams(model="/m.safetensors", prompt="a", seed=1)
    peer = own.replace(
        convention="comfyui",
        sampler="dpmpp_2m",
        scheduler="karras",
        prompt_syntax="comfyui",
        batch_size=3,
        batch_index=2,
    )
    sampling = {"convention": "comfyui", "k_sampler": "dpmpp_2m", "schedule": "karras"}
    sampling["noise_source"] = "cpu"
    for params, extra in ((own, {"scheduler": {"class": "X"}}), (peer, {"sampling": sampling})):
        path = tmp_path / f"{params.convention}.png"
        Image.new("RGB", (8, 8), (40, 90, 0)).save(path)
        output = case.import_file(path, "generated", "")
        data = {**asdict(params), "loras": []}
        case.add_record(
            generation(params=data, **extra), [Link("output", "output", artifact_id=output.id)]
        )
    out = tmp_path / "report.pdf"
    build_report(case, ReportOptions(out=out, lang=lang))
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    strings = EN if lang == "en" else ZH
    assert text.count(strings["param_convention"]) == 1  # the ComfyUI run only
    assert strings["param_batch_index"] in text and strings["param_schedule"] in text
    for raw in ("batch_size", "eta_noise_seed_delta", "prompt_syntax", "subseed_strength"):
        assert raw not in text


def test_a_closing_mark_hangs_without_squeezing_the_line_s_spaces() -> None:
    """reportlab hangs "。" past the end of a Chinese line and then squeezed that line's spaces
    to nothing ("比对 1 项" printed as "比对1项"); the mark hangs, the spaces keep their width."""
    from reportlab.platypus import Paragraph

    from workstation.report.fonts import load_fonts
    from workstation.report.layout import FRAME_WIDTH, make_styles

    fonts = load_fonts()
    if not fonts.has_cjk:
        pytest.skip("no CJK font on this machine")
    text = (
        "本报告列示案件“Sample case: lighthouse illustration”中的 5 件证物，以及基于这些证物所做"
        "工作的 4 条记录（比对 1 项，生成 1 项，研究 2 项），内容以 2026-11-30 11:48 UTC 案件中保存"
        "的数据为准，截至审计日志第 147 条。报告描述证据、所做的测量和所用的方法，"
        "不作任何法律结论。"
    )
    paragraph = Paragraph(fonts.markup(text), make_styles(True).body)
    paragraph.wrap(FRAME_WIDTH, 1000)
    lines = paragraph.blPara.lines
    hanging = [line for line in lines if line.words[-1].text.endswith("。")]
    assert hanging, "the text no longer makes a line end in a hanging mark; choose another"
    assert all(line.extraSpace >= 0 for line in lines), [line.extraSpace for line in lines]
