"""Membership and set test on the tiny random model: reproducibility, records, bad inputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import run_cli
from workstation.app.case_writer import CaseWriter
from workstation.app.exam import MembershipRequest, SetTestRequest, membership, set_test
from workstation.core.case import Case
from workstation.core.errors import Cancelled, WorkstationError
from workstation.engine.runtime import Runtime


def _request(model: Path, scenes: list[Path], **extra) -> MembershipRequest:
    return MembershipRequest(
        model=model, works=tuple(scenes[:2]), controls=tuple(scenes[2:]), timesteps=3, **extra
    )


def test_scores_are_bit_for_bit_the_same_in_two_runs(tiny_model, scenes32):
    request = _request(tiny_model, scenes32)
    first = membership(request, None, Runtime(threads=1, deterministic=True)).result
    second = membership(request, None, Runtime(threads=1, deterministic=True)).result
    assert [w["scores"] for w in first["works"]] == [w["scores"] for w in second["works"]]
    assert [c["scores"] for c in first["controls"]] == [c["scores"] for c in second["controls"]]
    assert set(first["works"][0]["scores"]) == {"loss", "pia", "sima"}
    settings = first["settings"]
    assert settings["seed"] == 0 and len(settings["timesteps"]) == 3
    assert all(50 <= t <= 500 for t in settings["timesteps"])
    # The p-value and effect size follow from the recorded scores.
    work, controls = first["works"][0], [c["scores"]["loss"] for c in first["controls"]]
    below = sum(1 for c in controls if c <= work["scores"]["loss"])
    assert work["p_value"]["loss"] == (1 + below) / (1 + len(controls))
    other = membership(
        _request(tiny_model, scenes32, seed=1), None, Runtime(threads=1, deterministic=True)
    ).result
    assert other["settings"]["timesteps"] != settings["timesteps"]
    assert other["works"][0]["scores"]["loss"] != work["scores"]["loss"]
    assert other["works"][0]["scores"]["sima"] == work["scores"]["sima"]  # no random draw


def test_lora_delta_is_the_change_from_scale_zero(tiny_model, tiny_lora, scenes32):
    plain = membership(_request(tiny_model, scenes32), None, Runtime(threads=1)).result
    with_lora = membership(
        _request(tiny_model, scenes32, lora=tiny_lora), None, Runtime(threads=1)
    ).result
    work, base_work = with_lora["works"][0], plain["works"][0]
    assert work["base_scores"] == pytest.approx(base_work["scores"], rel=1e-5)
    assert work["scores"] != work["base_scores"]  # the random LoRA changes the model
    for method, delta in work["delta"]["scores"].items():
        assert delta == pytest.approx(work["scores"][method] - work["base_scores"][method])
    assert set(work["delta"]) == {"scores", "p_value", "effect_size", "rank"}
    assert with_lora["loras"][0]["sha256"] and with_lora["loras"][0]["base_scale"] == 0.0
    # The change adjusted for the base: the controls' leave-one-out line, the works' on all.
    from workstation.analysis.model_exam.scoring import adjusted_changes

    works, controls = with_lora["works"], with_lora["controls"]
    expected_w, expected_c = adjusted_changes(
        [w["scores"] for w in works],
        [w["base_scores"] for w in works],
        [c["scores"] for c in controls],
        [c["base_scores"] for c in controls],
    )
    assert [w["adjusted"]["scores"] for w in works] == expected_w
    assert [c["adjusted"]["scores"] for c in controls] == expected_c
    assert set(work["adjusted"]) == {"scores", "p_value", "effect_size", "rank"}
    assert "adjusted" not in plain["works"][0]  # no LoRA, no change to adjust


def test_exam_record_is_stored_with_its_inputs_and_the_case_verifies(
    tiny_model, scenes32, case_dir
):
    examined = membership(_request(tiny_model, scenes32), CaseWriter(case_dir), Runtime(threads=1))
    with Case.open(case_dir) as case:
        record = case.record(examined.record_id)
        assert record.kind == "exam"
        body = record.body
        assert (
            body.method == "membership"
            and body.model["sha256"] == examined.result["model"]["sha256"]
        )
        assert body.settings["timesteps"] == examined.result["settings"]["timesteps"]
        assert "CopyMark" in body.limits[0]
        labels = sorted(link.label for link in record.links)
        assert labels == ["control 1", "control 2", "control 3", "control 4", "work 1", "work 2"]
        assert {a.role for a in case.artifacts()} == {"reference", "other"}
        assert case.verify().ok
    # Run again: the images are in the case already and are linked, not imported twice.
    membership(_request(tiny_model, scenes32), CaseWriter(case_dir), Runtime(threads=1))
    with Case.open(case_dir) as case:
        assert len(case.artifacts()) == 6 and len(case.records("exam")) == 2
        assert case.verify().ok


def test_set_test_runs_on_the_model_and_stores(tiny_model, scenes32, case_dir):
    request = SetTestRequest(
        model=tiny_model,
        works=tuple(scenes32[:3]),
        controls=tuple(scenes32[3:]),
        timesteps=2,
        permutations=500,
        methods=("loss", "sima"),
    )
    examined = set_test(request, CaseWriter(case_dir), Runtime(threads=1))
    result = examined.result
    assert set(result["methods"]) == {"loss", "sima"} and result["minimum_n"] == 3
    works = [w["scores"]["loss"] for w in result["works_scored"]]
    controls = [c["scores"]["loss"] for c in result["controls_scored"]]
    assert result["methods"]["loss"]["statistic"] == pytest.approx(
        sum(controls) / 3 - sum(works) / 3
    )
    with Case.open(case_dir) as case:
        assert case.record(examined.record_id).body.method == "set"
        assert case.verify().ok


def test_progress_per_image_and_cancel_leaves_the_case_alone(tiny_model, scenes32, case_dir):
    events = []
    request = _request(tiny_model, scenes32, methods=("sima",))
    membership(request, None, Runtime(threads=1, on_progress=events.append))
    assert [(e.step, e.total) for e in events] == [(n, 6) for n in range(1, 7)]
    assert events[0].message == f"scoring {scenes32[0].name}"
    calls = iter(range(100))
    stop = Runtime(threads=1, is_cancelled=lambda: next(calls) >= 2)  # during the third image
    with pytest.raises(Cancelled):
        membership(request, CaseWriter(case_dir), stop)
    with Case.open(case_dir) as case:
        assert case.artifacts() == [] and case.records() == []


def _unchanged(case_dir: Path, call) -> str:
    with Case.open(case_dir) as case:
        before = case.chain_head()
    with pytest.raises(WorkstationError) as error:
        call()
    with Case.open(case_dir) as case:
        assert case.chain_head() == before and case.artifacts() == []
    message = str(error.value)
    assert "\n" not in message
    return message


def test_bad_inputs_are_one_line_errors_and_leave_the_case_alone(
    tiny_model, scenes32, case_dir, tmp_path
):
    writer = CaseWriter(case_dir)
    runtime = Runtime(threads=1)
    no_controls = MembershipRequest(model=tiny_model, works=tuple(scenes32[:1]))
    assert "no controls" in _unchanged(case_dir, lambda: membership(no_controls, writer, runtime))

    big = tmp_path / "big.png"
    Image.new("RGB", (48, 40), "red").save(big)
    other_size = _request(tiny_model, [*scenes32[:2], big])
    message = _unchanged(case_dir, lambda: membership(other_size, writer, runtime))
    assert "48×40" in message and "32×32" in message

    text = tmp_path / "notes.png"
    text.write_text("not an image", encoding="utf-8")
    not_image = _request(tiny_model, [text, *scenes32[1:]])
    assert "not a readable image" in _unchanged(
        case_dir, lambda: membership(not_image, writer, runtime)
    )


def test_a_lora_for_another_base_is_refused_and_the_case_left_alone(
    tiny_lora, demo_model, scenes32, case_dir
):
    wrong_base = MembershipRequest(  # the tiny model's LoRA (text context 32) on the demo model
        model=demo_model,
        lora=tiny_lora,
        works=tuple(scenes32[:1]),
        controls=tuple(scenes32[1:]),
        timesteps=1,
    )
    refused = _unchanged(
        case_dir, lambda: membership(wrong_base, CaseWriter(case_dir), Runtime(threads=1))
    )
    assert "LoRA made for" in refused and "text context 32" in refused


@pytest.mark.slow  # two processes that import torch: 10-15 s on two shared cores
def test_cli_membership_json_keys_and_one_line_error(tiny_model, scenes32, tmp_path):
    done = run_cli(
        "exam", "membership", "--model", tiny_model, "--works", scenes32[0],
        "--controls", *scenes32[1:], "--timesteps", "2", "--json", check=True,
    )  # fmt: skip
    result = json.loads(done.stdout)
    (work,) = result["works"]
    assert {"scores", "p_value", "effect_size", "rank", "sha256", "path"} <= set(work)
    assert set(work["p_value"]) == {"loss", "pia", "sima"}
    assert "CopyMark" in result["limit"]
    failed = run_cli("exam", "set", "--model", tiny_model, "--works", scenes32[0])
    assert failed.returncode == 2
    assert failed.stderr.strip().count("\n") == 0 and "no controls" in failed.stderr


def test_exam_record_schema_round_trip_and_refusal():
    from workstation.core import records

    body = records.Exam(
        method="membership",
        model={"sha256": "0" * 64},
        loras=[],
        inputs={"works": [], "controls": []},
        settings={"seed": 0, "timesteps": [100]},
        results={"works": []},
        limits=["limit"],
    )
    assert records.parse("exam", body.VERSION, body.to_payload()) == body
    with pytest.raises(records.RecordError):
        records.parse("exam", body.VERSION, {**body.to_payload(), "results": [1]})
