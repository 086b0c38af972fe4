"""Analysis ▸ Model examination: a membership test on the tiny random model, run from the tab with
works chosen from the case and controls added as files, shown and stored; cancelled; refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.gui.conftest import error_box, wait_idle
from workstation.app.case_writer import CaseWriter
from workstation.app.evidence import ImportRequest, import_evidence
from workstation.core.case import Case
from workstation.engine.synthetic_shapes import write_dataset

EXAM_TIMEOUT_MS = 120_000


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    from workstation.engine.tiny import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("exam-gui") / "tiny.safetensors", "single-file")


@pytest.fixture(scope="module")
def scenes(tmp_path_factory) -> list[Path]:
    folder = write_dataset(tmp_path_factory.mktemp("scenes"), 6, seed=5, size=32, kind="scene")
    return sorted(folder.glob("*.png"))


@pytest.fixture
def exam(qtbot, window, sample_case, tiny_model, scenes):
    """The tab on the sample case with two works imported into it; the form names the tiny model,
    ticks the two works from the case's images and adds four controls as files."""
    import_evidence(
        ImportRequest(files=tuple(scenes[:2]), role="reference"), CaseWriter(sample_case)
    )
    window.open_case(sample_case)
    wait_idle(qtbot, window)
    window.show_panel("analysis")
    tab = window.analysis_panel.exam_tab
    window.analysis_panel.tabs.setCurrentWidget(tab)
    form = tab.form
    form.model.setText(str(tiny_model))
    form.timesteps.setValue(3)
    with Case.open(sample_case) as case:
        works = [case.object_path(case.find_artifact(_sha(p)).sha256) for p in scenes[:2]]
    form.works.tick(works)
    form.controls.tick([])
    form.controls.add_files([str(p) for p in scenes[2:]])
    assert form.works.paths() == [str(p) for p in works]
    assert len(form.controls.paths()) == 4
    return tab


def _sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def case_state(root):
    with Case.open(root) as case:
        return len(case.artifacts()), len(case.records()), case.chain_head()


def test_a_membership_test_runs_is_shown_and_stored(qtbot, window, exam, sample_case):
    form = exam.form
    assert exam.records.count() == 0 and exam.table.rowCount() == 0
    job = form.run()
    assert job is not None and form.cancel_button.isEnabled() and not form.run_button.isEnabled()
    wait_idle(qtbot, window, EXAM_TIMEOUT_MS)

    assert "Stored as record #" in form.status.text() and form.run_button.isEnabled()
    with Case.open(sample_case) as case:
        (record,) = case.records("exam")
        assert case.verify().ok
    results = record.payload["results"]
    assert record.payload["method"] == "membership" and len(results["controls"]) == 4
    # The table: one row per work and method, the record's numbers.
    assert exam.records.count() == 1 and exam.table.rowCount() == 2 * 3
    cells = [
        [exam.table.item(row, c).text() for c in range(exam.table.columnCount())]
        for row in range(exam.table.rowCount())
    ]
    expected = [
        [
            Path(work["path"]).name,
            {"loss": "loss", "pia": "PIA", "sima": "SimA"}[method],  # short names
            f"{score:.4g}",
            f"{work['p_value'][method]:.3f}",
            f"{work['effect_size'][method]:.2f}",
            "—",  # no LoRA: no Δ
            "—",  # and no adjusted Δ
        ]
        for work in results["works"]
        for method, score in work["scores"].items()
    ]
    assert cells == expected
    assert "CopyMark" in exam.limit.text() and "Works: 2; controls: 4" in exam.summary.text()


def test_a_set_test_is_shown_per_method(qtbot, window, exam, sample_case):
    form = exam.form
    form.test.setCurrentIndex(form.test.findData("set"))
    form.run()
    wait_idle(qtbot, window, EXAM_TIMEOUT_MS)
    with Case.open(sample_case) as case:
        (record,) = case.records("exam")
    methods = record.payload["results"]["methods"]
    assert record.payload["method"] == "set"
    shown = [exam.table.item(r, 0).text() for r in range(exam.table.rowCount())]
    assert shown == [{"loss": "loss", "pia": "PIA", "sima": "SimA"}[m] for m in methods]
    assert exam.table.item(0, 2).text() == f"{methods['loss']['p_value']:.4f}"


def test_cancel_returns_to_idle_and_stores_nothing(qtbot, window, exam, sample_case):
    form = exam.form
    before = case_state(sample_case)
    job = form.run()
    with qtbot.waitSignal(job.signals.cancelled, timeout=EXAM_TIMEOUT_MS):
        form.cancel()  # the job stops at its next image at the latest
    wait_idle(qtbot, window)
    assert "Cancelled" in form.status.text()
    assert form.run_button.isEnabled() and not form.cancel_button.isEnabled()
    assert case_state(sample_case) == before and exam.records.count() == 0


def test_no_controls_is_a_one_line_error_and_the_case_unchanged(qtbot, window, exam, sample_case):
    before = case_state(sample_case)
    exam.form.controls.tick([])
    exam.form.run()
    wait_idle(qtbot, window, EXAM_TIMEOUT_MS)
    box = error_box(window)
    assert box is not None and "no controls" in box.text().lower() and "\n" not in box.text()
    box.close()
    assert case_state(sample_case) == before


