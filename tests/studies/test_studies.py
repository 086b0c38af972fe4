"""Each study end to end on a tiny model; resuming, cancelling, the report and the CLI.

What a study reuses is proven by the case (tests/studies/test_forgery.py tries to fool it)."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import run_cli
from workstation.analysis.studies import lora_scale, seeds, strength, trajectory
from workstation.analysis.studies.metrics import metric_names
from workstation.core.case import Case
from workstation.core.errors import Cancelled
from workstation.core.records import Generation
from workstation.engine.stored import kept_steps, linked_id, output_id

from .conftest import snapshot


@pytest.fixture(scope="module")
def studied(models_dir, params, reference, tmp_path_factory, tiny_clip) -> dict:
    """One case holding one record of every study (run once for the tests below)."""
    from workstation.analysis.clip import ClipModel

    root = tmp_path_factory.mktemp("studied") / "case"
    with Case.create(root, "studies", "Examiner") as case:
        outcomes = {
            "trajectory": trajectory.run(case, trajectory.TrajectoryStudy(params)),
            "strength": strength.run(
                case,
                strength.StrengthStudy(
                    params.replace(init_image=str(reference), strength=0.5),
                    strengths=(0.25, 0.5, 1.0),
                    seeds=(1, 2),
                ),
            ),
            "lora-scale": lora_scale.run(
                case,
                lora_scale.LoraScaleStudy(
                    params, models_dir / "kohya.safetensors", reference, scales=(0.0, 0.75, 1.5)
                ),
                clip_model=ClipModel.load(tiny_clip["folder"]),
            ),
            "seeds": seeds.run(case, seeds.SeedStudy(params, reference, seeds=(1, 2, 3, 4))),
        }
    return {"root": root, "outcomes": outcomes}


def _record(root: Path, record_id: int):
    with Case.open(root) as case:
        return next(r for r in case.records("study") if r.id == record_id), case.artifacts()


def test_trajectory_stores_every_step_a_grid_a_plot_and_the_numbers(studied):
    outcome = studied["outcomes"]["trajectory"]
    record, artifacts = _record(studied["root"], outcome.record_id)
    payload = record.payload
    by_id = {a.id: a for a in artifacts}
    assert payload["study"] == "trajectory" and payload["parameter"] == "step"
    assert "artifacts" not in payload  # what it used and made is said by its links
    assert [p["step"] for p in payload["points"]] == [1, 2, 3, 4]
    assert payload["points"][-1]["ssim"] == pytest.approx(1.0)  # the last step is the image
    steps = kept_steps(record)
    assert [(s.step, s.kind) for s in steps] == [(n, "decoded") for n in (1, 2, 3, 4)]
    assert [p["artifact_id"] for p in payload["points"]] == [s.artifact_id for s in steps]
    assert all(by_id[s.artifact_id].role == "generated" for s in steps)
    grid = by_id[linked_id(record, "grid", "figure")]
    assert grid.media_type == "image/png" and grid.width >= 4 * 200  # four labelled cells
    assert by_id[linked_id(record, "plot", "figure")].width >= 1200  # 200 dpi
    assert by_id[linked_id(record, "data_csv", "figure")].media_type == "text/csv"
    assert outcome.generated == 1 and outcome.reused == 0
    # Its one item is a generation record of its own, with the same image and steps.
    (item,) = record.linked("item")
    with Case.open(studied["root"]) as case:
        generation = case.record(item.record_id)
    assert isinstance(generation.body, Generation) and generation.body.study_key
    assert output_id(generation) == output_id(record) == payload["highlights"][0]["artifact_id"]
    assert kept_steps(generation) == steps


def test_strength_sweep_measures_each_output_against_the_source(studied):
    payload = studied["outcomes"]["strength"].payload
    points = payload["points"]
    assert [(p["strength"], p["seed"]) for p in points] == [
        (s, seed) for seed in (1, 2) for s in (0.25, 0.5, 1.0)
    ]
    assert {"phash_distance", "ssim", "phash_band", "ssim_band", "artifact_id"} <= set(points[0])
    # One series per study metric of the registry (no CLIP model here).
    assert [s["metric"] for s in payload["series"]] == metric_names(None)
    assert payload["series"][1]["x"] == [0.25, 0.5, 1.0]
    assert payload["highlights"][0]["label"] == "source"
    assert payload["reference"]["artifact_id"] == payload["highlights"][0]["artifact_id"]
    with Case.open(studied["root"]) as case:
        grid = case.artifact(studied["outcomes"]["strength"].figures()["grid"])
    assert grid.height > grid.width * 0.8  # every output: 2 rows (seeds) × 3 columns


def test_lora_scale_sweep_with_clip(studied):
    payload = studied["outcomes"]["lora-scale"].payload
    assert payload["metrics"] == metric_names(None) + ["clip"]
    assert [p["scale"] for p in payload["points"]] == [0.0, 0.75, 1.5]
    assert all(-1.0 <= p["clip"] <= 1.0 for p in payload["points"])
    # The first image's request; the sweep replaces the LoRA's scale (and the seed).
    (swept,) = payload["base_params"]["loras"]
    assert swept["scale"] == 0.0 and len(swept["sha256"]) == 64
    assert payload["settings"]["lora"].endswith("kohya.safetensors")


def test_seed_sweep_finds_the_seed_that_made_the_reference(studied):
    """The reference is seed 2's output: one of four in the near-duplicate band, shown first."""
    payload = studied["outcomes"]["seeds"].payload
    summary = payload["summary"]
    assert summary["closest_seed"] == 2 and summary["closest_ssim"] == pytest.approx(1.0)
    assert summary["near_duplicate"]["phash_distance"] == {
        "count": 1,
        "of": 4,
        "fraction": 0.25,
        "rule": "near-duplicate ≤ 7; similar ≤ 21; otherwise different",
    }
    assert summary["near_duplicate"]["ssim"]["fraction"] == 0.25
    assert payload["highlights"][1]["label"].startswith("seed 2\n")

    with Case.open(studied["root"]) as case:
        data = case.artifact(studied["outcomes"]["seeds"].figures()["data_csv"])
        rows = list(csv.DictReader(io.StringIO(case.object_path(data.sha256).read_text())))
    assert [int(r["seed"]) for r in rows] == [1, 2, 3, 4]
    assert rows[1]["phash_distance"] == "0" and rows[1]["phash_band"] == "near-duplicate"


