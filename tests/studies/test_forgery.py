"""A study reuses only what the case proves: never a planted image, never an altered one.

The reference is what seed 2 makes. A seed sweep over 1 and 2 meets it once; an image of it
passed off as seed 1's output would turn that into "2 of 2 near-duplicate", which is what each
forgery below tries.
"""

from __future__ import annotations

import os
import stat
from dataclasses import replace
from pathlib import Path

import pytest

from workstation.analysis.studies import seeds
from workstation.analysis.studies.runner import Item, StudyRun
from workstation.core.case import Case
from workstation.core.errors import CaseError
from workstation.core.records import Link
from workstation.engine.stored import output_id


def _study(params, reference) -> seeds.SeedStudy:
    return seeds.SeedStudy(params, reference, seeds=(1, 2))


def _key_of_seed_1(case: Case, params) -> str:
    return StudyRun(case).key(Item(params.replace(seed=1), {"seed": 1}))


def _record_of_seed_2(params) -> dict:
    """A genuine generation record: the one seed 2 gets (its image is the reference)."""
    from workstation.engine.generate import generate
    from workstation.engine.loading import load_model

    return generate(load_model(params.model, device="cpu"), params.replace(seed=2)).record


def _near_duplicates(outcome) -> int:
    return outcome.payload["summary"]["near_duplicate"]["phash_distance"]["count"]


def test_an_import_whose_note_names_the_key_is_not_reused(new_case, params, reference):
    key = _key_of_seed_1(new_case, params)
    planted = new_case.import_file(reference, role="generated", note=f"seed 1; params {key}")
    outcome = seeds.run(new_case, _study(params, reference))
    assert (outcome.generated, outcome.reused) == (2, 0)
    assert _near_duplicates(outcome) == 1  # seed 2 only
    assert planted.id not in [p["artifact_id"] for p in outcome.payload["points"]]


def test_a_file_planted_in_the_scratch_folder_is_not_reused(new_case, params, reference):
    """What older versions kept in CASE/work/studies/<key>/ is never read: the audit log does not
    cover it. This one even carries a valid generation record."""
    from PIL import Image

    from workstation.engine.pngmeta import save_png

    key = _key_of_seed_1(new_case, params)
    folder = new_case.root / "work" / "studies" / key
    folder.mkdir(parents=True)
    with Image.open(reference) as image:
        save_png(image.convert("RGB"), folder / "image.png", _record_of_seed_2(params))
    outcome = seeds.run(new_case, _study(params, reference))
    assert (outcome.generated, outcome.reused) == (2, 0)
    assert _near_duplicates(outcome) == 1


def test_a_record_whose_image_is_not_its_pixels_is_not_reused(new_case, params, reference):
    """A generation record with the item's key and params, linking an image that is not the one
    its rgb_sha256 names (the reference), proves nothing: the item is generated again."""
    first = seeds.run(new_case, _study(params, reference))
    genuine = next(r for r in new_case.records("generation") if r.body.params["seed"] == 1)
    planted = new_case.import_file(reference, role="generated", note="seed 1")
    forged = new_case.add_record(genuine.body, [Link("output", "output", artifact_id=planted.id)])
    # The genuine record comes first and proves itself: hide it by withdrawing it.
    new_case.withdraw_record(genuine.id, "test: only the forged record is left")
    again = seeds.run(new_case, _study(params, reference))
    assert (again.generated, again.reused) == (1, 1)
    assert _near_duplicates(again) == _near_duplicates(first) == 1
    assert forged not in [k.record_id for k in again.record.linked("item")]


def test_a_record_of_other_params_is_not_reused(new_case, params, reference):
    """Seed 2's genuine record and image, relabelled with seed 1's key: its pixels match its own
    record, but its params are not seed 1's."""
    seeds.run(new_case, _study(params, reference))
    genuine = {r.body.params["seed"]: r for r in new_case.records("generation")}
    new_case.withdraw_record(genuine[1].id, "test: only the forged record is left")
    body = replace(genuine[2].body, study_key=genuine[1].body.study_key)
    image = Link("output", "output", artifact_id=output_id(genuine[2]))
    forged = new_case.add_record(body, [image])
    notes = []
    again = seeds.run(
        new_case, _study(params, reference), on_progress=lambda s, t, d: notes.append(d)
    )
    assert (again.generated, again.reused) == (1, 1)
    assert _near_duplicates(again) == 1
    assert f"generation record #{forged} not reused: its parameters are not this item's" in notes


def test_an_altered_stored_image_stops_the_study(new_case, params, reference):
    """A real earlier item whose stored file was replaced: the case is damaged, and the study
    says so rather than building on it (or quietly making a new copy beside it)."""
    seeds.run(new_case, _study(params, reference))
    genuine = next(r for r in new_case.records("generation") if r.body.params["seed"] == 1)
    artifact = new_case.artifact(output_id(genuine))
    path = new_case.object_path(artifact.sha256)
    os.chmod(path, stat.S_IWUSR | stat.S_IRUSR)
    path.write_bytes(Path(reference).read_bytes())
    records_before = len(new_case.records())
    with pytest.raises(CaseError, match=rf"artifact #{artifact.id} .*no longer matches"):
        seeds.run(new_case, _study(params, reference))
    assert len(new_case.records()) == records_before  # nothing generated or stored
    assert not new_case.verify().ok