def test_a_prompt_screen_runs_and_shows_each_prompt(qtbot, window, exam, sample_case):
    form = exam.form
    form.test.setCurrentIndex(form.test.findData("prompts"))
    form.reference.setCurrentIndex(form.reference.findData("batch"))
    form.prompts.setPlainText("a knight\n\na castle\n")
    form.run()
    wait_idle(qtbot, window, EXAM_TIMEOUT_MS)
    assert "Stored as record #" in form.status.text()
    with Case.open(sample_case) as case:
        (record,) = case.records("exam")
    prompts = record.payload["results"]["prompts"]
    assert record.payload["method"] == "prompts" and len(prompts) == 2
    shown = [
        (exam.table.item(r, 0).text(), exam.table.item(r, 2).text())
        for r in range(exam.table.rowCount())
    ]
    assert shown == [(p["prompt"], f"{p['z']:.2f}") for p in prompts]
    flagged = len(record.payload["results"]["flagged"])
    assert f"Prompts flagged: {flagged} of 2." == exam.summary.text()


def test_an_attribution_record_is_shown_with_its_error_rates(qtbot, window, sample_case):
    from workstation.core.records import Exam

    calibration = {
        "own": [0.01],
        "real": [0.09],
        "threshold": 0.0345,
        "false_negative_rate": 0.25,
        "false_positive_rate": 0.125,
        "ranked_first": 0.75,
    }
    ranking = [
        {
            "model": f"/m/{name}.safetensors",
            "sha256": "ab" * 32,
            "distance": d,
            "calibration": calibration,
        }
        for name, d in (("alpha", 0.0213), ("beta", 0.0877))
    ]
    with Case.open(sample_case) as case, case.transaction():
        case.add_record(
            Exam(
                method="attribute",
                model={"models": []},
                loras=[],
                inputs={},
                settings={},
                results={
                    "ranking": ranking,
                    "indistinguishable": [["/m/alpha.safetensors", "/m/gamma.safetensors"]],
                },
                limits=["The ranking is only among the local models examined."],
            ),
            [],
        )
    window.open_case(sample_case)
    wait_idle(qtbot, window)
    tab = window.analysis_panel.exam_tab
    assert tab.records.count() == 1
    assert [tab.table.item(r, 0).text() for r in range(2)] == [
        "alpha.safetensors",
        "beta.safetensors",
    ]
    assert [tab.table.item(0, c).text() for c in range(1, 5)] == [
        "0.0213",
        "0.0345",
        "0.25",
        "0.12",
    ]
    assert "alpha.safetensors, gamma.safetensors" in tab.summary.text()
    # The limit is the report's own sentence for an attribution, in the window's language.
    from workstation.report.strings import Strings

    assert tab.limit.text() == Strings("en")("exam_limit_attribute")
    assert "only among the local models examined" in tab.limit.text()


def test_the_form_builds_the_request_the_cli_builds(exam, tiny_model, scenes, tmp_path):
    from workstation.app.exam import MembershipRequest, SetTestRequest
    from workstation.app.requests import from_arguments
    from workstation.cli import build_parser

    form = exam.form
    lora = tmp_path / "lora.safetensors"
    form.lora.setText(str(lora))
    form.seed.setValue(7)
    works, controls = form.works.paths(), form.controls.paths()
    for test, request_type in (("membership", MembershipRequest), ("set", SetTestRequest)):
        form.test.setCurrentIndex(form.test.findData(test))
        argv = ["exam", test, "--model", tiny_model, "--lora", lora, "--works", *works]
        argv += ["--controls", *controls, "--seed", 7, "--timesteps", 3]
        cli = from_arguments(request_type, build_parser().parse_args([str(a) for a in argv]))
        assert form.request() == cli


@pytest.mark.slow
def test_an_attribution_runs_on_the_one_ticked_work(qtbot, window, exam, sample_case, tiny_model):
    form = exam.form
    form.test.setCurrentIndex(form.test.findData("attribute"))
    form.run()  # two works ticked: refused before anything runs
    box = error_box(window)
    assert box is not None and "exactly one image" in box.text() and not window.runner.busy
    box.close()
    form.works.tick(form.works.paths()[:1])
    form.run()
    wait_idle(qtbot, window, EXAM_TIMEOUT_MS)
    assert "Stored as record #" in form.status.text()
    with Case.open(sample_case) as case:
        (record,) = case.records("exam")
    (reading,) = record.payload["results"]["ranking"]
    assert record.payload["method"] == "attribute" and reading["model"] == str(tiny_model)
    assert exam.table.item(0, 0).text() == tiny_model.name
    assert exam.table.item(0, 1).text() == f"{reading['distance']:.4g}"


def test_the_form_shows_only_the_fields_the_chosen_test_reads(qtbot, window):
    from workstation.gui.panels.exam_tab import FIELDS

    form = window.analysis_panel.exam_tab.form
    layout = form.layout_form
    seen = {}
    for index in range(form.test.count()):
        form.test.setCurrentIndex(index)
        test = form.test.currentData()
        seen[test] = {name for name, field in form.rows.items() if layout.isRowVisible(field)}
    assert seen == FIELDS
    # The membership test asks for works and controls, never prompts; the prompt screen the
    # reverse; the extraction its image count.
    assert {"works", "controls"} <= seen["membership"] and "prompts" not in seen["membership"]
    assert "prompts" in seen["prompts"] and "controls" not in seen["prompts"]
    assert "count" in seen["extract"] and "count" not in seen["set"]