def test_the_case_verifies_and_every_study_links_its_items(studied):
    with Case.open(studied["root"]) as case:
        assert case.verify().ok
        for outcome in studied["outcomes"].values():
            record = case.record(outcome.record_id)
            items = [case.record(k.record_id) for k in record.linked("item")]
            keys = {p.get("params_key") for p in record.payload["points"]} - {None}
            assert {i.body.study_key for i in items} >= keys
            # Each item's image is linked by the study as an output, under the item's label.
            assert {output_id(i) for i in items} == {k.artifact_id for k in record.linked("output")}
            if record.payload["study"] != "trajectory":  # a txt2img trajectory has no input
                (reference,) = record.linked("reference")
                assert reference.artifact_id == record.payload["reference"]["artifact_id"]
    assert not (studied["root"] / "work").exists()  # nothing is kept outside the case


def test_the_report_shows_every_study(studied, tmp_path):
    from workstation.report import ReportOptions, build_report

    out = tmp_path / "report.pdf"
    with Case.open(studied["root"]) as case:
        built = build_report(case, ReportOptions(out=out))
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    for title in (
        "Denoising trajectory, seed 1",
        "img2img strength sweep",
        "LoRA scale sweep (kohya)",
        "Seed sweep, 4 seeds (memorisation test)",
    ):
        assert text.count(title) >= 2, title  # contents and heading
    assert "The study's plot" in text and "The study's images" in text
    assert "In the near-duplicate band by pHash" in text
    assert "1 of 4 outputs (25%)" in text
    # Only the reference is an exhibit: what the studies produced is shown in their sections,
    # and so are the generation records of their images.
    assert built.exhibits == 1
    assert "Generation 1" not in text


