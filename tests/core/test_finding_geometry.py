"""A finding's geometry: a shape drawn on the artifact (arrow, box, callout, distance, angle,
region) in its pixels, checked strictly, stored with the finding, read back; findings without one
are stored and read exactly as before."""

from __future__ import annotations

import json
import math

import pytest

from tests.conftest import run_cli
from workstation.core import records
from workstation.core.canonical import canonical_json
from workstation.core.errors import InputError
from workstation.core.records import Finding, RecordError, check_geometry, geometry_measures

IMAGE = {"width": 40, "height": 30}


def box(points=None, **extra):
    return {"shape": "box", "points": points or [[4, 5], [20, 25]], "image": dict(IMAGE), **extra}


GOOD = [
    box(),
    {"shape": "arrow", "points": [[0, 0], [40, 30]], "image": IMAGE},
    {"shape": "callout", "points": [[10.5, 3.25]], "text": "seam", "image": IMAGE},
    {"shape": "distance", "points": [[1, 1], [4, 5]], "image": IMAGE},
    {"shape": "angle", "points": [[10, 0], [0, 0], [0, 10]], "image": IMAGE},
    {"shape": "region", "points": [[30, 20], [10, 10]], "image": IMAGE},
]
BAD = [
    "box",
    [],
    {**box(), "colour": "red"},
    {**box(), "shape": "circle"},
    {**box(), "points": [[1, 2]]},
    {**box(), "points": [[1, 2], [3]]},
    {**box(), "points": [[1, 2], [3, float("nan")]]},
    {**box(), "points": [[1, 2], [3, float("inf")]]},
    {**box(), "points": [[1, 2], [41, 3]]},
    {**box(), "points": [[-1, 2], [4, 3]]},
    {**box(), "points": [[True, 2], [4, 3]]},
    {**box(), "points": [["1", 2], [4, 3]]},
    {**box(), "points": [(1, 2), (4, 3)]},
    {**box(), "image": {"width": 0, "height": 30}},
    {**box(), "image": {"width": 40.5, "height": 30}},
    {**box(), "image": {"width": 40}},
    {**box(), "image": None},
    {**box(), "text": 5},
    {**box(), "text": "x" * 3000},
    {"shape": "callout", "points": [[1, 1]], "image": IMAGE},
    {"shape": "callout", "points": [[1, 1]], "text": "  ", "image": IMAGE},
    {"shape": "angle", "points": [[1, 1], [2, 2]], "image": IMAGE},
    {**box(), "points": [[10**400, 2], [4, 3]]},  # past a float: refused, not OverflowError
    {**box(), "shape": []},
    {**box(), "text": "\ud800"},  # a lone surrogate (a JSON escape) cannot be stored
    {**box(), "image": {"width": 10**400, "height": 30}},
]


@pytest.mark.parametrize("geometry", GOOD)
def test_good_geometry_round_trips(geometry) -> None:
    finding = Finding(status="check", text="seen", geometry=geometry)
    payload = json.loads(canonical_json(finding.to_payload()))
    assert payload["geometry"] == geometry
    assert records.parse("finding", 2, payload) == finding


@pytest.mark.parametrize("geometry", BAD)
def test_bad_geometry_is_refused(geometry) -> None:
    with pytest.raises(RecordError):
        check_geometry(geometry)
    with pytest.raises(RecordError):
        Finding(status="check", text="seen", geometry=geometry)
    payload = {"status": "check", "text": "seen", "geometry": geometry}
    with pytest.raises(RecordError):
        records.parse("finding", 2, payload)


def test_a_finding_without_geometry_is_stored_as_before() -> None:
    old = {"status": "ok", "text": "same colours", "figure": None}
    parsed = records.parse("finding", 2, old)
    assert parsed.geometry is None
    assert parsed.to_payload() == old  # no "geometry" key: the same canonical text, same hash
    assert records.parse("finding", 1, {"status": "ok", "text": "legacy"}).geometry is None


def test_measures() -> None:
    assert geometry_measures(GOOD[3])["length"] == pytest.approx(5.0)
    assert geometry_measures(GOOD[4])["degrees"] == pytest.approx(90.0)
    region = geometry_measures(GOOD[5])
    assert (region["x"], region["y"], region["width"], region["height"], region["area"]) == (
        10,
        10,
        20,
        10,
        200,
    )
    obtuse = {"shape": "angle", "points": [[1, 0], [0, 0], [-1, -1]], "image": IMAGE}
    assert geometry_measures(obtuse)["degrees"] == pytest.approx(135.0)
    assert math.isclose(geometry_measures(GOOD[1])["length"], 50.0)


def test_stored_with_the_finding_audited_and_verified(case, png) -> None:
    artifact = case.import_file(png)
    made = case.add_finding("check", "the seam", artifact_id=artifact.id, geometry=box())
    record = case.record(made)
    assert record.body.geometry == box()
    assert record.payload["geometry"] == box()
    entry = case.audit_entries()[-1]
    assert entry.details.get("record_id") == made
    plain = case.add_finding("ok", "no shape", artifact_id=artifact.id)
    assert "geometry" not in case.record(plain).payload
    assert case.verify().ok


def test_geometry_must_fit_its_artifact(case, png) -> None:
    artifact = case.import_file(png)  # 40 × 30
    wrong = {"shape": "box", "points": [[1, 1], [2, 2]], "image": {"width": 64, "height": 64}}
    with pytest.raises(InputError, match="64 × 64"):
        case.add_finding("check", "t", artifact_id=artifact.id, geometry=wrong)
    with pytest.raises(InputError, match="geometry"):
        case.add_finding("check", "t", artifact_id=artifact.id, geometry={"shape": "box"})


def test_cli_geometry(tmp_path, png) -> None:
    case = tmp_path / "case"
    run_cli("case", "init", case, "--title", "T", "--examiner", "E", check=True)
    run_cli("case", "import", case, png, check=True)
    geometry = json.dumps(box())
    added = run_cli(
        "finding", "add", case, "--about", "A1", "--status", "check", "--text", "t",
        "--geometry", geometry, check=True,
    )  # fmt: skip
    assert "recorded finding R" in added.stdout
    (row,) = json.loads(run_cli("finding", "list", case, "--json", check=True).stdout)
    assert row["geometry"] == box()
    bad = run_cli(
        "finding", "add", case, "--about", "A1", "--status", "check", "--text", "t",
        "--geometry", "{not json",
    )  # fmt: skip
    assert bad.returncode == 2 and "JSON object" in bad.stderr
