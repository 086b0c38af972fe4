"""The provenance block of an exhibit, read back from the PDF in English and Chinese: what the
case recorded at import (recipe stages, model hashes, inferred marks, IPTC, C2PA, watermarks), an
exhibit without a record, a withdrawn record, an unreadable one, hostile text, and a real import."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from workstation.analysis.provenance.record import to_record
from workstation.analysis.provenance.result import (
    C2paAction,
    C2paInfo,
    C2paIngredient,
    C2paManifest,
    ImageMetadata,
    LoraRef,
    ModelRef,
    RawField,
    Recipe,
    Stage,
    WatermarkReading,
    XmpSummary,
)
from workstation.app.case_writer import CaseWriter
from workstation.app.evidence import ImportRequest, import_evidence
from workstation.core.case import Artifact, Case
from workstation.core.records import Link, Provenance
from workstation.report import ReportOptions, build_report
from workstation.report.fonts import load_fonts
from workstation.report.provenance import PROMPT_LIMIT
from workstation.report.strings import EN, ZH

AI_MEDIA = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
HOSTILE = '<font color="red">hi</font> & <b>bold</b> 海边的灯塔 '
RAW_SENTINEL = "RAW-CHUNK-NEVER-PRINTED"


def _image(folder: Path, name: str, colour: tuple[int, int, int], **save) -> Path:
    path = folder / name
    Image.new("RGB", (64, 48), colour).save(path, **save)
    return path


def _store(case: Case, artifact: Artifact, meta: ImageMetadata) -> int:
    return case.add_record(to_record(meta), [Link("about", "provenance", artifact_id=artifact.id)])


def _meta(artifact: Artifact, recipes: tuple[Recipe, ...], **fields) -> ImageMetadata:
    return ImageMetadata(
        path=artifact.original_name,
        sha256=artifact.sha256,
        size=artifact.size,
        format="PNG",
        width=64,
        height=48,
        generator=recipes[0].generator if recipes else "none",
        recipes=recipes,
        **fields,
    )


def sdxl_meta(artifact: Artifact, prompt: str) -> ImageMetadata:
    """An SDXL base + refiner ComfyUI recipe with every signal the block shows."""
    base = "sd_xl_base_1.0.safetensors"
    refiner = "sd_xl_refiner_1.0.safetensors"
    recipe = Recipe(
        generator="ComfyUI",
        source='PNG tEXt "prompt"',
        prompt=prompt,
        negative="blurry, lowres",
        seed=123456789,
        steps=25,
        cfg=7.5,
        sampler_recorded="euler",
        width=1024,
        height=1024,
        model_name=base,
        clip_skip=2,
        loras=(LoraRef("detail_tweaker", 0.8, 0.6, "abcdef123456", "LoraLoader node 12"),),
        embeddings=(("easynegative", "c74b4e810b"),),
        stages=(
            Stage(
                "base",
                "KSamplerAdvanced node 10",
                sampler="euler",
                scheduler="normal",
                steps=25,
                start_step=0,
                end_step=20,
                cfg=7.5,
                seed=123456789,
                model=base,
                add_noise=True,
                return_with_leftover_noise=True,
                mode="txt2img",
                width=1024,
                height=1024,
            ),
            Stage(
                "refiner",
                "KSamplerAdvanced node 11",
                sampler="euler",
                scheduler="normal",
                steps=25,
                start_step=20,
                cfg=7.5,
                seed=555,
                model=refiner,
                add_noise=False,
            ),
        ),
        models=(
            ModelRef("checkpoint", base, "31e35c80fc", "CheckpointLoaderSimple node 4"),
            ModelRef("refiner", refiner, None, "CheckpointLoaderSimple node 14"),
            ModelRef("lora", "detail_tweaker.safetensors", None, "LoraLoader node 12"),
        ),
        inferred=(
            ("clip_skip", "ComfyUI's CLIPSetLastLayer -2 read as A1111's 2"),
            ("stages[1].seed", "the refiner adds no noise: its seed is unused"),
        ),
    )
    c2pa = C2paInfo(
        status="embedded",
        claim_generator="Adobe Photoshop 25.0",
        signer="Adobe Inc.",
        validation_state="Valid",
        validation_status=(("assertion.dataHash.mismatch", "the data hash does not match"),),
        generated_by="Adobe Firefly",
        trust="untrusted",
        trust_anchors="C2PA conformance list",
        hard_binding="mismatch",
        digital_source_types=(AI_MEDIA,),
        manifests=(
            C2paManifest(
                "urn:uuid:edit",
                "Adobe Photoshop 25.0",
                actions=(C2paAction("c2pa.edited", software_agent="Adobe Photoshop"),),
                ingredients=(C2paIngredient("firefly.jpg", "parentOf", validation_state="Valid"),),
                active=True,
            ),
            C2paManifest(
                "urn:uuid:made",
                "Adobe Firefly",
                actions=(C2paAction("c2pa.created", AI_MEDIA, "Adobe Firefly"),),
            ),
        ),
    )
    watermarks = (
        WatermarkReading(
            "dwtDct", "StableDiffusionV1", "SD 1.x scripts", "01" * 68, 131, 136, "detected"
        ),
        WatermarkReading("dwtDct", "SDXL", "SDXL (sgm)", "0" * 48, 19, 48, "not detected"),
    )
    xmp = XmpSummary(
        digital_source_type=AI_MEDIA,
        ai_system_used="Midjourney",
        ai_system_version_used="6.1",
        ai_prompt_information="a lighthouse",
    )
    raw = (RawField("PNG tEXt", "workflow", RAW_SENTINEL * 50),)
    return _meta(
        artifact,
        (recipe,),
        c2pa=c2pa,
        xmp=xmp,
        watermarks=watermarks,
        raw=raw,
        warnings=("the workflow graph has 1,600 nodes; walked the first 1,000",),
    )


def _text(pdf: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(pdf).pages)


def _flat(text: str) -> str:
    """Without whitespace: values a table cell wraps read back in one piece."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("provenance")
    case = Case.create(folder / "case", title="Provenance", examiner="E")
    paths = [_image(folder, f"{n}.png", (n * 50, 80, 20)) for n in range(4)]
    full, bare, withdrawn, broken = case.import_files(paths, role="disputed")
    # 1. Every signal; the prompt is hostile and too long to show whole.
    prompt = HOSTILE + "灯" * 2500 + "\n" * 300 + "end"
    _store(case, full, sdxl_meta(full, prompt))
    # 2. `bare` has none (imported before provenance was recorded).
    # 3. The newest record is withdrawn: the one before it is shown.
    kept = Recipe(generator="AUTOMATIC1111", source='PNG tEXt "parameters"', seed=111222)
    _store(case, withdrawn, _meta(withdrawn, (kept,)))
    dropped = Recipe(generator="AUTOMATIC1111", source='PNG tEXt "parameters"', seed=999888)
    case.withdraw_record(_store(case, withdrawn, _meta(withdrawn, (dropped,))), "wrong file")
    # 4. A record that does not read back as metadata (a recipe without its generator).
    body = Provenance(sha256=broken.sha256, generator="X", recipes=[{"seed": 5}], signals={})
    case.add_record(body, [Link("about", "provenance", artifact_id=broken.id)])
    built = {"prompt": prompt}
    for lang in ("en", "zh"):
        out = folder / f"{lang}.pdf"
        built[lang] = build_report(case, ReportOptions(out=out, lang=lang))
        built[f"{lang}_text"] = _text(out)
    case.close()
    return built