def test_a_cancelled_study_keeps_its_finished_items_and_resumes_from_them(
    new_case, params, reference, monkeypatch
):
    import workstation.engine.generate as engine

    calls = []
    real = engine.generate
    monkeypatch.setattr(engine, "generate", lambda *a, **k: calls.append(1) or real(*a, **k))
    study = seeds.SeedStudy(params, reference, seeds=(11, 12, 13, 14))

    # 1. Stop once two items are finished: Cancelled; those two are in the case, each its own
    #    generation record, and no study record.
    finished = []

    def progress(step, total, detail):
        if isinstance(detail, str) and "generated" in detail:
            finished.append(detail)

    with pytest.raises(Cancelled):
        seeds.run(new_case, study, on_progress=progress, is_cancelled=lambda: len(finished) >= 2)
    assert len(calls) == 2  # the third was stopped before it began
    kept = new_case.records("generation")
    assert [r.body.params["seed"] for r in kept] == [11, 12]
    assert all(r.body.study_key and output_id(r) for r in kept)
    assert new_case.records("study") == [] and new_case.verify().ok
    assert not (new_case.root / "work").exists()

    # 2. Run again: the two finished items are reused from the case, the rest generated.
    calls.clear()
    outcome = seeds.run(new_case, study)
    assert (outcome.generated, outcome.reused) == (2, 2) and len(calls) == 2
    items = [k.record_id for k in outcome.record.linked("item")]
    assert items[:2] == [r.id for r in kept]
    assert outcome.payload["counts"] == {"items": 4, "generated": 2, "reused": 2}

    # 3. A wider sweep later reuses the four images already stored in the case.
    calls.clear()
    images_before = len(new_case.artifacts("generated"))
    wider = seeds.run(new_case, seeds.SeedStudy(params, reference, seeds=(11, 12, 13, 14, 15)))
    assert (wider.generated, wider.reused) == (1, 4) and len(calls) == 1
    assert len(new_case.artifacts("generated")) == images_before + 1
    first = {p["seed"]: p["artifact_id"] for p in outcome.payload["points"]}
    assert all(first[p["seed"]] == p["artifact_id"] for p in wider.payload["points"][:4])
    assert new_case.verify().ok


def test_cancel_during_a_step_stops_at_once(new_case, params, reference):
    before = snapshot(new_case)
    steps = []

    def progress(step, total, detail):
        if not isinstance(detail, str):
            steps.append(step)

    with pytest.raises(Cancelled):
        trajectory.run(
            new_case,
            trajectory.TrajectoryStudy(params),
            on_progress=progress,
            is_cancelled=lambda: len(steps) >= 2,
        )
    assert steps == [1, 2]
    assert snapshot(new_case) == before  # a half-made item is not kept
    assert not (new_case.root / "work").exists()


def test_bad_settings_are_refused_before_anything_runs(params, reference):
    from workstation.core.errors import InputError

    with pytest.raises(InputError, match="use at least 20 steps"):
        strength.StrengthStudy(
            params.replace(init_image=str(reference), strength=0.5), strengths=(0.05,)
        ).items()
    with pytest.raises(InputError, match="at least two seeds"):
        seeds.SeedStudy(params, reference, seeds=(1,)).items()


def test_cli_ctrl_c_then_rerun_reuses_the_finished_images(models_dir, reference, tmp_path):
    case_dir = tmp_path / "case"
    with Case.create(case_dir, "cli", "Examiner"):
        pass
    common = [
        "study", "seeds", "--case", case_dir, "--model", models_dir / "tiny.safetensors",
        "--prompt", "a lighthouse at dusk", "--steps", "4", "--width", "64", "--height", "64",
        "--reference", reference,
    ]  # fmt: skip
    env = {**os.environ, "OMP_NUM_THREADS": "1"}  # the same thread count in both runs
    # 1. Ctrl-C after the first image: exit 130, the finished images stored, no study record.
    process = subprocess.Popen(
        [sys.executable, "-m", "workstation", *map(str, common), "--count", "200"],
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    lines = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        lines.append(line)
        if "generated in" in line:
            break
    process.send_signal(signal.SIGINT)
    rest = process.communicate(timeout=60)[1]
    assert process.returncode == 130, "".join(lines) + rest
    assert "cancelled; no study record was written" in rest
    with Case.open(case_dir) as case:
        kept = case.records("generation")
        assert kept and not case.records("study")
        assert [r.body.params["seed"] for r in kept] == list(range(1, len(kept) + 1))
        assert case.verify().ok

    # 2. Again with two seeds: seed 1 (at least) comes from the case.
    result = run_cli(*common, "--count", "2", env=env)
    assert result.returncode == 0, result.stderr
    assert f"item 1/2 (seed 1): reused from the case (generation record #{kept[0].id})" in (
        result.stderr
    )
    study_id = len(kept) + (1 if len(kept) >= 2 else 2)  # seed 2 is made now if it was not
    assert "stored in case" in result.stdout and f"study record #{study_id}" in result.stdout
