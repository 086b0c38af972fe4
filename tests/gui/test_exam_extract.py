"""Analysis ▸ Model examination ▸ Extraction: the tiny random model with a tiny LoRA, run from the
tab with progress, shown as cluster centres beside their nearest case works and stored;
cancelled; refused without a LoRA; the form builds the request the CLI builds."""

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

    return build_tiny_model(
        tmp_path_factory.mktemp("extract-gui") / "tiny.safetensors", "single-file"
    )


@pytest.fixture(scope="module")
def tiny_lora(tmp_path_factory) -> Path:
    from workstation.engine.tiny import build_tiny_lora

    return build_tiny_lora(tmp_path_factory.mktemp("extract-lora") / "lora.safetensors", seed=1)


@pytest.fixture
def extract_tab(qtbot, window, sample_case, tiny_model, tiny_lora, tmp_path):
    """The tab on the sample case with two scenes imported as reference works; the form set to
    the extraction with the tiny model and LoRA, four images from seed 3."""
    scenes = sorted(
        write_dataset(tmp_path / "scenes", 2, seed=5, size=32, kind="scene").glob("*.png")
    )
    import_evidence(ImportRequest(files=tuple(scenes), role="reference"), CaseWriter(sample_case))
    window.open_case(sample_case)
    wait_idle(qtbot, window)
    window.show_panel("analysis")
    tab = window.analysis_panel.exam_tab
    window.analysis_panel.tabs.setCurrentWidget(tab)
    form = tab.form
    form.test.setCurrentIndex(form.test.findData("extract"))
    form.model.setText(str(tiny_model))
    form.lora.setText(str(tiny_lora))
    form.count.setValue(4)
    form.seed.setValue(3)
    return tab


def case_state(root):
    with Case.open(root) as case:
        return len(case.artifacts()), len(case.records()), case.chain_head()


def test_an_extraction_runs_with_progress_and_shows_each_centre_beside_its_work(
    qtbot, window, extract_tab, sample_case
):
    form = extract_tab.form
    events = []
    job = form.run()
    assert job is not None and form.cancel_button.isEnabled() and not form.run_button.isEnabled()
    job.signals.progress.connect(events.append)
    wait_idle(qtbot, window, EXAM_TIMEOUT_MS)

    assert "Stored as record #" in form.status.text() and form.run_button.isEnabled()
    assert events and events[-1].total == 2 * 10 and events[-1].step == events[-1].total
    with Case.open(sample_case) as case:
        (record,) = case.records("exam")
        references = {a.id: a for a in case.artifacts(role="reference")}
        assert case.verify().ok
    payload = record.payload
    assert payload["method"] == "extract" and payload["settings"]["seeds"] == [3, 4, 5, 6]
    # the default "all in one batch" records what the CLI without --seeds-per-item records
    assert form.seeds_per_item.value() == 0 and "seeds_per_item" not in payload["settings"]
    clusters = payload["results"]["clusters"]
    table = extract_tab.table
    assert extract_tab.records.count() == 1 and table.rowCount() == len(clusters) >= 1
    for row, cluster in enumerate(clusters):
        near = cluster["nearest"][0]
        assert near["artifact_id"] in references
        assert table.item(row, 0).text() == f"seed {cluster['medoid_seed']}"
        assert table.item(row, 1).text() == str(len(cluster["members"]))
        assert table.item(row, 3).text() == f"#{near['artifact_id']}  {near['name']}"
        assert table.item(row, 4).text() == f"{near['phash_distance']} / 64"
        # the centre's generated image and the work's image are shown
        assert not table.item(row, 0).icon().isNull()
        assert not table.item(row, 3).icon().isNull()
    assert "w' = 3.0" in extract_tab.summary.text()
    assert "CopyMark" in extract_tab.limit.text()
    assert "extraction" in extract_tab.records.item(0).text()


def test_seeds_per_item_reaches_the_run_and_is_recorded(qtbot, window, extract_tab, sample_case):
    form = extract_tab.form
    assert form.seeds_per_item.text() == "all in one batch"
    assert form.layout_form.isRowVisible(form.seeds_per_item)
    form.seeds_per_item.setValue(2)
    assert form.run() is not None
    wait_idle(qtbot, window, EXAM_TIMEOUT_MS)
    assert "Stored as record #" in form.status.text()
    with Case.open(sample_case) as case:
        (record,) = case.records("exam")
        assert case.verify().ok
    settings = record.payload["settings"]
    assert settings["seeds_per_item"] == 2 and settings["seeds"] == [3, 4, 5, 6]
    # the other tests do not show the field
    form.test.setCurrentIndex(form.test.findData("membership"))
    assert not form.layout_form.isRowVisible(form.seeds_per_item)


def test_cancel_returns_to_idle_and_stores_nothing(qtbot, window, extract_tab, sample_case):
    form = extract_tab.form
    before = case_state(sample_case)
    job = form.run()
    with qtbot.waitSignal(job.signals.cancelled, timeout=EXAM_TIMEOUT_MS):
        form.cancel()  # the job stops at its next UNet pass at the latest
    wait_idle(qtbot, window)
    assert "Cancelled" in form.status.text()
    assert form.run_button.isEnabled() and not form.cancel_button.isEnabled()
    assert case_state(sample_case) == before and extract_tab.records.count() == 0


def test_no_lora_is_a_one_line_error_and_nothing_runs(qtbot, window, extract_tab, sample_case):
    before = case_state(sample_case)
    extract_tab.form.lora.setText("")
    assert extract_tab.form.run() is None and not window.runner.busy
    box = error_box(window)
    assert box is not None and "no lora" in box.text().lower() and "\n" not in box.text()
    box.close()
    extract_tab.form.lora.setText("/nowhere/lora.safetensors")
    extract_tab.form.run()
    wait_idle(qtbot, window, EXAM_TIMEOUT_MS)
    box = error_box(window)
    assert box is not None and "\n" not in box.text() and "Traceback" not in box.text()
    box.close()
    assert case_state(sample_case) == before


def test_the_form_builds_the_request_the_cli_builds(extract_tab, tiny_model, tiny_lora):
    from workstation.app.exam_extract import ExtractRequest
    from workstation.app.requests import from_arguments
    from workstation.cli import build_parser

    form = extract_tab.form
    form.prompts.setPlainText("\n  a red circle  \n")
    argv = ["exam", "extract", "--model", tiny_model, "--lora", tiny_lora]
    argv += ["--count", 4, "--seed", 3, "--prompt", "a red circle"]
    cli = from_arguments(ExtractRequest, build_parser().parse_args([str(a) for a in argv]))
    assert form.request() == cli and cli.seeds_per_item is None
    form.seeds_per_item.setValue(2)
    argv += ["--seeds-per-item", 2]
    cli = from_arguments(ExtractRequest, build_parser().parse_args([str(a) for a in argv]))
    assert form.request() == cli and cli.seeds_per_item == 2
    form.prompts.setPlainText("one\ntwo")
    with pytest.raises(Exception, match="one prompt"):
        form.request()
