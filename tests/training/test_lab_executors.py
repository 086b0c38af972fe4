"""The over-fitting lab on the executors: each training-set size an item. On local Ray workers the
lab stores the same numbers and grid pixels as in this process; a worker killed mid-lab is
retried and each size is stored once; a worker refuses a base model or a training image whose
bytes changed after the lab hashed them, and the case is left as it was."""

from __future__ import annotations

import io
import os
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.studies.conftest import snapshot
from workstation.analysis.executors import InProcess
from workstation.app.case_writer import CaseWriter
from workstation.app.clip import ClipChoice
from workstation.app.lab import LabRequest, run_lab
from workstation.core.case import Case
from workstation.core.errors import InputError, ModelError
from workstation.engine.runtime import Runtime


def _ray(**options):
    from workstation.analysis.ray_executor import RayExecutor

    return RayExecutor(**options)


def _request(base: Path, **fields) -> LabRequest:
    """A lab of a few seconds: sizes 1 and 2, four training steps, two samples each."""
    return LabRequest(
        **{"base": base, "sizes": (1, 2), "steps": 4, "batch_size": 2, "samples": 2, **fields}
    )


def _lab(root: Path, request: LabRequest, executor, messages: list | None = None):
    Case.create(root, title="lab", examiner="t").close()
    say = None if messages is None else (lambda event: messages.append(event.message))
    return run_lab(
        request,
        writer=CaseWriter(root),
        runtime=Runtime(threads=1, on_progress=say),
        executor=executor,
    )


def _stored(root: Path) -> tuple[dict, dict[str, np.ndarray]]:
    """The lab record without its timings, and the pixels of each figure it links."""
    with Case.open(root) as case:
        (record,) = case.records("lab")
        assert case.verify().ok
        payload = dict(record.payload)
        payload.pop("seconds")
        payload.pop("description")  # states the minutes the lab took; the rest is the settings
        payload["points"] = [
            {k: v for k, v in p.items() if k != "train_seconds"} for p in payload["points"]
        ]
        pixels = {
            k.label: np.asarray(
                Image.open(
                    io.BytesIO(case.object_path(case.artifact(k.artifact_id).sha256).read_bytes())
                ).convert("RGB")
            )
            for k in record.linked("figure")
        }
    return payload, pixels


def test_the_lab_on_ray_workers_stores_the_same_numbers_and_grids_as_in_process(
    ray, demo_model, tiny_clip, tmp_path
):
    request = _request(
        demo_model, clip=ClipChoice(model=tiny_clip["checkpoint"], arch=str(tiny_clip["arch"]))
    )
    here = _lab(tmp_path / "here", request, InProcess())
    messages: list[str] = []
    there = _lab(tmp_path / "ray", request, _ray(), messages)

    local, local_pixels = _stored(tmp_path / "here")
    remote, remote_pixels = _stored(tmp_path / "ray")
    assert local == remote  # every number: points, CLIP, calibration, offset noise, threads
    assert [p["training_images"] for p in remote["points"]] == [1, 2]
    assert all("mean_nearest_clip" in p for p in remote["points"])
    assert remote["torch_threads"] == 1
    assert sorted(local_pixels) == sorted(remote_pixels) == ["grid n=1", "grid n=2", "plot"]
    for label, image in local_pixels.items():
        assert np.array_equal(image, remote_pixels[label]), label
    # Each sample and its match, one by one (the grids are drawn from these).
    for a, b in zip(here.result.sizes, there.result.sizes, strict=True):
        assert a.matches == b.matches and a.final_loss == b.final_loss
    assert "2 sizes on ray workers" in messages
    assert [m.split(":")[0] for m in messages if "{" in m] == ["size 1", "size 2"]  # in order


def test_a_worker_killed_mid_lab_is_retried_and_each_size_is_stored_once(ray, demo_model, tmp_path):
    from workstation.analysis.ray_executor import run_on_worker

    marker, finished = tmp_path / "killed", tmp_path / "finished"

    def dies_once(work, item):  # the worker dies while it has the second size, once
        if item.index == 1 and not marker.exists():
            marker.touch()
            os._exit(1)
        outcome = run_on_worker(work, item)
        with open(finished, "a") as log:  # each size a worker finished
            log.write(f"{item.size}\n")
        return outcome

    messages: list[str] = []
    outcome = _lab(tmp_path / "case", _request(demo_model), _ray(worker=dies_once), messages)
    assert marker.exists()
    assert any("worker was lost" in m and "retrying" in m for m in messages)
    assert sorted(finished.read_text().split()) == ["1", "2"]  # each size once
    assert [s.size for s in outcome.result.sizes] == [1, 2]
    with Case.open(tmp_path / "case") as case:
        (record,) = case.records("lab")
        points = record.payload["points"]
        assert [p["training_images"] for p in points] == [1, 2]
        grids = [k.artifact_id for k in record.linked("figure") if k.label.startswith("grid")]
        assert grids == [p["artifact_id"] for p in points]
        assert len(case.artifacts()) == 3  # two grids and the plot, nothing twice
        assert case.verify().ok


