"""Model attribution on the Ray executor against the in-process one: the same distances,
thresholds, rates and ranking; a worker killed mid-calibration loses nothing; a model changed
after hashing is refused in one line with the case unchanged. Local Ray, 2 CPUs, started once for
the module; two tiny single-file models with different random VAEs (32 px, 2 steps).
WORKSTATION_THREADS=1 keeps the thread counts equal."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from workstation.analysis.model_exam.attribute import photo_like
from workstation.app.case_writer import CaseWriter
from workstation.app.exam_attribute import AttributeRequest, attribute
from workstation.core.case import Case
from workstation.core.errors import ModelError
from workstation.engine.runtime import Runtime


def _ray(**options):
    from workstation.analysis.ray_executor import RayExecutor

    return RayExecutor(**options)


def _runtime(**extra) -> Runtime:
    return Runtime(threads=1, deterministic=True, **extra)


def _state(root):
    with Case.open(root) as case:
        return (case.artifacts(), case.records(), case.audit_entries())


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """alpha and beta: tiny single-file models with different random VAEs."""
    from workstation.engine.tiny import build_tiny_model

    folder = tmp_path_factory.mktemp("attribution-executor-models")
    return [
        build_tiny_model(folder / "alpha.safetensors", "single-file", seed=0),
        build_tiny_model(folder / "beta.safetensors", "single-file", seed=10),
    ]


@pytest.fixture(scope="module")
def photo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("attribution-photo") / "photo.png"
    photo_like(32, seed=5).save(path)
    return path


def _request(photo: Path, models) -> AttributeRequest:
    return AttributeRequest(
        image=photo,
        models=tuple(models),
        generated=2,
        held_out=1,
        synthetic=1,
        size=32,
        steps=2,
        device="cpu",
    )


@pytest.fixture(scope="module")
def here(models, photo):
    """The in-process attribution (the default executor)."""
    return attribute(_request(photo, models), None, _runtime()).result


def test_attribution_on_ray_gives_the_in_process_record(ray, models, photo, here):
    events = []
    there = attribute(
        _request(photo, models),
        None,
        _runtime(on_progress=lambda event: events.append(event)),
        executor=_ray(),
    )
    assert there.result == here  # every distance, threshold, rate, place and the verdict
    assert len(here["groups"]) == 2 and here["torch_threads"] == 1
    assert all(r["distance"] > 0 for r in here["ranking"])
    messages = [event.message for event in events]
    # Progress: each model's calibration as it comes back, then each VAE's reconstructions.
    assert {m for m in messages if m.startswith("calibration")} == {
        "calibration: alpha.safetensors generated",
        "calibration: beta.safetensors generated",
    }
    assert messages[-1].startswith("reconstruction through VAE")
    assert events[-1].step == events[-1].total == 2


def test_a_worker_killed_mid_calibration_is_retried_and_the_case_verifies(
    ray, models, photo, here, case_dir, tmp_path
):
    from workstation.analysis.model_exam.attribute_items import CalibrationItem
    from workstation.analysis.ray_executor import run_on_worker

    marker = tmp_path / "killed"

    def dies_once(work, item):  # the worker dies while it generates with beta, once
        if isinstance(item, CalibrationItem) and item.index == 1 and not marker.exists():
            marker.touch()
            os._exit(1)
        return run_on_worker(work, item)

    messages = []
    done = attribute(
        _request(photo, models),
        CaseWriter(case_dir),
        _runtime(on_progress=lambda event: messages.append(event.message)),
        executor=_ray(worker=dies_once),
    )
    assert marker.exists()
    assert any("worker was lost" in m and "retrying" in m for m in messages)
    assert done.result == here
    with Case.open(case_dir) as case:
        (record,) = case.records("exam")
        assert record.id == done.record_id and record.body.method == "attribute"
        assert record.body.results["ranking"] == here["ranking"]
        assert len(case.artifacts()) == 1  # the questioned image, imported once
        assert case.verify().ok


def test_a_model_changed_after_hashing_is_refused_and_the_case_is_unchanged(
    ray, models, photo, case_dir, tmp_path
):
    from workstation.analysis.model_exam.attribute_items import CalibrationItem
    from workstation.analysis.ray_executor import run_on_worker

    copies = []
    for path in models:
        copies.append(tmp_path / path.name)
        shutil.copy(path, copies[-1])
    marker = tmp_path / "tampered"

    def tampered(work, item):  # beta's last byte changes after the coordinator hashed it
        if isinstance(item, CalibrationItem) and item.index == 1 and not marker.exists():
            marker.touch()
            with open(copies[1], "r+b") as stream:
                stream.seek(-1, os.SEEK_END)
                last = stream.read(1)[0]
                stream.seek(-1, os.SEEK_END)
                stream.write(bytes([last ^ 0x01]))
        return run_on_worker(work, item)

    before = _state(case_dir)
    with pytest.raises(ModelError) as raised:
        attribute(
            _request(photo, copies),
            CaseWriter(case_dir),
            _runtime(),
            executor=_ray(worker=tampered),
        )
    message = str(raised.value)
    assert "\n" not in message and str(copies[1]) in message and "refused" in message
    assert _state(case_dir) == before


def test_a_vae_not_the_one_hashed_is_refused_in_this_process(models, photo, tmp_path):
    """A reconstruction item whose model no longer holds the VAE the calibration hashed (here:
    an item naming beta's file for alpha's VAE) refuses it in one line."""
    from workstation.analysis.model_exam.attribute_items import (
        ReconstructionItem,
        reconstruction_item,
    )
    from workstation.analysis.model_exam.executors import ModelRef
    from workstation.core.canonical import sha256_file

    ref = ModelRef(str(models[1]), sha256_file(models[1]), "cpu", "float32")
    item = ReconstructionItem(0, "VAE 1", ref, "0" * 64, (), "job", True, 1)
    with pytest.raises(ModelError, match="VAE's SHA-256.*refused") as raised:
        reconstruction_item(item, _runtime())
    assert "\n" not in str(raised.value)


def test_cancel_on_ray_stops_the_attribution_and_leaves_the_case_alone(
    ray, models, photo, case_dir
):
    from workstation.core.errors import Cancelled

    before = _state(case_dir)
    back = []
    stop = _runtime(
        on_progress=lambda event: back.append(event.message),
        is_cancelled=lambda: bool(back),  # Cancel pressed once the first model's images are back
    )
    with pytest.raises(Cancelled):
        attribute(_request(photo, models), CaseWriter(case_dir), stop, executor=_ray())
    assert back and not any(m.startswith("reconstruction") for m in back)
    assert _state(case_dir) == before
