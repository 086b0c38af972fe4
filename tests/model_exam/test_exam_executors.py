"""Model examination on the Ray executor against the in-process one: the same membership scores,
extracted images and prompt magnitudes; a worker killed mid-exam loses nothing; a model changed
after hashing is refused in one line with the case unchanged. Local Ray, 2 CPUs, started once
for the module; the tiny random model (32 px). WORKSTATION_THREADS=1 keeps the thread counts
equal."""

from __future__ import annotations

import hashlib
import os
import shutil
import sys

import pytest

from tests.conftest import run_cli
from workstation.app.case_writer import CaseWriter
from workstation.app.exam import MembershipRequest, executor_named, membership
from workstation.app.exam_extract import ExtractRequest, extract
from workstation.app.exam_prompts import PromptScreenRequest, screen
from workstation.core.case import Case
from workstation.core.errors import InputError, ModelError
from workstation.engine.runtime import Runtime


def _ray(**options):
    from workstation.analysis.ray_executor import RayExecutor

    return RayExecutor(**options)


def _runtime(**extra) -> Runtime:
    return Runtime(threads=1, deterministic=True, **extra)


def _membership(model, scenes, **extra) -> MembershipRequest:
    return MembershipRequest(
        model=model, works=tuple(scenes[:2]), controls=tuple(scenes[2:]), timesteps=3, **extra
    )


def _state(root):
    with Case.open(root) as case:
        return (case.artifacts(), case.records(), case.audit_entries())


def test_membership_on_ray_gives_the_in_process_scores_and_record(
    ray, tiny_model, tiny_lora, scenes32, tmp_path
):
    request = _membership(tiny_model, scenes32, lora=tiny_lora)
    here = membership(request, None, _runtime())
    events = []
    there = membership(
        request,
        None,
        _runtime(on_progress=lambda event: events.append(event)),
        executor=_ray(),
    )
    assert there.result == here.result  # every score, p-value, Δ, adjusted Δ and setting
    assert set(there.result["works"][0]) >= {"scores", "base_scores", "delta", "adjusted"}
    assert there.result["settings"]["torch_threads"] == 1
    # Progress: each image reported as it comes back, the last at the total (2 states × 6).
    assert events and events[-1].step == events[-1].total == 12


def test_extraction_on_ray_gives_the_in_process_images(ray, tiny_model, tiny_lora):
    request = ExtractRequest(
        model=tiny_model, lora=tiny_lora, count=4, steps=2, size=32, seeds_per_item=2
    )
    here = extract(request, None, _runtime())
    there = extract(request, None, _runtime(), executor=_ray())
    assert [i.tobytes() for i in there.images] == [i.tobytes() for i in here.images]
    assert there.result == here.result and there.result["settings"]["seeds_per_item"] == 2


def test_seeds_per_item_must_be_positive(tiny_model, tiny_lora):
    with pytest.raises(InputError, match="seeds per item"):
        extract(ExtractRequest(model=tiny_model, lora=tiny_lora, seeds_per_item=0))


def test_prompt_screen_on_ray_gives_the_in_process_magnitudes_and_tokens(ray, tiny_model):
    prompts = ("a red cube", "a cat on a mat", "a blue sphere", "two dogs", "a castle", "sea")
    request = PromptScreenRequest(
        model=tiny_model, prompt=prompts, seeds=(0, 1), reference="batch", sampling_steps=10
    )
    here = screen(request, None, _runtime())
    there = screen(request, None, _runtime(), executor=_ray())  # 6 prompts: 2 items
    assert there.result == here.result
    assert [p["prompt"] for p in there.result["prompts"]] == list(prompts)
    assert all(p["tokens"] for p in there.result["prompts"])


def test_a_worker_killed_mid_exam_is_retried_and_the_case_holds_one_record(
    ray, tiny_model, scenes32, case_dir, tmp_path
):
    from workstation.analysis.ray_executor import run_on_worker

    marker = tmp_path / "killed"

    def dies_once(work, item):  # the worker dies while it holds the second image, once
        if item.index == 1 and not marker.exists():
            marker.touch()
            os._exit(1)
        return run_on_worker(work, item)

    messages = []
    request = _membership(tiny_model, scenes32)
    examined = membership(
        request,
        CaseWriter(case_dir),
        _runtime(on_progress=lambda event: messages.append(event.message)),
        executor=_ray(worker=dies_once),
    )
    assert marker.exists()
    assert any("worker was lost" in m and "retrying" in m for m in messages)
    assert examined.result == membership(request, None, _runtime()).result
    with Case.open(case_dir) as case:
        (record,) = case.records("exam")
        assert record.id == examined.record_id
        assert len(record.payload["results"]["works"]) == 2
        assert len(record.payload["results"]["controls"]) == 4
        assert len(case.artifacts()) == 6  # each work and control imported once
        assert case.verify().ok