def test_a_base_model_changed_after_hashing_is_refused_by_the_ray_worker(ray, demo_model, tmp_path):
    from workstation.analysis.ray_executor import run_on_worker

    base = tmp_path / "base"
    shutil.copytree(demo_model, base)
    weights = base / "unet" / "diffusion_pytorch_model.safetensors"
    marker = tmp_path / "tampered"

    def tampered(work, item):  # a weight's last byte changes after the coordinator hashed it
        try:  # made atomically: two workers starting at once would both flip it (back)
            os.close(os.open(marker, os.O_CREAT | os.O_EXCL))
        except FileExistsError:
            pass
        else:
            with open(weights, "r+b") as stream:
                stream.seek(-1, os.SEEK_END)
                last = stream.read(1)[0]
                stream.seek(-1, os.SEEK_END)
                stream.write(bytes([last ^ 0x01]))
        return run_on_worker(work, item)

    root = tmp_path / "case"
    Case.create(root, title="lab", examiner="t").close()
    with Case.open(root) as case:
        before = snapshot(case)
    with pytest.raises(ModelError) as raised:
        run_lab(
            _request(base),
            writer=CaseWriter(root),
            runtime=Runtime(threads=1),
            executor=_ray(worker=tampered),
        )
    message = str(raised.value)
    assert "\n" not in message and str(base) in message and "refused" in message
    with Case.open(root) as case:
        assert snapshot(case) == before


# Without Ray: the item's checks, in this process.


def _item(demo_model: Path, scenes: Path, tmp_path: Path):
    from workstation.analysis.lab_items import SizeItem
    from workstation.analysis.lab_settings import LabSettings
    from workstation.core.canonical import sha256_file
    from workstation.engine.library import inspect
    from workstation.engine.training import read_captioned_folder

    folder = tmp_path / "images"
    shutil.copytree(scenes, folder)
    data = read_captioned_folder(folder).first(2)
    assert data.file_sha256[0] == sha256_file(folder / data.files[0])
    return SizeItem(
        index=0,
        label="2 training images",
        threads=1,
        size=2,
        settings=LabSettings(sizes=(2,), steps=2, batch_size=2, samples=1, sample_steps=2),
        base=str(demo_model),
        base_sha256=inspect(demo_model).sha256,
        folder=data.folder,
        files=data.files,
        captions=data.captions,
        file_sha256=data.file_sha256,
        resolution=64,
        out=None,
    )


def test_the_worker_refuses_a_changed_training_image_or_another_base(demo_model, scenes, tmp_path):
    from workstation.analysis.lab_items import train_size

    item = _item(demo_model, scenes, tmp_path)
    outcome = train_size(item, Runtime(threads=1))  # as the coordinator hashed them: trained
    assert (
        outcome.size == 2
        and len(outcome.samples) == 1
        and outcome.samples[0].shape
        == (
            64,
            64,
            3,
        )
    )
    assert outcome.threads == 1 and outcome.nearest[0] in (0, 1)

    with pytest.raises(ModelError) as raised:
        train_size(replace(item, base_sha256="0" * 64), Runtime(threads=1))
    assert "\n" not in str(raised.value) and "refused" in str(raised.value)

    image = Path(item.folder) / item.files[1]
    Image.new("RGB", (64, 64), (1, 2, 3)).save(image)  # another picture under the same name
    with pytest.raises(InputError) as raised:
        train_size(item, Runtime(threads=1))
    message = str(raised.value)
    assert "\n" not in message and str(image) in message and "refused" in message


def test_a_cancelled_ray_lab_stores_nothing(ray, demo_model, tmp_path):
    from workstation.core.errors import Cancelled

    root = tmp_path / "case"
    Case.create(root, title="lab", examiner="t").close()
    with Case.open(root) as case:
        before = snapshot(case)
    messages: list[str] = []
    with pytest.raises(Cancelled):
        run_lab(
            _request(demo_model, sizes=(1, 2, 3)),
            writer=CaseWriter(root),
            runtime=Runtime(
                threads=1,
                on_progress=lambda event: messages.append(event.message),
                is_cancelled=lambda: any(m.startswith("size 1: {") for m in messages),
            ),
            executor=_ray(),
        )
    assert any(m.startswith("size 1: {") for m in messages)  # cancelled after the first size
    with Case.open(root) as case:
        assert snapshot(case) == before


def test_the_lab_cli_refuses_ray_without_ray_in_one_line(monkeypatch, demo_model, tmp_path, capsys):
    import sys

    from workstation.cli import main

    monkeypatch.setitem(sys.modules, "ray", None)  # import ray → ImportError
    root = tmp_path / "case"
    Case.create(root, title="lab", examiner="t").close()
    with Case.open(root) as case:
        before = snapshot(case)
    code = main(
        [
            *("lab", "overfit", "--case", str(root), "--base", str(demo_model)),
            *("--sizes", "1", "--steps", "2", "--executor", "ray"),
        ]
    )
    err = capsys.readouterr().err
    assert code != 0 and len(err.strip().splitlines()) == 1 and "pip install" in err
    with Case.open(root) as case:
        assert snapshot(case) == before