def test_english_block_states_the_recorded_values(reports):
    text = reports["en_text"]
    flat = _flat(text)
    assert text.count(EN["prov_heading"]) == 4
    for expected in (
        'Recipe 1: ComfyUI, read from PNG tEXt "prompt"',
        "123456789",
        "sd_xl_base_1.0.safetensors",
        "sd_xl_refiner_1.0.safetensors",
        "31e35c80fc (AutoV2)",
        "abcdef123456 (addnet)",
        "c74b4e810b (AutoV2)",
        "detail_tweaker.safetensors (scale 0.8, text encoder 0.6)",
        "0–20 of 25",
        "20–25 of 25",
        "euler / normal",
        "1024 × 1024",
        "base (txt2img)",
        "add_noise: disable",
        "blurry, lowres",
    ):
        assert _flat(expected) in flat, expected
    # inferred values carry the mark, and the footnote says how they were inferred
    assert "2 †" in text and "555 †" in text and "123456789 †" not in text
    assert (
        _flat("† CLIP skip: inferred, not recorded in the file: ComfyUI's CLIPSetLastLayer") in flat
    )
    assert _flat("† stages[1].seed: inferred, not recorded in the file: the refiner adds") in flat
    assert "none recorded" in text  # the refiner checkpoint's hash


def test_english_block_states_iptc_c2pa_and_watermarks(reports):
    text, flat = reports["en_text"], _flat(reports["en_text"])
    for expected in (
        "Digital source type (IPTC)",
        "trainedAlgorithmicMedia",
        "Midjourney",
        "Content Credentials (C2PA)",
        "embedded: the manifest was read and validated offline",
        "Valid",
        "untrusted: the signature is valid",
        "mismatch: the file's bytes differ",
        "assertion.dataHash.mismatch: the data hash does not match",
        "Adobe Firefly",
        "c2pa.created",
        "urn:uuid:edit (active manifest)",
        "StableDiffusionV1 SD 1.x scripts",
        "131 of 136",
        "19 of 48",
        "not detected",
        "Its absence proves nothing",
        "Anyone can add one to any image",
        "the workflow graph has 1,600 nodes",
    ):
        assert _flat(expected) in flat, expected
    assert "detected" in text.replace("not detected", "")


