"""The memorised-prompt screen (Wen et al., ICLR 2024): flagging arithmetic on fixed values,
bit-for-bit reproducibility on a tiny random model, token attribution, prompt sources and bad
inputs, and the record it stores."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from workstation.analysis.model_exam.prompts import (
    ScreenSettings,
    generic_prompts,
    read_prompt_file,
    robust_z,
    screen_prompts,
)
from workstation.app.exam_prompts import PromptScreenRequest, gather_prompts, screen
from workstation.core.errors import InputError
from workstation.engine.runtime import Runtime

FAST = ScreenSettings(seeds=(0, 1), size=32, reference="batch")


@pytest.fixture(scope="module")
def pipe():
    from workstation.engine.tiny import build_tiny_pipeline

    return build_tiny_pipeline(seed=0)


def run(pipe, prompts, settings=FAST):
    return screen_prompts(pipe, prompts, settings, runtime=Runtime(threads=1, deterministic=True))


# -- arithmetic ------------------------------------------------------------------------------


def test_robust_z_on_fixed_values():
    reference = [1.0, 2.0, 3.0, 4.0, 100.0]  # median 3, |deviations| 2 1 0 1 97: MAD 1
    scores, median, mad = robust_z([3.0, 100.0, 1.0], reference)
    assert (median, mad) == (3.0, 1.0)
    assert scores[0] == 0.0
    assert scores[1] == pytest.approx(97 / 1.4826)
    assert scores[2] == pytest.approx(-2 / 1.4826)


def test_robust_z_when_half_the_reference_is_equal():
    # MAD 0: the mean absolute deviation (1.0) × √(π/2) takes its place
    scores, median, mad = robust_z([5.0], [1.0, 1.0, 1.0, 5.0])
    assert (median, mad) == (1.0, 0.0)
    assert scores[0] == pytest.approx(4 / math.sqrt(math.pi / 2))
    # all equal: a higher value is infinitely far, an equal one is 0
    assert robust_z([3.0, 2.0], [2.0, 2.0])[0] == [math.inf, 0.0]


def test_flagging_uses_the_threshold(pipe):
    prompts = ["a red apple", "a blue car", "a green tree", "a small dog", "a tall tower"]
    low = run(pipe, prompts, ScreenSettings(seeds=(0,), size=32, reference="batch", threshold=-99))
    assert all(score.flagged for score in low.scores)
    result = run(pipe, prompts, ScreenSettings(seeds=(0,), size=32, reference="batch"))
    magnitudes = [score.magnitude for score in result.scores]
    zs, median, _ = robust_z(magnitudes, magnitudes)
    assert [s.z for s in result.scores] == zs and result.reference.median == median
    assert [s.flagged for s in result.scores] == [z >= 3.5 for z in zs]


# -- the model's readings --------------------------------------------------------------------


def test_bit_for_bit_reproducible_and_seed_dependent(pipe):
    prompts = ["a lighthouse at dusk", "a bowl of soup"]
    first, second = run(pipe, prompts), run(pipe, prompts)
    assert first.to_dict() == second.to_dict()
    other = run(pipe, prompts, ScreenSettings(seeds=(5, 6), size=32, reference="batch"))
    assert other.scores[0].magnitudes != first.scores[0].magnitudes
    # each seed's magnitude is its own: seed 1 alone reads what it read beside seed 0
    alone = run(pipe, prompts, ScreenSettings(seeds=(1,), size=32, reference="batch"))
    assert alone.scores[0].magnitudes == first.scores[0].magnitudes[1:]
    assert first.scores[0].magnitude == pytest.approx(sum(first.scores[0].magnitudes) / 2)


def test_later_steps_follow_the_guided_trajectory(pipe):
    one = run(pipe, ["a lighthouse"], ScreenSettings(seeds=(0,), size=32, reference="batch"))
    two = run(
        pipe,
        ["a lighthouse"],
        ScreenSettings(seeds=(0,), steps=2, sampling_steps=10, size=32, reference="batch"),
    )
    assert one.scores[0].magnitude > 0 and two.scores[0].magnitude != one.scores[0].magnitude


def test_the_empty_prompt_has_no_text_conditional_pull(pipe):
    # ε(x, "") − ε(x, "") is zero: the statistic measures what the text adds
    from workstation.analysis.model_exam.prompts import _Runner

    runner = _Runner(pipe, FAST, 32, Runtime(threads=1), total=4)
    assert runner.magnitudes("") == [0.0, 0.0]
    assert all(value > 0 for value in runner.magnitudes("a castle"))


def test_token_shares_name_the_prompts_tokens(pipe):
    (score,) = run(pipe, ["a red lighthouse"]).scores
    assert [t.token for t in score.tokens] == ["a", "red", "lighthouse"]
    assert sum(t.share for t in score.tokens) == pytest.approx(1.0)
    assert all(t.share > 0 for t in score.tokens)
    long_prompt = " ".join(["word"] * 100)
    (long_score,) = run(pipe, [long_prompt]).scores
    assert long_score.truncated and len(long_score.tokens) == 75


def test_generic_reference_is_shipped_and_used(pipe):
    reference = generic_prompts()
    assert len(reference) >= 10
    result = run(pipe, ["a lighthouse"], ScreenSettings(seeds=(0,), size=32, tokens=False))
    assert result.reference.kind == "generic" and result.reference.count == len(reference)
    assert result.scores[0].tokens == ()


def test_other_families_and_sizes_are_refused(pipe):
    with pytest.raises(InputError, match="multiple of 2"):
        run(pipe, ["a"], ScreenSettings(seeds=(0,), size=33, reference="batch"))
    with pytest.raises(InputError, match="no prompts"):
        run(pipe, ["  ", ""])


# -- prompt sources and bad inputs -----------------------------------------------------------


def test_prompt_file(tmp_path: Path):
    text = tmp_path / "prompts.txt"
    text.write_text("# a comment\n\na castle\n  a river  \n", encoding="utf-8")
    assert read_prompt_file(text) == ["a castle", "a river"]
    empty = tmp_path / "empty.txt"
    empty.write_text("\n  \n# only a comment\n", encoding="utf-8")
    with pytest.raises(InputError, match="holds no prompts") as error:
        read_prompt_file(empty)
    assert "\n" not in str(error.value)
    with pytest.raises(InputError, match="cannot read"):
        read_prompt_file(tmp_path / "missing.txt")


def _with_metadata(source: Path, out: Path, metadata: dict[str, str]) -> Path:
    from safetensors.torch import load_file, save_file

    save_file(load_file(source), out, metadata={"format": "pt", **metadata})
    return out


def test_captions_from_a_loras_metadata(tiny_lora: Path, tmp_path: Path):
    tags = {"10_person": {"a knight in armour": 3, "red cape": 7}, "5_style": {"red cape": 1}}
    lora = _with_metadata(
        tiny_lora, tmp_path / "captioned.safetensors", {"ss_tag_frequency": json.dumps(tags)}
    )
    request = PromptScreenRequest(model=Path("unused"), from_lora=lora)
    prompts, source = gather_prompts(request)
    assert prompts == ["red cape", "a knight in armour"] and source.startswith("LoRA")
    # no captions, and captions that are not JSON: one line each
    for name, metadata in (("bare", {}), ("broken", {"ss_tag_frequency": "{not json"})):
        bad = _with_metadata(tiny_lora, tmp_path / f"{name}.safetensors", metadata)
        with pytest.raises(InputError, match="records no training captions"):
            gather_prompts(PromptScreenRequest(model=Path("unused"), from_lora=bad))


def test_one_source_at_a_time(tmp_path: Path):
    text = tmp_path / "p.txt"
    text.write_text("a castle\n", encoding="utf-8")
    with pytest.raises(InputError, match="one way"):
        gather_prompts(PromptScreenRequest(model=Path("m"), prompts=text, prompt=("a",)))
    with pytest.raises(InputError, match="one way"):
        gather_prompts(PromptScreenRequest(model=Path("m")))


def test_screen_with_a_lora_is_stored_as_an_exam_record(tiny_model, tiny_lora, case_dir):
    from workstation.app.case_writer import CaseWriter
    from workstation.core.case import Case

    request = PromptScreenRequest(
        model=tiny_model,
        lora=tiny_lora,
        prompt=("a knight", "a castle"),
        seeds=(0,),
        size=32,
        reference="batch",
        device="cpu",
    )
    runtime = Runtime(threads=1, deterministic=True)
    screened = screen(request, CaseWriter(case_dir), runtime)
    plain = screen(PromptScreenRequest(**{**request.__dict__, "lora": None}), None, runtime)
    result = screened.result
    assert result["loras"][0]["sha256"] and result["model"]["sha256"]
    assert [p["prompt"] for p in result["prompts"]] == ["a knight", "a castle"]
    # the LoRA changes the text-conditional pull, and is taken off the model afterwards
    assert result["prompts"][0]["magnitude"] != plain.result["prompts"][0]["magnitude"]
    with Case.open(case_dir) as case:
        record = case.record(screened.record_id)
    assert record.kind == "exam" and record.body.method == "prompts"
    assert record.body.inputs["prompts"] == ["a knight", "a castle"]
    assert record.body.settings["seeds"] == [0]
    assert record.body.results["prompts"][1]["magnitudes"] == result["prompts"][1]["magnitudes"]


def test_the_prompt_an_image_records(tmp_path: Path):
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text(
        "parameters",
        "a knight in armour, red cape\nNegative prompt: blurry\n"
        "Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1, Size: 32x32",
    )
    recorded = tmp_path / "recorded.png"
    Image.new("RGB", (32, 32), "grey").save(recorded, pnginfo=info)
    request = PromptScreenRequest(model=Path("unused"), from_image=recorded)
    assert gather_prompts(request) == (["a knight in armour, red cape"], f"image {recorded}")
    plain = tmp_path / "plain.png"
    Image.new("RGB", (32, 32), "grey").save(plain)
    with pytest.raises(InputError, match="records no prompt"):
        gather_prompts(PromptScreenRequest(model=Path("unused"), from_image=plain))


def test_progress_and_cancel(tiny_model, case_dir):
    from workstation.app.case_writer import CaseWriter
    from workstation.core.case import Case
    from workstation.core.errors import Cancelled

    request = PromptScreenRequest(
        model=tiny_model,
        prompt=("a knight", "a castle"),
        seeds=(0, 1),
        size=32,
        reference="batch",
        device="cpu",
    )
    events = []
    runtime = Runtime(threads=1, on_progress=events.append)
    screen(request, None, runtime)
    counted = [e for e in events if e.total]
    # two prompts × two seeds, each a forward and a token (backward) pass
    assert [e.step for e in counted if not e.message] == list(range(1, 9))
    assert {e.total for e in counted} == {8}
    stop = Runtime(threads=1, is_cancelled=lambda: len(events) > 3, on_progress=events.append)
    events.clear()
    with pytest.raises(Cancelled):
        screen(request, CaseWriter(case_dir), stop)
    with Case.open(case_dir) as case:
        assert case.records("exam") == []
