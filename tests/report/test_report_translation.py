"""The Chinese report is Chinese: every word the report itself prints comes from the catalogue.

The rich case (comparison, generation, study, finding) is reported in Chinese in both structures;
its text must hold no run of English words except what the case itself holds (its properties,
file names, the examiner's notes and findings, prompts and values read from files), quoted
names and identifiers, and the proper names of methods and software. The English report must
not fall back on "(s)" plurals.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from workstation.analysis import bands, metrics
from workstation.core.case import Case
from workstation.report import ReportOptions, build_report
from workstation.report.recorded import recorded
from workstation.report.strings import EN, ZH, Strings

# Proper names of methods, software and their parts that stay in English in a Chinese text.
PROPER_NAMES = (
    "Stable Diffusion",
    "Stability generative-models",
    "Stability-AI",
    "AIGC Evidence Workstation",
    "Smith and Chang",
    "Wang et al",
    "DPM++ 2M Karras",
    "LoRA",
    "addnet",
)
# Two or more English words of three letters or more in a row (digits or symbols end a word).
ENGLISH_RUN = re.compile(r"(?<![\w'’-])[A-Za-z]{3,}(?:[ \t]+[A-Za-z]{3,}(?![\w'’-]))+")
# Single words the report used to print as recorded: record kinds, band names and roles.
LONE_WORD = re.compile(
    r"(?<![\w{-])(comparison|generation|study|finding|provenance|reproduction|amendment|"
    r"near-duplicate|similar|different|reference|disputed|generated)(?![\w}-])"
)
QUOTED = re.compile(r"'[^'\n]{1,120}'|\"[^\"\n]{1,120}\"|“[^”]{1,200}”|‘[^’]{1,120}’")
# Identifiers and file names: a token with a path, dotted, underscored or called part, or
# written in CamelCase (WatermarkEmbedder, StableDiffusionXLWatermarker).
IDENTIFIER = re.compile(r"[^\s，。；：、（）]*[/._=()\[\]][^\s，。；：、（）]*|\b\w*[a-z][A-Z]\w*")


# What a provenance record says in the software's own words (a watermark reader's rule, how a
# value was inferred, which pass a stage is): these must be translated, not allowed.
MACHINE_KEYS = {"rule", "used_by", "reading", "inferred", "source", "warnings", "role", "mode"}


def _strings(value: object, skip: frozenset[str] | set[str] = frozenset()) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in skip:
                yield from _strings(item, skip)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item, skip)


def case_words(case: Case) -> set[str]:
    """What the case holds that a report prints as recorded: the case's properties, file names
    and paths, the examiner's notes, findings and amendments, and what the software read from
    the files (generation settings, provenance). Text the software wrote itself (a
    comparison's statuses, a study's title, a machine note) is not among them: that must be
    translated."""
    words = set(_strings(vars(case.info)))
    made = {  # files the software made: their notes are its own words
        link.artifact_id
        for record in case.records()
        for link in record.linked("output", "figure", "step")
    }
    for artifact in case.artifacts(role=None):
        words |= {artifact.original_name, artifact.original_path}
        if artifact.note and artifact.id not in made:
            words.add(artifact.note)
    for record in case.records():
        payload = record.payload
        if record.kind == "provenance":
            words |= set(_strings(payload, MACHINE_KEYS))
        elif record.kind in ("finding", "amendment", "report"):
            words |= set(_strings(payload))
        elif record.kind == "generation":
            for key in ("params", "model", "loras", "init_image", "environment"):
                words |= set(_strings(payload.get(key)))
        elif record.kind == "study":
            words |= set(_strings(payload.get("base_params")))
    for entry in case.audit_entries():
        words.add(entry.actor)
    return {w for w in words if len(w) >= 3}


def english_runs(text: str, allowed: set[str]) -> list[str]:
    """Runs of English words in `text` once the allowed words are taken out (each leaves a mark
    that ends a run; a value may wrap anywhere on the page)."""
    for value in sorted(allowed, key=len, reverse=True):
        if re.search(r"[A-Za-z]{3}", value):
            pattern = r"\s*".join(re.escape(c) for c in "".join(value.split()))
            text = re.sub(pattern, " § ", text)
    text = " ".join(text.split())
    for name in PROPER_NAMES:
        text = text.replace(name, " § ")
    text = IDENTIFIER.sub(" § ", QUOTED.sub(" § ", text))
    return ENGLISH_RUN.findall(text) + LONE_WORD.findall(text)


@pytest.fixture(scope="module")
def chinese(rich_case_dir: Path, tmp_path_factory) -> dict:
    """The rich case's Chinese report in each structure, with what the case holds."""
    folder = tmp_path_factory.mktemp("zh")
    shutil.copytree(rich_case_dir, folder / "case")
    built = {}
    with Case.open(folder / "case") as case:
        for style in ("expert", "appraisal"):
            out = folder / f"{style}.pdf"
            build_report(case, ReportOptions(out=out, lang="zh", style=style))
            built[style] = (out, "\n".join(p.extract_text() for p in PdfReader(out).pages))
        built["allowed"] = case_words(case)
    return built


