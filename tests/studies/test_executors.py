"""The Ray executor against the in-process one: the same study gives the same images and numbers,
a changed model file is refused by the worker, a worker killed mid-study loses nothing, and a
missing Ray is one line. Local Ray, 2 CPUs, started once for the module."""

from __future__ import annotations

import os
import shutil
import sys

import pytest

from tests.studies.conftest import snapshot
from workstation.analysis.studies import seeds
from workstation.analysis.studies.executors import InProcess, executor_named
from workstation.core.case import Case
from workstation.core.errors import Cancelled, InputError, ModelError
from workstation.engine.stored import output_id

SEEDS = (1, 2, 3, 4)


def _executor(**options):
    from workstation.analysis.ray_executor import RayExecutor

    return RayExecutor(**options)


def _images(case: Case) -> dict[int, str]:
    """seed -> the RGB SHA-256 its generation record states."""
    return {r.body.params["seed"]: r.body.image["rgb_sha256"] for r in case.records("generation")}


def _numbers(outcome) -> list[dict]:
    """The study's points without what names the case's files (IDs; the PNG's bytes hold the
    record, whose timings differ from run to run)."""
    return [
        {k: v for k, v in p.items() if k not in ("artifact_id", "image_sha256")}
        for p in outcome.payload["points"]
    ]


def test_the_same_seed_study_on_both_executors_gives_identical_images_and_numbers(
    ray, params, reference, tmp_path
):
    study = seeds.SeedStudy(params, reference, seeds=SEEDS)
    with (
        Case.create(tmp_path / "here", "t", "E") as here,
        Case.create(tmp_path / "ray", "t", "E") as there,
    ):
        local = seeds.run(here, study, executor=InProcess())
        events = []
        remote = seeds.run(
            there,
            study,
            executor=_executor(),
            on_progress=lambda step, total, detail: events.append((step, total, detail)),
        )
        assert _images(here) == _images(there) and len(_images(here)) == len(SEEDS)
        assert _numbers(local) == _numbers(remote)
        assert local.payload["summary"] == remote.payload["summary"]
        assert remote.payload["counts"] == {"items": 4, "generated": 4, "reused": 0}
        # Progress: each item reported once it is stored, the last at total.
        stored = [e for e in events if isinstance(e[2], str) and "stored as" in e[2]]
        assert len(stored) == 4 and stored[-1][0] == stored[-1][1] == 4 * params.steps
        assert there.verify().ok

        # The same study again, on either executor: everything reused, nothing generated.
        again = seeds.run(there, study, executor=_executor())
        assert (again.generated, again.reused) == (0, 4)
        assert len(there.records("generation")) == 4


def test_a_model_file_changed_after_hashing_is_refused_by_the_worker(
    ray, params, reference, tmp_path, new_case
):
    from workstation.analysis.ray_executor import run_on_worker

    model = tmp_path / "copy.safetensors"
    shutil.copy(params.model, model)

    marker = tmp_path / "tampered"

    def tampered(work, task):  # a weight's last byte changes after the coordinator hashed it
        try:  # made atomically: two workers starting at once would both flip it (back)
            os.close(os.open(marker, os.O_CREAT | os.O_EXCL))
        except FileExistsError:
            pass
        else:
            with open(task.params.model, "r+b") as stream:
                stream.seek(-1, os.SEEK_END)
                last = stream.read(1)[0]
                stream.seek(-1, os.SEEK_END)
                stream.write(bytes([last ^ 0x01]))
        return run_on_worker(work, task)

    before = snapshot(new_case)
    study = seeds.SeedStudy(params.replace(model=str(model)), reference, seeds=(1, 2))
    with pytest.raises(ModelError) as raised:
        seeds.run(new_case, study, executor=_executor(worker=tampered))
    message = str(raised.value)
    assert "\n" not in message and str(model) in message and "refused" in message
    assert snapshot(new_case) == before


def test_a_worker_killed_mid_study_is_retried_and_nothing_is_lost_or_duplicated(
    ray, params, reference, tmp_path, new_case
):
    from workstation.analysis.ray_executor import run_on_worker

    marker = tmp_path / "killed"

    def dies_once(work, task):  # the worker process dies in the middle of the second item, once
        if task.index == 1 and not marker.exists():
            marker.touch()
            os._exit(1)
        return run_on_worker(work, task)

    messages = []
    outcome = seeds.run(
        new_case,
        seeds.SeedStudy(params, reference, seeds=SEEDS),
        executor=_executor(worker=dies_once),
        on_progress=lambda step, total, detail: messages.append(detail),
    )
    assert marker.exists()
    assert any(isinstance(m, str) and "worker was lost" in m and "retrying" in m for m in messages)
    assert (outcome.generated, outcome.reused) == (4, 0)
    records = new_case.records("generation")
    assert sorted(r.body.params["seed"] for r in records) == list(SEEDS)  # once each
    assert len(new_case.artifacts("generated")) == 4
    assert sorted(k.record_id for k in outcome.record.linked("item")) == sorted(
        r.id for r in records
    )
    assert new_case.verify().ok