def test_a_model_changed_after_hashing_is_refused_and_the_case_is_unchanged(
    ray, tiny_model, scenes32, case_dir, tmp_path
):
    from workstation.analysis.ray_executor import run_on_worker

    model = tmp_path / "copy.safetensors"
    shutil.copy(tiny_model, model)
    marker = tmp_path / "tampered"

    def tampered(work, item):  # a weight's last byte changes after the coordinator hashed it
        if not marker.exists():
            marker.touch()
            with open(item.model.path, "r+b") as stream:
                stream.seek(-1, os.SEEK_END)
                last = stream.read(1)[0]
                stream.seek(-1, os.SEEK_END)
                stream.write(bytes([last ^ 0x01]))
        return run_on_worker(work, item)

    before = _state(case_dir)
    with pytest.raises(ModelError) as raised:
        membership(
            _membership(model, scenes32),
            CaseWriter(case_dir),
            _runtime(),
            executor=_ray(worker=tampered),
        )
    message = str(raised.value)
    assert "\n" not in message and str(model) in message and "refused" in message
    assert _state(case_dir) == before


def test_an_image_changed_after_hashing_is_refused_in_this_process_too(
    tiny_model, scenes32, tmp_path
):
    from workstation.analysis.executors import InProcess
    from workstation.analysis.model_exam import executors as exam_executors

    images = []
    for path in scenes32:
        images.append(tmp_path / path.name)
        shutil.copy(path, images[-1])
    original = exam_executors.score_item

    def changed_then_scored(item, runtime):  # a control is rewritten after it was hashed
        if item.index == 3:
            images[3].write_bytes(scenes32[0].read_bytes())
        return original(item, runtime)

    exam_executors.score_item = changed_then_scored
    try:
        with pytest.raises(ModelError, match="image's SHA-256.*refused"):
            membership(_membership(tiny_model, images), None, _runtime(), executor=InProcess())
    finally:
        exam_executors.score_item = original


def test_the_commands_take_executor_and_ray_address(tiny_model, scenes32, case_dir):
    args = ["--model", tiny_model, "--timesteps", "2", "--works", *scenes32[:2]]
    args += ["--controls", *scenes32[2:], "--case", case_dir]
    refused = run_cli("exam", "membership", *args, "--ray-address", "127.0.0.1:1")
    assert refused.returncode != 0 and "--ray-address goes with --executor ray" in refused.stderr
    for command in ("membership", "set", "prompts", "extract", "attribute"):
        shown = run_cli("exam", command, "--help", check=True).stdout
        assert "--executor" in shown and "--ray-address" in shown
    with Case.open(case_dir) as case:
        assert case.records("exam") == []


@pytest.mark.slow  # two commands, one starting its own local Ray: about 50 s here
def test_the_membership_command_on_ray_stores_the_in_process_numbers(
    tiny_model, scenes32, case_dir
):
    """`workstation exam membership … --executor ray` end to end (its own local Ray)."""
    pytest.importorskip("ray")
    if sys.platform != "linux":
        pytest.skip("local Ray in a subprocess: tested on Linux")
    args = ["--model", tiny_model, "--timesteps", "2", "--works", *scenes32[:2]]
    args += ["--controls", *scenes32[2:], "--json"]
    env = {**os.environ, "WORKSTATION_THREADS": "1"}
    here = run_cli("exam", "membership", *args, check=True, env=env)
    there = run_cli(
        "exam", "membership", *args, "--executor", "ray", "--case", case_dir, check=True, env=env
    )
    assert _digest(there.stdout.split("stored in case")[0]) == _digest(here.stdout)
    with Case.open(case_dir) as case:
        assert len(case.records("exam")) == 1 and case.verify().ok


def _digest(text: str) -> str:
    return hashlib.sha256(text.strip().encode()).hexdigest()


def test_executor_named_is_the_front_ends_choice():
    assert executor_named("inprocess").name == "inprocess"
    with pytest.raises(InputError):
        executor_named("cluster")


def test_the_exam_command_refuses_ray_without_ray_in_one_line(
    monkeypatch, tiny_model, scenes32, case_dir, capsys
):
    from workstation.cli import main

    monkeypatch.setitem(sys.modules, "ray", None)  # import ray → ImportError
    before = _state(case_dir)
    code = main(
        [
            *("exam", "membership", "--model", str(tiny_model), "--case", str(case_dir)),
            *("--works", *map(str, scenes32[:2]), "--controls", *map(str, scenes32[2:])),
            *("--executor", "ray"),
        ]
    )
    err = capsys.readouterr().err
    assert code != 0 and len(err.strip().splitlines()) == 1 and "pip install" in err
    assert _state(case_dir) == before


def test_cancel_on_ray_stops_the_exam_and_leaves_the_case_alone(
    ray, tiny_model, scenes32, case_dir
):
    from workstation.core.errors import Cancelled

    before = _state(case_dir)
    scored = []
    stop = _runtime(
        on_progress=lambda event: scored.append(event.message),
        is_cancelled=lambda: bool(scored),  # Cancel pressed once the first image is back
    )
    with pytest.raises(Cancelled):
        membership(_membership(tiny_model, scenes32), CaseWriter(case_dir), stop, executor=_ray())
    assert scored and len(scored) < 6
    assert _state(case_dir) == before