@pytest.mark.parametrize("style", ["expert", "appraisal"])
def test_the_chinese_report_has_no_english_sentences(chinese, style):
    _, text = chinese[style]
    runs = english_runs(text, chinese["allowed"])
    assert runs == [], f"English in the Chinese {style} report: {sorted(set(runs))[:20]}"


def test_the_english_check_catches_english(chinese):
    """The check itself: the machine's English and a catalogue entry left in English are
    found; the case's own words are not."""
    allowed = chinese["allowed"]
    assert english_runs("证物 homography found。", allowed) == ["homography found"]
    assert english_runs(f"区间：{EN['band_rule']} 近似重复", allowed) == ["Band rule"]
    assert english_runs("检材 Sample case: lighthouse illustration 的", allowed) == []
    assert english_runs("AUTOMATIC1111 写入的“Model hash”和 scripts/demo/detect.py", allowed) == []


def test_what_the_report_translates_reaches_the_page(chinese):
    _, text = chinese["expert"]
    flat = "".join(text.split())
    ssim = metrics.get("ssim")
    # The metric's name, its band rule and its source, and the notice, in Chinese.
    for phrase in (
        ssim.words["zh"].label,
        ssim.rule("zh"),
        ssim.bands.source_zh,
        bands.TEXT["zh"]["notice"],
        ZH["machine_title_strength"],  # the study's title
        ZH["audit_action_case created"],  # an audit action
        ZH["machine_homography"],  # a keypoint status the comparison recorded
    ):
        assert "".join(phrase.split()) in flat, phrase
    # Nothing the software writes in English is left.
    for english in (ssim.rule(), bands.NOTICE, "img2img strength sweep", "case created"):
        assert "".join(english.split()) not in flat, english


def test_machine_notes_are_translated_and_typed_notes_kept():
    zh = Strings("zh")
    assert recorded(zh, "generated, seed 42") == "生成图像，种子 42"
    assert recorded(zh, "img2img strength sweep: strength 0.3, seed 2") == (
        "图生图重绘强度扫描：重绘强度 0.3，种子 2"
    )
    assert recorded(zh, "denoising step 3/20 (VAE decode), seed 7") == (
        "去噪第 3/20 步（VAE 解码），种子 7"
    )
    assert recorded(zh, "2 files have this AutoV2; the first was used") == (
        "有 2 个文件具有该 AutoV2；使用了第一个"
    )
    nested = "the disputed image was normalised for comparison: alpha channel fully opaque; dropped"
    assert recorded(zh, nested) == "争议图像为比较而做了规范化处理：Alpha 通道完全不透明；已舍弃"
    assert recorded(zh, "PNG ends without an IEND chunk (file truncated?)") == (
        "PNG 文件没有 IEND 块即结束（文件被截断？）"
    )
    # A note of the same shape that the software did not write stays as typed.
    assert recorded(zh, "from the client: scan 3") == "from the client: scan 3"
    assert recorded(zh, "disputed: received by email") == "disputed: received by email"
    assert recorded(Strings("en"), "generated, seed 42") == "generated, seed 42"


def test_every_machine_pattern_has_a_chinese_sentence():
    """Each English pattern's fields appear in its Chinese sentence, and the Chinese has no
    English sentence of its own."""
    for key in (k for k in EN if k.startswith("machine_")):
        assert set(re.findall(r"\{(\w+)", EN[key])) == set(re.findall(r"\{(\w+)", ZH[key])), key
        assert english_runs(ZH[key], set()) == [] or key.startswith("machine_wm_"), key


def test_english_plurals(built):
    text = built["text"]
    assert "(s)" not in text
    assert "study/studies" not in text
    # The rich case has one study and one generation: singular, and several exhibits: plural.
    flat = " ".join(text.split())
    assert "1 study" in flat and "1 generation" in flat
    assert re.search(r"\b[2-9]\d* exhibits\b", flat)