def test_chinese_block_is_translated(reports):
    text, flat = reports["zh_text"], _flat(reports["zh_text"])
    assert text.count(ZH["prov_heading"]) == 4
    for expected in (
        '生成参数 1：ComfyUI，读取自 PNG tEXt "prompt"',
        "第 0–20 步（共 25 步）",
        "第 20–25 步（共 25 步）",
        "基础 (txt2img)",
        "精修",
        "31e35c80fc (AutoV2)",
        "记载的哈希值",
        "未记载",
        "† CLIP 跳过层数：推断值，文件中未记载：",
        "不受信任",
        "不一致",
        "assertion.dataHash.mismatch",
        "隐形水印",
        "131 / 136",
        "未检出",
        "未检出水印不能证明任何事情",
        "任何人都可以向任何图像添加水印",
        "数字来源类型（IPTC）",
        ZH["prov_none"],
    ):
        assert _flat(expected) in flat, expected
    assert "555 †" in text


def test_hostile_prompt_is_shown_literally_and_cut(reports):
    prompt = reports["prompt"]
    for lang, more in (("en", "({count} more characters)"), ("zh", "（另有 {count} 个字符）")):
        flat = _flat(reports[f"{lang}_text"])
        assert _flat(HOSTILE) in flat
        assert _flat(more.format(count=f"{len(prompt) - PROMPT_LIMIT:,}")) in flat
        # the first PROMPT_LIMIT characters: the hostile start and the first lamps
        assert flat.count("灯") == 1 + PROMPT_LIMIT - len(HOSTILE)
        assert RAW_SENTINEL not in flat  # raw chunks stay in the record


def test_prompt_cjk_is_set_in_the_cjk_font(reports):
    fonts = load_fonts()
    if not fonts.has_cjk:
        pytest.skip("no CJK font on this machine")
    reader = PdfReader(reports["en"].export)
    names = set()
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            names.add(str(font.get_object()["/BaseFont"]))
    face = pdfmetrics.getFont(fonts.cjk_name).face.name.decode()
    assert any(f"+{face}" in name for name in names), names  # embedded, subset
    assert "[U+" not in reports["en_text"]


def test_exhibit_without_record_says_so(reports):
    assert EN["prov_none"].split(".")[0] in reports["en_text"]
    assert reports["en_text"].count("No provenance record was made at import") == 1


def test_withdrawn_record_gives_way_to_the_one_before(reports):
    for lang in ("en", "zh"):
        text = reports[f"{lang}_text"]
        assert "111222" in text and "999888" not in text


def test_unreadable_record_is_one_line(reports):
    text = " ".join(reports["en_text"].split())
    assert "The provenance record R" in text and "could not be read:" in text
    assert "Traceback" not in text


def test_provenance_records_are_not_listed_as_other_records(reports):
    assert EN["other_records"] not in reports["en_text"]


def test_a_real_import_of_an_automatic1111_png(tmp_path):
    """The import's own record (read from the stored bytes) reaches the report."""
    infotext = (
        "a lighthouse at dusk, <lora:detail:0.8>\nNegative prompt: blurry\n"
        "Steps: 20, Sampler: DPM++ 2M Karras, CFG scale: 7, Seed: 987654321, Size: 64x48, "
        "Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, "
        'Lora hashes: "detail: 0a1b2c3d4e5f", Version: v1.10.1'
    )
    info = PngImagePlugin.PngInfo()
    info.add_text("parameters", infotext)
    path = _image(tmp_path, "disputed.png", (10, 20, 30), pnginfo=info)
    Case.create(tmp_path / "case", title="Real", examiner="E").close()
    import_evidence(ImportRequest(files=(path,), role="disputed"), CaseWriter(tmp_path / "case"))
    with Case.open(tmp_path / "case") as case:
        (record,) = case.records("provenance")
        result = build_report(case, ReportOptions(out=tmp_path / "r.pdf"))
    text = _text(result.export)
    flat = _flat(text)
    for expected in (
        f"(record R{record.id},",
        "AUTOMATIC1111",
        "v1.10.1",
        "a lighthouse at dusk, <lora:detail:0.8>",
        "987654321",
        "DPM++ 2M Karras",
        "v1-5-pruned-emaonly",
        "6ce0161689 (AutoV2)",
        "0a1b2c3d4e5f (addnet)",
        "64 × 48",
    ):
        assert _flat(expected) in flat, expected
    assert EN["prov_none"] not in text


def test_odd_stored_values_give_one_line_and_other_files_are_named(tmp_path):
    """A record another version wrote with a text CFG, and one that describes another file."""
    case = Case.create(tmp_path / "case", title="Odd", examiner="E")
    paths = [_image(tmp_path, f"{n}.png", (n * 90, 10, 10)) for n in range(2)]
    odd, moved = case.import_files(paths, role="disputed")
    recipe = Recipe(generator="ComfyUI", source="PNG tEXt", stages=(Stage("base", "n", cfg="7,5"),))
    _store(case, odd, _meta(odd, (recipe,)))
    other = Recipe(generator="AUTOMATIC1111", source="PNG tEXt", seed=4242)
    _store(case, moved, replace(_meta(moved, (other,)), sha256="ab" * 32))
    result = build_report(case, ReportOptions(out=tmp_path / "r.pdf"))
    text = " ".join(_text(result.export).split())
    assert "The provenance record R1 could not be read:" in text and "Traceback" not in text
    assert _flat(f"describes a file with SHA-256 {'ab' * 32}, not this exhibit") in _flat(text)
    assert "4242" in text
