"""The provenance record's life in a case: made at import (never failing it), filled in for cases
made before it existed (`case provenance`), checked by verify, shown by `metadata --case`, and
made for the images the workstation stores itself (demo, generate)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.provenance.conftest import a1111_infotext, chunk, png_bytes, with_chunks
from workstation import cli
from workstation.app import provenance as app_provenance
from workstation.app.case_writer import CaseWriter
from workstation.app.evidence import ImportRequest, import_evidence
from workstation.app.provenance import stored_provenance
from workstation.core import case as core_case
from workstation.core.case import DB_NAME, Case

INFOTEXT = a1111_infotext("a lighthouse", "blurry", {"Steps": 20, "Seed": 1234, "Size": "64x48"})


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """An A1111 PNG, a PNG whose compressed text is corrupt, and a text file."""
    made = {
        "a1111.png": png_bytes({"parameters": INFOTEXT}),
        "corrupt.png": with_chunks(png_bytes(), chunk(b"zTXt", b"notes\x00\x00not zlib at all")),
        "notes.txt": b"the examiner's notes\n",
    }
    folder = tmp_path / "in"
    folder.mkdir()
    for name, data in made.items():
        (folder / name).write_bytes(data)
    return {name: folder / name for name in made}


def actions(case: Case) -> list[str]:
    return [entry.action for entry in case.audit_entries()]


def run(capsys, *argv: object) -> tuple[int, str, str]:
    code = cli.main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_import_records_each_image_and_a_bad_signal_is_a_warning(tmp_path, files) -> None:
    Case.create(tmp_path / "case", title="T", examiner="Ann").close()
    request = ImportRequest(files=tuple(files.values()))
    a1111, corrupt, notes = import_evidence(request, CaseWriter(tmp_path / "case"))
    with Case.open(tmp_path / "case") as case:
        assert actions(case) == ["case created"] + ["import"] * 3 + ["provenance"] * 2
        found = stored_provenance(case, a1111.id)
        assert found.recipe.seed == 1234 and found.path == "a1111.png"
        assert found.sha256 == a1111.sha256
        bad = stored_provenance(case, corrupt.id)
        assert any("'notes': compressed text is corrupt" in w for w in bad.warnings)
        assert stored_provenance(case, notes.id) is None
        assert case.verify().ok


def test_a_reader_failure_never_fails_the_import(tmp_path, files, monkeypatch) -> None:
    def broken(path):
        raise RuntimeError("reader bug")

    monkeypatch.setattr(app_provenance, "read_metadata", broken)
    Case.create(tmp_path / "case", title="T", examiner="Ann").close()
    request = ImportRequest(files=(files["a1111.png"],))
    (artifact,) = import_evidence(request, CaseWriter(tmp_path / "case"))
    with Case.open(tmp_path / "case") as case:
        meta = stored_provenance(case, artifact.id)
    assert meta.warnings == ("the metadata could not be read (RuntimeError: reader bug)",)
    assert (meta.width, meta.height, meta.recipes) == (64, 48, ())


def old_case(root: Path, files: dict[str, Path]) -> None:
    """A case as a version before provenance records made it: artifacts only."""
    with Case.create(root, title="Old", examiner="Ann") as case:
        for path in files.values():
            case.import_file(path)


def test_case_provenance_fills_in_an_old_case_once(tmp_path, files, capsys) -> None:
    root = tmp_path / "case"
    old_case(root, files)
    code, out, _ = run(capsys, "case", "provenance", root)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["#1", "R1", "a1111.png"]
    assert lines[1].split() == ["#2", "R2", "corrupt.png"]
    assert lines[2].split() == ["#3", "not", "an", "image", "notes.txt"]
    assert lines[3] == "recorded the provenance of 2 image(s)"
    with Case.open(root) as case:
        assert actions(case) == ["case created"] + ["import"] * 3 + ["provenance"] * 2
        assert stored_provenance(case, 1).recipe.seed == 1234
        assert case.verify().ok
    # a second run adds nothing
    code, out, _ = run(capsys, "case", "provenance", root, "--artifact", 1)
    assert (code, out.splitlines()[0].split()) == (0, ["#1", "already", "recorded", "a1111.png"])
    code, out, _ = run(capsys, "case", "provenance", root)
    assert out.splitlines()[-1] == "recorded the provenance of 0 image(s); nothing to add"
    with Case.open(root) as case:
        assert len(case.audit_entries()) == 6


def test_case_provenance_on_a_read_only_case_is_one_line(tmp_path, files, capsys, monkeypatch):
    root = tmp_path / "case"
    old_case(root, files)
    # root may write anywhere; read-only media refuse even root: say the folder is not writable
    monkeypatch.setattr(core_case, "_writable", lambda root: False)
    code, out, err = run(capsys, "case", "provenance", root)
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "read-only" in err
    with Case.open(root, readonly=True) as case:
        assert case.records("provenance") == []


def test_verify_catches_a_rewritten_provenance_payload(tmp_path, files) -> None:
    Case.create(tmp_path / "case", title="T", examiner="Ann").close()
    import_evidence(ImportRequest(files=(files["a1111.png"],)), CaseWriter(tmp_path / "case"))
    with Case.open(tmp_path / "case") as case:
        assert case.verify().ok
        (record,) = case.records("provenance")
    conn = sqlite3.connect(tmp_path / "case" / DB_NAME, isolation_level=None)
    triggers = list(conn.execute("SELECT name, sql FROM sqlite_master WHERE type='trigger'"))
    for name, _ in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    (payload,) = conn.execute("SELECT payload FROM records WHERE id = ?", (record.id,)).fetchone()
    assert '"seed":1234' in payload
    forged = payload.replace('"seed":1234', '"seed":4321')
    conn.execute("UPDATE records SET payload = ? WHERE id = ?", (forged, record.id))
    for _, sql in triggers:
        conn.execute(sql)
    conn.close()
    with Case.open(tmp_path / "case") as case:
        report = case.verify()
    assert not report.ok
    assert report.problems == [f"record #{record.id} (provenance): content has changed"]


def test_metadata_shows_the_recorded_provenance(tmp_path, files, capsys) -> None:
    root = tmp_path / "case"
    old_case(root, files)
    code, _, err = run(capsys, "metadata", "--case", root, "--artifact", 1)
    assert code == 2 and "`workstation case provenance" in err and err.count("\n") == 1
    code, _, err = run(capsys, "metadata", "--case", root, "--artifact", 3)
    assert code == 2 and "text/plain" in err
    run(capsys, "case", "provenance", root)
    # the stored file changes nothing: what is shown is the record
    code, out, _ = run(capsys, "metadata", "--case", root, "--artifact", "#1")
    assert code == 0
    with Case.open(root) as case:
        (record, _) = case.records("provenance")
    first, *rest = out.splitlines()
    assert first.startswith(f"Shown       recorded at import, {record.created_at[:19]}Z (record R")
    assert "about artifact #1" in first and "File        a1111.png" in rest
    assert any(line.split() == ["seed", "1234"] for line in rest)
    code, out, _ = run(capsys, "metadata", "--case", root, "--artifact", 1, "--json")
    data = json.loads(out)
    assert (data["record_id"], data["artifact_id"], data["recipes"][0]["seed"]) == (1, 1, 1234)
    assert data["recorded_at"] == record.created_at
    # IMAGE, or --case with --artifact: not both, not half
    for argv in (
        ("--case", root),
        ("--artifact", 1),
        (files["a1111.png"], "--case", root, "--artifact", 1),
    ):
        code, _, err = run(capsys, "metadata", *argv)
        assert code == 2 and "give an IMAGE, or --case DIR with --artifact ID" in err


def test_the_sample_case_has_provenance_for_its_images(tmp_path) -> None:
    from workstation.app.sample_case import SAMPLE_ROLES, build_sample_case

    with build_sample_case(tmp_path / "sample") as case:
        artifacts = case.artifacts()
        assert sorted(a.original_name for a in artifacts) == sorted(SAMPLE_ROLES)
        for artifact in artifacts:
            meta = stored_provenance(case, artifact.id)
            assert meta.sha256 == artifact.sha256 and meta.path == artifact.original_name
        assert actions(case).count("provenance") == 4
        assert case.verify().ok
    # a sample case an earlier version built gets them when the demo opens it again
    from workstation.paths import SAMPLES_DIR

    with Case.create(tmp_path / "older", title="Sample", examiner="Demo") as case:
        for name in SAMPLE_ROLES:
            case.import_file(SAMPLES_DIR / name)
    with build_sample_case(tmp_path / "older") as case:
        assert all(stored_provenance(case, a.id) for a in case.artifacts())
    with build_sample_case(tmp_path / "older") as case:  # and only once
        assert actions(case).count("provenance") == 4


@pytest.mark.slow  # builds a tiny model and runs it (about 10 s on a shared CPU)
def test_generated_images_get_their_provenance(tmp_path, files) -> None:
    """Generate stores its output, its init image and kept steps itself, not through an import:
    each gets a record in the same transaction."""
    from workstation.app.generate import KEEP_FINAL, GenerateRequest, generate
    from workstation.app.recipe import Recipe
    from workstation.engine.tiny import build_tiny_model

    model = build_tiny_model(tmp_path / "tiny.safetensors", "single-file")
    root = tmp_path / "case"
    Case.create(root, title="T", examiner="Ann").close()
    recipe = Recipe(
        model=model,
        prompt="a red square",
        seed=3,
        steps=2,
        width=64,
        height=64,
        init=files["a1111.png"],
        strength=0.5,
    )
    made = generate(GenerateRequest(recipe=recipe, keep_steps=KEEP_FINAL), writer=CaseWriter(root))
    with Case.open(root) as case:
        images = case.artifacts()
        assert [a.role for a in images] == ["other", "generated", "generated", "generated"]
        (record,) = case.records("generation")
        steps = {link.artifact_id for link in record.linked("step")}
        assert len(steps) == 2 and made.output_artifact not in steps
        for artifact in images:
            meta = stored_provenance(case, artifact.id)
            if artifact.id in steps:  # the generation record says how its steps were made
                assert meta is None
            else:
                assert meta is not None and meta.sha256 == artifact.sha256
        assert stored_provenance(case, images[0].id).recipe.seed == 1234  # the init image's own
        output = stored_provenance(case, made.output_artifact)
        assert output.generator == "Workstation" and output.recipe.seed == 3
        assert actions(case).count("provenance") == 2
        assert case.verify().ok


def test_images_a_comparison_brings_into_the_case_get_their_provenance(tmp_path, files, capsys):
    """`compare A B --case` imports A and B when the case lacks them (and stores its pictures):
    not through `case import`, yet each gets its record."""
    root = tmp_path / "case"
    Case.create(root, title="T", examiner="Ann").close()
    other = files["a1111.png"].with_name("other.png")
    other.write_bytes(png_bytes({"Comment": "a second image"}, size=(64, 48)))
    code, _, err = run(capsys, "compare", files["a1111.png"], other, "--case", root)
    assert code == 0, err
    with Case.open(root) as case:
        images = [a for a in case.artifacts() if a.media_type.startswith("image/")]
        assert len(images) > 2  # the two compared, and pictures
        recorded = {a.original_name: stored_provenance(case, a.id) for a in images}
        (record,) = case.records("comparison")
        figures = {case.artifact(k.artifact_id).original_name for k in record.linked("figure")}
        assert figures and figures.isdisjoint({"a1111.png", "other.png"})
        # the compared images get a record; the comparison's own pictures do not
        assert {name for name, meta in recorded.items() if meta} == {"a1111.png", "other.png"}
        assert set(recorded) == figures | {"a1111.png", "other.png"}
        assert recorded["a1111.png"].recipe.seed == 1234
        assert actions(case).count("provenance") == 2
        assert case.verify().ok