def test_a_cancelled_ray_study_keeps_what_it_stored_and_resumes_in_process(
    ray, params, reference, new_case
):
    study = seeds.SeedStudy(params, reference, seeds=SEEDS)
    stored = []

    def progress(step, total, detail):
        if isinstance(detail, str) and "stored as" in detail:
            stored.append(detail)

    with pytest.raises(Cancelled):
        seeds.run(
            new_case,
            study,
            executor=_executor(),
            on_progress=progress,
            is_cancelled=lambda: len(stored) >= 1,
        )
    kept = new_case.records("generation")
    assert 1 <= len(kept) < len(SEEDS) and all(output_id(r) for r in kept)
    assert new_case.records("study") == [] and new_case.verify().ok

    # The coordinator stopped; the case's own records are where the next run starts.
    outcome = seeds.run(new_case, study, executor=InProcess())
    assert (outcome.generated, outcome.reused) == (len(SEEDS) - len(kept), len(kept))
    assert len(new_case.records("generation")) == len(SEEDS)


def test_without_ray_installed_the_ray_executor_is_one_line(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray → ImportError
    with pytest.raises(InputError) as raised:
        executor_named("ray")
    assert "\n" not in str(raised.value) and "pip install" in str(raised.value)


def test_the_cli_refuses_ray_without_ray_in_one_line(
    monkeypatch, models_dir, reference, new_case, capsys
):
    from workstation.cli import main

    monkeypatch.setitem(sys.modules, "ray", None)
    before = snapshot(new_case)
    code = main(
        [
            *("study", "seeds", "--case", str(new_case.root), "--prompt", "x", "--count", "2"),
            *("--model", str(models_dir / "tiny.safetensors"), "--reference", str(reference)),
            *("--executor", "ray"),
        ]
    )
    err = capsys.readouterr().err
    assert code != 0 and len(err.strip().splitlines()) == 1 and "pip install" in err
    assert snapshot(new_case) == before


def test_a_cluster_address_nothing_answers_at_is_one_line_at_once(
    models_dir, reference, new_case, capsys
):
    """Ray itself would retry for minutes, printing its log; the address is tried first."""
    import socket

    from workstation.cli import main

    with socket.socket() as probe:  # a loopback port nothing listens on once it is closed
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    before = snapshot(new_case)
    code = main(
        [
            *("study", "seeds", "--case", str(new_case.root), "--prompt", "x", "--count", "2"),
            *("--model", str(models_dir / "tiny.safetensors"), "--reference", str(reference)),
            *("--executor", "ray", "--ray-address", f"127.0.0.1:{closed}"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1, err
    assert f"cannot reach the Ray cluster at 127.0.0.1:{closed}" in err
    assert snapshot(new_case) == before


def test_a_cluster_address_must_name_a_port():
    from workstation.analysis.ray_executor import check_reachable

    with pytest.raises(InputError, match="HOST:PORT"):
        check_reachable("head-node")
    check_reachable("auto")  # Ray looks for the cluster itself


def test_in_process_rejects_a_ray_address():
    with pytest.raises(InputError):
        executor_named("inprocess", "127.0.0.1:6379")


def test_the_workers_verify_lora_and_init_files(params, tmp_path):
    from workstation.analysis.studies.executors import verify_files
    from workstation.core.canonical import sha256_file
    from workstation.core.params import LoraSpec

    lora = tmp_path / "l.safetensors"
    lora.write_bytes(b"abc")
    good = params.replace(loras=(LoraSpec(str(lora), 1.0, sha256_file(lora)),))
    verify_files(good)
    lora.write_bytes(b"abd")
    with pytest.raises(ModelError, match="refused"):
        verify_files(good)


def test_cuda_items_hold_a_gpu_on_ray_and_a_cluster_without_one_is_refused(params):
    from workstation.analysis.ray_executor import RayExecutor
    from workstation.analysis.studies.executors import ItemTask

    class FakeRay:  # what `_remote` asks of Ray: the task's options, the cluster's resources
        def __init__(self, resources):
            self.resources, self.options = resources, None

        def remote(self, function):
            fake = self

            class Remote:
                def options(self, **options):
                    fake.options = options
                    return self

            return Remote()

        def cluster_resources(self):
            return self.resources

    def tasks(device):
        return [ItemTask(0, "seed 1", params.replace(device=device), False, 1)]

    ray = FakeRay({"CPU": 8.0, "GPU": 2.0})
    assert RayExecutor()._remote(ray, tasks("cuda"))[1] == 2  # one item per GPU at once
    assert ray.options["num_gpus"] == 1.0
    assert RayExecutor()._remote(ray, tasks("cpu"))[1] == 8 and ray.options["num_gpus"] == 0.0
    with pytest.raises(InputError, match="no GPU"):
        RayExecutor()._remote(FakeRay({"CPU": 8.0}), tasks("cuda"))
